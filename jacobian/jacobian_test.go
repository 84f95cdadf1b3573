package jacobian_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/jacobian"
)

func program(t *testing.T, src string) *compile.Program {
	t.Helper()
	prog, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := prog.Target("")
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func agree(a, b, tol float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestModes checks forward and reverse mode against each other, bit for
// bit up to the order of sums, and against differences, on tuple
// programs of every shape.
func TestModes(t *testing.T) {
	for _, src := range []string{
		"F(x, y) = (x*y, sin(x) + y)",
		"F(x) = (x^2, exp(x), log(x), x)",
		"F(a, b, c) = (a*b*c, atan2(a, b) + c^2)",
		"g(x) = x^3\nF(x, y, z) = (g(x)*y, g(y) - z, 2, tanh(x*y*z))",
		"(x*y, x/y)",
		"F(x) = x^2",
	} {
		p := program(t, src)
		rnd := rand.New(rand.NewPCG(1, 2))
		for range 5 {
			x := make([]float64, p.NumInputs())
			for i := range x {
				x[i] = 0.2 + rnd.Float64()*2
			}
			fwd := jacobian.Jacobian(nil, nil, p, x, jacobian.Forward)
			rev := jacobian.Jacobian(nil, nil, p, x, jacobian.Reverse)
			num := jacobian.Numeric(p, x)
			m, n := fwd.Dims()
			if m != p.NumOutputs() || n != p.NumInputs() {
				t.Fatalf("%s: %d×%d", src, m, n)
			}
			for k := range m {
				for j := range n {
					f, r, d := fwd.At(k, j), rev.At(k, j), num.At(k, j)
					if !agree(f, r, 1e-14) || !agree(f, d, 1e-6) {
						t.Errorf("%s at %v: J[%d][%d] forward %v, reverse %v, numeric %v", src, x, k, j, f, r, d)
					}
				}
			}
		}
	}
}

// TestNaN checks that both modes put NaN in the same places: the row of
// an output that is NaN, and the entries whose chain rule is not finite.
func TestNaN(t *testing.T) {
	p := program(t, "F(x, y) = (sqrt(x) + y, log(y), x*y)")
	x := []float64{0, -1}
	fwd := jacobian.Jacobian(nil, nil, p, x, jacobian.Forward)
	rev := jacobian.Jacobian(nil, nil, p, x, jacobian.Reverse)
	want := [][]float64{{math.NaN(), 1}, {math.NaN(), math.NaN()}, {-1, 0}}
	for k := range want {
		for j := range want[k] {
			if !agree(fwd.At(k, j), want[k][j], 0) || !agree(rev.At(k, j), want[k][j], 0) {
				t.Errorf("J[%d][%d]: forward %v, reverse %v, want %v", k, j, fwd.At(k, j), rev.At(k, j), want[k][j])
			}
		}
	}
}

func TestChoose(t *testing.T) {
	if jacobian.Choose(2, 5) != jacobian.Forward || jacobian.Choose(5, 2) != jacobian.Reverse || jacobian.Choose(3, 3) != jacobian.Reverse {
		t.Error("Choose")
	}
}
