package compile_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// specials are the arguments every primitive is checked at: zeros of both
// signs, small and large numbers, the edges of the domains, infinities
// and NaN.
var specials = []float64{
	0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 2, -2.5, 3, 0.3, -0.7,
	1e-300, -1e-300, 1e300, 710, -710, 0.9999999, math.Pi, 1e-8,
	math.Inf(1), math.Inf(-1), math.NaN(),
}

// same reports whether a and b are the same number: equal, or both NaN.
// Zeros of both signs are the same.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// identical reports whether a and b have the same bits, or are both NaN.
func identical(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// scales are the adjoints the primitives are checked with: they are
// compiled as scale*o(x, y). A scale other than 1 tells g*(1/y) from
// g/y, and an infinite one tells g*0 from nothing.
var scales = []float64{1, 0.7, math.Inf(1)}

// primitive compiles o applied to x and y, where each is a variable or,
// when cx (cy) is not nil, the constant *cx (*cy), times scale. The inputs
// are the variables, in order.
func primitive(t testing.TB, o op.Op, cx, cy *float64, scale float64) *compile.Program {
	t.Helper()
	g := ir.NewGraph()
	var in []ir.ID
	arg := func(name string, c *float64) ir.ID {
		if c != nil {
			return g.Const(*c)
		}
		id := g.Var(name)
		in = append(in, id)
		return id
	}
	x := arg("x", cx)
	y := ir.None
	if o.Arity() == 2 {
		y = arg("y", cy)
	}
	root := g.Apply(o, x, y)
	if scale != 1 {
		root = g.Apply(op.Mul, g.Const(scale), root)
	}
	p, err := compile.Expr(g, root, in, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkPoint checks the value, gradient and tangents of p, which computes
// o at (x, y) with the arguments named by vars (0 for x, 1 for y) as
// inputs, against op's table.
func checkPoint(t *testing.T, o op.Op, p *compile.Program, w *compile.Workspace, scale, x, y float64, vars []int) {
	t.Helper()
	args := [2]float64{x, y}
	in := make([]float64, len(vars))
	for i, v := range vars {
		in[i] = args[v]
	}
	z := o.Eval(x, y)
	dx, dy := o.Partials(x, y, z)
	want, part := z, [2]float64{dx, dy}
	if scale != 1 {
		want, part = scale*z, [2]float64{scale * dx, scale * dy}
	}

	if got := p.Value(in); !identical(got, want) {
		t.Errorf("%v(%v, %v): Value = %v, want %v", o, x, y, got, want)
	}
	grad := make([]float64, len(vars))
	if got := w.Adjoints(grad, in); !identical(got, want) {
		t.Errorf("%v(%v, %v): Adjoints returned %v, want %v", o, x, y, got, want)
	}
	for i, v := range vars {
		if !same(grad[i], part[v]) {
			t.Errorf("%v(%v, %v): adjoint of arg%d = %v, want %v", o, x, y, v, grad[i], part[v])
		}
	}
	if got := w.Gradient(grad, in); !identical(got, want) {
		t.Errorf("%v(%v, %v): Gradient returned %v, want %v", o, x, y, got, want)
	}
	for i, v := range vars {
		if d := op.Derivative(want, part[v]); !same(grad[i], d) {
			t.Errorf("%v(%v, %v): ∂/∂arg%d = %v, want %v", o, x, y, v, grad[i], d)
		}
	}
	for i, v := range vars {
		dir := make([]float64, len(vars))
		dir[i] = 1
		// Forward mode adds dx·1 and dy·0 for binary primitives of two
		// variables; 0·Inf is NaN, as it is for any forward mode.
		wantT := [2]float64{dx, dy}[v]
		if len(vars) == 2 {
			wantT = dx*dir[0] + dy*dir[1]
		}
		if scale != 1 {
			wantT *= scale
		}
		wantT = op.Derivative(want, wantT)
		val, tan := w.JVP(in, dir)
		if !identical(val, want) || !same(tan, wantT) {
			t.Errorf("%v(%v, %v): JVP along arg%d = %v, %v, want %v, %v", o, x, y, v, val, tan, want, wantT)
		}
	}
}

// TestPrimitives checks every primitive, with variables and with constant
// arguments, at every pair of special arguments: the value must be Eval's
// bit for bit, and the gradient and tangents Partials' (zeros of either
// sign are equal: the backward pass adds the partials to 0).
func TestPrimitives(t *testing.T) {
	for _, o := range op.All() {
		for _, scale := range scales {
			t.Run(fmt.Sprintf("%s/%v", o.Word(), scale), func(t *testing.T) {
				p := primitive(t, o, nil, nil, scale)
				w := p.NewWorkspace()
				if o.Arity() == 1 {
					for _, x := range specials {
						checkPoint(t, o, p, w, scale, x, 0, []int{0})
					}
					return
				}
				for _, x := range specials {
					for _, y := range specials {
						checkPoint(t, o, p, w, scale, x, y, []int{0, 1})
					}
				}
				for _, c := range specials {
					px := primitive(t, o, &c, nil, scale)
					py := primitive(t, o, nil, &c, scale)
					wx, wy := px.NewWorkspace(), py.NewWorkspace()
					for _, v := range specials {
						checkPoint(t, o, px, wx, scale, c, v, []int{1})
						checkPoint(t, o, py, wy, scale, v, c, []int{0})
					}
				}
			})
		}
	}
}

// TestPrimitivesFolded checks that primitives of constants are folded into
// one constant, with Eval's value.
func TestPrimitivesFolded(t *testing.T) {
	for _, o := range op.All() {
		for _, x := range specials {
			for _, y := range specials[:8] {
				p := primitive(t, o, &x, &y, 1)
				if p.Len() != 0 || p.NumInputs() != 0 || p.NumConsts() != 1 {
					t.Fatalf("%v(%v, %v): %d instructions, %d inputs, %d constants, want 0, 0, 1",
						o, x, y, p.Len(), p.NumInputs(), p.NumConsts())
				}
				if got, want := p.Value(nil), o.Eval(x, y); !identical(got, want) {
					t.Errorf("%v(%v, %v) = %v, want %v", o, x, y, got, want)
				}
			}
		}
	}
}

// TestPrimitivesSweep checks every primitive at many random points, in
// runs of several instructions, against the table.
func TestPrimitivesSweep(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	const n = 2000
	for _, o := range op.All() {
		// n instructions o(x_i, y_i) summed, so that they form one run.
		g := ir.NewGraph()
		var in []ir.ID
		var terms []ir.ID
		for i := range n {
			x := g.Var("x" + itoa(i))
			in = append(in, x)
			y := ir.None
			if o.Arity() == 2 {
				y = g.Var("y" + itoa(i))
				in = append(in, y)
			}
			terms = append(terms, g.Apply(o, x, y))
		}
		sum := terms[0]
		for _, s := range terms[1:] {
			sum = g.Apply(op.Add, sum, s)
		}
		p, err := compile.Expr(g, sum, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := p.NewWorkspace()
		args := make([]float64, len(in))
		for i := range args {
			switch i % 3 {
			case 0:
				args[i] = 20 * (rnd.Float64() - 0.5)
			case 1:
				args[i] = 2 * (rnd.Float64() - 0.5)
			default:
				args[i] = math.Exp(100 * (rnd.Float64() - 0.5))
			}
		}
		grad := make([]float64, len(in))
		w.Adjoints(grad, args)
		vals := make([]float64, n)
		for i := range n {
			x, y := args[i*len(in)/n], 0.0
			if o.Arity() == 2 {
				y = args[2*i+1]
			}
			v := o.Eval(x, y)
			vals[i] = v
			dx, dy := o.Partials(x, y, v)
			k := i * len(in) / n
			if !same(grad[k], dx) || o.Arity() == 2 && !same(grad[k+1], dy) {
				t.Fatalf("%v(%v, %v): gradient %v, want %v, %v", o, x, y, grad[k:k+o.Arity()], dx, dy)
			}
		}
		want := vals[0]
		for _, v := range vals[1:] {
			want += v
		}
		if got := w.Value(args); !identical(got, want) {
			t.Errorf("%v: sum of %d values = %v, want %v", o, n, got, want)
		}
	}
}

// TestPrimitivesFiniteDifferences checks the gradient of every primitive
// against central differences at points where it is smooth.
func TestPrimitivesFiniteDifferences(t *testing.T) {
	points := [][2]float64{{0.3, 0.7}, {0.6, 1.9}, {-0.4, 0.8}, {1.7, -0.45}, {-1.3, -0.2}, {2.5, 3.1}}
	for _, o := range op.All() {
		p := primitive(t, o, nil, nil, 1)
		for _, pt := range points {
			x := pt[:o.Arity()]
			if !finite(p.Value(x)) {
				continue // outside the domain
			}
			grad := make([]float64, len(x))
			p.Gradient(grad, x)
			want := fd.Gradient(nil, p.Value, x, &fd.Settings{Formula: fd.Central, Step: 1e-6})
			for i := range x {
				if math.Abs(grad[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
					t.Errorf("%v%v: ∂/∂x%d = %v, central difference %v", o, x, i, grad[i], want[i])
				}
			}
		}
	}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
