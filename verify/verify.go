package verify

import (
	"errors"
	"fmt"
	"math"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/dual"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/sym"
)

// Mode is a way to compute a gradient.
type Mode string

// The modes.
const (
	Reverse  Mode = "reverse"
	Forward  Mode = "forward"
	Symbolic Mode = "symbolic"
	Compiled Mode = "compiled"
	Numeric  Mode = "numeric"
)

// Modes returns every mode, the reference (Reverse) first.
func Modes() []Mode { return []Mode{Reverse, Forward, Symbolic, Compiled, Numeric} }

// ParseMode returns the mode called name.
func ParseMode(name string) (Mode, error) {
	for _, m := range Modes() {
		if string(m) == name {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q (the modes are reverse, forward, symbolic, compiled, numeric and all)", name)
}

// String returns the name of m, such as "reverse".
func (m Mode) String() string { return string(m) }

// Exact reports whether m is exact up to rounding (all modes but Numeric).
func (m Mode) Exact() bool { return m != Numeric }

// Settings configure Gradient and Check. The zero value, like a nil
// *Settings, means function-level reverse mode and no checks.
type Settings struct {
	// Level is the granularity of reverse mode.
	Level reverse.Level
	// Check makes the modes that support it stop at the first non-finite
	// value or adjoint with an *ir.NonFiniteError.
	Check bool
	// Stop, if not nil, is polled by every mode but compiled (whose
	// straight-line program is the fastest and is not interrupted): the
	// computation ends with ir.ErrStopped when it returns true; see
	// ir.Stop. Check skips the modes after one that was stopped.
	Stop ir.Stop
}

// Gradient evaluates fn at x and its gradient in mode m, configured by
// settings (nil means the defaults). If dst is nil a new slice is
// allocated for the gradient, otherwise it is stored in dst. A partial
// derivative is NaN where the value is NaN or the chain rule is not
// finite, in every mode ([op.Derivative]). With settings.Check, a NaN or
// infinite value, tangent or adjoint is an *ir.NonFiniteError naming the
// node: each mode reports what its own pass meets first, and a mode whose
// pass meets nothing (symbolic and numeric differences at a point where
// only the chain rule fails) reports what reverse mode meets.
//
// Gradient panics if dst is not nil and len(dst) != len(x).
func Gradient(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, m Mode, settings *Settings) (value float64, grad []float64, err error) {
	if dst != nil && len(dst) != len(x) {
		panic(fmt.Sprintf("verify: Gradient: dst has length %d, want %d", len(dst), len(x)))
	}
	var opts Settings
	if settings != nil {
		opts = *settings
	}
	value, grad, err = gradient(dst, g, fn, x, m, opts)
	if err != nil || !opts.Check || m == Reverse {
		return value, grad, err
	}
	if !finite(value) || !allFinite(grad) {
		if _, _, err := reverse.Gradient(nil, g, fn, x, &reverse.Settings{Level: opts.Level, Check: true, Stop: opts.Stop}); err != nil {
			return math.NaN(), nil, err
		}
	}
	return value, grad, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func allFinite(xs []float64) bool {
	for _, v := range xs {
		if !finite(v) {
			return false
		}
	}
	return true
}

func gradient(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, m Mode, opts Settings) (value float64, grad []float64, err error) {
	if len(x) != len(fn.Params) {
		return math.NaN(), nil, fmt.Errorf("%s: expected %d arguments, got %d", fn.Name, len(fn.Params), len(x))
	}
	switch m {
	case Reverse:
		return reverse.Gradient(dst, g, fn, x, &reverse.Settings{Level: opts.Level, Check: opts.Check, Stop: opts.Stop})
	case Forward:
		fwd := dual.NewEvaluator(g)
		fwd.Check = opts.Check
		fwd.Stop = opts.Stop
		if grad, err = fwd.Gradient(dst, fn, x); err != nil {
			return math.NaN(), nil, err
		}
		ev := ir.NewEvaluator(g)
		ev.Stop = opts.Stop
		value, err = ev.Apply(fn, x)
		return value, grad, err
	case Symbolic:
		return symbolic(dst, g, fn, x, opts)
	case Compiled:
		p, err := compile.Func(g, fn, nil)
		if err != nil {
			return math.NaN(), nil, err
		}
		grad = dst
		if grad == nil {
			grad = make([]float64, len(x))
		}
		if opts.Check {
			value, err = p.Check(grad, x)
			return value, grad, err
		}
		return p.Gradient(grad, x), grad, nil
	case Numeric:
		ev := ir.NewEvaluator(g)
		ev.Check = opts.Check
		ev.Stop = opts.Stop
		if value, err = ev.Apply(fn, x); err != nil {
			return math.NaN(), nil, err
		}
		grad, err = numeric.FuncGradient(dst, g, fn, x, &numeric.Settings{Formula: numeric.Adaptive, Concurrent: true, Stop: opts.Stop})
		if err != nil {
			return math.NaN(), nil, err
		}
		// Differences see no kink, but a NaN value fails them too.
		return value, op.Gradient(value, grad), err
	}
	return math.NaN(), nil, fmt.Errorf("unknown mode %q", m)
}

func symbolic(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, opts Settings) (float64, []float64, error) {
	ev := ir.NewEvaluator(g)
	ev.Check = opts.Check
	ev.Stop = opts.Stop
	env := fn.Bind(g, x)
	value, err := ev.Eval(fn.Body, env)
	if err != nil {
		return math.NaN(), nil, err
	}
	// The simplified derivatives, each settled by its domain condition:
	// NaN where the unsimplified chain rule is not finite.
	roots := sym.Gradient(g, fn.Body, fn.Params)
	domain := sym.Domain(g, fn.Body, fn.Params)
	ev.Check = false // a NaN of the domain is an answer, not an error
	grad := dst
	if grad == nil {
		grad = make([]float64, len(roots))
	}
	for i, r := range roots {
		d, err := ev.Eval(r, env)
		if err != nil {
			return math.NaN(), nil, err
		}
		raw, err := ev.Eval(domain[i], env)
		if err != nil {
			return math.NaN(), nil, err
		}
		grad[i] = sym.Value(value, d, raw)
	}
	return value, grad, nil
}

// Result is the outcome of one mode.
type Result struct {
	Mode     Mode
	Value    float64
	Gradient []float64
	Err      error
}

// Disagreement is the largest relative difference, for one parameter,
// between a mode and the reference (reverse mode), or the failure of a
// mode.
type Disagreement struct {
	Param string
	// Mode is the mode furthest from the reference; if Failed, the mode
	// that failed (Reverse when the reference itself failed, so that no
	// mode could be compared).
	Mode Mode
	Diff float64 // |g_mode - g_ref| / max(|g_ref|, Floor); +Inf if Failed
	// Failed says that Mode returned an error or panicked: there is no
	// difference to measure, and Diff is +Inf, never 0.
	Failed bool
}

// worse reports whether d is a worse disagreement than w: a failure is
// worse than any difference, and a larger difference worse than a
// smaller one.
func (d Disagreement) worse(w Disagreement) bool {
	if d.Failed != w.Failed {
		return d.Failed
	}
	return d.Diff > w.Diff || math.IsNaN(d.Diff) && !math.IsNaN(w.Diff)
}

// Floor is the absolute floor of relative differences: derivatives smaller
// than Floor in magnitude are compared absolutely, since relative error
// means nothing near zero.
const Floor = 1e-8

// Report is the outcome of Check.
type Report struct {
	Params  []string
	Results []Result // one per mode, in the order of Modes
	// Exact[i] and Numeric[i] are the worst disagreement on parameter i
	// among the exact modes, and of numeric differences. A mode that
	// failed makes every disagreement it takes part in Failed.
	Exact   []Disagreement
	Numeric []Disagreement
}

// WorstExact returns the largest disagreement among the exact modes, a
// failure if an exact mode or the reference failed.
func (r *Report) WorstExact() Disagreement { return worst(r.Exact) }

// WorstNumeric returns the largest disagreement of numeric differences, a
// failure if numeric differences or the reference failed.
func (r *Report) WorstNumeric() Disagreement { return worst(r.Numeric) }

// Err returns nil if every mode succeeded, and otherwise an error naming
// each mode that failed and why.
func (r *Report) Err() error {
	var msg string
	for _, res := range r.Results {
		if res.Err != nil {
			if msg != "" {
				msg += "; "
			}
			msg += fmt.Sprintf("%s mode failed: %v", res.Mode, res.Err)
		}
	}
	if msg == "" {
		return nil
	}
	return errors.New(msg)
}

func worst(ds []Disagreement) Disagreement {
	var w Disagreement
	for _, d := range ds {
		if w.Param == "" || d.worse(w) {
			w = d
		}
	}
	return w
}

// Check computes the gradient of fn at x in every mode and compares each
// with reverse mode, each configured by settings (nil means the defaults).
// A mode that returns an error or panics is recorded in its Result's Err
// and makes the disagreements it takes part in Failed, with Diff +Inf: a
// failed mode never reads as agreement.
func Check(g *ir.Graph, fn *ir.Func, x []float64, settings *Settings) *Report {
	return check(g, fn, x, settings, Gradient)
}

// gradientFunc is the signature of Gradient, which check calls through so
// that the tests can make modes fail.
type gradientFunc func(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, m Mode, settings *Settings) (float64, []float64, error)

func check(g *ir.Graph, fn *ir.Func, x []float64, settings *Settings, gradient gradientFunc) *Report {
	r := &Report{Params: fn.ParamNames(g)}
	for _, m := range Modes() {
		if len(r.Results) > 0 && errors.Is(r.Results[len(r.Results)-1].Err, ir.ErrStopped) {
			r.Results = append(r.Results, Result{Mode: m, Value: math.NaN(), Err: ir.ErrStopped})
			continue
		}
		v, grad, err := safely(gradient, g, fn, x, m, settings)
		if err == nil && len(grad) != len(r.Params) {
			err = fmt.Errorf("%d partial derivatives for %d parameters", len(grad), len(r.Params))
		}
		r.Results = append(r.Results, Result{Mode: m, Value: v, Gradient: grad, Err: err})
	}
	ref := r.Results[0]
	for i, name := range r.Params {
		ex := Disagreement{Param: name}
		nu := Disagreement{Param: name, Mode: Numeric}
		for _, res := range r.Results[1:] {
			d := Disagreement{Param: name, Mode: res.Mode}
			switch {
			case ref.Err != nil:
				d.Mode, d.Diff, d.Failed = ref.Mode, math.Inf(1), true
			case res.Err != nil:
				d.Diff, d.Failed = math.Inf(1), true
			default:
				d.Diff = RelDiff(res.Gradient[i], ref.Gradient[i])
			}
			if res.Mode.Exact() {
				if ex.Mode == "" || d.worse(ex) {
					ex = d
				}
			} else {
				nu = d
			}
		}
		r.Exact = append(r.Exact, ex)
		r.Numeric = append(r.Numeric, nu)
	}
	return r
}

// safely calls gradient and turns a panic into an error, so that one mode
// that panics does not stop the others from being checked.
func safely(gradient gradientFunc, g *ir.Graph, fn *ir.Func, x []float64, m Mode, settings *Settings) (v float64, grad []float64, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, grad, err = math.NaN(), nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return gradient(nil, g, fn, x, m, settings)
}

// RelDiff returns |a-b| / max(|b|, Floor); 0 when a and b are the same
// infinity or both NaN, and +Inf when only one of them is NaN or infinite.
func RelDiff(a, b float64) float64 {
	if a == b || math.IsNaN(a) && math.IsNaN(b) {
		return 0
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return math.Inf(1)
	}
	return math.Abs(a-b) / math.Max(math.Abs(b), Floor)
}
