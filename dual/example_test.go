package dual_test

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/dual"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

func ExampleNumber() {
	// f(x) = x·sin(x) at x = π/2, with f'(x) = sin(x) + x·cos(x).
	x := dual.Var(math.Pi / 2)
	f := dual.Mul(x, dual.Sin(x))
	fmt.Printf("f = %.6f, f' = %.6f\n", f.Primal, f.Tangent)
	// Output:
	// f = 1.570796, f' = 1.000000
}

func ExampleApply() {
	// Every primitive of op's table, by its op.Op.
	x, y := dual.Var(2), dual.Const(3)
	for _, o := range []op.Op{op.Pow, op.Atan2, op.Max} {
		fmt.Printf("%s: %.4f\n", o, dual.Apply(o, x, y))
	}
	// Output:
	// ^: {8.0000 12.0000}
	// atan2: {0.5880 0.2308}
	// max: {3.0000 0.0000}
}

func ExampleAbs() {
	// The derivative at a kink is op's convention: abs'(0) = 0.
	fmt.Println(dual.Abs(dual.Var(0)))
	fmt.Println(dual.Max(dual.Var(1), dual.Var(1))) // on a tie, x's tangent
	// Output:
	// 0+0ε
	// 1+1ε
}

func ExampleJVP() {
	prog, err := expr.Parse("f.bp", "f(x, y) = x^2 * y + sin(y)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fn := prog.Func("f")
	point := map[string]float64{"x": 3, "y": 0}
	// The derivative in the direction (1, 2): 2xy·1 + (x² + cos y)·2.
	v, d, err := dual.JVP(prog.Graph, fn.Body, point, map[string]float64{"x": 1, "y": 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v, d)
	// Output:
	// 0 20
}

func ExampleGradient() {
	// The composite function of the seed's section 2.3.
	prog, err := expr.Parse("seed.bp", `
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fn, _ := prog.Target("f")
	grad, err := dual.Gradient(nil, prog.Graph, fn, []float64{2, 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.10f\n", grad)
	// Output:
	// [18260.7627311899 6689.5444694127]
}

func ExampleRecord() {
	// Section 1 of the seed document: the blocks of f(x) = f_1(f_2(x), f_3(x)) at x = 1.
	prog, err := expr.Parse("section1.bp", `
f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x) = sin(x)
f_3(x) = sqrt(x) + e^x
f(x) = f_1(f_2(x), f_3(x))
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := prog.Graph
	fn := prog.Func("f")
	trace, err := dual.Record(g, fn.Body, map[string]float64{"x": 1}, map[string]float64{"x": 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range trace {
		if g.Op(s.Node) != op.Call {
			continue
		}
		fmt.Printf("%s: value %.15g, derivative %.15g, partials %.6g\n", g.String(s.Node), s.Value, s.Tangent, s.Partials)
	}
	// Output:
	// f_2(x): value 0.841470984807897, derivative 0.54030230586814, partials [0.540302]
	// f_3(x): value 3.71828182845905, derivative 3.21828182845905, partials [3.21828]
	// f_1(f_2(x), f_3(x)): value 73.0708306381494, derivative 122.045158140265, partials [23.6402 33.9536]
}

func ExampleEvaluator_Check() {
	g := ir.NewGraph()
	x := g.Var("x")
	root := g.Apply(op.Sqrt, x, ir.None)
	e := dual.NewEvaluator(g)
	e.Check = true
	_, _, err := e.JVP(root, map[string]float64{"x": 0}, map[string]float64{"x": 1})
	fmt.Println(err)
	// Output:
	// forward pass: tangent of node 1 (sqrt of 0, value 0) is +Inf
}
