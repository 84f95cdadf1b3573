package backprop_test

import (
	"fmt"

	"github.com/gobackprop/backprop"
)

// The seed's appendix, without SymPy: functions defined from text, applied
// to variables and to each other, differentiated by backpropagation.
func Example() {
	p := backprop.MustParse(`
		f_1(x, y) = sin(pi*x) + cos(pi*y)
		f_2(x, y) = x^y
		f_3(x)    = ln(x)
	`)
	f1, f2, f3 := p.Func("f_1"), p.Func("f_2"), p.Func("f_3")
	x1, x2 := p.Var("x_1"), p.Var("x_2")
	f := f1.Apply(f2.Apply(x1, f2.Apply(x2, x1)), f3.Apply(x1))

	v, grad, err := f.Gradient(backprop.Point{"x_1": 2, "x_2": 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("f(2, 3) = %.15g\n", v)
	fmt.Printf("∂f/∂x_1 = %.15g\n", grad["x_1"])
	fmt.Printf("∂f/∂x_2 = %.15g\n", grad["x_2"])
	fmt.Println(f)
	fmt.Println(f.Expand())
	// Output:
	// f(2, 3) = -0.57023324876894
	// ∂f/∂x_1 = 18260.7627311899
	// ∂f/∂x_2 = 6689.54446941267
	// f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
	// sin(pi*x_1^x_2^x_1) + cos(pi*log(x_1))
}

// The docstring example of the seed's appendix.
func ExampleFunction_Apply() {
	p := backprop.MustParse(`
		f1(x, y) = x*y
		f2(x, y) = cos(pi*x)/sin(x)
		f3(x, y) = ln(x)/y
	`)
	x1, x2 := p.Var("x1"), p.Var("x2")
	f := p.Func("f1").Apply(p.Func("f2").Apply(x1, x2), p.Func("f3").Apply(x1, x2))
	_, grad, _ := f.Gradient(backprop.Point{"x1": 2, "x2": 3})
	fmt.Printf("{x1: %.15f, x2: %.16f}\n", grad["x1"], grad["x2"])
	// Output:
	// {x1: 0.299580760323820, x2: -0.0846987477622259}
}

// Symbolic derivatives print as text that parses back, and as LaTeX.
func ExampleExpr_Diff() {
	p := backprop.MustParse("f(x, y) = x^2*sin(y)")
	x, y := p.Var("x"), p.Var("y")
	e := p.Func("f").Apply(x, y)
	d := e.Diff("x")
	fmt.Println(d)
	fmt.Println(d.LaTeX())
	v, _ := d.Eval(backprop.Point{"x": 3, "y": 0.5})
	fmt.Printf("%.6f\n", v)
	// Output:
	// 2*(sin(y)*x)
	// 2 x \sin{\left(y \right)}
	// 2.876553
}

// Wrong numbers of arguments, unknown names and syntax errors are errors
// with line:column and a caret.
func ExampleParse_error() {
	_, err := backprop.Parse("f_2(x, y) = x^y\nf(x) = f_2(x)")
	fmt.Println(err)
	// Output:
	// 2:8: f_2: expected 2 arguments, got 1
	//     f(x) = f_2(x)
	//            ^
}

func ExampleFunction_Gradient() {
	p := backprop.MustParse(`
		f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
		f_2(x)    = sin(x)
		f_3(x)    = sqrt(x) + e^x
		f(x)      = f_1(f_2(x), f_3(x))
	`)
	v, grad, _ := p.Func("f").Gradient(nil, 1)
	fmt.Printf("f(1) = %.15g, f'(1) = %.15g\n", v, grad[0])
	// Output:
	// f(1) = 73.0708306381494, f'(1) = 122.045158140265
}
