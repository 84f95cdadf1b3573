package dual

import (
	"fmt"
	"math"
	"testing"

	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
)

// unaryFuncs and binaryFuncs are the named function of each primitive.
var (
	unaryFuncs = map[op.Op]func(Number) Number{
		op.Neg: Neg, op.Exp: Exp, op.Log: Log, op.Sqrt: Sqrt,
		op.Sin: Sin, op.Cos: Cos, op.Tan: Tan,
		op.Asin: Asin, op.Acos: Acos, op.Atan: Atan,
		op.Sinh: Sinh, op.Cosh: Cosh, op.Tanh: Tanh,
		op.Abs: Abs, op.Log1p: Log1p, op.Expm1: Expm1,
		op.Sigmoid: Sigmoid, op.Relu: Relu, op.Step: Step, op.Sign: Sign,
	}
	binaryFuncs = map[op.Op]func(Number, Number) Number{
		op.Add: Add, op.Sub: Sub, op.Mul: Mul, op.Div: Div, op.Pow: Pow,
		op.Atan2: Atan2, op.Min: Min, op.Max: Max,
	}
)

// named returns the named function of o as a binary function.
func named(t testing.TB, o op.Op) func(x, y Number) Number {
	if f, ok := unaryFuncs[o]; ok {
		return func(x, _ Number) Number { return f(x) }
	}
	if f, ok := binaryFuncs[o]; ok {
		return f
	}
	t.Fatalf("no named function for primitive %v", o)
	return nil
}

// same reports whether a and b are the same float64: equal bits, or both NaN.
func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

func TestEveryPrimitiveHasAFunction(t *testing.T) {
	for _, o := range op.All() {
		_, u := unaryFuncs[o]
		_, b := binaryFuncs[o]
		switch {
		case u && o.Arity() != 1, b && o.Arity() != 2:
			t.Errorf("%v: named function of the wrong arity", o)
		case !u && !b:
			t.Errorf("%v: no named function", o)
		}
	}
	if n := len(unaryFuncs) + len(binaryFuncs); n != len(op.All()) {
		t.Errorf("%d named functions for %d primitives", n, len(op.All()))
	}
}

// grid holds primal values at zeros, kinks, domain edges, extremes and
// non-finite values.
var grid = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -3, 1.25, math.Pi / 2,
	1e-300, -1e-300, 40, -40, 710, -745, 1e308, math.Inf(1), math.Inf(-1), math.NaN(),
}

var tangents = []float64{0, 1, -2.5, 1e-300, math.NaN(), math.Inf(1)}

// TestNamedMatchesApply checks that the inlined formulas of the named
// functions give the same bits as Apply, which reads op's table.
func TestNamedMatchesApply(t *testing.T) {
	for _, o := range op.All() {
		f := named(t, o)
		ys, yts := grid, tangents
		if o.Arity() == 1 {
			ys, yts = []float64{0}, []float64{0}
		}
		bad := 0
		for _, x := range grid {
			for _, y := range ys {
				for _, xt := range tangents {
					for _, yt := range yts {
						a, b := Number{x, xt}, Number{y, yt}
						want := Apply(o, a, b)
						got := f(a, b)
						if !same(got.Primal, want.Primal) || !same(got.Tangent, want.Tangent) {
							if bad++; bad <= 5 {
								t.Errorf("%v(%v, %v) = %v, Apply gives %v", o, a, b, got, want)
							}
						}
					}
				}
			}
		}
	}
}

// TestApplyMatchesTable checks Apply against op's Eval and Partials: with
// the tangent of one argument 1 and the other 0, the tangent is that
// partial exactly.
func TestApplyMatchesTable(t *testing.T) {
	for _, o := range op.All() {
		ys := grid
		if o.Arity() == 1 {
			ys = []float64{0}
		}
		for _, x := range grid {
			for _, y := range ys {
				v := o.Eval(x, y)
				dx, dy := o.Partials(x, y, v)
				rx := Apply(o, Var(x), Const(y))
				if !same(rx.Primal, v) || !same(rx.Tangent, dx) {
					t.Errorf("Apply(%v, %v, %v) = %v, table gives %v and ∂x = %v", o, Var(x), Const(y), rx, v, dx)
				}
				if o.Arity() == 1 {
					continue
				}
				ry := Apply(o, Const(x), Var(y))
				if !same(ry.Tangent, dy) {
					t.Errorf("Apply(%v, %v, %v) = %v, table gives ∂y = %v", o, Const(x), Var(y), ry, dy)
				}
			}
		}
	}
}

// smooth returns points where o is differentiable, away from kinks and
// domain edges.
func smooth(o op.Op) [][2]float64 {
	if o.Arity() == 1 {
		var pts [][2]float64
		for _, x := range []float64{-1.7, -0.6, 0.3, 0.8, 2.1} {
			switch o {
			case op.Log, op.Sqrt:
				x = math.Abs(x)
			case op.Asin, op.Acos, op.Log1p:
				x /= 2.5
			}
			pts = append(pts, [2]float64{x, 0})
		}
		return pts
	}
	pts := [][2]float64{{0.7, 1.3}, {-1.2, 0.4}, {2.5, -0.8}, {1.1, 2.2}, {-0.3, -1.9}}
	if o == op.Pow {
		for i := range pts {
			pts[i][0] = math.Abs(pts[i][0])
		}
	}
	return pts
}

// TestAgainstCentralDifferences checks every primitive's tangent against
// central differences of its plain float64 evaluation (Stan's expect_ad).
func TestAgainstCentralDifferences(t *testing.T) {
	for _, o := range op.All() {
		f := named(t, o)
		for _, p := range smooth(o) {
			x, y := p[0], p[1]
			cases := []struct {
				arg  string
				a, b Number
				fd   func(float64) float64
				at   float64
			}{
				{"x", Var(x), Const(y), func(s float64) float64 { return o.Eval(s, y) }, x},
				{"y", Const(x), Var(y), func(s float64) float64 { return o.Eval(x, s) }, y},
			}
			if o.Arity() == 1 {
				cases = cases[:1]
			}
			for _, c := range cases {
				got := f(c.a, c.b).Tangent
				want := numeric.Derivative(c.fd, c.at, nil)
				if !near(got, want, 1e-7) {
					t.Errorf("∂%v/∂%s at (%v, %v) = %v, central differences give %v", o, c.arg, x, y, got, want)
				}
			}
		}
	}
}

// near reports whether a and b agree to rel relative to max(1, |b|).
func near(a, b, rel float64) bool {
	return math.Abs(a-b) <= rel*math.Max(1, math.Abs(b))
}

// TestConventions checks the derivatives at kinks, domain edges and
// constant arguments documented in op and in the package documentation.
func TestConventions(t *testing.T) {
	negZero := math.Copysign(0, -1)
	tests := []struct {
		name string
		got  Number
		want Number
	}{
		{"abs'(0)", Abs(Var(0)), Number{0, 0}},
		{"abs'(-0)", Abs(Var(negZero)), Number{0, negZero}},
		{"abs'(-2)", Abs(Var(-2)), Number{2, -1}},
		{"relu'(0)", Relu(Var(0)), Number{0, 0}},
		{"relu'(3)", Relu(Var(3)), Number{3, 1}},
		{"step'(0)", Step(Var(0)), Number{0, 0}},
		{"sign'(0)", Sign(Var(0)), Number{0, 0}},
		{"max tie, x varies", Max(Var(1), Const(1)), Number{1, 1}},
		{"max tie, y varies", Max(Const(1), Var(1)), Number{1, 0}},
		{"min tie, x varies", Min(Var(1), Const(1)), Number{1, 1}},
		{"min tie, y varies", Min(Const(1), Var(1)), Number{1, 0}},
		{"max(2, x) at 3", Max(Const(2), Var(3)), Number{3, 1}},
		{"0^2", Pow(Var(0), Const(2)), Number{0, 0}},
		{"x^0 at 0: 0·0^(-1), as the symbolic rule", Pow(Var(0), Const(0)), Number{1, math.NaN()}},
		{"x^0 at 2", Pow(Var(2), Const(0)), Number{1, 0}},
		{"(-3)^2, constant exponent", Pow(Var(-3), Const(2)), Number{9, -6}},
		{"2^y at 3", Pow(Const(2), Var(3)), Number{8, 8 * math.Ln2}},
		{"sqrt of constant 0", Sqrt(Const(0)), Number{0, 0}},
		{"sqrt'(0)", Sqrt(Var(0)), Number{0, math.Inf(1)}},
		{"log'(0)", Log(Var(0)), Number{math.Inf(-1), math.Inf(1)}},
		{"sigmoid'(0)", Sigmoid(Var(0)), Number{0.5, 0.25}},
		{"sigmoid'(-1000)", Sigmoid(Var(-1000)), Number{0, 0}},
		{"atan2 at (1, 0)", Atan2(Var(1), Const(0)), Number{math.Pi / 2, 0}},
		{"atan2 at (0, 1) in x", Atan2(Const(0), Var(1)), Number{0, negZero}},
		{"x*y, y = Inf constant", Mul(Var(0), Const(math.Inf(1))), Number{math.NaN(), math.Inf(1)}},
	}
	for _, tt := range tests {
		if !same(tt.got.Primal, tt.want.Primal) || !same(tt.got.Tangent, tt.want.Tangent) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestArithmetic(t *testing.T) {
	x := Number{3, 1}
	y := Number{-2, 0.5}
	tests := []struct {
		name string
		got  Number
		want Number
	}{
		{"x+y", Add(x, y), Number{1, 1.5}},
		{"x-y", Sub(x, y), Number{5, 0.5}},
		{"x*y", Mul(x, y), Number{-6, -2 + 1.5}},
		{"x/y", Div(x, y), Number{-1.5, (1*-2 - 3*0.5) / 4}},
		{"-x", Neg(x), Number{-3, -1}},
		{"x^2", Pow(x, Const(2)), Number{9, 6}},
		{"sin(x)", Sin(x), Number{math.Sin(3), math.Cos(3)}},
	}
	for _, tt := range tests {
		if !near(tt.got.Primal, tt.want.Primal, 1e-15) || !near(tt.got.Tangent, tt.want.Tangent, 1e-15) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestApplyPanics(t *testing.T) {
	for _, o := range []op.Op{op.Invalid, op.Const, op.Var, op.Call} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 6 || s[:6] != "dual: " {
					t.Errorf("Apply(%v) panicked with %v, want a dual: message", o, r)
				}
			}()
			Apply(o, Var(1), Var(2))
		}()
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct {
		x    Number
		want string
	}{
		{Number{1.5, 2}, "1.5+2ε"},
		{Number{-1, -0.25}, "-1-0.25ε"},
		{Number{0, math.NaN()}, "0+NaNε"},
	} {
		if got := tt.x.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.x, got, tt.want)
		}
		if got := fmt.Sprint(tt.x); got != tt.want {
			t.Errorf("fmt.Sprint(%#v) = %q, want %q", tt.x, got, tt.want)
		}
	}
}
