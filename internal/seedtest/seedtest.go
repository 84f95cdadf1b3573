// Package seedtest holds the programs of the seed document and the figures
// the seed gives for them, so that every package tests against the same
// numbers, and the extended Rosenbrock function with its gradient by hand,
// which the benchmarks time. The sources are those of examples/*.bp; a
// test keeps them identical.
package seedtest

import (
	"strconv"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// A Case is a program of the seed and the figures the seed prints for it.
type Case struct {
	Name string    // where the seed has it
	File string    // the file under examples/ with the same program
	Src  string    // the program
	X    []float64 // the point
	Grad []float64 // the gradient at X
}

// Section23 returns the composite function of the seed's section 2.3.
func Section23() Case {
	return Case{
		Name: "section 2.3", File: "seed.bp",
		Src: `# The composite function of the seed's section 2.3: its gradient at
# (x_1, x_2) = (2, 3) is (18260.7627311899, 6689.54446941267).
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`,
		X:    []float64{2, 3},
		Grad: []float64{18260.7627311899, 6689.54446941267},
	}
}

// Section1 returns the forward-mode example of the seed's section 1.
func Section1() Case {
	return Case{
		Name: "section 1", File: "section1.bp",
		Src: `# The forward-mode example of the seed's section 1: f'(1) = 122.045158140265.
f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x)    = sin(x)
f_3(x)    = sqrt(x) + e^x
f(x)      = f_1(f_2(x), f_3(x))
`,
		X:    []float64{1},
		Grad: []float64{122.045158140265},
	}
}

// Appendix returns the docstring example of the seed's appendix.
func Appendix() Case {
	return Case{
		Name: "appendix", File: "appendix.bp",
		Src: `# The docstring example of the seed's appendix: at (2, 3) the gradient is
# {x1: 0.299580760323820, x2: -0.0846987477622259}.
f1(x, y) = x*y
f2(x, y) = cos(pi*x)/sin(x)
f3(x, y) = ln(x)/y
f(x1, x2) = f1(f2(x1, x2), f3(x1, x2))
`,
		X:    []float64{2, 3},
		Grad: []float64{0.299580760323820, -0.0846987477622259},
	}
}

// Cases returns the three programs.
func Cases() []Case { return []Case{Section23(), Section1(), Appendix()} }

// Parse parses the program of c on a new graph and returns it with its
// target function; it fails the test on error.
func (c Case) Parse(tb testing.TB) (*ir.Program, *ir.Func) {
	tb.Helper()
	p, err := expr.Parse(c.File, c.Src)
	if err != nil {
		tb.Fatal(err)
	}
	fn, err := p.Target("")
	if err != nil {
		tb.Fatal(err)
	}
	return p, fn
}

// Rosenbrock is the extended Rosenbrock function
// Σ_{i<n/2} 100·(x[2i+1] - x[2i]²)² + (1 - x[2i])², as a plain Go loop.
func Rosenbrock(x []float64) float64 {
	var s float64
	for i := 0; i+1 < len(x); i += 2 {
		a := x[i+1] - x[i]*x[i]
		b := 1 - x[i]
		s += 100*(a*a) + b*b
	}
	return s
}

// RosenbrockGrad returns the gradient of Rosenbrock at x, by hand. If dst
// is nil a new slice is allocated, otherwise the gradient is stored in dst,
// which must have the length of x. An odd last coordinate, which
// Rosenbrock ignores, has derivative 0.
func RosenbrockGrad(dst, x []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	} else if len(dst) != len(x) {
		panic("seedtest: RosenbrockGrad: dst and x differ in length")
	}
	for i := range dst {
		dst[i] = 0
	}
	for i := 0; i+1 < len(x); i += 2 {
		a := x[i+1] - x[i]*x[i]
		dst[i] = -400*a*x[i] - 2*(1-x[i])
		dst[i+1] = 200 * a
	}
	return dst
}

// RosenbrockGraph builds Rosenbrock of n variables x0, x1, … as an
// expression DAG with one node per scalar operation, eight per pair in the
// order of the plain loop, as the function rosenbrock(x0, …).
func RosenbrockGraph(n int) (*ir.Graph, *ir.Func) {
	g := ir.NewGraph()
	x := make([]ir.ID, n)
	for i := range x {
		x[i] = g.Var("x" + strconv.Itoa(i))
	}
	one, hundred := g.Const(1), g.Const(100)
	s := ir.None
	for i := 0; i+1 < n; i += 2 {
		d := g.Apply(op.Sub, x[i+1], g.Apply(op.Mul, x[i], x[i]))
		a := g.Apply(op.Mul, hundred, g.Apply(op.Mul, d, d))
		e := g.Apply(op.Sub, one, x[i])
		term := g.Apply(op.Add, a, g.Apply(op.Mul, e, e))
		if s == ir.None {
			s = term
		} else {
			s = g.Apply(op.Add, s, term)
		}
	}
	return g, &ir.Func{Name: "rosenbrock", Params: x, Body: s}
}

// RosenbrockStart returns the classic starting point of n coordinates:
// 1.2 at even indices, 1 at odd ones.
func RosenbrockStart(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 1
		if i%2 == 0 {
			x[i] = 1.2
		}
	}
	return x
}
