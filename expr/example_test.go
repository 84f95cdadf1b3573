package expr_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
)

// ExampleParse parses the seed's program of section 2.3, prints its
// functions and evaluates the last one.
func ExampleParse() {
	src := `# The composite function of the seed's section 2.3.
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`
	prog, err := expr.Parse("seed.bp", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	g := prog.Graph
	for _, fn := range prog.Funcs {
		fmt.Printf("%s(%s) = %s\n", fn.Name, strings.Join(fn.ParamNames(g), ", "), g.String(fn.Body))
	}
	f, _ := prog.Target("") // the last function
	v, _ := ir.NewEvaluator(g).Apply(f, []float64{2, 3})
	fmt.Printf("f(2, 3) = %.9f\n", v)
	fmt.Println(g.Len(), "nodes")
	// Output:
	// f_1(x, y) = sin(pi*x) + cos(pi*y)
	// f_2(x, y) = x^y
	// f_3(x) = log(x)
	// f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
	// f(2, 3) = -0.570233249
	// 16 nodes
}

// ExampleParse_bareExpression shows a program that ends with a bare
// expression: it becomes a function f of its free variables, in order of
// first appearance.
func ExampleParse_bareExpression() {
	prog, err := expr.Parse("", "y*sin(x) + x**2 - ln(y)")
	if err != nil {
		fmt.Println(err)
		return
	}
	f := prog.Funcs[0]
	fmt.Printf("%s(%s) = %s\n", f.Name, strings.Join(f.ParamNames(prog.Graph), ", "), prog.Graph.String(f.Body))
	// Output:
	// f(y, x) = y*sin(x) + x^2 - log(y)
}

// ExampleParse_error prints the error of a call with too few arguments,
// with the source line and a caret under the place of the error.
func ExampleParse_error() {
	src := "g(x, y) = x*y\nf(x) = g(x)\n"
	_, err := expr.Parse("f.bp", src)
	fmt.Println(err)
	// Output:
	// f.bp:2:8: g: expected 2 arguments, got 1
	//     f(x) = g(x)
	//            ^
}

// ExampleErrorList walks the errors of a program with several mistakes:
// they come in source order.
func ExampleErrorList() {
	src := "f(x) = y + foo(x)\nf(x) = 1\n"
	_, err := expr.Parse("f.bp", src)
	var list expr.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			fmt.Printf("line %d, column %d: %s\n", e.Pos.Line, e.Pos.Column, e.Msg)
		}
	}
	// Output:
	// line 1, column 8: undefined variable y in f (its parameters are x)
	// line 1, column 12: undefined function foo
	// line 2, column 1: f is defined twice (first at f.bp:1:1)
}

// ExampleError_Caret shows the caret of a syntax error.
func ExampleError_Caret() {
	_, err := expr.Parse("", "f(x) = 2x + 1")
	var e *expr.Error
	if errors.As(err, &e) {
		fmt.Println(e.Msg)
		fmt.Println(e.Caret())
	}
	// Output:
	// expected an operator after number 2, found name x (write 2*x, not 2x)
	//     f(x) = 2x + 1
	//             ^
}

// ExampleParseExpr shows how the syntax tree groups -x^2 + 2^-x.
func ExampleParseExpr() {
	x, err := expr.ParseExpr("-x^2 + 2^-x")
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := x.(*expr.Binary)
	fmt.Printf("%v: %T and %T\n", sum.Op, sum.X, sum.Y)
	neg := sum.X.(*expr.Unary)
	fmt.Printf("the left operand negates a %T\n", neg.X)
	pow := sum.Y.(*expr.Binary)
	fmt.Printf("the right operand raises 2 to a %T\n", pow.Y)
	// Output:
	// +: *expr.Unary and *expr.Binary
	// the left operand negates a *expr.Binary
	// the right operand raises 2 to a *expr.Unary
}
