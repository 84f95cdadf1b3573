package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gobackprop/backprop/internal/mlp"
	"github.com/gobackprop/backprop/tensor"
)

// runMLP measures training steps of the MLP 784-128-10 with ReLU
// (package internal/mlp, the network of tensor/autograd's BenchmarkMLP,
// written with nn and optim) as run.sh mlp measures PyTorch's: random
// inputs uniform in [0, 1) and labels in 0…9, 16 batches cycled, SGD
// with rate 0.1, 20 warm-up steps, then the median of five timings of
// 200 steps; samples_per_s = batch / seconds per step.
func runMLP(w io.Writer, asJSON bool, log io.Writer) error {
	var recs []gemmRecord
	for _, b := range []int{64, 256} {
		recs = append(recs, measureMLP[float32]("f32", b, log))
	}
	for _, b := range []int{64, 256} {
		recs = append(recs, measureMLP[float64]("f64", b, log))
	}
	if asJSON {
		return writeRecords(w, recs)
	}
	fmt.Fprintf(w, "| task | backprop samples/s |\n|---|---|\n")
	for _, r := range recs {
		fmt.Fprintf(w, "| %s | %.0f |\n", r.Task, r.Value)
	}
	return nil
}

func measureMLP[T tensor.Float](prec string, batch int, log io.Writer) gemmRecord {
	r := rand.New(rand.NewPCG(0, uint64(batch)))
	m := mlp.New[T](r, 784, 128, 10)
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
		m.Step(xs[i%16], ys[i%16], 0.1)
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
