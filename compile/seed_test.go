package compile_test

import (
	"math"
	"os"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
)

// The seed's figures: programs, points, values where the seed gives them,
// and gradients.
var seedTests = []struct {
	name string
	src  string // or file
	file string
	x    []float64
	grad []float64
	tol  float64
}{
	{
		name: "section 2.3",
		file: "../examples/seed.bp",
		x:    []float64{2, 3},
		grad: []float64{18260.7627311899, 6689.54446941267},
		tol:  1e-12,
	},
	{
		name: "section 1",
		src: `f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x) = sin(x)
f_3(x) = sqrt(x) + e^x
f(x) = f_1(f_2(x), f_3(x))`,
		x:    []float64{1},
		grad: []float64{122.045158140265},
		tol:  1e-12,
	},
	{
		name: "appendix",
		src: `f1(x, y) = x*y
f2(x, y) = cos(pi*x)/sin(x)
f3(x, y) = ln(x)/y
f(x1, x2) = f1(f2(x1, x2), f3(x1, x2))`,
		x:    []float64{2, 3},
		grad: []float64{0.299580760323820, -0.0846987477622259},
		tol:  1e-12,
	},
}

func seedProgram(t testing.TB, i int) *compile.Program {
	t.Helper()
	tt := seedTests[i]
	src := tt.src
	name := tt.name
	if tt.file != "" {
		b, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		src, name = string(b), tt.file
	}
	prog, err := expr.Parse(name, src)
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

func TestSeed(t *testing.T) {
	for i, tt := range seedTests {
		t.Run(tt.name, func(t *testing.T) {
			p := seedProgram(t, i)
			got := make([]float64, p.NumInputs())
			p.Gradient(got, tt.x)
			for j := range got {
				if !close(got[j], tt.grad[j], tt.tol) {
					t.Errorf("∂f/∂x%d = %.15g, want %.15g", j+1, got[j], tt.grad[j])
				}
			}
		})
	}
}

// close reports whether a and b agree to a relative tolerance tol.
func close(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}
