package autograd_test

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/internal/mlp"
	"github.com/gobackprop/backprop/tensor"
)

// TestMLPStep checks one SGD step of a tiny network against central
// differences: with rate 1, the change of the parameters is minus the
// gradient of the loss.
func TestMLPStep(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := mlp.New[float64](r, 5, 4, 3)
	x := tensor.RandNormal[float64](r, 6, 5)
	labels := []int{0, 2, 1, 1, 0, 2}
	var params []*tensor.Dense[float64]
	for _, p := range m.Params {
		params = append(params, p.Value)
	}
	var p0 []float64
	for _, p := range params {
		p0 = append(p0, p.Data()...)
	}
	// The loss as a function of the parameters flattened, with plain
	// array operations, no tape.
	loss := func(p []float64) float64 {
		var ws []*tensor.Dense[float64]
		at := 0
		for _, q := range params {
			ws = append(ws, tensor.FromSlice(p[at:at+q.Size()], q.Shape()...))
			at += q.Size()
		}
		h := tensor.Relu(tensor.Add(tensor.MatMul(x, ws[0]), ws[1]))
		logits := tensor.Add(tensor.MatMul(h, ws[2]), ws[3])
		return tensor.Mean(tensor.SoftmaxCrossEntropy(logits, labels), nil, false).At()
	}
	want := fd.Gradient(nil, loss, p0, &fd.Settings{Formula: fd.Central})
	for step := range 3 { // the first step allocates, the others reuse
		l := m.Step(x, labels, 1)
		if lw := loss(p0); l != lw {
			t.Errorf("step %d: loss %v, want %v", step, l, lw)
		}
		at := 0
		for _, p := range params {
			for _, v := range p.Data() {
				if g := p0[at] - v; !near(g, want[at], 1e-7) {
					t.Errorf("step %d: ∂loss/∂p[%d] = %g, central differences %g", step, at, g, want[at])
				}
				at++
			}
		}
		// Undo the step, so that the next one starts from p0 again.
		at = 0
		for _, p := range params {
			d := p.Data()
			copy(d, p0[at:at+len(d)])
			at += len(d)
		}
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }
