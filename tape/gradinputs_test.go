package tape

import (
	"slices"
	"testing"
)

// TestGradInputs checks Grad, which runs the backward pass only down to
// its last input and copies the adjoints of the inputs in a row, against
// Gradient, when the output is an input, is made before the last input's
// use, and when f makes more inputs of its own.
func TestGradInputs(t *testing.T) {
	fs := map[string]func(t *Tape, x []Var) Var{
		"first":  func(_ *Tape, x []Var) Var { return x[0] },
		"middle": func(_ *Tape, x []Var) Var { return x[1] },
		"last":   func(_ *Tape, x []Var) Var { return x[2] },
		"square": func(_ *Tape, x []Var) Var { return x[1].Mul(x[1]) },
		"chain":  func(_ *Tape, x []Var) Var { return x[0].Mul(x[2]).Sub(x[1]).MulConst(3).Add(x[0]) },
		"own input": func(t *Tape, x []Var) Var {
			y := t.Var(5)
			return y.Mul(x[2]).Add(y.Mul(x[0]))
		},
		"const": func(t *Tape, x []Var) Var { return t.Const(2).Mul(x[1]) },
	}
	x := []float64{1.5, -2, 3}
	for name, f := range fs {
		tp := New()
		v, got := tp.Grad(nil, f, x)
		ref := New()
		xs := ref.Vars(x)
		out := f(ref, xs)
		want := ref.Gradient(nil, out, xs)
		if v != out.Value() || !slices.Equal(got, want) {
			t.Errorf("%s: Grad = %v, %v; want %v, %v", name, v, got, out.Value(), want)
		}
		// Again on the warm tape, and the adjoints after Grad.
		tp.Grad(got, f, x)
		if !slices.Equal(got, want) {
			t.Errorf("%s: warm Grad = %v, want %v", name, got, want)
		}
		for k := range xs {
			if a, b := tp.Adjoint(tp.xs[k]), ref.Adjoint(xs[k]); a != b {
				t.Errorf("%s: Adjoint(x[%d]) = %v, want %v", name, k, a, b)
			}
		}
	}
}
