package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// mlp is the network of the mlp task, 784-128-10 with ReLU, trained by
// plain SGD on the softmax cross-entropy, written with the array API as
// a user would: the same code as tensor/autograd's mlp_test.go.
type mlp[T tensor.Float] struct {
	w1, b1, w2, b2 *tensor.Dense[T]
	tape           *autograd.Tape[T]
}

// newMLP initialises the layers as PyTorch's nn.Linear does: weights and
// biases uniform in ±1/√fan-in.
func newMLP[T tensor.Float](r *rand.Rand, in, hidden, classes int) *mlp[T] {
	u := func(fan int, shape ...int) *tensor.Dense[T] {
		s := T(1 / math.Sqrt(float64(fan)))
		return tensor.RandUniform(r, -s, s, shape...)
	}
	return &mlp[T]{
		w1: u(in, in, hidden), b1: u(in, hidden),
		w2: u(hidden, hidden, classes), b2: u(hidden, classes),
		tape: autograd.New[T](),
	}
}

// step records the loss of the batch x with its labels, runs the
// backward pass and takes one SGD step of rate lr.
func (m *mlp[T]) step(x *tensor.Dense[T], labels []int, lr T) T {
	t := m.tape
	t.Reset()
	w1, b1, w2, b2 := t.Var(m.w1), t.Var(m.b1), t.Var(m.w2), t.Var(m.b2)
	h := autograd.Relu(autograd.Add(autograd.MatMul(t.Const(x), w1), b1))
	logits := autograd.Add(autograd.MatMul(h, w2), b2)
	loss := autograd.Mean(autograd.SoftmaxCrossEntropy(logits, labels), nil, false)
	t.Backward(loss)
	for _, p := range [...]struct {
		w *tensor.Dense[T]
		v autograd.Var[T]
	}{{m.w1, w1}, {m.b1, b1}, {m.w2, w2}, {m.b2, b2}} {
		tensor.AddScaledTo(p.w, p.w, -lr, t.Grad(p.v))
	}
	return loss.Value().At()
}

// runMLP measures training steps of the MLP as run.sh mlp measures
// PyTorch's: random inputs uniform in [0, 1) and labels in 0…9, 16
// batches cycled, SGD with rate 0.1, 20 warm-up steps, then the median of
// five timings of 200 steps; samples_per_s = batch / seconds per step.
func runMLP(w io.Writer, asJSON bool, log io.Writer) error {
	var recs []gemmRecord
	for _, b := range []int{64, 256} {
		recs = append(recs, measureMLP[float32]("f32", b, log))
	}
	for _, b := range []int{64, 256} {
		recs = append(recs, measureMLP[float64]("f64", b, log))
	}
	if asJSON {
		enc := json.NewEncoder(w)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(w, "| task | backprop samples/s |\n|---|---|\n")
	for _, r := range recs {
		fmt.Fprintf(w, "| %s | %.0f |\n", r.Task, r.Value)
	}
	return nil
}

func measureMLP[T tensor.Float](prec string, batch int, log io.Writer) gemmRecord {
	r := rand.New(rand.NewPCG(0, uint64(batch)))
	m := newMLP[T](r, 784, 128, 10)
	xs := make([]*tensor.Dense[T], 16)
	ys := make([][]int, 16)
	for k := range xs {
		xs[k] = tensor.RandUniform[T](r, 0, 1, batch, 784)
		ys[k] = make([]int, batch)
		for i := range ys[k] {
			ys[k][i] = r.IntN(10)
		}
	}
	i := 0
	step := func() {
		m.step(xs[i%16], ys[i%16], 0.1)
		i++
	}
	for range 20 {
		step()
	}
	step()
	var samples []float64
	for range 5 {
		start := time.Now()
		for range 200 {
			step()
		}
		samples = append(samples, time.Since(start).Seconds()/200)
	}
	slices.Sort(samples)
	rec := gemmRecord{Task: fmt.Sprintf("mlp_784_128_10_%s_b%d", prec, batch), Tool: "backprop", Metric: "samples_per_s", Value: float64(batch) / samples[2]}
	fmt.Fprintf(log, "%s %s: %.0f samples/s\n", rec.Task, rec.Tool, rec.Value)
	return rec
}
