package sym

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

var simplifyTests = []struct {
	in, want string
}{
	// identities
	{"x + 0", "x"},
	{"0 + x", "x"},
	{"x - 0", "x"},
	{"0 - x", "-x"},
	{"x*1", "x"},
	{"1*x", "x"},
	{"x*0", "0"},
	{"0*x", "0"},
	{"x/1", "x"},
	{"0/x", "0"},
	{"x^1", "x"},
	{"x^0", "1"},
	{"1^x", "1"},
	{"x*-1", "-x"},
	{"x/-1", "-x"},
	{"-(-x)", "x"},
	{"-(2)", "-2"},
	{"-pi", "-pi"},
	{"-(pi*x)", "-(pi*x)"},
	{"pi*-x", "-(pi*x)"},
	{"-(e/x)", "-(e/x)"},
	// constant folding, never to Inf or NaN
	{"2 + 3*4", "14"},
	{"2^0.5", "1.4142135623730951"},
	{"sin(0) + cos(0)", "1"},
	{"1/0", "1/0"},
	{"0/0", "0/0"},
	{"log(0)", "log(0)"},
	{"log(-1)", "log(-1)"},
	{"exp(1000)", "exp(1000)"},
	{"x + exp(1000)", "x + exp(1000)"},
	// cancellations
	{"x - x", "0"},
	{"x/x", "1"},
	{"sin(x)/sin(x)", "1"},
	{"(x + y) - y", "x"},
	{"(y + x) - y", "x"},
	{"(x - y) + y", "x"},
	{"y + (x - y)", "x"},
	{"x - (x + y)", "-y"},
	{"x - (x - y)", "y"},
	{"(x - y) - x", "-y"},
	{"x*y/y", "x"},
	{"y*x/y", "x"},
	{"x/y*y", "x"},
	{"y*(x/y)", "x"},
	// signs
	{"x + -y", "x - y"},
	{"-x + y", "y - x"},
	{"x - -y", "x + y"},
	{"-x*y", "-(x*y)"},
	{"x*-y", "-(x*y)"},
	{"-x/y", "-(x/y)"},
	{"x/-y", "-(x/y)"},
	{"-(x - y)", "y - x"},
	{"-(2*x)", "-2*x"},
	{"-(2/x)", "-2/x"},
	{"2*-x", "-2*x"},
	{"x + -2", "x - 2"},
	{"x - -2", "x + 2"},
	{"x + -2*y", "x - 2*y"},
	{"-2*y + x", "x - 2*y"},
	{"x - -2*y", "x + 2*y"},
	// like terms and powers
	{"x + x", "2*x"},
	{"2*x + 3*x", "5*x"},
	{"2*x + x", "3*x"},
	{"x + 2*x", "3*x"},
	{"x - 3*x", "-2*x"},
	{"3*x - x", "2*x"},
	{"x*x", "x^2"},
	{"sin(x)*sin(x)", "sin(x)^2"},
	{"x^2*x^3", "x^5"},
	{"x*x^3", "x^4"},
	{"x^3*x", "x^4"},
	{"x^3/x", "x^2"},
	{"(x^2)^3", "x^6"},
	{"(x^3)^-1", "1/x^3"},
	{"(x^0.5)^2", "x"},
	{"(x^2)^0.5", "(x^2)^0.5"}, // not sqrt(x^2): x^0.5 is not sqrt(x) at -Inf
	{"(x^3)^(1/3)", "(x^3)^0.3333333333333333"},
	{"x^-1", "1/x"},
	{"x^0.5", "x^0.5"},
	{"sqrt(x)^2", "x"},
	{"sqrt(x)^3", "x^1.5"},
	{"exp(x)^2", "exp(2*x)"},
	{"sqrt(x^2)", "abs(x)"},
	{"x^2^3", "x^8"},
	// canonical order and constants
	{"x*2", "2*x"},
	{"1 + x", "x + 1"},
	{"(x + 1) + 2", "x + 3"},
	{"(x - 1) + 2", "x + 1"},
	{"(x + 1) - 2", "x - 1"},
	{"(x - 1) - 2", "x - 3"},
	{"2*(3*x)", "6*x"},
	{"(2*x)*3", "6*x"},
	{"(2*x)*y", "2*(x*y)"},
	{"x*(2*y)", "2*(x*y)"},
	{"(2*x)*(3*y)", "6*(x*y)"},
	{"2*(3/x)", "6/x"},
	{"x*(1/y)", "x/y"},
	{"(1/y)*x", "x/y"},
	{"x/(1/y)", "x*y"},
	// functions
	{"exp(log(x))", "x"},
	{"log(exp(x))", "x"},
	{"sin(-x)", "-sin(x)"},
	{"tanh(-x)", "-tanh(x)"},
	{"cos(-x)", "cos(x)"},
	{"cosh(-x)", "cosh(x)"},
	{"abs(-x)", "abs(x)"},
	{"abs(abs(x))", "abs(x)"},
	{"abs(exp(x))", "exp(x)"},
	{"abs(x^2)", "x^2"},
	{"abs(x^3)", "abs(x^3)"},
	{"max(x, x)", "x"},
	{"min(sin(x), sin(x))", "sin(x)"},
	{"max(x, y)", "max(x, y)"},
	// nothing to do
	{"sin(x) + cos(y)", "sin(x) + cos(y)"},
	{"x - y", "x - y"},
	{"x^y", "x^y"},
}

// TestSimplify checks each rewrite on its own, that simplifying is
// idempotent, and that the simplified expression has the value of the
// original wherever the original is finite.
func TestSimplify(t *testing.T) {
	envs := []map[string]float64{
		{"x": 1.7, "y": -0.6},
		{"x": 0.4, "y": 2.5},
		{"x": -2.2, "y": 3},
	}
	for _, c := range simplifyTests {
		p, fn := parse(t, c.in)
		g := p.Graph
		s := Simplify(g, fn.Body)
		if got := g.String(s); got != c.want {
			t.Errorf("Simplify(%s) = %s, want %s", c.in, got, c.want)
			continue
		}
		if again := Simplify(g, s); again != s {
			t.Errorf("Simplify(%s) = %s, simplified again %s", c.in, c.want, g.String(again))
		}
		for _, id := range g.Topo(s) {
			if v, ok := g.IsConst(id); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
				t.Errorf("Simplify(%s) created the constant %v", c.in, v)
			}
		}
		for _, env := range envs {
			want, err := ir.NewEvaluator(g).Eval(fn.Body, env)
			if err != nil {
				t.Fatal(err)
			}
			if math.IsNaN(want) || math.IsInf(want, 0) {
				continue
			}
			if got := eval(t, g, s, env); !same(got, want, 1e-12) {
				t.Errorf("%s = %v at %v, simplified %s = %v", c.in, want, env, c.want, got)
			}
		}
	}
}

// TestSimplifyCalls checks that Simplify keeps calls and simplifies their
// arguments.
func TestSimplifyCalls(t *testing.T) {
	p, fn := parse(t, "g(a) = a + 0\nf(x) = g(x*1) + g(x)")
	g := p.Graph
	if got, want := g.String(Simplify(g, fn.Body)), "2*g(x)"; got != want {
		t.Errorf("Simplify = %s, want %s", got, want)
	}
}

// TestBuilderBounded checks that rewrites stop after a bounded number of
// levels even on arguments that were not built by a Builder: a tower of
// negations built on the bare graph.
func TestBuilderBounded(t *testing.T) {
	g := ir.NewGraph()
	x := g.Var("x")
	n := x
	for range 1001 {
		n = g.Apply(op.Neg, n, ir.None)
	}
	b := NewBuilder(g)
	before := g.Len()
	r := b.Apply(op.Add, x, n) // x + (-(-(…x)))
	if made := g.Len() - before; made > 1<<fuel {
		t.Errorf("one Apply made %d nodes", made)
	}
	env := map[string]float64{"x": 1.25}
	if got := eval(t, g, r, env); got != 0 {
		t.Errorf("x + (-…-x) = %v at x = 1.25, want 0", got)
	}
	// Simplify, bottom-up, removes the whole tower.
	if got := g.String(Simplify(g, g.Apply(op.Add, x, n))); got != "0" {
		t.Errorf("Simplify(x + (-…-x)) = %s, want 0", got)
	}
}

// TestBuilderUnaryIgnoresY checks that Apply ignores y for unary
// primitives, as op.Builder requires.
func TestBuilderUnaryIgnoresY(t *testing.T) {
	g := ir.NewGraph()
	b := NewBuilder(g)
	x := g.Var("x")
	if a, c := b.Apply(op.Sin, x, ir.None), b.Apply(op.Sin, x, x); a != c {
		t.Errorf("Apply(sin, x, None) = %d, Apply(sin, x, x) = %d", a, c)
	}
}
