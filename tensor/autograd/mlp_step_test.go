package autograd_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/tensor"
)

// TestMLPStep checks one SGD step of a tiny network against central
// differences: with rate 1, the change of the parameters is minus the
// gradient of the loss.
func TestMLPStep(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	m := newMLP[float64](r, 5, 4, 3)
	x := tensor.RandNormal[float64](r, 6, 5)
	labels := []int{0, 2, 1, 1, 0, 2}
	params := []*tensor.Dense[float64]{m.w1, m.b1, m.w2, m.b2}
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
		l := m.step(x, labels, 1)
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

// TestMLPStepAllocs checks that a warm training step of the 784-128-10
// network allocates nothing but what package gemm's kernels allocate by
// themselves for its five matrix products (a few small objects per call
// in gemm's driver: its problem, and on the parallel path a WaitGroup and
// closures). When gemm allocates nothing, neither does the step.
// (testing.AllocsPerRun runs with GOMAXPROCS 1, so gemm takes its serial
// path here: one allocation per product.)
func TestMLPStepAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("a network of 100,000 weights")
	}
	for _, batch := range []int{64, 256} {
		t.Run(fmt.Sprintf("f32/b%d", batch), func(t *testing.T) { testStepAllocs[float32](t, batch) })
		t.Run(fmt.Sprintf("f64/b%d", batch), func(t *testing.T) { testStepAllocs[float64](t, batch) })
	}
}

func testStepAllocs[T tensor.Float](t *testing.T, batch int) {
	r := rand.New(rand.NewPCG(1, 2))
	m := newMLP[T](r, 784, 128, 10)
	x := tensor.RandUniform[T](r, 0, 1, batch, 784)
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = r.IntN(10)
	}
	step := testing.AllocsPerRun(5, func() { m.step(x, labels, 0.1) })
	h, lg := tensor.Zeros[T](batch, 128), tensor.Zeros[T](batch, 10)
	g1, g2 := tensor.Zeros[T](784, 128), tensor.Zeros[T](128, 10)
	gemms := testing.AllocsPerRun(5, func() {
		tensor.Gemm(h, false, false, 1, x, m.w1, 0)
		tensor.Gemm(lg, false, false, 1, h, m.w2, 0)
		tensor.Gemm(g2, true, false, 1, h, lg, 0)
		tensor.Gemm(h, false, true, 1, lg, m.w2, 0)
		tensor.Gemm(g1, true, false, 1, x, h, 0)
	})
	t.Logf("%T batch %d: %v allocations per step, %v of them in package gemm", T(0), batch, step, gemms)
	if step != gemms {
		t.Errorf("%T batch %d: %v allocations per step, package gemm's five products alone %v", T(0), batch, step, gemms)
	}
}
