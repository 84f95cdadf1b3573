package op_test

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

// points2 are points where each primitive is twice differentiable.
func points2(o op.Op) [][2]float64 {
	switch o {
	case op.Log, op.Sqrt:
		return [][2]float64{{0.5, 0}, {3, 0}}
	case op.Log1p:
		return [][2]float64{{-0.5, 0}, {2, 0}}
	case op.Asin, op.Acos:
		return [][2]float64{{-0.5, 0}, {0.3, 0}}
	case op.Pow:
		return [][2]float64{{2, 3}, {0.5, -1.5}, {3, 0.5}}
	case op.Tan:
		return [][2]float64{{-1.1, 0}, {0.4, 0}}
	}
	return [][2]float64{{-1.3, 0.7}, {0.4, -2}, {1.1, 1.9}}
}

// TestPartials2 pins the second partials of the table to the symbolic
// derivatives of its Rule, taken by package sym and evaluated, and to
// central differences of its Partials; and Curvature to the derivatives
// that sym finds to be the constant 0.
func TestPartials2(t *testing.T) {
	for _, o := range op.All() {
		info := o.Info()
		if info.Partials2 == nil {
			t.Errorf("%v: no Partials2", o)
			continue
		}
		g := ir.NewGraph()
		x, y := g.Var("x"), g.Var("y")
		v := g.Apply(o, x, y)
		dx, dy := info.Rule(g, x, y, v)
		d2 := [3]ir.ID{sym.Diff(g, dx, x), ir.None, ir.None}
		if info.Arity == 2 {
			d2[1], d2[2] = sym.Diff(g, dx, y), sym.Diff(g, dy, y)
		}
		// Curvature: a bit is set exactly when sym's derivative is not
		// the constant 0.
		for k, bit := range []op.Curvature{op.CurvXX, op.CurvXY, op.CurvYY} {
			zero := true
			if d2[k] != ir.None {
				c, ok := g.IsConst(d2[k])
				zero = ok && c == 0
			}
			if set := info.Curvature&bit != 0; set == zero {
				t.Errorf("%v: Curvature bit %d is %v, but sym's second derivative is %s", o, k, set, describe(g, d2[k]))
			}
		}
		ev := ir.NewEvaluator(g)
		for _, p := range points2(o) {
			env := map[string]float64{"x": p[0], "y": p[1]}
			val := o.Eval(p[0], p[1])
			got := [3]float64{}
			got[0], got[1], got[2] = o.Partials2(p[0], p[1], val)
			for k, id := range d2 {
				want := 0.0
				if id != ir.None {
					var err error
					if want, err = ev.Eval(id, env); err != nil {
						t.Fatal(err)
					}
				}
				if !close2(got[k], want, 1e-12) {
					t.Errorf("%v at %v: second partial %d = %v, sym's %v", o, p, k, got[k], want)
				}
			}
			// Central differences of the first partials.
			num := [3]float64{
				fd.Derivative(func(s float64) float64 { d, _ := o.Partials(s, p[1], o.Eval(s, p[1])); return d }, p[0], nil),
			}
			if info.Arity == 2 {
				num[1] = fd.Derivative(func(s float64) float64 { d, _ := o.Partials(p[0], s, o.Eval(p[0], s)); return d }, p[1], nil)
				num[2] = fd.Derivative(func(s float64) float64 { _, d := o.Partials(p[0], s, o.Eval(p[0], s)); return d }, p[1], nil)
			}
			for k := range num {
				if !close2(got[k], num[k], 1e-6) {
					t.Errorf("%v at %v: second partial %d = %v, central differences %v", o, p, k, got[k], num[k])
				}
			}
		}
	}
}

func describe(g *ir.Graph, id ir.ID) string {
	if id == ir.None {
		return "absent"
	}
	return g.String(id)
}

func close2(a, b, tol float64) bool {
	return a == b || math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}
