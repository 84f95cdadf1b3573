//go:build !race

package nn_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// TestStepAllocs checks that a warm step of Linear-ReLU-Linear with the
// softmax cross-entropy, its backward pass, Grads and a plain gradient
// step allocates nothing.
func TestStepAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := nn.NewSequential(
		nn.NewLinear[float32](r, 20, 16, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.NewLinear[float32](r, 16, 4, nn.PyTorch),
	)
	params := m.Params()
	x := tensor.RandUniform[float32](r, 0, 1, 8, 20)
	labels := []int{0, 1, 2, 3, 0, 1, 2, 3}
	tp := autograd.New[float32]()
	var grads []*tensor.Dense[float32]
	step := func() {
		tp.Reset()
		tp.Backward(nn.SoftmaxCrossEntropy(m.Forward(tp, tp.Const(x)), labels))
		grads = m.Grads(tp, grads[:0])
		for i, p := range params {
			tensor.AddScaledTo(p.Value, p.Value, -0.1, grads[i])
		}
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("%v allocations per step, want 0", a)
	}
}

// TestCNNStepAllocs checks that a warm step of a small CNN (convolution,
// bias, ReLU, max-pooling, flattening, Linear, dropout, softmax
// cross-entropy), its backward pass, Grads and a plain gradient step
// allocates nothing.
func TestCNNStepAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pad := tensor.Window{Padding: [2]int{1, 1}}
	m := nn.NewSequential(
		nn.NewConv2D[float32](r, 1, 4, 3, 3, pad, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.MaxPool2D[float32]{KH: 2, KW: 2},
		nn.NewConv2D[float32](r, 4, 8, 3, 3, pad, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.MaxPool2D[float32]{KH: 2, KW: 2},
		nn.Flatten[float32]{},
		nn.NewDropout[float32](r, 0.25),
		nn.NewLinear[float32](r, 8*3*3, 4, nn.PyTorch),
	)
	params := m.Params()
	x := tensor.RandUniform[float32](r, 0, 1, 8, 1, 12, 12)
	labels := []int{0, 1, 2, 3, 0, 1, 2, 3}
	tp := autograd.New[float32]()
	var grads []*tensor.Dense[float32]
	step := func() {
		tp.Reset()
		tp.Backward(nn.SoftmaxCrossEntropy(m.Forward(tp, tp.Const(x)), labels))
		grads = m.Grads(tp, grads[:0])
		for i, p := range params {
			tensor.AddScaledTo(p.Value, p.Value, -0.1, grads[i])
		}
	}
	step()
	if a := testing.AllocsPerRun(5, step); a != 0 {
		t.Errorf("%v allocations per step, want 0", a)
	}
}
