package numeric_test

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/numeric"
)

func ExampleGradient() {
	// f(x, y) = x²·y, whose gradient is (2xy, x²).
	f := func(x []float64) float64 { return x[0] * x[0] * x[1] }
	grad := numeric.Gradient(nil, f, []float64{3, 2}, nil)
	fmt.Printf("%.8f\n", grad)
	// Output:
	// [12.00000000 9.00000000]
}

func ExampleDerivative() {
	central := numeric.Derivative(math.Exp, 1, nil)
	five := numeric.Derivative(math.Exp, 1, &numeric.Settings{Formula: numeric.FivePoint})
	fmt.Printf("central:    %.8f\n", central)
	fmt.Printf("five-point: %.11f\n", five)
	fmt.Printf("e:          %.11f\n", math.E)
	// Output:
	// central:    2.71828183
	// five-point: 2.71828182846
	// e:          2.71828182846
}

func ExampleFuncGradient() {
	// The appendix of the seed document.
	prog, err := expr.Parse("appendix.bp", `
f1(x, y) = x*y
f2(x, y) = cos(pi*x)/sin(x)
f3(x, y) = ln(x)/y
f(x1, x2) = f1(f2(x1, x2), f3(x1, x2))
`)
	if err != nil {
		fmt.Println(err)
		return
	}
	fn, _ := prog.Target("f")
	grad, err := numeric.FuncGradient(nil, prog.Graph, fn, []float64{2, 3}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.9f\n", grad)
	// Output:
	// [0.299580760 -0.084698748]
}
