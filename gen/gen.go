// Package gen writes Go source code for the value and the gradient of a
// program: straight-line, dependency-free (package math only), allocation
// free functions that a Go program can ship without backprop.
//
// For a target f of parameters x_1, x_2 it writes
//
//	func F(x []float64) float64           // the value
//	func FGrad(grad, x []float64) float64 // the gradient in grad, and the value
//
// with x in the order of the parameters. Calls of user functions are
// inlined and common subexpressions, which the hash-consed DAG shares, are
// computed once, into named temporaries; the gradient is the reverse pass
// written out, one statement per edge, with each adjoint a local variable.
// The code is run through go/format before it is returned.
//
// The formulas of each primitive are those of package op's table written
// as Go expressions; the tests compile generated code and check it against
// the compiled mode bit for bit, for every primitive. A partial derivative
// is NaN where the value is NaN or the partial is not finite, as
// op.Gradient says.
package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Settings say what to write. The zero value, like nil, means the
// defaults of each field.
type Settings struct {
	// Package is the package clause's name; empty means the Go name of
	// the function in lower case.
	Package string
	// Name is the Go name of the value function, the gradient's being
	// Name+"Grad"; empty means the target's name with its first letter
	// in upper case.
	Name string
	// Source names the program in the doc comments, such as
	// "examples/seed.bp"; Command is how the code was generated, for the
	// header, such as "backprop gen examples/seed.bp".
	Source, Command string
}

// GoName returns the exported Go name of a function called name: its
// first letter in upper case, or "F" and the name if it does not start
// with a letter.
func GoName(name string) string {
	r, size := utf8.DecodeRuneInString(name)
	if !unicode.IsLetter(r) {
		return "F" + name
	}
	if !unicode.IsUpper(unicode.ToUpper(r)) {
		return "F" + name // a letter without case, such as 字
	}
	return string(unicode.ToUpper(r)) + name[size:]
}

// Go writes the Go source of fn, a function of g of one result, to w. It
// returns an error if fn returns a tuple, if its body is recursive, or if
// writing fails.
func Go(w io.Writer, g *ir.Graph, fn *ir.Func, settings *Settings) error {
	var s Settings
	if settings != nil {
		s = *settings
	}
	if len(fn.Outputs) > 0 {
		return fmt.Errorf("gen: %s returns a tuple of %d values; gen writes functions of one value", fn.Name, len(fn.Outputs))
	}
	if s.Name == "" {
		s.Name = GoName(fn.Name)
	}
	if s.Package == "" {
		s.Package = strings.ToLower(s.Name)
	}
	if s.Command == "" {
		s.Command = "backprop gen"
	}
	root := g.Inline(g, fn.Body)
	order := g.Topo(root)
	var buf bytes.Buffer
	wr := &writer{w: bufio.NewWriter(&buf), g: g, s: s, fn: fn, order: order, root: root}
	wr.prepare()
	wr.file()
	if err := wr.w.Flush(); err != nil {
		return err
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return fmt.Errorf("gen: the code written does not parse: %v", err)
	}
	_, err = w.Write(out)
	return err
}

type writer struct {
	w     *bufio.Writer
	g     *ir.Graph
	s     Settings
	fn    *ir.Func
	order []ir.ID
	root  ir.ID
	name  map[ir.ID]string // the Go expression of each node's value
	input map[ir.ID]int    // the index of each parameter
	dep   map[ir.ID]bool   // depends on an input
	used  map[string]bool  // helpers used
}

func (wr *writer) p(format string, args ...any) { fmt.Fprintf(wr.w, format, args...) }

func (wr *writer) prepare() {
	wr.name = make(map[ir.ID]string, len(wr.order))
	wr.input = make(map[ir.ID]int, len(wr.fn.Params))
	wr.dep = make(map[ir.ID]bool, len(wr.order))
	wr.used = make(map[string]bool)
	for i, p := range wr.fn.Params {
		wr.input[p] = i
	}
	k := 0
	for _, id := range wr.order {
		n := wr.g.Node(id)
		switch n.Op {
		case op.Const:
			wr.name[id] = literal(n.Val)
		case op.Var:
			wr.name[id] = "x" + strconv.Itoa(wr.input[id])
			wr.dep[id] = true
		default:
			wr.name[id] = "t" + strconv.Itoa(k)
			k++
			wr.dep[id] = wr.dep[n.X] || n.Y != ir.None && wr.dep[n.Y]
			for _, h := range helpers(n.Op) {
				wr.used[h] = true
			}
		}
	}
}

// literal writes a constant as a Go expression of type float64.
func literal(c float64) string {
	switch {
	case c != c:
		return "math.NaN()"
	case c > math.MaxFloat64:
		return "math.Inf(1)"
	case c < -math.MaxFloat64:
		return "math.Inf(-1)"
	}
	s := strconv.FormatFloat(c, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	if c < 0 || s[0] == '-' {
		return "(" + s + ")"
	}
	return s
}

// helpers returns the helper functions the formulas of o call.
func helpers(o op.Op) []string {
	switch o {
	case op.Abs:
		return []string{"sign"}
	case op.Min, op.Max:
		return []string{"min", "max", "step"}
	case op.Sigmoid:
		return []string{"sigmoid"}
	case op.Relu:
		return []string{"relu", "step"}
	case op.Step:
		return []string{"step"}
	case op.Sign:
		return []string{"sign"}
	}
	return nil
}

// helper returns the Go name of a helper: prefixed with the function's
// name, so that several generated functions share a package.
func (wr *writer) helper(h string) string {
	r, size := utf8.DecodeRuneInString(wr.s.Name)
	return string(unicode.ToLower(r)) + wr.s.Name[size:] + strings.ToUpper(h[:1]) + h[1:]
}

// value returns the Go expression of the value of primitive node n whose
// arguments are written a and b.
func (wr *writer) value(o op.Op, a, b string) string {
	switch o {
	case op.Neg:
		return "-" + a
	case op.Add:
		return a + " + " + b
	case op.Sub:
		return a + " - " + b
	case op.Mul:
		return a + " * " + b
	case op.Div:
		return a + " / " + b
	case op.Pow:
		return "math.Pow(" + a + ", " + b + ")"
	case op.Atan2:
		return "math.Atan2(" + a + ", " + b + ")"
	case op.Min, op.Max, op.Sigmoid, op.Relu, op.Step, op.Sign:
		if o.Arity() == 2 {
			return wr.helper(o.String()) + "(" + a + ", " + b + ")"
		}
		return wr.helper(o.String()) + "(" + a + ")"
	}
	// The math functions: Exp, Log, Sqrt, Sin, …, Log1p, Expm1.
	name := o.String()
	return "math." + strings.ToUpper(name[:1]) + name[1:] + "(" + a + ")"
}

// partials returns the Go expressions of the local partials of primitive
// o, whose arguments are a and b and value v, as op's table computes them.
func (wr *writer) partials(o op.Op, a, b, v string) (dx, dy string) {
	switch o {
	case op.Neg:
		return "-1", ""
	case op.Add:
		return "", ""
	case op.Sub:
		return "", "-1"
	case op.Mul:
		return b, a
	case op.Div:
		return "(1 / " + b + ")", "(-" + v + " / " + b + ")"
	case op.Pow:
		return "(" + b + " * math.Pow(" + a + ", " + b + "-1))", "(" + v + " * math.Log(" + a + "))"
	case op.Exp:
		return v, ""
	case op.Log:
		return "(1 / " + a + ")", ""
	case op.Sqrt:
		return "(0.5 / " + v + ")", ""
	case op.Sin:
		return "math.Cos(" + a + ")", ""
	case op.Cos:
		return "(-math.Sin(" + a + "))", ""
	case op.Tan:
		return "(1 + " + v + "*" + v + ")", ""
	case op.Asin:
		return "(1 / math.Sqrt(1-" + a + "*" + a + "))", ""
	case op.Acos:
		return "(-1 / math.Sqrt(1-" + a + "*" + a + "))", ""
	case op.Atan:
		return "(1 / (1 + " + a + "*" + a + "))", ""
	case op.Atan2:
		r := "(" + b + "*" + b + " + " + a + "*" + a + ")"
		return "(" + b + " / " + r + ")", "(-" + a + " / " + r + ")"
	case op.Sinh:
		return "math.Cosh(" + a + ")", ""
	case op.Cosh:
		return "math.Sinh(" + a + ")", ""
	case op.Tanh:
		return "(1 / (math.Cosh(" + a + ") * math.Cosh(" + a + ")))", ""
	case op.Abs:
		return wr.helper("sign") + "(" + a + ")", ""
	case op.Min:
		s := wr.helper("step") + "(" + a + " - " + b + ")"
		return "(1 - " + s + ")", s
	case op.Max:
		s := wr.helper("step") + "(" + b + " - " + a + ")"
		return "(1 - " + s + ")", s
	case op.Log1p:
		return "(1 / (1 + " + a + "))", ""
	case op.Expm1:
		return "math.Exp(" + a + ")", ""
	case op.Sigmoid:
		return "(" + v + " * " + wr.helper("sigmoid") + "(-" + a + "))", ""
	case op.Relu:
		return wr.helper("step") + "(" + a + ")", ""
	case op.Step, op.Sign:
		return "0", ""
	}
	panic(fmt.Sprintf("gen: no Go formula for %v", o))
}

func (wr *writer) file() {
	s := wr.s
	src := s.Source
	if src == "" {
		src = "a backprop program"
	}
	wr.p("// Code generated by %s; DO NOT EDIT.\n\n", s.Command)
	wr.p("// Package %s computes %s of %s and its gradient.\n", s.Package, wr.fn.Name, src)
	wr.p("package %s\n\n", s.Package)
	wr.p("import \"math\"\n\n")
	params := strings.Join(wr.fn.ParamNames(wr.g), ", ")
	n := len(wr.fn.Params)
	wr.p("// %s returns %s(%s) of %s, with x holding %s in order.\n", s.Name, wr.fn.Name, params, src, params)
	wr.p("// It panics if x has fewer than %d elements.\n", n)
	wr.p("func %s(x []float64) float64 {\n", s.Name)
	wr.forward()
	wr.p("\treturn %s\n}\n\n", wr.name[wr.root])

	wr.p("// %sGrad stores the gradient of %s at x in grad and returns the value.\n", s.Name, s.Name)
	wr.p("// A partial derivative is NaN where the value is NaN or the chain rule\n")
	wr.p("// meets a partial that is not finite. It panics if grad or x has fewer\n")
	wr.p("// than %d elements.\n", n)
	wr.p("func %sGrad(grad, x []float64) float64 {\n", s.Name)
	wr.forward()
	wr.backward()
	wr.p("\tv := %s\n", wr.name[wr.root])
	wr.p("\tfor i, d := range grad[:%d] {\n", n)
	wr.p("\t\tif v != v || d-d != 0 {\n\t\t\tgrad[i] = math.NaN()\n\t\t}\n\t}\n")
	wr.p("\treturn v\n}\n")
	wr.helpers()
}

// forward writes the loads of the inputs used and one assignment per
// primitive node.
func (wr *writer) forward() {
	n := len(wr.fn.Params)
	if n > 0 {
		wr.p("\t_ = x[%d]\n", n-1)
	}
	for _, id := range wr.order {
		nd := wr.g.Node(id)
		switch nd.Op {
		case op.Const:
		case op.Var:
			wr.p("\t%s := x[%d]\n", wr.name[id], wr.input[id])
		default:
			b := ""
			if nd.Y != ir.None {
				b = wr.name[nd.Y]
			}
			wr.p("\t%s := %s\n", wr.name[id], wr.value(nd.Op, wr.name[nd.X], b))
		}
	}
}

// backward writes the reverse pass: the adjoint of each node that depends
// on an input is a variable b…, declared by its first contribution.
func (wr *writer) backward() {
	adj := make(map[ir.ID]string)
	adjName := func(id ir.ID) string {
		if i, ok := wr.input[id]; ok {
			return "g" + strconv.Itoa(i)
		}
		return "b" + wr.name[id][1:]
	}
	if wr.dep[wr.root] {
		adj[wr.root] = adjName(wr.root)
		wr.p("\t%s := 1.0\n", adj[wr.root])
	}
	add := func(id ir.ID, term string) {
		if name, ok := adj[id]; ok {
			wr.p("\t%s += %s\n", name, term)
			return
		}
		adj[id] = adjName(id)
		wr.p("\t%s := %s\n", adj[id], term)
	}
	for i := len(wr.order) - 1; i >= 0; i-- {
		id := wr.order[i]
		nd := wr.g.Node(id)
		g, ok := adj[id]
		if !ok || !nd.Op.IsPrimitive() {
			continue
		}
		b := ""
		if nd.Y != ir.None {
			b = wr.name[nd.Y]
		}
		dx, dy := wr.partials(nd.Op, wr.name[nd.X], b, wr.name[id])
		term := func(d string) string {
			if d == "" {
				return g
			}
			if d == "-1" {
				return "-" + g
			}
			return g + " * " + d
		}
		if wr.dep[nd.X] {
			add(nd.X, term(dx))
		}
		if nd.Y != ir.None && wr.dep[nd.Y] {
			add(nd.Y, term(dy))
		}
	}
	for i, p := range wr.fn.Params {
		if name, ok := adj[p]; ok {
			wr.p("\tgrad[%d] = %s\n", i, name)
		} else {
			wr.p("\tgrad[%d] = 0\n", i)
		}
	}
}

// helpers writes the helper functions used, with the table's conventions.
func (wr *writer) helpers() {
	bodies := map[string]string{
		"step":    "(x float64) float64 {\n\tif x > 0 {\n\t\treturn 1\n\t}\n\tif x <= 0 {\n\t\treturn 0\n\t}\n\treturn x\n}\n",
		"sign":    "(x float64) float64 {\n\tswitch {\n\tcase x > 0:\n\t\treturn 1\n\tcase x < 0:\n\t\treturn -1\n\t}\n\treturn x\n}\n",
		"relu":    "(x float64) float64 {\n\tif x > 0 {\n\t\treturn x\n\t}\n\tif x <= 0 {\n\t\treturn 0\n\t}\n\treturn x\n}\n",
		"sigmoid": "(x float64) float64 {\n\tif x >= 0 {\n\t\treturn 1 / (1 + math.Exp(-x))\n\t}\n\tz := math.Exp(x)\n\treturn z / (1 + z)\n}\n",
		"max":     "(x, y float64) float64 {\n\tif x != x || y != y {\n\t\treturn math.NaN()\n\t}\n\tif y > x {\n\t\treturn y\n\t}\n\treturn x\n}\n",
		"min":     "(x, y float64) float64 {\n\tif x != x || y != y {\n\t\treturn math.NaN()\n\t}\n\tif y < x {\n\t\treturn y\n\t}\n\treturn x\n}\n",
	}
	for _, h := range []string{"max", "min", "relu", "sigmoid", "sign", "step"} {
		if wr.used[h] {
			wr.p("\nfunc %s%s", wr.helper(h), bodies[h])
		}
	}
}
