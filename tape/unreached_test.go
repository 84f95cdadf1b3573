package tape

import (
	"math"
	"testing"
)

// TestUnreachedNaN checks that a record out does not depend on leaves
// no NaN in the gradient (0 times its infinite or NaN partial), while a
// record out does depend on still gives NaN where the chain rule meets a
// partial that is not finite, even through an adjoint that is 0: the
// rule of op.Derivative, in Gradient, Grad and Backward alike.
func TestUnreachedNaN(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		f    func(t *Tape, x []Var) Var
		want []float64
	}{
		{"sqrt(x) recorded, x*x returned", []float64{-1}, func(t *Tape, x []Var) Var {
			_ = Sqrt(x[0])
			return Mul(x[0], x[0])
		}, []float64{-2}},
		{"log(x) and 1/y recorded, x+y returned", []float64{0, 0}, func(t *Tape, x []Var) Var {
			_ = Log(x[0])
			_ = Div(t.Const(1), x[1])
			return Add(x[0], x[1])
		}, []float64{1, 1}},
		{"an unused chain from sqrt", []float64{-4, 3}, func(t *Tape, x []Var) Var {
			s := Sqrt(x[0])
			_ = Mul(Sin(s), x[1])
			return Mul(x[0], x[1])
		}, []float64{3, -4}},
		// y·sqrt(x) at y = 0, x = 0: the value is 0, sqrt's partial is
		// +Inf and its adjoint y is 0. The chain rule meets the infinite
		// partial: NaN, as in every other mode.
		{"y*sqrt(x) at (0, 0)", []float64{0, 0}, func(t *Tape, x []Var) Var {
			return Mul(x[1], Sqrt(x[0]))
		}, []float64{math.NaN(), 0}},
	} {
		tp := New()
		v, g := tp.Grad(nil, tc.f, tc.x)
		check := func(how string, got []float64) {
			t.Helper()
			for i := range tc.want {
				if !same(got[i], tc.want[i]) {
					t.Errorf("%s: %s: ∂%d = %v, want %v (value %v)", tc.name, how, i, got[i], tc.want[i], v)
				}
			}
		}
		check("Grad", g)
		tp.Reset()
		xs := make([]Var, len(tc.x))
		for i, xi := range tc.x {
			xs[i] = tp.Var(xi)
		}
		out := tc.f(tp, xs)
		check("Gradient", tp.Gradient(nil, out, xs))
		tp.Backward(out)
		adj := make([]float64, len(xs))
		for i, x := range xs {
			adj[i] = tp.Adjoint(x)
		}
		if !math.IsNaN(tc.want[0]) { // Backward's adjoints are raw: no NaN rule applied
			check("Backward", adj)
		}
	}
}
