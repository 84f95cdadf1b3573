package compile_test

import (
	"fmt"
	"log"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// The seed's function of section 2.3, compiled once and differentiated.
func Example() {
	prog, err := expr.Parse("seed.bp", `
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))`)
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("f")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	grad := make([]float64, p.NumInputs())
	v := p.Gradient(grad, []float64{2, 3})
	fmt.Printf("%d instructions\n", p.Len())
	fmt.Printf("f(2, 3) = %.12f\n", v)
	fmt.Printf("∇f(2, 3) = (%.10f, %.11f)\n", grad[0], grad[1])
	// Output:
	// 8 instructions
	// f(2, 3) = -0.570233248769
	// ∇f(2, 3) = (18260.7627311899, 6689.54446941267)
}

// A gradient descent on a Workspace of its own: after the first step, no
// step allocates.
func ExampleWorkspace() {
	prog, err := expr.Parse("", "f(x, y) = (1 - x)^2 + 10*(y - x^2)^2")
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	w := p.NewWorkspace()
	x := []float64{-1, 1}
	grad := make([]float64, 2)
	var v float64
	for range 5000 {
		v = w.Gradient(grad, x)
		for i := range x {
			x[i] -= 0.01 * grad[i]
		}
	}
	fmt.Printf("f(%.4f, %.4f) = %.2g\n", x[0], x[1], v)
	// Output:
	// f(1.0000, 1.0000) = 1.2e-18
}

// A program built with the ir.Graph API, with its listing: the inputs,
// the constants, then the instructions grouped in runs of one operation.
func ExampleExpr() {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	// sin(x*y) + sin(x)*2
	root := g.Apply(op.Add,
		g.Apply(op.Sin, g.Apply(op.Mul, x, y), ir.None),
		g.Apply(op.Mul, g.Apply(op.Sin, x, ir.None), g.Const(2)))
	p, err := compile.Expr(g, root, []ir.ID{x, y}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(p)
	// Output:
	//    0  input   x           # node 0
	//    1  input   y           # node 1
	//    2  const   2           # node 5
	//    3  mul     0 1         # node 2
	//    4  sin     0           # node 4
	//    5  sin     3           # node 3
	//    6  mul     4 2         # node 6
	//    7  add     5 6         # node 7, the result
}

// The directional derivative of f(x, y) = x²y along (1, 1) at (3, 2) is
// 2xy + x² = 21.
func ExampleProgram_JVP() {
	prog, err := expr.Parse("", "f(x, y) = x^2*y")
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	v, t := p.JVP([]float64{3, 2}, []float64{1, 1})
	fmt.Println(v, t)
	// Output:
	// 18 21
}

// Check finds where a NaN first appeared, in the body of an inlined
// function, and where that was written.
func ExampleProgram_Check() {
	src := "g(a) = 2*log(a)\nf(x) = g(x) + x"
	prog, err := expr.Parse("", src)
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	grad := make([]float64, 1)
	_, err = p.Check(grad, []float64{-1})
	fmt.Println(err)
	if nf, ok := err.(*ir.NonFiniteError); ok {
		fmt.Printf("written %q\n", src[nf.Span.Start:nf.Span.End])
	}
	// Output:
	// forward pass: value of node 3 (log of -1) is NaN in the body of g
	// written "log(a)"
}

// GradientBatch evaluates many points at once, spread over the processors.
func ExampleProgram_GradientBatch() {
	prog, err := expr.Parse("", "f(x, y) = x*y + y")
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	xs := [][]float64{{1, 2}, {3, 4}, {5, 6}}
	grads := [][]float64{make([]float64, 2), make([]float64, 2), make([]float64, 2)}
	values := make([]float64, 3)
	p.GradientBatch(grads, xs, values)
	for i := range xs {
		fmt.Println(xs[i], values[i], grads[i])
	}
	// Output:
	// [1 2] 4 [2 2]
	// [3 4] 16 [4 4]
	// [5 6] 36 [6 6]
}

// A function parsed from text, compiled once and differentiated at a
// point (the example of the README).
func ExampleFunc() {
	prog, _ := expr.Parse("rosen.bp", "f(x, y) = (1 - x)^2 + 100*(y - x^2)^2")
	fn, _ := prog.Target("")
	p, _ := compile.Func(prog.Graph, fn, nil)
	grad := make([]float64, 2)
	v := p.Gradient(grad, []float64{-1, 2})
	fmt.Println(v, grad)
	// Output: 104 [396 200]
}
