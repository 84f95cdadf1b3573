package autograd

import (
	"slices"
	"testing"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// mustPanic calls f and checks that it panics with the message want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if r := recover(); r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	f()
}

func TestMisuse(t *testing.T) {
	a, b := New[float64](), New[float64]()
	x := a.Var(tensor.Ones[float64](2))
	y := b.Var(tensor.Ones[float64](2))
	mustPanic(t, "autograd: add: the arguments belong to different tapes", func() { Add(x, y) })
	mustPanic(t, "autograd: value: the zero Var", func() { Var[float64]{}.Value() })
	mustPanic(t, "autograd: backward: out has shape [2], not a single element", func() { a.Backward(x) })
	mustPanic(t, "autograd: sin: sin takes 1 arguments, not 2", func() { Apply(op.Sin, x, x) })
	mustPanic(t, "autograd: apply: const is not an element-wise primitive", func() { Apply(op.Const, x) })
	a.Reset()
	mustPanic(t, "autograd: exp: a Var made before the tape's last Reset", func() { Exp(x) })
}

// TestAccumulation checks that a Var used several times gets the sum of
// its adjoints, that unreached Vars get zeros, and that a tape is reused
// after Reset.
func TestAccumulation(t *testing.T) {
	tp := New[float64]()
	for range 2 {
		tp.Reset()
		x := tp.Var(tensor.FromSlice([]float64{1, 2, 3}, 3))
		unused := tp.Var(tensor.Ones[float64](2, 2))
		// f = Σ x·x + Σ x = Σ (x² + x): ∂f/∂x = 2x + 1.
		f := Add(Sum(Mul(x, x), nil, false), Sum(x, nil, false))
		tp.Backward(f)
		if g := tp.Grad(x).Data(); !slices.Equal(g, []float64{3, 5, 7}) {
			t.Errorf("∂f/∂x = %v, want [3 5 7]", g)
		}
		if g := tp.Grad(unused); g.String() != "[[0. 0.]\n [0. 0.]]" {
			t.Errorf("an unused Var's gradient: %v", g)
		}
		if f.Value().At() != 20 || tp.Len() != 6 {
			t.Errorf("f = %v with %d records", f.Value(), tp.Len())
		}
	}
}

// TestMaxTies checks the convention at ties, where central differences
// cannot: the gradient is shared equally by the maxima.
func TestMaxTies(t *testing.T) {
	tp := New[float64]()
	x := tp.Var(tensor.FromSlice([]float64{1, 3, 3, 2, 2, 0}, 2, 3))
	m := Max(x, []int{1}, false) // [3 2]
	tp.Backward(Sum(Mul(m, tp.Const(tensor.FromSlice([]float64{1, 10}, 2))), nil, false))
	if g := tp.Grad(x).String(); g != "[[0.  0.5 0.5]\n [5.  5.  0. ]]" {
		t.Errorf("gradient at ties:\n%s", g)
	}
}
