package hessian

import (
	"fmt"
	"slices"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

// Symbolic returns the Hessian of fn at x, row by row, by differentiating
// its symbolic gradient (package sym) once more and evaluating the
// simplified second derivatives; an entry is NaN where the value is NaN
// or the unsimplified second derivative (sym.Domain twice) is not finite,
// as [sym.Value] says. It costs one symbolic gradient per input: use it to
// check the others on small programs. It returns an error if len(x) is not
// the number of parameters or an evaluation fails.
func Symbolic(g *ir.Graph, fn *ir.Func, x []float64) ([][]float64, error) {
	if len(x) != len(fn.Params) {
		return nil, fmt.Errorf("%s: expected %d arguments, got %d", fn.Name, len(fn.Params), len(x))
	}
	env := fn.Bind(g, x)
	ev := ir.NewEvaluator(g)
	val, err := ev.Apply(fn, x)
	if err != nil {
		return nil, err
	}
	grad := sym.Gradient(g, fn.Body, fn.Params)
	dom := sym.Domain(g, fn.Body, fn.Params)
	h := make([][]float64, len(x))
	for i := range x {
		row := sym.Gradient(g, grad[i], fn.Params)
		raw := sym.Domain(g, dom[i], fn.Params)
		h[i] = make([]float64, len(x))
		for j := range x {
			d, err := ev.Eval(row[j], env)
			if err != nil {
				return nil, err
			}
			r, err := ev.Eval(raw[j], env)
			if err != nil {
				return nil, err
			}
			h[i][j] = sym.Value(val, d, r)
		}
	}
	return h, nil
}

// Numeric returns the Hessian of p at x by differences of its gradient,
// entry (i, j) the derivative of ∂p/∂x_i along x_j with the step chosen
// by [numeric.Adaptive]: 34 gradients per entry, for checking. It panics
// if len(x) is not the number of inputs.
func Numeric(p *compile.Program, x []float64) [][]float64 {
	n := p.NumInputs()
	if len(x) != n {
		panic(fmt.Sprintf("hessian: x has length %d, want %d inputs", len(x), n))
	}
	w := p.NewWorkspace()
	xs := slices.Clone(x)
	g := make([]float64, n)
	h := make([][]float64, n)
	val := w.Value(x)
	for i := range n {
		h[i] = make([]float64, n)
	}
	for j := range n {
		// The differences of the whole gradient along x_j, one
		// adaptive estimate per row.
		for i := range n {
			h[i][j] = op.Derivative(val, numeric.Derivative(func(s float64) float64 {
				xs[j] = s
				w.Gradient(g, xs)
				xs[j] = x[j]
				return g[i]
			}, x[j], &numeric.Settings{Formula: numeric.Adaptive}))
		}
	}
	return h
}
