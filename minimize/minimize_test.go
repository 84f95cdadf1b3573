package minimize_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/minimize"
	"github.com/gobackprop/backprop/tape"
)

const source = "f(x, y, z) = exp(x*y) + sin(z)*x^2 + (y - z)^4"

// goFunc is source written as Go code on a tape.
func goFunc(t *tape.Tape, v []tape.Var) tape.Var {
	x, y, z := v[0], v[1], v[2]
	d := y.Sub(z)
	return tape.Exp(x.Mul(y)).Add(tape.Sin(z).Mul(x.Mul(x))).Add(d.Mul(d).Mul(d.Mul(d)))
}

// analytic is the gradient and Hessian of source, by hand.
func analytic(x []float64) ([]float64, [][]float64) {
	a, b, c := x[0], x[1], x[2]
	e := math.Exp(a * b)
	d := b - c
	g := []float64{b*e + 2*a*math.Sin(c), a*e + 4*d*d*d, a*a*math.Cos(c) - 4*d*d*d}
	h := [][]float64{
		{b*b*e + 2*math.Sin(c), e + a*b*e, 2 * a * math.Cos(c)},
		{e + a*b*e, a*a*e + 12*d*d, -12 * d * d},
		{2 * a * math.Cos(c), -12 * d * d, -a*a*math.Sin(c) + 12*d*d},
	}
	return g, h
}

func program(t *testing.T) *compile.Program {
	t.Helper()
	prog, err := expr.Parse("", source)
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestDerivatives checks Func, Grad and Hess of both adapters against the
// analytic derivatives at random points.
func TestDerivatives(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	problems := map[string]optimize.Problem{"program": minimize.Problem(program(t)), "tape": minimize.Tape(3, goFunc)}
	for name, pr := range problems {
		for range 20 {
			x := []float64{rng.Float64()*2 - 1, rng.Float64()*2 - 1, rng.Float64()*4 - 2}
			g, h := analytic(x)
			want := math.Exp(x[0]*x[1]) + math.Sin(x[2])*x[0]*x[0] + math.Pow(x[1]-x[2], 4)
			if v := pr.Func(x); !near(v, want) {
				t.Errorf("%s: f(%v) = %v, want %v", name, x, v, want)
			}
			grad := make([]float64, 3)
			pr.Grad(grad, x)
			hess := mat.NewSymDense(3, nil)
			pr.Hess(hess, x)
			for i := range 3 {
				if !near(grad[i], g[i]) {
					t.Errorf("%s: ∂f/∂x%d at %v = %v, want %v", name, i, x, grad[i], g[i])
				}
				for j := range 3 {
					if !near(hess.At(i, j), h[i][j]) {
						t.Errorf("%s: H[%d][%d] at %v = %v, want %v", name, i, j, x, hess.At(i, j), h[i][j])
					}
				}
			}
		}
	}
}

// TestRosenbrock is the acceptance: every method reaches (1, 1)
// from (-1.2, 1), and the path starts there and ends at the result.
func TestRosenbrock(t *testing.T) {
	prog, err := expr.Parse("", "f(x, y) = 100*(y - x^2)^2 + (1 - x)^2")
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		name   string
		method optimize.Method
		tol    float64
	}{
		{"BFGS", &optimize.BFGS{}, 1e-9},
		{"LBFGS", &optimize.LBFGS{}, 1e-9},
		{"Newton", &optimize.Newton{}, 1e-9},
	} {
		var path minimize.Path
		res, err := optimize.Minimize(minimize.Problem(p), []float64{-1.2, 1}, &optimize.Settings{Recorder: &path}, m.method)
		if err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if math.Abs(res.X[0]-1) > m.tol || math.Abs(res.X[1]-1) > m.tol {
			t.Errorf("%s: minimum at %v, want (1, 1)", m.name, res.X)
		}
		first, last := path.Steps[0], path.Steps[len(path.Steps)-1]
		if first.X[0] != -1.2 || first.X[1] != 1 || first.Value != p.Value([]float64{-1.2, 1}) {
			t.Errorf("%s: path starts at %v (%v)", m.name, first.X, first.Value)
		}
		if last.X[0] != res.X[0] || last.X[1] != res.X[1] || len(path.Steps) != res.MajorIterations {
			t.Errorf("%s: path of %d steps ends at %v, result %v after %d iterations", m.name, len(path.Steps), last.X, res.X, res.MajorIterations)
		}
		t.Logf("%s: %d steps, %d evaluations, %d gradients, %d Hessians", m.name, len(path.Steps)-1, res.FuncEvaluations, res.GradEvaluations, res.HessEvaluations)
	}
}

// TestPathLimit checks that the path holds the last iteration when a
// limit ends the run, which gonum passes to its Recorder only at the end.
func TestPathLimit(t *testing.T) {
	var path minimize.Path
	settings := &optimize.Settings{Recorder: &path, MajorIterations: 11}
	res, err := optimize.Minimize(minimize.Problem(program(t)), []float64{0.3, -0.2, 0.5}, settings, &optimize.GradientDescent{})
	if err != nil {
		t.Fatal(err)
	}
	last := path.Steps[len(path.Steps)-1]
	if res.Status != optimize.IterationLimit || len(path.Steps) != 11 || last.Iteration != 10 || last.Value != res.F {
		t.Errorf("%v: %d steps, the last %+v; result %v", res.Status, len(path.Steps), last, res.F)
	}
}
