// Package mlp is the network that the benchmarks train, in one copy for
// tensor/autograd's BenchmarkMLP and bench's mlp task: in → hidden (ReLU)
// → classes, PyTorch's initialisation, plain SGD on the softmax
// cross-entropy, written with packages nn and optim as a user would.
package mlp

import (
	"math/rand/v2"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// MLP is the network with its tape, optimiser and gradients.
type MLP[T tensor.Float] struct {
	Net    *nn.Sequential[T]
	Params []nn.Param[T] // 0.weight, 0.bias, 2.weight, 2.bias
	opt    *optim.SGD[T]
	tape   *autograd.Tape[T]
	grads  []*tensor.Dense[T]
}

// New returns the network, initialised with r as PyTorch's nn.Linear
// is: weights and biases uniform in ±1/√fan-in.
func New[T tensor.Float](r *rand.Rand, in, hidden, classes int) *MLP[T] {
	net := nn.NewSequential(
		nn.NewLinear[T](r, in, hidden, nn.PyTorch),
		nn.ReLU[T]{},
		nn.NewLinear[T](r, hidden, classes, nn.PyTorch),
	)
	ps := net.Params()
	return &MLP[T]{
		Net:    net,
		Params: ps,
		opt:    optim.NewSGD(ps, optim.SGDSettings{}),
		tape:   autograd.New[T](),
		grads:  make([]*tensor.Dense[T], 0, len(ps)),
	}
}

// Step records the loss of the batch x (samples × in) with its labels,
// runs the backward pass and takes one SGD step of rate lr. It returns
// the loss before the step. Once warm, it allocates nothing.
func (m *MLP[T]) Step(x *tensor.Dense[T], labels []int, lr float64) T {
	t := m.tape
	t.Reset()
	loss := nn.SoftmaxCrossEntropy(m.Net.Forward(t, t.Const(x)), labels)
	t.Backward(loss)
	m.grads = m.Net.Grads(t, m.grads[:0])
	m.opt.LR = lr
	m.opt.Step(m.grads)
	return loss.Value().At()
}
