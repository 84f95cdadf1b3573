package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

type (
	tape  = autograd.Tape[float64]
	vr    = autograd.Var[float64]
	dense = tensor.Dense[float64]
)

// gradCheck compares the gradients of a scalar with respect to the
// arrays xs, recorded by loss on a tape and read by grads after Backward
// (in the order of xs), with central differences over each array's
// elements.
func gradCheck(t *testing.T, xs []*dense, loss func(*tape) vr, grads func(*tape) []*dense) {
	t.Helper()
	tp := autograd.New[float64]()
	l := loss(tp)
	tp.Backward(l)
	got := grads(tp)
	if len(got) != len(xs) {
		t.Fatalf("%d gradients for %d arrays", len(got), len(xs))
	}
	for k, x := range xs {
		got := got[k].Clone().Data()
		data := x.Data()
		orig := slices.Clone(data)
		want := fd.Gradient(nil, func(v []float64) float64 {
			copy(data, v)
			tp := autograd.New[float64]()
			return loss(tp).Value().At()
		}, slices.Clone(orig), &fd.Settings{Formula: fd.Central})
		copy(data, orig)
		for i := range want {
			if d := math.Abs(got[i] - want[i]); d > 1e-6*(1+math.Abs(want[i])) {
				t.Errorf("array %d, element %d: gradient %v, central differences %v", k, i, got[i], want[i])
			}
		}
	}
}

// checkModule checks the gradients of sum(m(x) ⊙ r), r random, with
// respect to x and m's parameters.
func checkModule(t *testing.T, r *rand.Rand, m nn.Module[float64], x *dense) {
	t.Helper()
	var xv vr
	xs := []*dense{x}
	for _, p := range m.Params() {
		xs = append(xs, p.Value)
	}
	var weights *dense
	gradCheck(t, xs, func(tp *tape) vr {
		xv = tp.Var(x)
		y := m.Forward(tp, xv)
		if weights == nil {
			weights = tensor.RandNormal[float64](r, y.Shape()...)
		}
		return autograd.Sum(autograd.Mul(y, tp.Const(weights)), nil, false)
	}, func(tp *tape) []*dense {
		return m.Grads(tp, []*dense{tp.Grad(xv)})
	})
}

// awayFromZero returns a random array whose elements are at least 0.1
// from 0, where ReLU has its kink.
func awayFromZero(r *rand.Rand, shape ...int) *dense {
	x := tensor.RandNormal[float64](r, shape...)
	d := x.Data()
	for i, v := range d {
		d[i] = math.Copysign(0.1+math.Abs(v), v)
	}
	return x
}

func TestGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, init := range []nn.Init{nn.PyTorch, nn.He, nn.Glorot} {
		t.Run("linear/"+init.String(), func(t *testing.T) {
			checkModule(t, r, nn.NewLinear[float64](r, 4, 3, init), tensor.RandNormal[float64](r, 2, 4))
		})
	}
	t.Run("linear/nobias", func(t *testing.T) {
		l := nn.NewLinear[float64](r, 4, 3, nn.PyTorch)
		l.Bias = nil
		checkModule(t, r, l, tensor.RandNormal[float64](r, 2, 4))
	})
	t.Run("relu", func(t *testing.T) { checkModule(t, r, nn.ReLU[float64]{}, awayFromZero(r, 3, 4)) })
	t.Run("tanh", func(t *testing.T) { checkModule(t, r, nn.Tanh[float64]{}, tensor.RandNormal[float64](r, 3, 4)) })
	t.Run("sigmoid", func(t *testing.T) { checkModule(t, r, nn.Sigmoid[float64]{}, tensor.RandNormal[float64](r, 3, 4)) })
	t.Run("sequential", func(t *testing.T) {
		m := nn.NewSequential(
			nn.NewLinear[float64](r, 4, 5, nn.He),
			nn.Tanh[float64]{},
			nn.NewLinear[float64](r, 5, 3, nn.Glorot),
			nn.Sigmoid[float64]{},
		)
		// He and Glorot leave biases zero: make them something.
		for _, p := range m.Params() {
			if p.Value.Rank() == 1 {
				copy(p.Value.Data(), tensor.RandNormal[float64](r, p.Value.Shape()...).Data())
			}
		}
		checkModule(t, r, m, tensor.RandNormal[float64](r, 2, 4))
	})
	t.Run("softmaxcrossentropy", func(t *testing.T) {
		logits := tensor.RandNormal[float64](r, 3, 4)
		labels := []int{2, 0, 3}
		var v vr
		gradCheck(t, []*dense{logits}, func(tp *tape) vr {
			v = tp.Var(logits)
			return nn.SoftmaxCrossEntropy(v, labels)
		}, func(tp *tape) []*dense { return []*dense{tp.Grad(v)} })
	})
	t.Run("mse", func(t *testing.T) {
		pred, target := tensor.RandNormal[float64](r, 3, 2), tensor.RandNormal[float64](r, 3, 2)
		var p, q vr
		gradCheck(t, []*dense{pred, target}, func(tp *tape) vr {
			p, q = tp.Var(pred), tp.Var(target)
			return nn.MSE(p, q)
		}, func(tp *tape) []*dense { return []*dense{tp.Grad(p), tp.Grad(q)} })
	})
}

// TestLosses checks the losses' values against sums written out.
func TestLosses(t *testing.T) {
	tp := autograd.New[float64]()
	logits := tensor.FromSlice([]float64{1, 2, 3, 0, 0, 0}, 2, 3)
	got := nn.SoftmaxCrossEntropy(tp.Const(logits), []int{2, 1}).Value().At()
	lse := math.Log(math.Exp(1) + math.Exp(2) + math.Exp(3))
	want := ((lse - 3) + math.Log(3)) / 2
	if math.Abs(got-want) > 1e-15 {
		t.Errorf("SoftmaxCrossEntropy = %v, want %v", got, want)
	}
	pred := tensor.FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	target := tensor.FromSlice([]float64{0, 2, 5, 4}, 2, 2)
	if got, want := nn.MSE(tp.Const(pred), tp.Const(target)).Value().At(), (1.0+4)/4; got != want {
		t.Errorf("MSE = %v, want %v", got, want)
	}
}

func TestSequentialParams(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	m := nn.NewSequential(
		nn.NewLinear[float32](r, 4, 5, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.NewLinear[float32](r, 5, 3, nn.PyTorch),
	)
	var names []string
	var shapes []string
	for _, p := range m.Params() {
		names = append(names, p.Name)
		shapes = append(shapes, fmt.Sprint(p.Value.Shape()))
	}
	if got, want := fmt.Sprint(names, shapes), "[0.weight 0.bias 2.weight 2.bias] [[4 5] [5] [5 3] [3]]"; got != want {
		t.Errorf("params %s, want %s", got, want)
	}
}

// TestInit checks the ranges of PyTorch's and Glorot's uniform
// initialisations and the standard deviation of He's, from a fixed seed.
func TestInit(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const in, out = 200, 300
	for _, tc := range []struct {
		init       nn.Init
		wmax, bmax float64 // bounds of |weight| and |bias|
		std        float64 // of the weights, 0: not checked
	}{
		{nn.PyTorch, 1 / math.Sqrt(in), 1 / math.Sqrt(in), 0},
		{nn.Glorot, math.Sqrt(6.0 / (in + out)), 0, 0},
		{nn.He, math.Inf(1), 0, math.Sqrt(2.0 / in)},
	} {
		l := nn.NewLinear[float64](r, in, out, tc.init)
		w, b := l.Weight.Data(), l.Bias.Data()
		var maxw, maxb, ss float64
		for _, v := range w {
			maxw = max(maxw, math.Abs(v))
			ss += v * v
		}
		for _, v := range b {
			maxb = max(maxb, math.Abs(v))
		}
		if maxw > tc.wmax || maxw < 0.9*min(tc.wmax, 1e9) && tc.std == 0 {
			t.Errorf("%v: max |weight| %v, want just under %v", tc.init, maxw, tc.wmax)
		}
		if maxb > tc.bmax || tc.bmax > 0 && maxb < 0.9*tc.bmax {
			t.Errorf("%v: max |bias| %v, want just under %v", tc.init, maxb, tc.bmax)
		}
		if std := math.Sqrt(ss / float64(len(w))); tc.std > 0 && math.Abs(std-tc.std) > 0.02*tc.std {
			t.Errorf("%v: weights' standard deviation %v, want %v", tc.init, std, tc.std)
		}
	}
}
