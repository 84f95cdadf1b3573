package verify_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/tape"
	"github.com/gobackprop/backprop/verify"
)

func TestSeedAllModes(t *testing.T) {
	for _, tt := range seedtest.Cases() {
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			p, fn := tt.Parse(t)
			rep := verify.Check(p.Graph, fn, tt.X, &verify.Settings{Level: level, Check: true})
			for _, r := range rep.Results {
				if r.Err != nil {
					t.Fatalf("%s, %s mode: %v", tt.Name, r.Mode, r.Err)
				}
				tol := 1e-12
				if r.Mode == verify.Numeric {
					tol = 1e-6
				}
				for i, g := range r.Gradient {
					if d := verify.RelDiff(g, tt.Grad[i]); d > tol {
						t.Errorf("%s, %s mode (%v level): ∂/∂%s = %.15g, want %.15g (rel. diff %.1e)", tt.Name, r.Mode, level, rep.Params[i], g, tt.Grad[i], d)
					}
				}
			}
			if w := rep.WorstExact(); w.Diff > 1e-12 {
				t.Errorf("%s: worst exact disagreement %v", tt.Name, w)
			}
		}
	}
}

// TestBuiltins differentiates every primitive in every mode at points
// inside its domain, including the kinks of abs, relu, min and max.
func TestBuiltins(t *testing.T) {
	points := map[op.Op][][2]float64{
		op.Log: {{0.5, 0}, {3, 0}}, op.Sqrt: {{0.25, 0}, {4, 0}}, op.Log1p: {{-0.5, 0}, {2, 0}},
		op.Asin: {{-0.5, 0}, {0.3, 0}}, op.Acos: {{-0.5, 0}, {0.3, 0}},
		op.Pow: {{2, 3}, {0.5, -1.5}, {3, 0.5}},
		op.Abs: {{-2, 0}, {0, 0}, {1.5, 0}}, op.Relu: {{-1, 0}, {0, 0}, {2, 0}},
		op.Min: {{1, 2}, {2, 1}, {1.5, 1.5}}, op.Max: {{1, 2}, {2, 1}, {1.5, 1.5}},
		op.Step: {{-1, 0}, {1, 0}}, op.Sign: {{-1, 0}, {1, 0}},
	}
	for _, o := range op.All() {
		pts, ok := points[o]
		if !ok {
			pts = [][2]float64{{-1.3, 0.7}, {0.4, -2}, {1.1, 1.9}}
		}
		src := fmt.Sprintf("f(x) = %s(x)", o)
		if o.Arity() == 2 {
			src = fmt.Sprintf("f(x, y) = %s(x, y)", o)
		}
		switch o {
		case op.Neg:
			src = "f(x) = -x"
		case op.Add, op.Sub, op.Mul, op.Div, op.Pow:
			src = fmt.Sprintf("f(x, y) = x %s y", o)
		}
		p, err := expr.Parse("", src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		fn, _ := p.Target("")
		kink := false
		switch o {
		case op.Abs, op.Relu, op.Min, op.Max, op.Step, op.Sign:
			kink = true
		}
		for _, pt := range pts {
			x := pt[:len(fn.Params)]
			rep := verify.Check(p.Graph, fn, x, nil)
			for _, r := range rep.Results {
				if r.Err != nil {
					t.Errorf("%s at %v, %s mode: %v", src, x, r.Mode, r.Err)
				}
			}
			if w := rep.WorstExact(); w.Diff > 1e-14 {
				t.Errorf("%s at %v: exact modes disagree: %+v", src, x, w)
			}
			onKink := kink && (x[0] == 0 || len(x) == 2 && x[0] == x[1])
			if w := rep.WorstNumeric(); !onKink && w.Diff > 1e-6 {
				t.Errorf("%s at %v: numeric differences disagree: %+v", src, x, w)
			}
		}
	}
}

// randomProgram builds a random expression DAG over x and y from data, so
// that fuzzing explores expressions with sharing. It returns the function
// and whether it uses non-smooth primitives.
func randomProgram(data []byte) (*ir.Graph, *ir.Func, bool) {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	nodes := []ir.ID{x, y, g.Const(2), g.Const(0.5)}
	ops := op.All()
	smooth := true
	for i := 0; i+2 < len(data) && len(nodes) < 60; i += 3 {
		o := ops[int(data[i])%len(ops)]
		a := nodes[len(nodes)-1-int(data[i+1])%len(nodes)]
		b := nodes[len(nodes)-1-int(data[i+2])%len(nodes)]
		switch o {
		case op.Abs, op.Relu, op.Min, op.Max, op.Step, op.Sign, op.Atan2: // atan2 jumps on y = 0, x < 0
			smooth = false
		}
		nodes = append(nodes, g.Apply(o, a, b))
	}
	root := nodes[len(nodes)-1]
	return g, &ir.Func{Name: "f", Params: []ir.ID{x, y}, Body: root}, smooth
}

// FuzzAgreement checks that the exact modes agree on random expressions
// at random points, inside the domain or not: symbolic, forward, reverse
// at both levels, compiled and the tape must give the same value, and the
// same partial derivatives, NaN in the same places (a derivative is NaN
// exactly where the function is, or where the chain rule is not finite:
// op.Derivative) and otherwise within 1e-10 relative, with an absolute
// floor of 1 (so 1e-10 absolute where a derivative is near zero: the modes
// sum the same terms in different orders, and a sum that cancels to zero
// in one order leaves a rounding error such as 5.6e-17 in another).
// Central differences must be close where the function is smooth and
// tame.
//
// Points where a value overflows are skipped: there the modes round
// different sums to ±Inf at different steps (a product of finite partials
// that overflows in one order of accumulation but not in another).
func FuzzAgreement(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
		{3, 0, 1, 7, 1, 2, 12, 0, 0, 4, 1, 3},
		{13, 0, 0, 5, 1, 0, 6, 2, 1, 9, 0, 4, 2, 1, 1},
		{20, 3, 1, 17, 0, 2, 1, 1, 0, 23, 2, 2, 8, 0, 1},
		[]byte("the seed of a random expression"),
	} {
		f.Add(1.3, 0.7, seed)
		f.Add(-2.0, 0.0, seed)
	}
	f.Fuzz(func(t *testing.T, px, py float64, data []byte) {
		if math.IsNaN(px) || math.IsNaN(py) || math.Abs(px) > 10 || math.Abs(py) > 10 {
			t.Skip()
		}
		g, fn, smooth := randomProgram(data)
		pt := []float64{px, py}
		pass := primitivePass(g, fn, pt)
		big, subnormal := magnitudes(g, pass)
		if big > 1e150 {
			t.Skip()
		}
		cond := arcConditioning(g, pass)
		ref, refGrad, err := verify.Gradient(nil, g, fn, pt, verify.Reverse, nil)
		if err != nil {
			t.Fatal(err)
		}
		check := func(mode string, v float64, grad []float64) {
			t.Helper()
			if !agree(v, ref, 1e-12) {
				t.Errorf("f = %s at %v: %s mode value %.17g, reverse %.17g", g.String(fn.Body), pt, mode, v, ref)
			}
			// The modes add the same terms in different orders, so where
			// large terms cancel (exp(log1p(x)·(y/log1p(x))) has ∂/∂x = 0
			// from terms of 1e6) they leave different roundings of the
			// largest magnitude in the pass: 1e-13 of it is allowed besides
			// 1e-10 relative. The symbolic derivative is a rewritten
			// expression (exp(x)·exp(x) is exp(2·x)) whose intermediates
			// round differently, which a function such as sin of a large
			// argument passes on whole: 1e-12 of the largest magnitude.
			tol := math.Max(1e-10, 1e-13*big)
			if mode == string(verify.Symbolic) {
				tol = math.Max(tol, math.Max(1e-12*big, 1e-13*cond))
				if subnormal {
					// exp(sinh(y))^x at y = -7.3 takes a power of
					// exp(-740), a subnormal with a few bits, where the
					// rewritten exp(x·sinh(y)) keeps them all: only
					// NaN-ness is compared.
					tol = math.Inf(1)
				}
			}
			for i := range grad {
				if !agree(grad[i], refGrad[i], tol) {
					d := verify.RelDiff(grad[i], refGrad[i])
					t.Errorf("f = %s at %v: %s mode ∂f/∂%s = %.17g, reverse %.17g (rel. diff %.2g)",
						g.String(fn.Body), pt, mode, g.Node(fn.Params[i]).Name, grad[i], refGrad[i], d)
				}
			}
		}
		kink := nearKink(g, pass)
		for _, m := range []verify.Mode{verify.Forward, verify.Symbolic, verify.Compiled} {
			v, grad, err := verify.Gradient(nil, g, fn, pt, m, nil)
			if err != nil {
				t.Fatalf("%s mode: %v", m, err)
			}
			if m == verify.Symbolic && kink {
				// The convention at a kink picks a side by the sign of a
				// difference (step(x - y) for min and max), and the
				// simplified expression of the symbolic derivative may
				// round a tie of the primal to one ulp either way, so
				// that its side differs: both are subgradients.
				continue
			}
			check(string(m), v, grad)
		}
		v, prim, err := verify.Gradient(nil, g, fn, pt, verify.Reverse, &verify.Settings{Level: reverse.Primitives})
		if err != nil {
			t.Fatal(err)
		}
		check("primitive-level reverse", v, prim)
		var applyErr error
		v, tg := tape.Grad(nil, func(_ *tape.Tape, x []tape.Var) tape.Var {
			r, err := tape.Apply(g, fn, x)
			applyErr = err
			return r
		}, pt)
		if applyErr != nil {
			t.Fatal(applyErr)
		}
		check("tape", v, tg)

		if !smooth || !finite(ref) || !finite(refGrad[0]) || !finite(refGrad[1]) || big > 1e4 {
			// Central differences are only trusted on smooth, tame
			// functions: sin(exp(exp(y))) at y = 3 oscillates faster than
			// any step can follow.
			return
		}
		_, num, err := verify.Gradient(nil, g, fn, pt, verify.Numeric, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := range num {
			if math.Abs(num[i]-refGrad[i]) > 1e-3*math.Max(1, math.Abs(refGrad[i])) {
				t.Errorf("f = %s at %v: numeric ∂f/∂%d = %.10g, reverse %.10g",
					g.String(fn.Body), pt, i, num[i], refGrad[i])
			}
		}
	})
}

// primitivePass returns the reverse pass of fn at x at primitive level,
// which nearKink, arcConditioning and magnitudes read, or an empty one if
// it fails.
func primitivePass(g *ir.Graph, fn *ir.Func, x []float64) *reverse.Result {
	r, err := reverse.Run(g, fn.Body, fn.Bind(g, x), &reverse.Settings{Level: reverse.Primitives})
	if err != nil {
		return &reverse.Result{}
	}
	return r
}

// nearKink reports whether the pass r meets a primitive at or within
// rounding of its kink: a tie of min or max, abs, relu, step or sign of
// (nearly) 0.
func nearKink(g *ir.Graph, r *reverse.Result) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) }
	for _, id := range r.Nodes {
		n := g.Node(id)
		switch n.Op {
		case op.Min, op.Max:
			if near(r.Value(n.X), r.Value(n.Y)) {
				return true
			}
		case op.Abs, op.Relu, op.Step, op.Sign:
			if near(r.Value(n.X), 0) {
				return true
			}
		}
	}
	return false
}

// arcConditioning returns the largest relative condition number, in its
// argument a, of the partial 1/sqrt(1 - a²) of an asin or acos in the
// pass r: a²/(1 - a²). The symbolic derivative rewrites its argument
// (sqrt(y)^2 is y), which moves a by an ulp; near a = ±1 the partial
// magnifies that by this number, which grows as the square of the
// partial itself, beyond what the largest magnitude allows: acos(sqrt(y))
// at y = 1 - 2^-53 has the partial 2^26 from 1 - sqrt(y)² = 2^-52 in
// reverse mode, and 2^25.5 from 1 - y = 2^-53 in the symbolic one.
func arcConditioning(g *ir.Graph, r *reverse.Result) float64 {
	c := 0.0
	for _, id := range r.Nodes {
		if n := g.Node(id); n.Op == op.Asin || n.Op == op.Acos {
			if a := r.Value(n.X); math.Abs(a) < 1 {
				c = math.Max(c, a*a/(1-a*a))
			}
		}
	}
	return c
}

// magnitudes returns the largest finite magnitude among the values,
// local partials and adjoints of the reverse pass r at primitive level
// (tan(y/(x/2)) near x = 0 has a tame value but a partial of 1e6, which
// no step of central differences resolves): past 1e150, products of
// partials may overflow in one order of accumulation and not in another,
// and past 1e4 central differences are not to be trusted. It also reports
// whether the pass meets a subnormal number, which has lost precision.
func magnitudes(g *ir.Graph, r *reverse.Result) (big float64, subnormal bool) {
	m := 0.0
	see := func(v float64) {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			m = math.Max(m, math.Abs(v))
			subnormal = subnormal || v != 0 && math.Abs(v) < 0x1p-1022
		}
	}
	for i, id := range r.Nodes {
		see(r.Values[i])
		see(r.Adjoints[i])
		for k := range g.Node(id).Arity() {
			see(r.Partial(i, k))
		}
	}
	return m, subnormal
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// agree reports whether a is within tol of b, relative to max(|b|, 1),
// or both are NaN.
func agree(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(b), 1)
}

// TestCheckReferenceFails checks that when reverse mode, the reference,
// fails (here its check of non-finite values, outside the domain of
// sqrt), the report says so instead of a worst disagreement of 0.
func TestCheckReferenceFails(t *testing.T) {
	p, err := expr.Parse("f.bp", "f(x) = sqrt(x)")
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := p.Target("")
	rep := verify.Check(p.Graph, fn, []float64{-1}, &verify.Settings{Check: true})
	if rep.Err() == nil {
		t.Fatal("no error from the failed reference")
	}
	if w := rep.WorstExact(); !w.Failed || w.Mode != verify.Reverse || !math.IsInf(w.Diff, 1) {
		t.Errorf("worst exact disagreement %+v, want reverse mode failed, Diff +Inf", w)
	}
	if w := rep.WorstNumeric(); !w.Failed || w.Diff == 0 {
		t.Errorf("worst numeric disagreement %+v, want a failure", w)
	}
}

// Every mode but compiled polls Settings.Stop and ends with ir.ErrStopped
// when it says so; Check skips the modes after a stopped one.
func TestStop(t *testing.T) {
	// 2^12 calls of a body of a few nodes: more than ir.StopEvery nodes.
	text := "f_0(x) = sin(x)\n"
	for i := 1; i <= 12; i++ {
		text += fmt.Sprintf("f_%d(x) = f_%d(x) + f_%d(x + 1)\n", i, i-1, i-1)
	}
	prog, err := expr.Parse("", text)
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := prog.Target("")
	calls := 0
	stop := func() bool { calls++; return calls > 1 }
	for _, m := range verify.Modes() {
		if m == verify.Compiled {
			continue
		}
		calls = 0
		_, _, err := verify.Gradient(nil, prog.Graph, fn, []float64{1}, m, &verify.Settings{Stop: stop})
		if !errors.Is(err, ir.ErrStopped) {
			t.Errorf("%s: %v, want ir.ErrStopped", m, err)
		}
		if _, _, err := verify.Gradient(nil, prog.Graph, fn, []float64{1}, m, &verify.Settings{Stop: func() bool { return false }}); err != nil {
			t.Errorf("%s, never stopped: %v", m, err)
		}
	}
	rep := verify.Check(prog.Graph, fn, []float64{1}, &verify.Settings{Stop: func() bool { return true }})
	for _, r := range rep.Results {
		if !errors.Is(r.Err, ir.ErrStopped) {
			t.Errorf("Check: %s: %v, want ir.ErrStopped", r.Mode, r.Err)
		}
	}
}
