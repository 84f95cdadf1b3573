package autograd_test

import (
	"math"
	"math/rand/v2"

	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// mlp is a network of two layers, in → hidden (ReLU) → classes, trained
// by plain SGD on the softmax cross-entropy: the MLP of issue 8, written
// with the array API as a user would. bench/mlp.go holds the same code.
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

// step records the loss of the batch x (samples × in) with its labels,
// runs the backward pass and takes one SGD step of rate lr. It returns
// the loss before the step.
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
