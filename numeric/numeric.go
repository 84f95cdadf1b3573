package numeric

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/ir"
)

// Formula is a finite-difference formula for the first derivative.
type Formula int

// The formulas. The zero value, Central, is the default.
const (
	// Central is the second-order central difference
	// (f(x+h) - f(x-h)) / 2h with default step 6e-6 (gonum's fd.Central).
	Central Formula = iota
	// FivePoint is the fourth-order central difference on the 5-point
	// stencil x-2h, x-h, x+h, x+2h with default step 1e-3.
	FivePoint
	// Forward is the first-order difference (f(x+h) - f(x)) / h with
	// default step 2e-8 (gonum's fd.Forward).
	Forward
	// Backward is the first-order difference (f(x) - f(x-h)) / h with
	// default step 2e-8 (gonum's fd.Backward).
	Backward
	// Adaptive chooses the step of central differences for each
	// coordinate: it takes estimates with steps from 1e-2 to 1e-10 (times
	// max(1, |x_i|)), half a decade apart, and returns the one that agrees
	// best with the estimate at the next larger step, where truncation
	// error (large steps) and rounding error (small steps) balance. It
	// costs 34 evaluations per coordinate instead of 2, and gets within
	// about 1e-8 relative of the seed's fast-varying gradient, where the
	// default central step is off by 2e-3. Settings.Step is ignored.
	Adaptive
)

// String returns the name of the formula.
func (f Formula) String() string {
	switch f {
	case Central:
		return "central"
	case FivePoint:
		return "five-point"
	case Forward:
		return "forward"
	case Backward:
		return "backward"
	case Adaptive:
		return "adaptive"
	}
	return fmt.Sprintf("Formula(%d)", int(f))
}

// fd returns the gonum formula of f. It panics if f is not a Formula.
func (f Formula) fd() fd.Formula {
	switch f {
	case Central:
		return fd.Central
	case FivePoint:
		return fd.Formula{
			Stencil: []fd.Point{
				{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12},
				{Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12},
			},
			Derivative: 1,
			Step:       1e-3,
		}
	case Forward:
		return fd.Forward
	case Backward:
		return fd.Backward
	case Adaptive:
		return fd.Central
	}
	panic(fmt.Sprintf("numeric: unknown formula %d", int(f)))
}

// Settings are the options of the finite differences. The zero value, like
// a nil *Settings, means central differences with their default step.
type Settings struct {
	// Formula is the finite-difference formula.
	Formula Formula
	// Step is the distance h between the points of the stencil; 0 means
	// the default step of the formula.
	Step float64
	// Concurrent evaluates the function at the points of the stencil
	// concurrently; the function must then be safe for concurrent use.
	Concurrent bool
	// Stop, if not nil, is called by FuncGradient before each evaluation
	// of the program (and every ir.StopEvery nodes of an evaluation that
	// does not compile): when it returns true the remaining evaluations
	// are skipped and FuncGradient returns ir.ErrStopped. It must be safe
	// for concurrent use. The other functions ignore it.
	Stop ir.Stop
}

// fd returns the gonum settings of s. It panics if the step is negative or
// NaN or the formula unknown.
func (s *Settings) fd() *fd.Settings {
	if s == nil {
		s = &Settings{}
	}
	if s.Step < 0 || math.IsNaN(s.Step) || math.IsInf(s.Step, 0) {
		panic(fmt.Sprintf("numeric: invalid step %v", s.Step))
	}
	return &fd.Settings{Formula: s.Formula.fd(), Step: s.Step, Concurrent: s.Concurrent}
}

// Derivative estimates the derivative of f at x by finite differences as
// settings say; nil settings mean central differences.
//
// Derivative panics if settings has a negative or non-finite step or an
// unknown formula.
func Derivative(f func(float64) float64, x float64, settings *Settings) float64 {
	if settings != nil && settings.Formula == Adaptive {
		return adaptive(f, x)
	}
	return fd.Derivative(f, x, settings.fd())
}

// adaptive is the Adaptive formula on one coordinate.
func adaptive(f func(float64) float64, x float64) float64 {
	scale := math.Max(1, math.Abs(x))
	best, bestDiff := math.NaN(), math.Inf(1)
	prev := math.NaN()
	for j := 0; j <= 16; j++ {
		h := scale * math.Pow(10, -2-float64(j)/2)
		d := fd.Derivative(f, x, &fd.Settings{Formula: fd.Central, Step: h})
		if diff := math.Abs(d - prev); diff < bestDiff {
			best, bestDiff = d, diff
		}
		prev = d
	}
	if math.IsNaN(best) {
		return prev
	}
	return best
}

// gradient is Gradient without the checks, for the Adaptive formula too.
func gradient(dst []float64, f func([]float64) float64, x []float64, settings *Settings) {
	if settings == nil || settings.Formula != Adaptive {
		fd.Gradient(dst, f, x, settings.fd())
		return
	}
	p := append([]float64(nil), x...)
	for i := range x {
		dst[i] = adaptive(func(v float64) float64 {
			p[i] = v
			r := f(p)
			p[i] = x[i]
			return r
		}, x[i])
	}
}

// Gradient estimates the gradient of f at x by finite differences as
// settings say; nil settings mean central differences. If dst is nil a new
// slice is allocated, otherwise the gradient is stored in dst. f may modify
// its argument without changing x.
//
// Gradient panics if dst is not nil and len(dst) != len(x), or if settings
// has a negative or non-finite step or an unknown formula.
func Gradient(dst []float64, f func([]float64) float64, x []float64, settings *Settings) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	} else if len(dst) != len(x) {
		panic(fmt.Sprintf("numeric: Gradient: dst has length %d, want %d", len(dst), len(x)))
	}
	if settings != nil && settings.Formula == Adaptive {
		settings.fd() // validates
	}
	gradient(dst, f, x, settings)
	return dst
}

// FuncGradient estimates the gradient of the user function fn of g at x
// (one value per parameter, in order) by finite differences as settings
// say, evaluating fn as a program compiled once by package compile. A nil
// settings means the Adaptive formula, which chooses the step per
// coordinate, with Concurrent set; a non-nil one is used as given, so that
// &Settings{} means central differences with their default step on one
// goroutine. A function that varies fast near x, such as the seed's
// sin(π·x_1^(x_2^x_1)) at (2, 3) whose gradient is about 2e4, needs a
// smaller step than the default (there 1e-8 instead of 6e-6, see the
// package documentation on accuracy).
//
// The cost is that of compiling fn once plus, per coordinate, 2 (Central),
// 4 (FivePoint), 1 (Forward, Backward) or 34 (Adaptive) evaluations of the
// compiled program, each linear in its size: O(len(x)·size) in all. With
// settings.Concurrent, the coordinates are spread over
// runtime.GOMAXPROCS(0) goroutines, each evaluating a copy of the point
// that differs from x in its own coordinates only, so that the result is
// the same bits as without.
//
// If dst is nil a new slice is allocated, otherwise the gradient is stored
// in dst. FuncGradient returns an error if len(x) is not the number of
// parameters of fn or if an evaluation fails; a non-finite value is not an
// error, it makes the estimate non-finite.
//
// FuncGradient panics if dst is not nil and len(dst) != len(x), or if
// settings has a negative or non-finite step or an unknown formula.
func FuncGradient(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, settings *Settings) ([]float64, error) {
	if settings == nil {
		settings = &Settings{Formula: Adaptive, Concurrent: true}
	}
	settings.fd() // validates
	workers := 1
	if settings.Concurrent {
		workers = runtime.GOMAXPROCS(0)
	}
	s := *settings
	s.Concurrent = false
	settings = &s
	if dst == nil {
		dst = make([]float64, len(x))
	} else if len(dst) != len(x) {
		panic(fmt.Sprintf("numeric: FuncGradient: dst has length %d, want %d", len(dst), len(x)))
	}
	if len(x) != len(fn.Params) {
		return dst, fmt.Errorf("%s expects %d arguments, got %d", fn.Name, len(fn.Params), len(x))
	}
	if p, err := compile.Func(g, fn, nil); err == nil {
		if blocks(dst, p, x, settings, workers) {
			return dst, ir.ErrStopped
		}
		return dst, nil
	}
	// fn does not compile: it has a free variable or calls itself. The
	// evaluator reports the error, in its own words, at the first
	// evaluation.
	ev := ir.NewEvaluator(g)
	ev.Stop = settings.Stop
	var first error
	f := func(p []float64) float64 {
		if first != nil {
			return math.NaN() // stopped, or failed: the result is the error
		}
		v, err := ev.Apply(fn, p)
		if err != nil && first == nil {
			first = err
		}
		return v
	}
	gradient(dst, f, x, settings)
	if first != nil {
		return dst, first
	}
	return dst, nil
}

// blocks is gradient for the compiled program p, over workers goroutines
// that take the coordinates in blocks. The partial derivatives on the
// block x[lo:hi] are the gradient of the function of those coordinates
// alone, the others held at x; each goroutine has its own workspace and
// its own copy of x, whose block it sets before each evaluation. Every
// coordinate then sees the points, and the sums, of the serial gradient.
// It reports whether settings.Stop stopped it.
func blocks(dst []float64, p *compile.Program, x []float64, settings *Settings, workers int) (stopped bool) {
	n := len(x)
	workers = max(1, min(workers, n))
	// A few blocks per goroutine balance the load when another process
	// takes a core; the Forward and Backward formulas evaluate the
	// origin once per block.
	size := max(1, n/(8*workers))
	var next atomic.Int64
	var halt atomic.Bool
	work := func() {
		w := p.NewWorkspace()
		pt := append([]float64(nil), x...)
		for {
			lo := int(next.Add(int64(size))) - size
			if lo >= n {
				return
			}
			hi := min(lo+size, n)
			f := func(y []float64) float64 {
				if halt.Load() || settings.Stop != nil && settings.Stop() {
					halt.Store(true)
					return math.NaN()
				}
				copy(pt[lo:hi], y)
				v := w.Value(pt)
				copy(pt[lo:hi], x[lo:hi])
				return v
			}
			gradient(dst[lo:hi], f, x[lo:hi], settings)
		}
	}
	if workers == 1 {
		work()
		return halt.Load()
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
	return halt.Load()
}
