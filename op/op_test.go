package op_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/op"
)

// TestTable checks that every primitive has every part of its entry.
func TestTable(t *testing.T) {
	for _, o := range op.All() {
		info := o.Info()
		if info.Name == "" || info.Eval == nil || info.Partials == nil || info.Rule == nil || info.Doc == "" {
			t.Errorf("%v: incomplete entry %+v", o, info)
		}
		if info.Arity != 1 && info.Arity != 2 {
			t.Errorf("%v: arity %d", o, info.Arity)
		}
		if info.Notation == op.Function {
			if got, ok := op.Lookup(info.Name); !ok || got != o {
				t.Errorf("Lookup(%q) = %v, %v", info.Name, got, ok)
			}
		}
		if !o.IsPrimitive() || !o.Valid() {
			t.Errorf("%v is not a valid primitive", o)
		}
	}
	for _, o := range []op.Op{op.Const, op.Var, op.Call} {
		if o.IsPrimitive() {
			t.Errorf("%v is a primitive", o)
		}
	}
	if op.Invalid.Valid() {
		t.Error("Invalid is valid")
	}
	for name, want := range map[string]op.Op{"ln": op.Log, "log": op.Log, "pow": op.Pow, "atan2": op.Atan2} {
		if got, ok := op.Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%q) = %v, want %v", name, got, want)
		}
	}
	if _, ok := op.Lookup("+"); ok {
		t.Error("Lookup finds an operator")
	}
}

// TestPartials checks the numeric partials of every primitive against
// central differences at points where it is smooth.
func TestPartials(t *testing.T) {
	points := map[op.Op][][2]float64{
		op.Log: {{0.5, 0}, {3, 0}}, op.Sqrt: {{0.25, 0}, {4, 0}}, op.Log1p: {{-0.5, 0}, {2, 0}},
		op.Asin: {{-0.5, 0}, {0.3, 0}}, op.Acos: {{-0.5, 0}, {0.3, 0}},
		op.Pow: {{2, 3}, {0.5, -1.5}, {3, 0.5}},
	}
	for _, o := range op.All() {
		pts, ok := points[o]
		if !ok {
			pts = [][2]float64{{-1.3, 0.7}, {0.4, -2}, {1.1, 1.9}}
		}
		for _, p := range pts {
			x, y := p[0], p[1]
			v := o.Eval(x, y)
			dx, dy := o.Partials(x, y, v)
			ndx := fd.Derivative(func(s float64) float64 { return o.Eval(s, y) }, x, nil)
			if math.Abs(dx-ndx) > 1e-6*math.Max(1, math.Abs(dx)) {
				t.Errorf("%v at (%g, %g): ∂x = %g, central differences %g", o, x, y, dx, ndx)
			}
			if o.Arity() == 1 {
				if dy != 0 {
					t.Errorf("%v: unary ∂y = %g", o, dy)
				}
				continue
			}
			ndy := fd.Derivative(func(s float64) float64 { return o.Eval(x, s) }, y, nil)
			if math.Abs(dy-ndy) > 1e-6*math.Max(1, math.Abs(dy)) {
				t.Errorf("%v at (%g, %g): ∂y = %g, central differences %g", o, x, y, dy, ndy)
			}
		}
	}
}

// TestConventions pins the documented derivatives at kinks.
func TestConventions(t *testing.T) {
	tests := []struct {
		o      op.Op
		x, y   float64
		dx, dy float64
	}{
		{op.Abs, 0, 0, 0, 0},
		{op.Relu, 0, 0, 0, 0},
		{op.Max, 1, 1, 1, 0},
		{op.Min, 1, 1, 1, 0},
		{op.Max, 1, 2, 0, 1},
		{op.Min, 1, 2, 1, 0},
		{op.Step, 0, 0, 0, 0},
		{op.Sign, 0, 0, 0, 0},
		{op.Pow, 0, 2, 0, math.NaN()},
	}
	for _, tt := range tests {
		dx, dy := tt.o.Partials(tt.x, tt.y, tt.o.Eval(tt.x, tt.y))
		if !same(dx, tt.dx) || !same(dy, tt.dy) {
			t.Errorf("%v at (%g, %g): partials (%g, %g), want (%g, %g)", tt.o, tt.x, tt.y, dx, dy, tt.dx, tt.dy)
		}
	}
}

// TestSpecialValues pins values at special points, the sign of zero
// included.
func TestSpecialValues(t *testing.T) {
	nan := math.NaN()
	negZero := math.Copysign(0, -1) // Go's -0.0 is +0
	tests := []struct {
		o       op.Op
		x, y, v float64
	}{
		{op.Log, -1, 0, nan},
		{op.Div, 1, 0, math.Inf(1)},
		{op.Pow, 0, -1, math.Inf(1)},
		{op.Max, nan, 1, nan},
		{op.Min, 1, nan, nan},
		{op.Relu, nan, 0, nan},
		{op.Step, nan, 0, nan},
		{op.Sign, negZero, 0, negZero},
		{op.Sign, 0, 0, 0},
		{op.Sigmoid, -1000, 0, 0},
		{op.Sigmoid, 1000, 0, 1},
		{op.Atan2, 1, 0, math.Pi / 2},
	}
	for _, tt := range tests {
		if v := tt.o.Eval(tt.x, tt.y); !same(v, tt.v) || v == 0 && math.Signbit(v) != math.Signbit(tt.v) {
			t.Errorf("%v(%g, %g) = %g, want %g", tt.o, tt.x, tt.y, v, tt.v)
		}
	}
}

func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

func TestInfoPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Info of Invalid did not panic")
		}
	}()
	op.Invalid.Info()
}
