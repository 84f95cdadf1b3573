package minimize

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/hessian"
	"github.com/gobackprop/backprop/tape"
)

// Problem returns the problem of minimising the program p, whose inputs
// are the point's coordinates in order. Func and Grad draw workspaces from
// p's pool and are safe for concurrent use; Hess shares one
// [hessian.Hessian], made on its first call, behind a mutex. They panic,
// as p's methods do, if x has not p.NumInputs() coordinates.
func Problem(p *compile.Program) optimize.Problem {
	var (
		mu sync.Mutex
		h  *hessian.Hessian
	)
	return optimize.Problem{
		Func: p.Value,
		Grad: func(grad, x []float64) { p.Gradient(grad, x) },
		Hess: func(dst *mat.SymDense, x []float64) {
			mu.Lock()
			defer mu.Unlock()
			if h == nil {
				h = hessian.New(p)
			}
			h.Dense(dst, nil, x)
		},
	}
}

// Tape returns the problem of minimising f, Go code that computes a value
// on the tape it is given from the n Vars of a point. Each call of Func or
// Grad records f on a tape of its own (kept in a pool, reset between
// calls), so f may branch on the values of its Vars; Hess compiles the
// recording at x ([tape.Tape.Graph], [compile.Func]) and takes its
// Hessian, exact at x but a compilation per call. f must not keep the tape
// or its Vars. Hess panics if f uses a primitive of [tape.Tape.Custom],
// which has no second derivative.
func Tape(n int, f func(t *tape.Tape, x []tape.Var) tape.Var) optimize.Problem {
	pool := sync.Pool{New: func() any { return tape.New() }}
	record := func(x []float64) (*tape.Tape, []tape.Var, tape.Var) {
		if len(x) != n {
			panic(fmt.Sprintf("minimize: x has length %d, want %d", len(x), n))
		}
		t := pool.Get().(*tape.Tape)
		t.Reset()
		vars := make([]tape.Var, n)
		for i, xi := range x {
			vars[i] = t.Var(xi)
		}
		return t, vars, f(t, vars)
	}
	return optimize.Problem{
		Func: func(x []float64) float64 {
			t, _, out := record(x)
			v := out.Value()
			pool.Put(t)
			return v
		},
		Grad: func(grad, x []float64) {
			t, vars, out := record(x)
			t.Gradient(grad, out, vars)
			pool.Put(t)
		},
		Hess: func(dst *mat.SymDense, x []float64) {
			t, vars, out := record(x)
			defer pool.Put(t)
			g, fn, err := t.Graph(out, vars)
			if err != nil {
				panic("minimize: " + err.Error())
			}
			p, err := compile.Func(g, fn, nil)
			if err != nil {
				panic("minimize: " + err.Error())
			}
			hessian.New(p).Dense(dst, nil, x)
		},
	}
}

// A Step is one point of a minimisation's path.
type Step struct {
	Iteration    int       // 0 for the starting point, then 1, 2, …
	X            []float64 // the point (a copy)
	Value        float64   // the function's value at X
	GradientNorm float64   // the Euclidean norm of the gradient at X; NaN if the method uses no gradient
}

// Path is an [optimize.Recorder] that keeps the points of the major
// iterations in order, the first of which is the starting point for
// gonum's local methods (so that their Stats.MajorIterations counts it).
// Set it as the Recorder of [optimize.Settings]; Init resets it, so one
// Path can serve several runs one after the other, but it is not safe for
// concurrent use.
type Path struct {
	Steps []Step

	// Each, if not nil, is called with every step as it is recorded; an
	// error it returns stops the minimisation with that error.
	Each func(Step) error
}

// Init starts a new path.
func (p *Path) Init() error {
	p.Steps = p.Steps[:0]
	return nil
}

// Record keeps loc if op is a major iteration. gonum does not pass the
// major iteration that ends a run (by convergence or a limit) to its
// Recorder, but passes the best location with optimize.PostIteration at
// the end: Record keeps that one when it is a major iteration not yet
// kept. (The location of optimize.InitIteration is not evaluated yet: it
// is not kept.)
func (p *Path) Record(loc *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	switch {
	case op == optimize.MajorIteration:
	case op == optimize.PostIteration && stats.MajorIterations > len(p.Steps):
	default:
		return nil
	}
	s := Step{Iteration: len(p.Steps), X: slices.Clone(loc.X), Value: loc.F, GradientNorm: math.NaN()}
	if loc.Gradient != nil {
		s.GradientNorm = norm(loc.Gradient)
	}
	p.Steps = append(p.Steps, s)
	if p.Each != nil {
		return p.Each(s)
	}
	return nil
}

// norm is the Euclidean norm of v, scaled against overflow.
func norm(v []float64) float64 {
	scale, sum := 0.0, 1.0
	for _, x := range v {
		if x == 0 {
			continue
		}
		a := math.Abs(x)
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return a
		}
		if scale < a {
			sum = 1 + sum*(scale/a)*(scale/a)
			scale = a
		} else {
			sum += (a / scale) * (a / scale)
		}
	}
	return scale * math.Sqrt(sum)
}
