package tape_test

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/tape"
)

// The seed's composite function f(x1, x2) = f1(f2(x1, f2(x2, x1)), f3(x1)),
// with f1(x, y) = sin(πx) + cos(πy), f2(x, y) = x^y, f3(x) = ln(x), written
// in Go on tape Vars.
func Example() {
	f1 := func(x, y tape.Var) tape.Var {
		return tape.Sin(x.MulConst(math.Pi)).Add(tape.Cos(y.MulConst(math.Pi)))
	}
	f2 := tape.Pow
	f3 := tape.Log

	t := tape.New()
	x1, x2 := t.Var(2), t.Var(3)
	f := f1(f2(x1, f2(x2, x1)), f3(x1))
	grad := t.Gradient(nil, f, []tape.Var{x1, x2})
	fmt.Printf("f(2, 3) = %.10f\n", f.Value())
	fmt.Printf("∇f(2, 3) = (%.10f, %.11f)\n", grad[0], grad[1])
	// Output:
	// f(2, 3) = -0.5702332488
	// ∇f(2, 3) = (18260.7627311899, 6689.54446941267)
}

// Grad differentiates a Go function with control flow: here a loop.
func ExampleGrad() {
	// f(x) = Σ x[i]·x[i+1]
	f := func(t *tape.Tape, x []tape.Var) tape.Var {
		sum := t.Const(0)
		for i := 0; i+1 < len(x); i++ {
			sum = sum.Add(x[i].Mul(x[i+1]))
		}
		return sum
	}
	v, grad := tape.Grad(nil, f, []float64{1, 2, 3, 4})
	fmt.Println(v, grad)
	// Output:
	// 20 [2 4 6 3]
}

// A tape kept between gradients reuses its memory: once it has seen the
// function, a gradient allocates nothing.
func ExampleTape_Grad() {
	rosenbrock := func(_ *tape.Tape, x []tape.Var) tape.Var {
		a := x[0].RSub(1)             // 1 - x
		b := x[1].Sub(x[0].Mul(x[0])) // y - x²
		return a.Mul(a).Add(b.Mul(b).MulConst(100))
	}
	t := tape.New()
	grad := make([]float64, 2)
	for _, x := range [][]float64{{0, 0}, {1, 1}, {-1, 2}} {
		v, _ := t.Grad(grad, rosenbrock, x)
		fmt.Println(x, v, grad)
	}
	// Output:
	// [0 0] 1 [-2 0]
	// [1 1] 0 [0 0]
	// [-1 2] 104 [396 200]
}

// A nested gradient: the derivative of an inner function, taken while
// recording an outer one and then used as a constant of it. Rewind drops
// the inner records.
func ExampleTape_Mark() {
	t := tape.New()
	x := t.Var(2)

	m := t.Mark()
	y := t.Var(x.Value())
	slope := t.Gradient(nil, y.PowConst(3), []tape.Var{y})[0] // 3y² = 12
	t.Rewind(m)

	f := tape.Sin(x).MulConst(slope)
	fmt.Printf("slope %v, f'(2) = %.6f, records %d\n", slope, t.Gradient(nil, f, []tape.Var{x})[0], t.Len())
	// Output:
	// slope 12, f'(2) = -4.993762, records 3
}

// HVP multiplies the Hessian by a vector without forming it: two HVPs
// with the unit vectors are the columns of the Hessian of
// f(x, y) = x²y + sin y.
func ExampleTape_HVP() {
	t := tape.New()
	x, y := t.Var(3), t.Var(0)
	f := x.Mul(x).Mul(y).Add(tape.Sin(y))
	wrt := []tape.Var{x, y}
	col0, err := t.HVP(nil, f, wrt, []float64{1, 0})
	if err != nil {
		panic(err)
	}
	col1, _ := t.HVP(nil, f, wrt, []float64{0, 1})
	fmt.Println(col0, col1) // [2y 2x] [2x -sin y] at (3, 0)
	// Output:
	// [0 6] [6 0]
}

// A custom primitive: the hypotenuse with partials written by hand.
func ExampleTape_Custom() {
	hypot := func(t *tape.Tape, x, y tape.Var) tape.Var {
		h := math.Hypot(x.Value(), y.Value())
		return t.Custom(h, []tape.Var{x, y}, []float64{x.Value() / h, y.Value() / h})
	}
	t := tape.New()
	x, y := t.Var(3), t.Var(4)
	h := hypot(t, x, y)
	fmt.Println(h.Value(), t.Gradient(nil, h, []tape.Var{x, y}))
	// Output:
	// 5 [0.6 0.8]
}

// Apply records a function parsed from text on tape Vars.
func ExampleApply() {
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
	fn, _ := prog.Target("")
	t := tape.New()
	x := t.Vars([]float64{2, 3})
	f, err := tape.Apply(prog.Graph, fn, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	grad := t.Gradient(nil, f, x)
	fmt.Printf("%.10f %.11f\n", grad[0], grad[1])
	// Output:
	// 18260.7627311899 6689.54446941267
}

// Graph turns a recording into an expression: trace once, evaluate many
// times. The trace keeps the branch the Go code took.
func ExampleTape_Graph() {
	t := tape.New()
	x, y := t.Var(3), t.Var(0.5)
	f := x.Mul(y)
	if f.Value() > 1 {
		f = tape.Log(f)
	}
	f = f.AddConst(1)
	g, fn, err := t.Graph(f, []tape.Var{x, y}, "x", "y")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g.String(fn.Body))
	v, _ := ir.NewEvaluator(g).Apply(fn, []float64{4, 0.5})
	fmt.Printf("%.6f\n", v)
	// Output:
	// log(x*y) + 1
	// 1.693147
}

// Check finds where a NaN came from.
func ExampleTape_Check() {
	t := tape.New()
	x := t.Var(-2)
	f := tape.Sqrt(x).Add(x)
	fmt.Println(f.Value())
	fmt.Println(t.Check(f))
	// Output:
	// NaN
	// tape: forward pass: value of record 1 (sqrt of -2) is NaN
}
