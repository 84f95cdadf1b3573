package tape

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
)

// parse parses src and returns its graph and target function.
func parse(t testing.TB, src string) (*ir.Graph, *ir.Func) {
	t.Helper()
	prog, err := expr.Parse("test", src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	fn, err := prog.Target("")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return prog.Graph, fn
}

// TestApply checks Apply on parsed functions against package ir's
// evaluator, bit for bit, and against central differences; records says
// how many records the function should take, constants costing none.
func TestApply(t *testing.T) {
	tests := []struct {
		src     string
		x       []float64
		records int
	}{
		{"f(x, y) = x*y + sin(x)", []float64{0.7, 1.3}, 2 + 3},
		{"g(x) = 2*x\nf(x, y) = g(x) + g(y)^2", []float64{0.7, 1.3}, 2 + 4},
		{"f(x) = 2*3 + x", []float64{0.5}, 1 + 1},
		{"f(x) = 2^x + x^2 - 1/x + 3 - x", []float64{1.5}, 1 + 7},
		{"f(x, y) = atan2(y, 2) + max(x, 1) + min(2, y) + atan2(1, x)", []float64{0.7, 1.3}, 2 + 7},
		{"f(x, y) = -x + -(2*pi) * exp(-y)", []float64{0.7, 1.3}, 2 + 5},
		{"f(x) = 3", []float64{0.5}, 1 + 1},
		{"h(a, b) = a*b\ng(x) = h(x, x) + h(2, 3)\nf(x, y) = g(x + y)", []float64{0.7, 1.3}, 2 + 3},
		{"f(x1, x2) = ln(x1)^x2 - sqrt(x2)*tanh(x1) + abs(x1 - x2) + relu(x2) + sigmoid(x1)", []float64{1.7, 1.3}, 2 + 13},
	}
	for _, tt := range tests {
		g, fn := parse(t, tt.src)
		tp := New()
		xs := tp.Vars(tt.x)
		out, err := Apply(g, fn, xs)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		want, err := ir.NewEvaluator(g).Apply(fn, tt.x)
		if err != nil || !same(out.Value(), want) {
			t.Errorf("%q: value %v, the evaluator says %v (%v)", tt.src, out.Value(), want, err)
		}
		if tp.Len() != tt.records {
			t.Errorf("%q: %d records, want %d", tt.src, tp.Len(), tt.records)
		}
		grad := tp.Gradient(nil, out, xs)
		ev := ir.NewEvaluator(g)
		num := fd.Gradient(nil, func(x []float64) float64 {
			v, _ := ev.Apply(fn, x)
			return v
		}, tt.x, &fd.Settings{Formula: fd.Central})
		for i := range grad {
			if !closeTo(grad[i], num[i], 1e-7) {
				t.Errorf("%q: ∂f/∂x%d = %v, central differences say %v", tt.src, i, grad[i], num[i])
			}
		}
	}
}

func TestApplyErrors(t *testing.T) {
	g, fn := parse(t, "f(x, y) = x*y")
	tp := New()
	x := tp.Var(1)

	// A body with a free variable, and a function that calls itself, can
	// only be built by hand: the parser refuses them.
	hg := ir.NewGraph()
	free := &ir.Func{Name: "free", Params: []ir.ID{hg.Var("x")}, Body: hg.Apply(op.Add, hg.Var("x"), hg.Var("y"))}
	self := &ir.Func{Name: "self", Params: []ir.ID{hg.Var("x")}}
	self.Body = hg.Call(self, hg.Var("x"))

	tests := []struct {
		name string
		g    *ir.Graph
		fn   *ir.Func
		args []Var
		want string
	}{
		{"too few", g, fn, []Var{x}, "f expects 2 arguments, got 1"},
		{"too many", g, fn, []Var{x, x, x}, "f expects 2 arguments, got 3"},
		{"no tape", g, &ir.Func{Name: "c", Body: g.Const(1)}, nil, "no arguments"},
		{"nil", nil, fn, []Var{x, x}, "nil graph or function"},
		{"free variable", hg, free, []Var{x}, "free uses variable y, which is not one of its parameters"},
		{"recursion", hg, self, []Var{x}, "self calls itself"},
	}
	for _, tt := range tests {
		_, err := Apply(tt.g, tt.fn, tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.want)
		}
	}
	mustPanic(t, "Vars of two tapes", "two different tapes", func() { Apply(g, fn, []Var{x, New().Var(2)}) })
}

// FuzzApply checks, on any function the parser accepts, that Apply gives
// the evaluator's value bit for bit, that the graph of the recording gives
// it back too, and that the tape's gradient is reverse mode's over the
// same expression (package reverse, at primitive level, reads the same
// partials from package op). Both sum the same products, perhaps in
// another order, so they are compared to a relative 1e-9 (absolute below
// 1); where either is not finite, NaN-ness and infinities must match, as
// the table decides them for both.
func FuzzApply(f *testing.F) {
	for _, s := range []string{
		"x*y + sin(x)",
		"x^y^x - atan2(y, x) / max(x, 2)",
		"exp(-x) * log1p(y) + expm1(x) - step(y) * sign(x - 1)",
		"sqrt(abs(x - y)) + cosh(y) / sinh(x) + asin(x / 4) + acos(y / 4)",
		"2*3 - x + pi^e",
		"min(x, x) + tan(y) + relu(-x) + sigmoid(y)",
	} {
		f.Add(s, 0.7, 1.3)
	}
	f.Fuzz(func(t *testing.T, body string, a, b float64) {
		prog, err := expr.Parse("fuzz", "f(x, y) = "+body)
		if err != nil {
			return
		}
		fn := prog.Funcs[len(prog.Funcs)-1]
		want, err := ir.NewEvaluator(prog.Graph).Apply(fn, []float64{a, b})
		if err != nil {
			return
		}
		tp := New()
		xs := tp.Vars([]float64{a, b})
		out, err := Apply(prog.Graph, fn, xs)
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if !same(out.Value(), want) {
			t.Fatalf("%q at (%v, %v): Apply gives %v, the evaluator %v", body, a, b, out.Value(), want)
		}
		g, gf, err := tp.Graph(out, xs, "x", "y")
		if err != nil {
			t.Fatalf("%q: Graph: %v", body, err)
		}
		got, err := ir.NewEvaluator(g).Apply(gf, []float64{a, b})
		if err != nil || !same(got, want) {
			t.Fatalf("%q at (%v, %v): the traced graph %s gives %v (%v), want %v", body, a, b, g.String(gf.Body), got, err, want)
		}
		grad := tp.Gradient(nil, out, xs)
		_, rev, err := reverse.Gradient(nil, prog.Graph, fn, []float64{a, b}, &reverse.Settings{Level: reverse.Primitives})
		if err != nil {
			t.Fatalf("%q at (%v, %v): reverse mode: %v", body, a, b, err)
		}
		for i := range grad {
			g, w := grad[i], rev[i]
			if math.IsNaN(g) || math.IsNaN(w) || math.IsInf(g, 0) || math.IsInf(w, 0) || math.IsNaN(want) || math.IsInf(want, 0) {
				continue // NaN agreement across modes is FuzzAgreement's (package verify)
			}
			if math.Abs(g-w) > 1e-9*math.Max(1, math.Abs(w)) {
				t.Fatalf("%q at (%v, %v): ∂/∂%s = %v on the tape, %v in reverse mode", body, a, b, [...]string{"x", "y"}[i], g, w)
			}
		}
	})
}
