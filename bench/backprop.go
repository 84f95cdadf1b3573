package main

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/dual"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/tape"
)

// The rows of backprop itself: its four ways of computing a gradient.

// seedSource is the seed's program, as in examples/seed.bp.
const seedSource = `f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`

// seedProgram parses the seed's program and returns its graph and target
// function.
func seedProgram() (*ir.Graph, *ir.Func, error) {
	prog, err := expr.Parse("seed.bp", seedSource)
	if err != nil {
		return nil, nil, err
	}
	fn, err := prog.Target("")
	if err != nil {
		return nil, nil, err
	}
	return prog.Graph, fn, nil
}

// tapeTool is package tape: Stan-style define-by-run reverse mode. Every
// gradient records the function on a tape that is reset and reused, so
// that after the first gradient it allocates nothing.
type tapeTool struct{}

func (tapeTool) name() string { return "backprop-tape" }

// tapeGrad returns the gradient of f on one reused tape.
func tapeGrad(f func(t *tape.Tape, x []tape.Var) tape.Var) gradFunc {
	t := tape.New()
	return func(dst, x []float64) (float64, error) {
		if len(dst) != len(x) {
			return math.NaN(), fmt.Errorf("tape: x has %d elements, dst %d", len(x), len(dst))
		}
		v, _ := t.Grad(dst, f, x)
		return v, nil
	}
}

func (tapeTool) seed() (gradFunc, error) {
	return tapeGrad(func(t *tape.Tape, x []tape.Var) tape.Var {
		a := tape.Pow(x[0], tape.Pow(x[1], x[0]))
		b := tape.Log(x[0])
		return tape.Sin(a.MulConst(math.Pi)).Add(tape.Cos(b.MulConst(math.Pi)))
	}), nil
}

func (tapeTool) rosenbrock(n int) (gradFunc, error) {
	return tapeGrad(func(t *tape.Tape, x []tape.Var) tape.Var {
		var s tape.Var
		for i := 0; i+1 < len(x); i += 2 {
			d := x[i+1].Sub(x[i].Mul(x[i]))
			a := d.Mul(d).MulConst(100)
			e := x[i].RSub(1)
			term := a.Add(e.Mul(e))
			if i == 0 {
				s = term
			} else {
				s = s.Add(term)
			}
		}
		return s
	}), nil
}

// compiledTool is package compile: the expression DAG lowered once to a
// flat program of instructions over slots, whose gradient is one forward
// and one backward loop over preallocated arrays.
type compiledTool struct{}

func (compiledTool) name() string { return "backprop-compiled" }

// compiledGrad compiles fn and returns its gradient through a Workspace,
// the allocation-free path for one goroutine.
func compiledGrad(g *ir.Graph, fn *ir.Func) (gradFunc, error) {
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		return nil, err
	}
	w := p.NewWorkspace()
	n := p.NumInputs()
	return func(dst, x []float64) (float64, error) {
		if len(dst) != n || len(x) != n {
			return math.NaN(), fmt.Errorf("compile: %d inputs, got x of %d and dst of %d", n, len(x), len(dst))
		}
		return w.Gradient(dst, x), nil
	}, nil
}

func (compiledTool) seed() (gradFunc, error) {
	g, fn, err := seedProgram()
	if err != nil {
		return nil, err
	}
	return compiledGrad(g, fn)
}

func (compiledTool) rosenbrock(n int) (gradFunc, error) {
	return compiledGrad(seedtest.RosenbrockGraph(n))
}

// forwardTool is package dual: forward mode with dual numbers over the
// DAG, one pass per input, so n passes of O(n) for the Rosenbrock
// function. It is run there only up to forwardMaxN.
type forwardTool struct{}

// forwardMaxN is the largest Rosenbrock n forward mode is run at: its
// O(n²) gradient is the textbook reason for reverse mode, and measuring it
// at larger n only spends the budget.
const forwardMaxN = 10000

func (forwardTool) name() string { return "backprop-forward" }

func (forwardTool) gradientOnly() {}

func (forwardTool) note(task string) string {
	if task == taskRosenbrock {
		return fmt.Sprintf("n forward passes, O(n²): run up to n=%d", forwardMaxN)
	}
	return "n forward passes"
}

// dualGrad returns the gradient of fn by forward passes. dual.Gradient
// gives the gradient only, so the value returned is NaN (see
// gradientOnly).
func dualGrad(g *ir.Graph, fn *ir.Func) gradFunc {
	e := dual.NewEvaluator(g)
	return func(dst, x []float64) (float64, error) {
		if len(dst) != len(x) {
			return math.NaN(), fmt.Errorf("dual: x has %d elements, dst %d", len(x), len(dst))
		}
		if _, err := e.Gradient(dst, fn, x); err != nil {
			return math.NaN(), err
		}
		return math.NaN(), nil
	}
}

func (forwardTool) seed() (gradFunc, error) {
	g, fn, err := seedProgram()
	if err != nil {
		return nil, err
	}
	return dualGrad(g, fn), nil
}

func (forwardTool) rosenbrock(n int) (gradFunc, error) {
	if n > forwardMaxN {
		return nil, fmt.Errorf("%w for forward mode (n > %d)", errTooLarge, forwardMaxN)
	}
	return dualGrad(seedtest.RosenbrockGraph(n)), nil
}

// dagTool is package reverse: reverse mode over the expression DAG that
// keeps every value, partial and adjoint of the pass for inspection
// (graphs, paths, explanations). It trades speed for that.
type dagTool struct{}

func (dagTool) name() string { return "backprop-dag" }

// reverseGrad returns the gradient of fn by reverse passes over the DAG.
func reverseGrad(g *ir.Graph, fn *ir.Func, opts *reverse.Settings) gradFunc {
	return func(dst, x []float64) (float64, error) {
		if len(dst) != len(x) {
			return math.NaN(), fmt.Errorf("reverse: x has %d elements, dst %d", len(x), len(dst))
		}
		v, _, err := reverse.Gradient(dst, g, fn, x, opts)
		if err != nil {
			return math.NaN(), err
		}
		return v, nil
	}
}

func (dagTool) seed() (gradFunc, error) {
	g, fn, err := seedProgram()
	if err != nil {
		return nil, err
	}
	return reverseGrad(g, fn, nil), nil
}

func (dagTool) rosenbrock(n int) (gradFunc, error) {
	g, fn := seedtest.RosenbrockGraph(n)
	return reverseGrad(g, fn, nil), nil
}
