package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/gobackprop/backprop/internal/seedtest"
)

// The tasks.
const (
	taskSeed       = "seed"
	taskRosenbrock = "rosenbrock"
)

// rosenbrockSizes are the dimensions tried for the Rosenbrock task, in
// increasing order; a tool runs at the largest one whose setup and first
// gradient finish within the budget.
var rosenbrockSizes = [...]int{1000, 3000, 10000, 30000, 100000}

// A gradFunc computes f(x) and stores ∇f(x) in dst. It is what the
// benchmark times: one call is one gradient, with the inputs given afresh,
// as in an optimisation loop.
type gradFunc func(dst, x []float64) (float64, error)

// A tool is one way of computing gradients: a peer library or one of
// backprop's modes. Preparing a task does everything that can be done
// once, outside the timed loop (building and differentiating a graph,
// compiling it); a define-by-run tool records its graph inside the
// gradFunc, so its recording is timed, as it is in real use.
type tool interface {
	// name is the tool's name in the tables and the JSON records.
	name() string
	// seed prepares the gradient of the seed's function of (x_1, x_2).
	seed() (gradFunc, error)
	// rosenbrock prepares the gradient of the extended Rosenbrock function
	// of n variables, written with one node per scalar operation (see
	// rosenbrockPrimal). It returns an error wrapping errTooLarge if the
	// tool is not run at this n by design.
	rosenbrock(n int) (gradFunc, error)
}

// A noter adds a caveat about how it computes a task to the note column.
type noter interface {
	note(task string) string
}

// A gradientOnly tool returns NaN for the value: its API gives the
// gradient alone, and only the gradient is checked.
type gradientOnly interface {
	gradientOnly()
}

// A tolerancer is a tool whose gradients are approximate: it is checked
// against the exact gradient with a looser relative tolerance than exact
// tools.
type tolerancer interface {
	tolerance() float64
}

// errTooLarge is wrapped by tools that deliberately do not run a task at
// some size.
var errTooLarge = errors.New("too large")

// exactTol is the relative tolerance of automatic differentiation: every
// exact tool must agree with the reference gradient to this.
const exactTol = 1e-9

// The seed's figures: the gradient of
// f(x_1, x_2) = sin(pi*x_1^(x_2^x_1)) + cos(pi*ln(x_1)) at (2, 3).
var (
	seedX    = []float64{2, 3}
	seedGrad = []float64{18260.7627311899, 6689.54446941267}
)

// seedPrimal is the seed's function in plain Go: the primal that the
// gradients are compared with.
func seedPrimal(x1, x2 float64) float64 {
	a := math.Pow(x1, math.Pow(x2, x1))
	b := math.Log(x1)
	return math.Sin(math.Pi*a) + math.Cos(math.Pi*b)
}

// The extended Rosenbrock function and its analytic gradient are
// internal/seedtest's, the fixture of the library's tests too:
//
//	f(x) = Σ_{i<n/2} 100*(x[2i+1] - x[2i]^2)^2 + (1 - x[2i])^2
//
// as a plain Go loop, the primal of the ratios. Every tool writes it with
// the same eight scalar operations per pair, in the same order: t = x0*x0,
// d = x1 - t, a = 100*(d*d), e = 1 - x0, s = s + (a + e*e). The starting
// point is 1.2 at even and 1.0 at odd indices. (More, Garbow and
// Hillstrom use -1.2; the seed's task uses +1.2.)
var (
	rosenbrockX      = seedtest.RosenbrockStart
	rosenbrockPrimal = seedtest.Rosenbrock
)

// reference returns the point, value and exact gradient of a task at n.
func reference(task string, n int) (x []float64, v float64, grad []float64) {
	switch task {
	case taskSeed:
		return append([]float64(nil), seedX...), seedPrimal(seedX[0], seedX[1]), append([]float64(nil), seedGrad...)
	case taskRosenbrock:
		x = rosenbrockX(n)
		grad = make([]float64, n)
		seedtest.RosenbrockGrad(grad, x)
		return x, rosenbrockPrimal(x), grad
	}
	panic("bench: unknown task " + task)
}

// relErr returns the largest relative error of got against want, with
// errors of components smaller than 1 in magnitude measured absolutely.
// A NaN anywhere makes it +Inf.
func relErr(got, want []float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var m float64
	for i := range want {
		e := math.Abs(got[i]-want[i]) / math.Max(1, math.Abs(want[i]))
		if math.IsNaN(e) {
			return math.Inf(1)
		}
		m = math.Max(m, e)
	}
	return m
}

// prepare prepares tool t for task at n.
func prepare(t tool, task string, n int) (gradFunc, error) {
	switch task {
	case taskSeed:
		return t.seed()
	case taskRosenbrock:
		if n < 2 || n%2 != 0 {
			return nil, fmt.Errorf("rosenbrock: n = %d is not a positive even number", n)
		}
		return t.rosenbrock(n)
	}
	return nil, fmt.Errorf("unknown task %q", task)
}

// toleranceOf returns the relative tolerance t is checked with.
func toleranceOf(t tool) float64 {
	if tt, ok := t.(tolerancer); ok {
		return tt.tolerance()
	}
	return exactTol
}

// noteOf returns t's caveat about task, if any.
func noteOf(t tool, task string) string {
	if nt, ok := t.(noter); ok {
		return nt.note(task)
	}
	return ""
}
