package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// BenchmarkCNNStep times one training step (forward, backward, Grads and
// a gradient step) of NewMNISTCNN in float32 on a batch of 64 random
// images, and reports samples per second: 60000 over it is an epoch's
// training time.
func BenchmarkCNNStep(b *testing.B) {
	const batch = 64
	r := rand.New(rand.NewPCG(1, 2))
	m := nn.NewMNISTCNN[float32](r)
	params := m.Params()
	x := tensor.RandUniform[float32](r, 0, 1, batch, 1, 28, 28)
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(10)
	}
	tp := autograd.New[float32]()
	var grads []*tensor.Dense[float32]
	step := func() {
		tp.Reset()
		tp.Backward(nn.SoftmaxCrossEntropy(m.Forward(tp, tp.Const(x)), labels))
		grads = m.Grads(tp, grads[:0])
		for i, p := range params {
			tensor.AddScaledTo(p.Value, p.Value, -0.01, grads[i])
		}
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "samples/s")
}
