package sym_test

import (
	"fmt"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

// The seed's section 2.3: the partial derivatives of
// f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1)) at (2, 3).
func ExampleDiff() {
	p, err := expr.Parse("seed.bp", `
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x) = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := p.Graph
	f := p.Func("f")
	env := map[string]float64{"x_1": 2, "x_2": 3}
	for _, x := range f.Params {
		d := sym.Diff(g, f.Body, x)
		v, _ := ir.NewEvaluator(g).Eval(d, env)
		fmt.Printf("∂f/∂%s = %s\n  = %.12g at (2, 3)\n", g.Node(x).Name, g.String(d), v)
	}
	// Output:
	// ∂f/∂x_1 = pi*(cos(pi*x_1^x_2^x_1)*(x_2^x_1*x_1^(x_2^x_1 - 1) + x_1^x_2^x_1*log(x_1)*(x_2^x_1*log(x_2)))) - sin(pi*log(x_1))*(pi/x_1)
	//   = 18260.7627312 at (2, 3)
	// ∂f/∂x_2 = pi*(cos(pi*x_1^x_2^x_1)*(x_1^x_2^x_1*log(x_1)*(x_1*x_2^(x_1 - 1))))
	//   = 6689.54446941 at (2, 3)
}

// Gradient differentiates with respect to several variables in one
// reverse sweep.
func ExampleGradient() {
	p, _ := expr.Parse("", "x*y + sin(x)")
	g := p.Graph
	f, _ := p.Target("")
	for i, d := range sym.Gradient(g, f.Body, f.Params) {
		fmt.Printf("∂/∂%s = %s\n", f.ParamNames(g)[i], g.String(d))
	}
	// Output:
	// ∂/∂x = cos(x) + y
	// ∂/∂y = x
}

// Partials gives the symbolic labels of the edges leaving a call of a
// function, as in the seed's appendix.
func ExamplePartials() {
	p, _ := expr.Parse("", "f2(x, y) = cos(pi*x)/sin(x)")
	g := p.Graph
	for i, d := range sym.Partials(g, p.Func("f2")) {
		fmt.Printf("∂f2/∂%s = %s\n", p.Func("f2").ParamNames(g)[i], g.String(d))
	}
	// Output:
	// ∂f2/∂x = -(pi*(sin(pi*x)/sin(x))) - cos(pi*x)/sin(x)/sin(x)*cos(x)
	// ∂f2/∂y = 0
}

func ExampleSimplify() {
	p, _ := expr.Parse("", "2*(3*x) + 0*y - x*x/x + x^1*x^2")
	g := p.Graph
	f, _ := p.Target("")
	fmt.Println(g.String(sym.Simplify(g, f.Body)))
	// Output:
	// 5*x + x^3
}

func ExampleBuilder() {
	g := ir.NewGraph()
	b := sym.NewBuilder(g)
	x := b.Var("x")
	fmt.Println(g.String(b.Apply(op.Mul, b.Apply(op.Add, x, b.Const(0)), b.Const(3))))
	fmt.Println(g.String(b.Apply(op.Add, x, b.Apply(op.Neg, b.Apply(op.Sin, x, ir.None), ir.None))))
	// Output:
	// 3*x
	// x - sin(x)
}

// Count measures the sharing between a primal and its derivative.
func ExampleCount() {
	p, _ := expr.Parse("", "exp(sin(x)*x)")
	g := p.Graph
	f, _ := p.Target("")
	d := sym.Diff(g, f.Body, f.Params[0])
	fmt.Println(g.String(d))
	fmt.Println(sym.Count(g, f.Body), sym.Count(g, d), sym.Count(g, f.Body, d))
	// Output:
	// exp(sin(x)*x)*(x*cos(x) + sin(x))
	// 4 8 8
}
