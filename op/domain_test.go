package op_test

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/op"
)

// TestTails checks the partials far in the tails against values computed
// to 40 digits (mpmath): the forms 1 - tanh² and σ·(1 - σ) cancel there
// and would fail every row but the first.
func TestTails(t *testing.T) {
	tests := []struct {
		o    op.Op
		x    float64
		want float64
	}{
		{op.Tanh, 0.5, 0.78644773296592741},
		{op.Tanh, 10, 8.2446144557673973746e-9},
		{op.Tanh, 20, 1.6993417021166355837e-17},
		{op.Tanh, -20, 1.6993417021166355837e-17},
		{op.Tanh, 30, 3.5026043050786081354e-26},
		{op.Sigmoid, 30, 9.3576229688384233028e-14},
		{op.Sigmoid, 40, 4.2483542552915889592e-18},
		{op.Sigmoid, -40, 4.2483542552915889592e-18},
		{op.Sigmoid, 700, 9.8596765437597708567e-305},
		{op.Sigmoid, -700, 9.8596765437597708567e-305},
	}
	for _, tt := range tests {
		dx, _ := tt.o.Partials(tt.x, 0, tt.o.Eval(tt.x, 0))
		if err := math.Abs(dx-tt.want) / tt.want; !(err < 1e-14) {
			t.Errorf("%v'(%g) = %.17g, want %.17g (relative error %.2g)", tt.o, tt.x, dx, tt.want, err)
		}
	}
}

// TestEdges pins the partials at the edges of the domains, which
// op.Derivative then turns into NaN where they are not finite.
func TestEdges(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct {
		name   string
		o      op.Op
		x, y   float64
		dx, dy float64
	}{
		{"sqrt at 0", op.Sqrt, 0, 0, inf, 0},
		{"log at 0", op.Log, 0, 0, inf, 0},
		{"atan2 at the origin", op.Atan2, 0, 0, nan, nan},
		{"0^0", op.Pow, 0, 0, nan, math.Inf(-1)},
		{"0^-1", op.Pow, 0, -1, math.Inf(-1), math.Inf(-1)},
		{"0^1", op.Pow, 0, 1, 1, nan},
		{"0^2", op.Pow, 0, 2, 0, nan},
		{"(-2)^3", op.Pow, -2, 3, 12, nan},
		{"2^0", op.Pow, 2, 0, 0, math.Ln2},
	}
	for _, tt := range tests {
		dx, dy := tt.o.Partials(tt.x, tt.y, tt.o.Eval(tt.x, tt.y))
		if !same(dx, tt.dx) || !same(dy, tt.dy) {
			t.Errorf("%s: partials (%g, %g), want (%g, %g)", tt.name, dx, dy, tt.dx, tt.dy)
		}
	}
}

func TestDerivative(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	tests := []struct{ v, d, want float64 }{
		{1, 2, 2},
		{1, 0, 0},
		{inf, 2, 2}, // f = x + 1e308·1e308 has a value of +Inf and a derivative of 1
		{1, inf, nan},
		{1, -inf, nan},
		{1, nan, nan},
		{nan, 2, nan},
		{nan, 0, nan},
		{-inf, -inf, nan},
	}
	for _, tt := range tests {
		if got := op.Derivative(tt.v, tt.d); !same(got, tt.want) {
			t.Errorf("Derivative(%g, %g) = %g, want %g", tt.v, tt.d, got, tt.want)
		}
	}
	g := op.Gradient(nan, []float64{1, 0, -2})
	for i, d := range g {
		if !math.IsNaN(d) {
			t.Errorf("Gradient(NaN, …)[%d] = %g, want NaN", i, d)
		}
	}
	g = op.Gradient(3, []float64{1, inf, 0, nan})
	if want := []float64{1, nan, 0, nan}; !sameSlice(g, want) {
		t.Errorf("Gradient(3, …) = %v, want %v", g, want)
	}
}

func sameSlice(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !same(a[i], b[i]) {
			return false
		}
	}
	return true
}

// TestGradientFastPath checks op.Gradient's test of a whole gradient for
// finiteness at every position of a non-finite element, whatever the
// length of the tail after the groups of four.
func TestGradientFastPath(t *testing.T) {
	for n := range 11 {
		for i := range n {
			for _, bad := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
				g := make([]float64, n)
				for k := range g {
					g[k] = float64(k) - 4.5
				}
				g[i] = bad
				op.Gradient(1, g)
				for k, d := range g {
					if got := math.IsNaN(d); got != (k == i) {
						t.Errorf("n = %d, element %d = %g: after Gradient, element %d is %g", n, i, bad, k, d)
					}
				}
			}
		}
	}
}

func BenchmarkGradient(b *testing.B) {
	g := make([]float64, 100_000)
	for i := range g {
		g[i] = float64(i)
	}
	for b.Loop() {
		op.Gradient(1, g)
	}
}
