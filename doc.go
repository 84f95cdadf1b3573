// Package backprop differentiates functions written as math.
//
// Functions are defined from text, applied to numbers and to each other,
// and differentiated exactly, as in the document backprop grew from:
//
//	p := backprop.MustParse(`
//		f_1(x, y) = sin(pi*x) + cos(pi*y)
//		f_2(x, y) = x^y
//		f_3(x)    = ln(x)
//	`)
//	f1, f2, f3 := p.Func("f_1"), p.Func("f_2"), p.Func("f_3")
//	x1, x2 := p.Var("x_1"), p.Var("x_2")
//	f := f1.Apply(f2.Apply(x1, f2.Apply(x2, x1)), f3.Apply(x1))
//	v, grad, _ := f.Gradient(backprop.Point{"x_1": 2, "x_2": 3})
//	// v = -0.570233248768940, grad = {x_1: 18260.7627311899, x_2: 6689.54446941267}
//
// Everything is one expression DAG (package ir): the functions, the
// expressions built from them and their derivatives share its nodes. This
// package is the friendly surface; the packages below it do the work and
// can be used directly:
//
//   - op: the table of primitives (evaluation, partials, symbolic rules);
//   - expr: the language, its parser and its errors;
//   - ir: the expression DAG, its evaluation and printing;
//   - sym, latex: symbolic derivatives, simplification and LaTeX;
//   - reverse, dual, numeric: reverse mode over the DAG, forward mode with
//     dual numbers, central differences;
//   - tape: reverse mode for ordinary Go code (a Stan-style tape);
//   - compile: gradients compiled to flat programs for optimisation loops;
//   - verify: every mode on one function, and how far they disagree;
//   - draw: expression graphs, path sums and step-by-step explanations.
//
// The language is described in docs/language.md.
package backprop
