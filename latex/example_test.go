package latex_test

import (
	"fmt"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/sym"
)

func ExampleString() {
	p, err := expr.Parse("", "3*x^2 + 5*x*y + 4*y^2 - sin(pi*x)/sqrt(x) + exp(-y)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(latex.String(p.Graph, p.Funcs[0].Body))
	// Output:
	// 3 x^{2} + 5 x y + 4 y^{2} - \frac{\sin{\left(\pi x \right)}}{\sqrt{x}} + e^{- y}
}

// The partial derivative of the seed's section 2.3, as the seed prints it
// with SymPy.
func ExampleDerivative() {
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
	x1 := f.Params[0]
	fmt.Println(latex.Derivative(g, f, x1, sym.Diff(g, f.Body, x1)))
	// Output:
	// \frac{\partial}{\partial x_{1}} f\left(x_{1}, x_{2}\right) = \pi \left(x_{1}^{x_{2}^{x_{1}} - 1} x_{2}^{x_{1}} + x_{1}^{x_{2}^{x_{1}}} x_{2}^{x_{1}} \log{\left(x_{1} \right)} \log{\left(x_{2} \right)}\right) \cos{\left(\pi x_{1}^{x_{2}^{x_{1}}} \right)} - \frac{\pi \sin{\left(\pi \log{\left(x_{1} \right)} \right)}}{x_{1}}
}

func ExampleDefinition() {
	p, _ := expr.Parse("", "f_3(x) = sqrt(x) + e^x")
	fmt.Println(latex.Definition(p.Graph, p.Func("f_3")))
	// Output:
	// f_{3}\left(x\right) = \sqrt{x} + e^{x}
}

func ExampleName() {
	for _, name := range []string{"x", "x_1", "x2", "alpha", "rate_0", "x_max"} {
		fmt.Println(latex.Name(name))
	}
	// Output:
	// x
	// x_{1}
	// x_{2}
	// \alpha
	// \mathrm{rate}_{0}
	// x_{\mathrm{max}}
}
