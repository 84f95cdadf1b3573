package sym

import (
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"gonum.org/v1/gonum/diff/fd"
)

// point is where a primitive's derivative is checked. At a kink the
// derivative is a convention rather than a limit: the partials must be
// dx and dy, and central differences are not consulted.
type point struct {
	x, y   float64
	kink   bool
	dx, dy float64
}

func pts(xys ...float64) []point {
	var p []point
	for i := 0; i+1 < len(xys); i += 2 {
		p = append(p, point{x: xys[i], y: xys[i+1]})
	}
	return p
}

func unaryPts(xs ...float64) []point {
	var p []point
	for _, x := range xs {
		p = append(p, point{x: x})
	}
	return p
}

// primitivePoints holds, for every primitive, points of its domain, and
// of where it is not differentiable (kinks) or not defined (NaN
// derivatives, which every rule must agree on).
var primitivePoints = map[op.Op][]point{
	op.Neg:     unaryPts(-1.5, 0, 2.25),
	op.Add:     pts(1, 2, -0.5, 3.25),
	op.Sub:     pts(1, 2, -0.5, 3.25),
	op.Mul:     pts(1.5, -2, 0.25, 4),
	op.Div:     pts(1.5, -2, 0.25, 4, -3, 0.7),
	op.Pow:     append(pts(2, 3, 0.7, -1.5, 1.3, 0.5, -2, 3, 3, 0), point{x: 0, y: 2, kink: true, dx: 0, dy: math.NaN()}),
	op.Exp:     unaryPts(-2, 0, 1.5),
	op.Log:     unaryPts(0.2, 1, 3.7),
	op.Sqrt:    unaryPts(0.2, 1, 3.7, -1),
	op.Sin:     unaryPts(-2, 0, 0.5, 3),
	op.Cos:     unaryPts(-2, 0, 0.5, 3),
	op.Tan:     unaryPts(-1.2, 0, 0.5, 1),
	op.Asin:    unaryPts(-0.8, 0, 0.3, 0.9, 2),
	op.Acos:    unaryPts(-0.8, 0, 0.3, 0.9, 2),
	op.Atan:    unaryPts(-3, 0, 0.5, 10),
	op.Atan2:   pts(1, 2, -1, -0.5, 0.3, -2, 2, 0),
	op.Sinh:    unaryPts(-2, 0, 1.5),
	op.Cosh:    unaryPts(-2, 0, 1.5),
	op.Tanh:    unaryPts(-2, 0, 1.5),
	op.Abs:     append(unaryPts(-2, 0.5), point{x: 0, kink: true, dx: 0}),
	op.Min:     append(pts(1, 2, 3, -1), point{x: 1, y: 1, kink: true, dx: 1, dy: 0}),
	op.Max:     append(pts(1, 2, 3, -1), point{x: 1, y: 1, kink: true, dx: 1, dy: 0}),
	op.Log1p:   unaryPts(-0.5, 0, 2),
	op.Expm1:   unaryPts(-2, 0, 1e-3, 1.5),
	op.Sigmoid: unaryPts(-30, -1, 0, 2, 40),
	op.Relu:    append(unaryPts(-2, 0.5), point{x: 0, kink: true, dx: 0}),
	op.Step:    append(unaryPts(-2, 0.5), point{x: 0, kink: true, dx: 0}),
	op.Sign:    append(unaryPts(-2, 0.5), point{x: 0, kink: true, dx: 0}),
}

// TestPrimitives checks, for every primitive at every point of its row,
// that the numeric partials of the table agree with its symbolic rule
// (built both on the bare graph and through a simplifying Builder, then
// evaluated), with Diff of the primitive applied to variables, and with
// central differences (or, at kinks, with the documented convention).
func TestPrimitives(t *testing.T) {
	central := &fd.Settings{Formula: fd.Central}
	for _, o := range op.All() {
		points, ok := primitivePoints[o]
		if !ok || len(points) == 0 {
			t.Errorf("%v: no test points: add a row to primitivePoints", o)
			continue
		}
		info := o.Info()
		binary := info.Arity == 2
		g := ir.NewGraph()
		x, y := g.Var("x"), g.Var("y")
		yArg := ir.None
		if binary {
			yArg = y
		}
		v := g.Apply(o, x, yArg)
		rawDx, rawDy := info.Rule(g, x, yArg, v)
		simpDx, simpDy := info.Rule(NewBuilder(g), x, yArg, v)
		diffDx := Diff(g, v, x)
		grad := Gradient(g, v, []ir.ID{x, y})
		ev := ir.NewEvaluator(g)
		for _, p := range points {
			name := fmt.Sprintf("%v(%g)", o, p.x)
			if binary {
				name = fmt.Sprintf("%v(%g, %g)", o, p.x, p.y)
			}
			env := map[string]float64{"x": p.x, "y": p.y}
			value := o.Eval(p.x, p.y)
			numDx, numDy := o.Partials(p.x, p.y, value)
			check := func(what string, id ir.ID, want float64) {
				t.Helper()
				got, err := ev.Eval(id, env)
				if err != nil {
					t.Fatalf("%s: %s: %v", name, what, err)
				}
				if !same(got, want, 1e-12) {
					t.Errorf("%s: %s = %s = %v, numeric partial is %v", name, what, g.String(id), got, want)
				}
			}
			check("raw rule dx", rawDx, numDx)
			check("simplified rule dx", simpDx, numDx)
			check("Diff dx", diffDx, numDx)
			check("Gradient dx", grad[0], numDx)
			if binary {
				check("raw rule dy", rawDy, numDy)
				check("simplified rule dy", simpDy, numDy)
				check("Diff dy", Diff(g, v, y), numDy)
				check("Gradient dy", grad[1], numDy)
			} else if rawDy != ir.None || numDy != 0 {
				t.Errorf("%s: unary rule gives dy = %d, numeric %v", name, rawDy, numDy)
			}
			if p.kink {
				if !same(numDx, p.dx, 0) || binary && !same(numDy, p.dy, 0) {
					t.Errorf("%s: partials at the kink are (%v, %v), the convention is (%v, %v)", name, numDx, numDy, p.dx, p.dy)
				}
				continue
			}
			fdx := fd.Derivative(func(s float64) float64 { return o.Eval(s, p.y) }, p.x, central)
			if !same(numDx, fdx, 1e-6) {
				t.Errorf("%s: ∂/∂x = %v, central difference %v", name, numDx, fdx)
			}
			if binary {
				fdy := fd.Derivative(func(s float64) float64 { return o.Eval(p.x, s) }, p.y, central)
				if !same(numDy, fdy, 1e-6) {
					t.Errorf("%s: ∂/∂y = %v, central difference %v", name, numDy, fdy)
				}
			}
		}
	}
}

func relErr(got, want float64) float64 { return math.Abs(got-want) / math.Abs(want) }

// TestSeedGradient checks the seed's section 2.3: the gradient of
// f(x_1,x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1)) at (2, 3).
func TestSeedGradient(t *testing.T) {
	c := seedtest.Section23()
	p, fn := parse(t, c.Src)
	g := p.Graph
	want := c.Grad
	env := map[string]float64{"x_1": 2, "x_2": 3}
	grad := Gradient(g, fn.Body, fn.Params)
	for i, x := range fn.Params {
		for _, d := range []struct {
			how string
			id  ir.ID
		}{
			{"Diff", Diff(g, fn.Body, x)},
			{"Diff of a call", Diff(g, g.Call(fn, fn.Params...), x)},
			{"Gradient", grad[i]},
		} {
			got := eval(t, g, d.id, env)
			if e := relErr(got, want[i]); e > 1e-12 {
				t.Errorf("%s: ∂f/∂%s(2, 3) = %.15g, want %.15g (relative error %.2g)", d.how, g.Node(x).Name, got, want[i], e)
			}
		}
	}
}

// TestSeedForward checks the seed's section 1: f(x) = f_1(f_2(x), f_3(x))
// has f'(1) = 122.045158140265, which the closed form of its Eq. (1.1)
// also gives.
func TestSeedForward(t *testing.T) {
	const src = `
f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x) = sin(x)
f_3(x) = sqrt(x) + e^x
f(x) = f_1(f_2(x), f_3(x))
# Eq. (1.1) of the seed
df(x) = 4*(sqrt(x) + e^x)*(2*e^x + 1/sqrt(x)) + (5*sqrt(x) + 5*e^x)*cos(x) + (5*e^x + 5/(2*sqrt(x)))*sin(x) + 6*sin(x)*cos(x)
`
	p, _ := parse(t, src)
	g := p.Graph
	f, closed := p.Func("f"), p.Func("df")
	d := Diff(g, f.Body, f.Params[0])
	want := seedtest.Section1().Grad[0]
	for _, c := range []struct {
		what string
		id   ir.ID
	}{{"Diff", d}, {"Eq. (1.1)", closed.Body}} {
		if got := eval(t, g, c.id, map[string]float64{"x": 1}); relErr(got, want) > 1e-12 {
			t.Errorf("%s at x = 1 is %.15g, want %.15g", c.what, got, want)
		}
	}
	for _, x := range []float64{0.1, 0.5, 2, 3.5} {
		env := map[string]float64{"x": x}
		if got, want := eval(t, g, d, env), eval(t, g, closed.Body, env); relErr(got, want) > 1e-12 {
			t.Errorf("at x = %g: Diff gives %.15g, Eq. (1.1) %.15g", x, got, want)
		}
	}
}

// TestSeedAppendix checks the seed's appendix: f = f1(f2(x1, x2), f3(x1,
// x2)) at (2, 3), both by differentiating the whole function and by the
// appendix's method: partials of each function, evaluated at the call's
// arguments and multiplied along the paths of the function-level graph.
func TestSeedAppendix(t *testing.T) {
	const src = `
f1(x, y) = x*y
f2(x, y) = cos(pi*x)/sin(x)
f3(x, y) = ln(x)/y
f(x1, x2) = f1(f2(x1, x2), f3(x1, x2))
`
	p, fn := parse(t, src)
	g := p.Graph
	want := map[string]float64{"x1": seedtest.Appendix().Grad[0], "x2": seedtest.Appendix().Grad[1]}
	env := map[string]float64{"x1": 2, "x2": 3}
	for _, x := range fn.Params {
		name := g.Node(x).Name
		if got := eval(t, g, Diff(g, fn.Body, x), env); relErr(got, want[name]) > 1e-12 {
			t.Errorf("Diff: ∂f/∂%s(2, 3) = %.15g, want %.15g", name, got, want[name])
		}
	}

	// Backpropagation over the function-level graph, with symbolic edge
	// labels from Partials.
	ev := ir.NewEvaluator(g)
	partials := func(name string, args ...float64) []float64 {
		f := p.Func(name)
		local := make(map[string]float64)
		for i, n := range f.ParamNames(g) {
			local[n] = args[i]
		}
		var out []float64
		for _, d := range Partials(g, f) {
			v, err := ev.Eval(d, local)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}
	f2, _ := ev.Apply(p.Func("f2"), []float64{2, 3})
	f3, _ := ev.Apply(p.Func("f3"), []float64{2, 3})
	d1 := partials("f1", f2, f3)
	d2 := partials("f2", 2, 3)
	d3 := partials("f3", 2, 3)
	got := map[string]float64{
		"x1": d1[0]*d2[0] + d1[1]*d3[0],
		"x2": d1[0]*d2[1] + d1[1]*d3[1],
	}
	for name, w := range want {
		if relErr(got[name], w) > 1e-12 {
			t.Errorf("backprop with Partials: ∂f/∂%s(2, 3) = %.15g, want %.15g", name, got[name], w)
		}
	}
	if d2[1] != 0 {
		t.Errorf("∂f2/∂y = %v, want 0 (f2 does not use y)", d2[1])
	}
}

// TestPartialsText checks the edge labels of the seed's section 2.3.
func TestPartialsText(t *testing.T) {
	src, err := os.ReadFile("../examples/seed.bp")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := parse(t, string(src))
	g := p.Graph
	for _, c := range []struct {
		fn   string
		want []string
	}{
		{"f_1", []string{"pi*cos(pi*x)", "-(pi*sin(pi*y))"}},
		{"f_2", []string{"y*x^(y - 1)", "x^y*log(x)"}},
		{"f_3", []string{"1/x"}},
	} {
		var got []string
		for _, d := range Partials(g, p.Func(c.fn)) {
			got = append(got, g.String(d))
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Partials(%s) = %q, want %q", c.fn, got, c.want)
		}
	}
}

// TestReparse checks that the text of a derivative parses back to an
// expression with the same value.
func TestReparse(t *testing.T) {
	src, err := os.ReadFile("../examples/seed.bp")
	if err != nil {
		t.Fatal(err)
	}
	type job struct {
		src string
		env map[string]float64
	}
	jobs := []job{{string(src), map[string]float64{"x_1": 2, "x_2": 3}}}
	for _, o := range op.All() {
		args := "x"
		if o.Arity() == 2 {
			args = "x, y"
		}
		call := fmt.Sprintf("%s(%s)", o, args)
		if o.Info().Notation != op.Function {
			call = "x " + o.String() + " y"
			if o.Arity() == 1 {
				call = o.String() + "x"
			}
		}
		jobs = append(jobs, job{"f(x, y) = " + call, map[string]float64{"x": 0.3, "y": 0.7}})
	}
	for _, j := range jobs {
		p, fn := parse(t, j.src)
		g := p.Graph
		for _, d := range Gradient(g, fn.Body, fn.Params) {
			text := g.String(d)
			q, err := expr.Parse("derivative", text)
			if err != nil {
				t.Errorf("derivative of %q: %q does not parse: %v", j.src, text, err)
				continue
			}
			qf, _ := q.Target("")
			want := eval(t, g, d, j.env)
			got := eval(t, q.Graph, qf.Body, j.env)
			if !same(got, want, 0) {
				t.Errorf("derivative of %q: %q is %v, re-parsed %v", j.src, text, want, got)
			}
			if again := q.Graph.String(Simplify(q.Graph, qf.Body)); again != text {
				t.Errorf("derivative of %q: %q re-parsed and simplified prints as %q", j.src, text, again)
			}
		}
	}
}

// TestDeepChain differentiates and simplifies a chain of 100,000 nested
// operations, t ← sin(t) + x, and checks the value of the derivative
// against the same recurrence in float64, and its size.
func TestDeepChain(t *testing.T) {
	const levels = 50000 // two operations each
	g := ir.NewGraph()
	x := g.Var("x")
	r := x
	for range levels {
		r = g.Apply(op.Add, g.Apply(op.Sin, r, ir.None), x)
	}
	primal := Count(g, r)
	if s := Simplify(g, r); s != r {
		t.Errorf("Simplify changed a chain it has no rule for")
	}
	d := Diff(g, r, x)
	grad := Gradient(g, r, []ir.ID{x})[0]

	const x0 = 0.3
	v, dv := x0, 1.0
	for range levels {
		v, dv = math.Sin(v)+x0, math.Cos(v)*dv+1
	}
	env := map[string]float64{"x": x0}
	for _, c := range []struct {
		how string
		id  ir.ID
	}{{"Diff", d}, {"Gradient", grad}} {
		if got := eval(t, g, c.id, env); relErr(got, dv) > 1e-9 {
			t.Errorf("%s: derivative at %g is %v, recurrence gives %v", c.how, x0, got, dv)
		}
		if n := Count(g, r, c.id); n > 4*primal {
			t.Errorf("%s: primal and derivative have %d nodes, primal alone %d", c.how, n, primal)
		}
	}
}

// TestLinearSize checks that the derivative of random DAGs grows linearly
// with the primal: the nodes reachable from primal and derivative
// together stay below 4 times the primal's, at two sizes.
func TestLinearSize(t *testing.T) {
	for _, n := range []int{1000, 10000} {
		g := ir.NewGraph()
		r := randomDAG(g, n, 7)
		primal := Count(g, r)
		x, y := g.Var("x"), g.Var("y")
		for _, c := range []struct {
			how string
			ids []ir.ID
		}{
			{"Diff", []ir.ID{Diff(g, r, x)}},
			{"Gradient", Gradient(g, r, []ir.ID{x, y})},
		} {
			ratio := float64(Count(g, append([]ir.ID{r}, c.ids...)...)) / float64(primal)
			if ratio > 4 {
				t.Errorf("%s of %d nodes: (primal ∪ derivative)/primal = %.2f, want ≤ 4", c.how, primal, ratio)
			}
		}
	}
}

func TestDiffConstant(t *testing.T) {
	p, fn := parse(t, "f(x, y) = sin(x)*2")
	g := p.Graph
	if d := Diff(g, fn.Body, fn.Params[1]); g.String(d) != "0" {
		t.Errorf("∂/∂y of sin(x)*2 = %s, want 0", g.String(d))
	}
	if d := Diff(g, fn.Body, fn.Params[0]); g.String(d) != "2*cos(x)" {
		t.Errorf("∂/∂x of sin(x)*2 = %s, want 2*cos(x)", g.String(d))
	}
	if d := Diff(g, fn.Params[0], fn.Params[0]); g.String(d) != "1" {
		t.Errorf("∂x/∂x = %s, want 1", g.String(d))
	}
}

func TestDiffPanics(t *testing.T) {
	p, fn := parse(t, "f(x) = sin(x)")
	g := p.Graph
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Diff wrt a non-variable", func() { Diff(g, fn.Body, fn.Body) }},
		{"Gradient wrt a non-variable", func() { Gradient(g, fn.Body, []ir.ID{fn.Params[0], fn.Body}) }},
		{"Diff wrt a missing node", func() { Diff(g, fn.Body, 1000) }},
		{"Apply of a leaf", func() { NewBuilder(g).Apply(op.Const, 0, 0) }},
		{"NewBuilder(nil)", func() { NewBuilder(nil) }},
	} {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || len(s) < 5 || s[:5] != "sym: " {
					t.Errorf("%s: recovered %v, want a panic with a \"sym: \" message", c.name, r)
				}
			}()
			c.f()
		}()
	}
}
