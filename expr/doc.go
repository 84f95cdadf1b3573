// Package expr is backprop's language: its scanner, parser, syntax tree
// and errors, and the lowering of a parsed program to the expression DAG of
// package ir.
//
// A program is a list of definitions, one a line (or separated by ';'),
// with '#' comments, optionally ending with a bare expression:
//
//	f_1(x, y) = sin(pi*x) + cos(pi*y)
//	f_2(x, y) = x^y
//	f_3(x)    = ln(x)
//	f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
//
// [Parse] turns such text into an [ir.Program]; every problem it finds is
// reported as an [Error] with the line and column of its place and a caret
// under it, gathered in an [ErrorList]. Positions are byte offsets ([Pos])
// in the syntax tree and become lines and columns only when an error is
// reported, as in go/scanner.
//
// Precedence, from loosest to tightest: + and -; * and /; unary minus;
// ^ (also written **), which is right-associative and binds tighter than
// unary minus, so -x^2 is -(x^2) and 2^x^2 is 2^(x^2). The full reference
// is docs/language.md.
package expr
