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
