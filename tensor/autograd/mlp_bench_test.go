package autograd_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/internal/mlp"
	"github.com/gobackprop/backprop/tensor"
)

func BenchmarkMLP(b *testing.B) {
	for _, batch := range []int{64, 256} {
		b.Run(fmt.Sprintf("f32/b%d", batch), func(b *testing.B) { benchMLP[float32](b, batch) })
		b.Run(fmt.Sprintf("f64/b%d", batch), func(b *testing.B) { benchMLP[float64](b, batch) })
	}
}

// mnistSized returns a 784-128-10 network (package internal/mlp, the one
// copy of the benchmarks' network, written with nn and optim) and a batch of random inputs in
// [0, 1) with random labels, from a fixed seed: MNIST's shapes.
func mnistSized[T tensor.Float](batch int) (m *mlp.MLP[T], x *tensor.Dense[T], labels []int) {
	r := rand.New(rand.NewPCG(1, 2))
	m = mlp.New[T](r, 784, 128, 10)
	x = tensor.RandUniform[T](r, 0, 1, batch, 784)
	labels = make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(10)
	}
	return m, x, labels
}

func benchMLP[T tensor.Float](b *testing.B, batch int) {
	m, x, labels := mnistSized[T](batch)
	m.Step(x, labels, 0.1)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Step(x, labels, 0.1)
	}
	b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
