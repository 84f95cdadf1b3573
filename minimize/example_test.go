package minimize_test

import (
	"fmt"
	"log"

	"gonum.org/v1/gonum/optimize"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/minimize"
	"github.com/gobackprop/backprop/tape"
)

// rosenbrock compiles Rosenbrock's function of two variables.
func rosenbrock() *compile.Program {
	prog, err := expr.Parse("rosenbrock.bp", "f(x, y) = 100*(y - x^2)^2 + (1 - x)^2")
	if err != nil {
		log.Fatal(err)
	}
	fn, _ := prog.Target("")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		log.Fatal(err)
	}
	return p
}

// Rosenbrock's function minimised from (-1.2, 1) by BFGS, with exact
// gradients from the compiled program.
func Example_bFGS() {
	res, err := optimize.Minimize(minimize.Problem(rosenbrock()), []float64{-1.2, 1}, nil, &optimize.BFGS{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x = (%.6f, %.6f), f < 1e-20: %t\n", res.X[0], res.X[1], res.F < 1e-20)
	fmt.Printf("%v after %d major iterations (the start is the first)\n", res.Status, res.MajorIterations)
	// Output:
	// x = (1.000000, 1.000000), f < 1e-20: true
	// GradientThreshold after 41 major iterations (the start is the first)
}

// Rosenbrock's function minimised from (-1.2, 1) by Newton's method, with
// exact Hessians by coloured Hessian-vector products.
func Example_newton() {
	res, err := optimize.Minimize(minimize.Problem(rosenbrock()), []float64{-1.2, 1}, nil, &optimize.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x = (%.6f, %.6f), f < 1e-20: %t\n", res.X[0], res.X[1], res.F < 1e-20)
	fmt.Printf("%v after %d major iterations (the start is the first)\n", res.Status, res.MajorIterations)
	// Output:
	// x = (1.000000, 1.000000), f < 1e-20: true
	// GradientThreshold after 23 major iterations (the start is the first)
}

// The extended Rosenbrock function written as Go code on a tape, with
// the path recorded.
func ExampleTape() {
	const n = 4
	f := func(t *tape.Tape, x []tape.Var) tape.Var {
		sum := t.Const(0)
		for i := 0; i < n; i += 2 {
			a := x[i].RSub(1)
			b := x[i+1].Sub(x[i].Mul(x[i]))
			sum = sum.Add(a.Mul(a)).Add(b.Mul(b).MulConst(100))
		}
		return sum
	}
	var path minimize.Path
	settings := &optimize.Settings{Recorder: &path}
	res, err := optimize.Minimize(minimize.Tape(n, f), []float64{-1.2, 1, -1.2, 1}, settings, &optimize.Newton{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("x = (%.4f, %.4f, %.4f, %.4f)\n", res.X[0], res.X[1], res.X[2], res.X[3])
	first, last := path.Steps[0], path.Steps[len(path.Steps)-1]
	fmt.Printf("f: %.1f → %.1g, |∇f|: %.1f → %.1g, in %d steps\n", first.Value, last.Value, first.GradientNorm, last.GradientNorm, last.Iteration)
	// Output:
	// x = (1.0000, 1.0000, 1.0000, 1.0000)
	// f: 48.4 → 0, |∇f|: 329.3 → 0, in 22 steps
}
