// Package gen writes Go source code for the value and the gradient of a
// program (the values and the Jacobian of one that returns a tuple):
// straight-line, dependency-free (package math only), allocation free
// functions that a Go program can ship without backprop.
//
// For a target f of parameters x_1, x_2 it writes
//
//	func F(x []float64) float64           // the value
//	func FGrad(grad, x []float64) float64 // the gradient in grad, and the value
//	func FHVP(hv, x, v []float64) float64  // with Settings.Hessian: ∇²f(x)·v in hv
//
// with x in the order of the parameters. For a target that returns a
// tuple of m values, F(x, y) = (x*y, sin(x) + y), it writes instead
//
//	func F(out, x []float64)              // the values, in out
//	func FJacobian(jac, out, x []float64) // the values and, in jac, the m×n Jacobian
//
// with jac row-major, jac[i*n+j] the partial derivative of value i in
// x[j]. The Jacobian is the forward pass once and then either one reverse
// sweep per value, a row each, or one forward (tangent) sweep per input,
// a column each, whichever is fewer sweeps as jacobian.Choose picks:
// reverse unless there are fewer inputs than values. The sweeps share the
// values, the partials' subexpressions and the formulas of the gradient;
// an entry is 0 where its value does not depend on the input, and NaN by
// the gradient's convention, row by row (below). A tuple has no
// Hessian-vector product.
//
// Calls of user functions are inlined and common subexpressions, which the
// hash-consed DAG shares, are computed once, into named temporaries; so
// are the subexpressions of the partials (log x of x^y's partial is the
// node log(x) when the program has one; sin and cos of one argument come
// from one math.Sincos). The gradient is the reverse pass written out, one
// statement per edge, with each adjoint a local variable and each input's
// partial stored as soon as it is complete. The text is written in gofmt's
// layout directly, in time linear in the program's size (go/format's grows
// faster; a Jacobian's, linear in the size times the number of sweeps); a
// test checks that go/format leaves it unchanged.
//
// # Exactness
//
// The formulas of each primitive are those of package op's table written
// as Go expressions, and the values are the compiled mode's bit for bit.
// Three rewrites keep the table's bits: x^2 with a constant 2 is x*x
// (what math.Pow computes, except where x*x is subnormal or 0, where the
// helper calls math.Pow), with the partial 2x (the table's 2·Pow(x, 1));
// any other x^y calls a helper that is op.Power written out, math.Pow
// bit for bit and faster for exponents up to 1024; and sin/cos by Sincos.
// One does not: the partial of x^y in x, y variable, is y·(x^y / x) from
// the value already computed instead of the table's y·Pow(x, y-1), one
// division instead of a second Pow (where x^y is normal and x is not 0;
// the table's formula elsewhere): it agrees within 8·(2 + |y·log x|)
// ulps, math.Pow's own error growing with |y·log x|.
// Operations of constants are computed once, when the code is written,
// in float64 as the modes compute them at run time (a Go constant
// expression would be exact: 0.1 + 0.2 would be 0.3), and a constant 0 as
// a divisor is written math.Copysign(0, 1), since Go refuses to divide by
// a constant 0 where IEEE arithmetic gives ±Inf or NaN.
// Partial derivatives otherwise differ from the compiled mode's only by
// the order in which a node's adjoint contributions are added. The tests
// compile generated code and check it against the compiled mode, for
// every primitive. A partial derivative is NaN where the value is NaN or
// the partial is not finite, as op.Gradient says; an entry of a Jacobian
// where its value is NaN or the entry is not finite, as
// jacobian.Jacobian's.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gobackprop/backprop/internal/power"
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
	// Name+"Grad" (the Jacobian's Name+"Jacobian", for a tuple); empty
	// means the target's name with its first letter in upper case.
	Name string
	// Hessian also writes NameHVP(hv, x, v []float64) float64, the
	// Hessian-vector product by forward over reverse, for a function of
	// one value.
	Hessian bool
	// Source names the program in the doc comments, such as
	// "examples/seed.bp"; Command is how the code was generated, for the
	// header, such as "backprop gen examples/seed.bp".
	Source, Command string
}

// folder builds nodes on g, computing an operation of constants once, at
// generation time, in float64 with op's table, as every mode computes it
// at run time. Written out, it would be a Go constant expression, which
// is evaluated exactly: 0.1 + 0.2 would be 0.3, not 0.30000000000000004,
// and 0.0 / 0.0 would not compile.
type folder struct{ g *ir.Graph }

func (f folder) Const(c float64) ir.ID { return f.g.Const(c) }

func (f folder) Apply(o op.Op, x, y ir.ID) ir.ID {
	xv, ok := f.g.IsConst(x)
	yv := 0.0
	if ok && o.Arity() == 2 {
		yv, ok = f.g.IsConst(y)
	}
	if ok {
		return f.g.Const(o.Eval(xv, yv))
	}
	return f.g.Apply(o, x, y)
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

// Go writes the Go source of fn, a function of g, to w: its value and
// gradient, or its values and Jacobian if it returns a tuple. It returns
// an error if settings ask for the Hessian-vector product of a tuple, if
// fn's body is recursive, or if writing fails.
func Go(w io.Writer, g *ir.Graph, fn *ir.Func, settings *Settings) error {
	var s Settings
	if settings != nil {
		s = *settings
	}
	if len(fn.Outputs) > 0 && s.Hessian {
		return fmt.Errorf("gen: %s returns a tuple of %d values: gen writes Hessian-vector products of functions of one value only", fn.Name, len(fn.Outputs))
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
	roots := []ir.ID{fn.Body}
	if len(fn.Outputs) > 0 {
		roots = fn.Outputs
	}
	roots = g.InlineAll(folder{g}, roots...)
	order := g.Topo(roots...)
	wr := &writer{w: bufio.NewWriterSize(w, 64<<10), g: g, s: s, fn: fn, order: order, roots: roots, root: roots[0]}
	wr.prepare()
	if len(fn.Outputs) > 0 {
		wr.tupleFile()
	} else {
		wr.file()
	}
	return wr.w.Flush()
}

type writer struct {
	w     *bufio.Writer
	g     *ir.Graph
	s     Settings
	fn    *ir.Func
	order []ir.ID
	// roots are the nodes of the values, one for a function of one value
	// (root) and m for one that returns a tuple of m.
	roots []ir.ID
	root  ir.ID
	// Indexed by node (slices, not maps: at 10^5 nodes map lookups were
	// most of the time):
	name []string // the Go expression of each node's value
	// adjName is the name of the adjoint of each input (g…) and
	// primitive node (b…).
	adjName []string
	input   []int           // the index of each parameter, -1 for other nodes
	dep     []bool          // depends on an input
	used    map[string]bool // helpers used
	// memo maps a Go expression to the variable that holds it in the
	// function being written, so that a partial such as log(x), needed
	// by x^y's partial in y, reuses the value of a node log(x), and a
	// partial needed twice is computed once.
	memo map[string]string
	tmp  int // the next p… temporary
	tmpQ int // the next q… temporary of the HVP
	num  [20]byte
	rev  *reverse
	tan  *tangent
	// sincos pairs the sin and the cos nodes of one argument.
	sincos map[ir.ID]ir.ID
}

func (wr *writer) p(format string, args ...any) { fmt.Fprintf(wr.w, format, args...) }

// lineIndex writes the statement a, b, i in decimal and suffix, without
// allocating a string for i: lines that write an index, one an input.
func (wr *writer) lineIndex(a, b string, i int, suffix ...string) {
	wr.w.WriteByte('\t')
	wr.w.WriteString(a)
	wr.w.WriteString(b)
	wr.w.Write(strconv.AppendInt(wr.num[:0], int64(i), 10))
	for _, s := range suffix {
		wr.w.WriteString(s)
	}
	wr.w.WriteByte('\n')
}

// line writes one statement, tab-indented, from its parts.
func (wr *writer) line(parts ...string) {
	wr.w.WriteByte('\t')
	for _, p := range parts {
		wr.w.WriteString(p)
	}
	wr.w.WriteByte('\n')
}

// shared returns a variable holding the Go expression e: the one that
// already does, or a new temporary assigned here.
func (wr *writer) shared(e string) string {
	if v, ok := wr.memo[e]; ok {
		return v
	}
	v := "p" + strconv.Itoa(wr.tmp)
	wr.tmp++
	wr.line(v, " := ", e)
	wr.memo[e] = v
	return v
}

// usesMath reports whether the code calls package math: always with
// inputs (the gradient's NaN convention), otherwise when a primitive or
// a constant (NaN, ±Inf, -0) is written with it.
func (wr *writer) usesMath() bool {
	if len(wr.fn.Params) > 0 {
		return true
	}
	for _, id := range wr.order {
		switch n := wr.g.Node(id); n.Op {
		case op.Const:
			if strings.HasPrefix(literal(n.Val), "math.") { // NaN, ±Inf, -0
				return true
			}
		case op.Var, op.Neg, op.Add, op.Sub, op.Mul, op.Div, op.Abs, op.Relu, op.Step, op.Sign:
		default:
			return true
		}
	}
	return false
}

// memoized reports whether the values of o are among the expressions
// partials look up (log x for x^y, exp x for expm1, …, and x - y for min
// and max): only those go into memo, which would otherwise hold every
// node.
func (wr *writer) memoized(o op.Op) bool {
	switch o {
	case op.Log, op.Exp, op.Sin, op.Cos, op.Sinh, op.Cosh:
		return true
	case op.Sub:
		return wr.used["step"]
	}
	return false
}

// square reports whether n is x^2 with a constant 2.
func (wr *writer) square(n *ir.Node) bool {
	if n.Op != op.Pow {
		return false
	}
	y := wr.g.Node(n.Y)
	return y.Op == op.Const && y.Val == 2
}

func (wr *writer) prepare() {
	n := wr.g.Len()
	wr.name = make([]string, n)
	wr.input = make([]int, n)
	for i := range wr.input {
		wr.input[i] = -1
	}
	wr.dep = make([]bool, n)
	wr.used = make(map[string]bool)
	for i, p := range wr.fn.Params {
		wr.input[p] = i
	}
	// The names of the inputs and nodes, x… and t…, and of their
	// adjoints, g… and b…, are written into one buffer and sliced from
	// one string: two strings a node allocated one by one were most of
	// the garbage at 10^5 nodes.
	wr.adjName = make([]string, n)
	buf := make([]byte, 0, 16*len(wr.order))
	type span struct {
		id     ir.ID
		lo, hi int32
	}
	spans := make([]span, 0, len(wr.order))
	name := func(id ir.ID, c, b byte, i int) {
		lo := len(buf)
		buf = append(buf, c)
		buf = strconv.AppendInt(buf, int64(i), 10)
		mid := len(buf)
		buf = append(buf, b)
		buf = append(buf, buf[lo+1:mid]...)
		spans = append(spans, span{id, int32(lo), int32(mid)})
	}
	k := 0
	for _, id := range wr.order {
		n := wr.g.Node(id)
		switch n.Op {
		case op.Const:
			wr.name[id] = literal(n.Val)
		case op.Var:
			name(id, 'x', 'g', wr.input[id])
			wr.dep[id] = true
		default:
			name(id, 't', 'b', k)
			k++
			wr.dep[id] = wr.dep[n.X] || n.Y != ir.None && wr.dep[n.Y]
			for _, h := range helpers(n.Op) {
				wr.used[h] = true
			}
			if n.Op == op.Pow {
				for _, h := range wr.powHelpers(n) {
					wr.used[h] = true
				}
			}
		}
	}
	wr.pairSincos()
	all := string(buf)
	for _, sp := range spans {
		end := 2*sp.hi - sp.lo // the adjoint's name follows, as long
		wr.name[sp.id], wr.adjName[sp.id] = all[sp.lo:sp.hi], all[sp.hi:end]
	}
}

// pairSincos fills sincos with the sin and cos nodes of one argument.
func (wr *writer) pairSincos() {
	var sin, cos map[ir.ID]ir.ID // argument → node
	for _, id := range wr.order {
		n := wr.g.Node(id)
		switch n.Op {
		case op.Sin:
			if sin == nil {
				sin = make(map[ir.ID]ir.ID)
			}
			sin[n.X] = id
		case op.Cos:
			if cos == nil {
				cos = make(map[ir.ID]ir.ID)
			}
			cos[n.X] = id
		}
	}
	for a, s := range sin {
		if c, ok := cos[a]; ok {
			if wr.sincos == nil {
				wr.sincos = make(map[ir.ID]ir.ID)
			}
			wr.sincos[s], wr.sincos[c] = c, s
		}
	}
}

// divisor returns name, the divisor node id's Go expression, or for a
// constant 0 a zero that is not a Go constant: Go refuses to divide by a
// constant 0, where IEEE arithmetic, as every mode, gives ±Inf or NaN.
func (wr *writer) divisor(id ir.ID, name string) string {
	if c, ok := wr.g.IsConst(id); ok && c == 0 {
		if math.Signbit(c) {
			return "math.Copysign(0, -1)"
		}
		return "math.Copysign(0, 1)"
	}
	return name
}

// literal writes a constant as a Go expression of type float64; -0 as
// math.Copysign(0, -1), since the Go constant -0.0 is 0.
func literal(c float64) string {
	switch {
	case c != c:
		return "math.NaN()"
	case c == 0 && math.Signbit(c):
		return "math.Copysign(0, -1)"
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

// powHelpers returns the helpers x^y needs: square for a constant 2, pow
// otherwise, and powDx for a variable exponent of a variable base.
func (wr *writer) powHelpers(n *ir.Node) []string {
	switch {
	case wr.square(n):
		return []string{"square"}
	case wr.g.Node(n.Y).Op != op.Const && wr.dep[n.X]:
		return []string{"pow", "powDx"}
	}
	return []string{"pow"}
}

// helper returns the Go name of a helper: prefixed with the function's
// name, so that several generated functions share a package.
func (wr *writer) helper(h string) string {
	r, size := utf8.DecodeRuneInString(wr.s.Name)
	return string(unicode.ToLower(r)) + wr.s.Name[size:] + strings.ToUpper(h[:1]) + h[1:]
}

// value returns the Go expression of the value of primitive node n whose
// arguments are written a and b, as parts to be concatenated (k of them):
// the forward pass writes them out without joining them, one string a
// node less.
func (wr *writer) value(n *ir.Node, a, b string) (e [7]string, k int) {
	o := n.Op
	if wr.square(n) {
		return [7]string{wr.helper("square"), "(", a, ")"}, 4
	}
	switch o {
	case op.Neg:
		return [7]string{"-", a}, 2
	case op.Add:
		return [7]string{a, " + ", b}, 3
	case op.Sub:
		return [7]string{a, " - ", b}, 3
	case op.Mul:
		return [7]string{a, " * ", b}, 3
	case op.Div:
		return [7]string{a, " / ", wr.divisor(n.Y, b)}, 3
	case op.Pow:
		return [7]string{wr.helper("pow"), "(", a, ", ", b, ")"}, 6
	case op.Atan2:
		return [7]string{"math.Atan2(", a, ", ", b, ")"}, 5
	case op.Min, op.Max, op.Sigmoid, op.Relu, op.Step, op.Sign:
		if o.Arity() == 2 {
			return [7]string{wr.helper(o.String()), "(", a, ", ", b, ")"}, 6
		}
		return [7]string{wr.helper(o.String()), "(", a, ")"}, 4
	}
	// The math functions: Exp, Log, Sqrt, Sin, …, Log1p, Expm1.
	name := o.String()
	return [7]string{"math.", strings.ToUpper(name[:1]), name[1:], "(", a, ")"}, 6
}

// partials returns the Go expressions of the local partials of primitive
// node n, whose arguments are a and b and value v, as op's table computes
// them; subexpressions such as cos(a) come from shared, which may write a
// statement. The partial of x^y in x is the exception: see the package
// documentation.
func (wr *writer) partials(n *ir.Node, a, b, v string) (dx, dy string) {
	o := n.Op
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
		b = wr.divisor(n.Y, b)
		return "(1 / " + b + ")", "(-" + v + " / " + b + ")"
	case op.Pow:
		y := wr.g.Node(n.Y)
		switch {
		case wr.square(n):
			// The table's y·x^(y-1) is 2·Pow(x, 1) = 2·x exactly.
			dx = "(2 * " + a + ")"
		case y.Op == op.Const:
			dx = "(" + b + " * " + wr.helper("pow") + "(" + a + ", " + literal(y.Val-1) + "))"
		case wr.dep[n.X]:
			dx = wr.helper("powDx") + "(" + a + ", " + b + ", " + v + ")"
		}
		if y.Op != op.Const && wr.dep[n.Y] {
			dy = "(" + v + " * " + wr.shared("math.Log("+a+")") + ")"
		}
		return dx, dy
	case op.Exp:
		return v, ""
	case op.Log:
		return "(1 / " + a + ")", ""
	case op.Sqrt:
		return "(0.5 / " + v + ")", ""
	case op.Sin:
		return wr.shared("math.Cos(" + a + ")"), ""
	case op.Cos:
		return "(-" + wr.shared("math.Sin("+a+")") + ")", ""
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
		return wr.shared("math.Cosh(" + a + ")"), ""
	case op.Cosh:
		return wr.shared("math.Sinh(" + a + ")"), ""
	case op.Tanh:
		c := wr.shared("math.Cosh(" + a + ")")
		return "(1 / (" + c + " * " + c + "))", ""
	case op.Abs:
		return wr.helper("sign") + "(" + a + ")", ""
	case op.Min:
		s := wr.shared(wr.helper("step") + "(" + wr.shared(a+" - "+b) + ")")
		return "(1 - " + s + ")", s
	case op.Max:
		s := wr.shared(wr.helper("step") + "(" + wr.shared(b+" - "+a) + ")")
		return "(1 - " + s + ")", s
	case op.Log1p:
		return "(1 / (1 + " + a + "))", ""
	case op.Expm1:
		return wr.shared("math.Exp(" + a + ")"), ""
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
	if wr.usesMath() {
		wr.p("import \"math\"\n\n")
	}
	params := strings.Join(wr.fn.ParamNames(wr.g), ", ")
	n := len(wr.fn.Params)
	if n > 0 {
		wr.p("// %s returns %s(%s) of %s, with x holding %s in order.\n", s.Name, wr.fn.Name, params, src, params)
		wr.p("// It panics if x has fewer than %d elements.\n", n)
	} else {
		wr.p("// %s returns %s() of %s, which has no inputs: x is not read.\n", s.Name, wr.fn.Name, src)
	}
	wr.p("func %s(x []float64) float64 {\n", s.Name)
	wr.forward(false)
	wr.p("\treturn %s\n}\n\n", wr.name[wr.root])

	wr.p("// %sGrad stores the gradient of %s at x in grad and returns the value.\n", s.Name, s.Name)
	wr.p("// A partial derivative is NaN where the value is NaN or the chain rule\n")
	if n > 0 {
		wr.p("// meets a partial that is not finite. It panics if grad or x has fewer\n")
		wr.p("// than %d elements.\n", n)
	} else {
		wr.p("// meets a partial that is not finite.\n")
	}
	wr.p("func %sGrad(grad, x []float64) float64 {\n", s.Name)
	if n > 0 {
		wr.p("\t_ = grad[%d]\n", n-1)
	}
	wr.forward(true)
	wr.backward(wr.root, "grad", 0)
	wr.p("\tv := %s\n", wr.name[wr.root])
	if n > 0 {
		// The gradient is all finite, and the value not NaN, unless the
		// sum of v-v and every d-d is not 0; only then does the loop
		// that puts NaN where op.Gradient does run.
		wr.p("\tchk := v - v + %s\n", wr.finiteSum(elems{"grad", n}))
		wr.p("\tif chk != 0 {\n")
		wr.p("\t\tfor i, d := range grad[:%d] {\n", n)
		wr.p("\t\t\tif v != v || d-d != 0 {\n\t\t\t\tgrad[i] = math.NaN()\n\t\t\t}\n\t\t}\n\t}\n")
	}
	wr.p("\treturn v\n}\n")
	if s.Hessian {
		wr.hvp()
	}
	wr.helpers()
}

// elems are the first n elements of the slice called name.
type elems struct {
	name string
	n    int
}

// finiteSum writes the sum of d-d over the elements d of the slices, in
// order, as a balanced tree of k… temporaries (a chain of additions would
// be a chain of latencies) and returns the expression of its root: 0 if
// every element is finite, NaN otherwise.
func (wr *writer) finiteSum(slices ...elems) string {
	// The first level is written from the indices straight to the
	// writer: two strings an input were most of the allocations left.
	var num [20]byte
	total := 0
	for _, s := range slices {
		total += s.n
	}
	// at returns the slice and index of element i of the concatenation.
	at := func(i int) (string, int) {
		for _, s := range slices {
			if i < s.n {
				return s.name, i
			}
			i -= s.n
		}
		panic("gen: finiteSum: element out of range")
	}
	elem := func(i int) {
		name, i := at(i)
		wr.w.WriteString(name)
		wr.w.WriteByte('[')
		wr.w.Write(strconv.AppendInt(num[:0], int64(i), 10))
		wr.w.WriteByte(']')
	}
	diff := func(i int) {
		elem(i)
		wr.w.WriteString(" - ")
		elem(i)
	}
	var level []string
	k := 0
	nextK := func() string {
		c := "k" + strconv.Itoa(k)
		k++
		return c
	}
	for i := 0; i < total; i += 2 {
		if i+1 == total {
			name, j := at(i)
			d := name + "[" + strconv.Itoa(j) + "]"
			level = append(level, "("+d+" - "+d+")")
			continue
		}
		c := nextK()
		wr.w.WriteByte('\t')
		wr.w.WriteString(c)
		wr.w.WriteString(" := ")
		diff(i)
		wr.w.WriteString(" + (")
		diff(i + 1)
		wr.w.WriteString(")\n")
		level = append(level, c)
	}
	for len(level) > 1 {
		var up []string
		for i := 0; i < len(level); i += 2 {
			if i+1 == len(level) {
				up = append(up, level[i])
				continue
			}
			c := nextK()
			wr.line(c, " := ", level[i], " + ", level[i+1])
			up = append(up, c)
		}
		level = up
	}
	return level[0]
}

// forward writes the loads of the inputs used and one assignment per
// primitive node. For the gradient (grad), sin and cos whose partial is
// needed are computed together by math.Sincos, which gives the bits of
// math.Sin and math.Cos (TestSincos); so are the sin and the cos of one
// argument when the program has both.
func (wr *writer) forward(grad bool) {
	wr.memo = make(map[string]string)
	wr.tmp = 0
	n := len(wr.fn.Params)
	if n > 0 {
		wr.p("\t_ = x[%d]\n", n-1)
	}
	needs := false
	for _, root := range wr.roots {
		needs = needs || grad && wr.dep[root]
	}
	var written map[ir.ID]bool // the Sincos of wr.sincos written
	if len(wr.sincos) > 0 {
		written = make(map[ir.ID]bool)
	}
	for _, id := range wr.order {
		nd := wr.g.Node(id)
		switch nd.Op {
		case op.Const:
		case op.Var:
			wr.lineIndex(wr.name[id], " := x[", wr.input[id], "]")
		default:
			a := wr.name[nd.X]
			if other, ok := wr.sincos[id]; ok {
				// sin and cos of one argument, both values: one
				// Sincos at the first, none at the second.
				if written[other] {
					continue
				}
				written[id] = true
				sin, cos := wr.name[id], wr.name[other]
				if nd.Op == op.Cos {
					sin, cos = cos, sin
				}
				wr.line(sin, ", ", cos, " := math.Sincos(", a, ")")
				wr.memo["math.Sin("+a+")"], wr.memo["math.Cos("+a+")"] = sin, cos
				continue
			}
			if needs && wr.dep[nd.X] && (nd.Op == op.Sin || nd.Op == op.Cos) {
				t := wr.name[id]
				other := "c" + t[1:]
				if nd.Op == op.Cos {
					other = "s" + t[1:]
					wr.line(other, ", ", t, " := math.Sincos(", a, ")")
					wr.memo["math.Sin("+a+")"] = other
				} else {
					wr.line(t, ", ", other, " := math.Sincos(", a, ")")
					wr.memo["math.Cos("+a+")"] = other
				}
				continue
			}
			b := ""
			if nd.Y != ir.None {
				b = wr.name[nd.Y]
			}
			e, k := wr.value(nd, a, b)
			wr.w.WriteByte('\t')
			wr.w.WriteString(wr.name[id])
			wr.w.WriteString(" := ")
			for _, part := range e[:k] {
				wr.w.WriteString(part)
			}
			wr.w.WriteByte('\n')
			if wr.memoized(nd.Op) {
				e := strings.Join(e[:k], "")
				if _, ok := wr.memo[e]; !ok {
					wr.memo[e] = wr.name[id]
				}
			}
		}
	}
}

// reverse is what the reverse sweeps of one function reuse, indexed by
// node (adj, declared, live), by input (last, next) and by position in
// order (at): allocated once and cleared over order after each sweep, so
// that a Jacobian's m sweeps cost m passes over the program's nodes, not m
// slices the size of the graph.
type reverse struct {
	adj      []string // the variable of each adjoint of the sweep, "" for none yet
	declared []bool   // the adjoint's variable was declared by an earlier sweep
	live     []bool   // the node is the root or an argument of a live node
	last     []int32
	next     []int32
	at       []int32
}

// reverseState returns the writer's reverse, allocating it the first time.
func (wr *writer) reverseState() *reverse {
	if wr.rev == nil {
		n, in := wr.g.Len(), len(wr.fn.Params)
		wr.rev = &reverse{
			adj: make([]string, n), declared: make([]bool, n), live: make([]bool, n),
			last: make([]int32, in), next: make([]int32, in), at: make([]int32, len(wr.order)),
		}
	}
	return wr.rev
}

// backward writes the reverse pass from root, storing the partial
// derivative of root in input i in slice[base+i]: the gradient's, or one
// row of a Jacobian. The adjoint of each node on which root depends and
// that depends on an input is a variable b… (g… for the inputs), declared
// by its first contribution (assigned, when an earlier sweep declared
// it); an input's partial is stored as soon as its last contribution is
// added, so that it is not kept live to the end, and the partials in the
// inputs root does not depend on are stored as 0 first.
func (wr *writer) backward(root ir.ID, slice string, base int) {
	st := wr.reverseState()
	elem := slice + "["
	if i := wr.input[root]; i >= 0 {
		// The root is an input: no node to go through.
		for j := range wr.fn.Params {
			d := "] = 0"
			if j == i {
				d = "] = 1"
			}
			wr.lineIndex(elem, "", base+j, d)
		}
		return
	}
	// live marks the nodes of the sweep, the root and, transitively, the
	// arguments that depend on an input; last[i] is the position in order
	// of the first live user of input i: the last contribution to its
	// adjoint in the reverse pass (the loop runs down, so the smallest
	// position is assigned last).
	live, last := st.live, st.last
	for i := range last {
		last[i] = -1
	}
	live[root] = wr.dep[root]
	for k := len(wr.order) - 1; k >= 0; k-- {
		id := wr.order[k]
		nd := wr.g.Node(id)
		if !live[id] || !nd.Op.IsPrimitive() {
			continue
		}
		for _, a := range [2]ir.ID{nd.X, nd.Y} {
			if a != ir.None && wr.dep[a] {
				live[a] = true
				if i := wr.input[a]; i >= 0 {
					last[i] = int32(k)
				}
			}
		}
	}
	// The inputs whose adjoints are final after order[k], in increasing
	// order: at[k], next[at[k]], … until -1 (lists in two slices, not a
	// map looked up at every node nor a slice allocated an input).
	at, next := st.at, st.next
	for k := range at {
		at[k] = -1
	}
	for i := len(last) - 1; i >= 0; i-- {
		if k := last[i]; k >= 0 {
			next[i], at[k] = at[k], int32(i)
		}
	}
	for i, k := range last {
		if k < 0 {
			wr.lineIndex(elem, "", base+i, "] = 0")
		}
	}
	adj := st.adj
	// declare writes the first contribution to the adjoint of id, the
	// concatenation of parts, or a later one (+=).
	declare := func(id ir.ID, parts ...string) {
		assign := " += "
		if adj[id] == "" {
			adj[id] = wr.adjName[id]
			assign = " := "
			if st.declared[id] {
				assign = " = "
			}
			st.declared[id] = true
		}
		w := wr.w
		w.WriteByte('\t')
		w.WriteString(adj[id])
		w.WriteString(assign)
		for _, p := range parts {
			w.WriteString(p)
		}
		w.WriteByte('\n')
	}
	if live[root] {
		declare(root, "1.0")
	}
	// term adds g·d: g for a partial d of 1 (""), -g for -1.
	term := func(id ir.ID, g, d string) {
		switch d {
		case "":
			declare(id, g)
		case "-1":
			declare(id, "-", g)
		default:
			declare(id, g, " * ", d)
		}
	}
	for k := len(wr.order) - 1; k >= 0; k-- {
		id := wr.order[k]
		nd := wr.g.Node(id)
		g := adj[id]
		if g == "" || !nd.Op.IsPrimitive() {
			continue
		}
		b := ""
		if nd.Y != ir.None {
			b = wr.name[nd.Y]
		}
		dx, dy := wr.partials(nd, wr.name[nd.X], b, wr.name[id])
		switch {
		case nd.Op == op.Mul && nd.X == nd.Y && wr.dep[nd.X]:
			// x·x: the two contributions g·x + g·x are 2·(g·x) exactly.
			declare(nd.X, "2 * (", g, " * ", wr.name[nd.X], ")")
		default:
			if wr.dep[nd.X] {
				term(nd.X, g, dx)
			}
			if nd.Y != ir.None && wr.dep[nd.Y] {
				term(nd.Y, g, dy)
			}
		}
		for i := at[k]; i >= 0; i = next[i] {
			wr.lineIndex(elem, "", base+int(i), "] = ", adj[wr.fn.Params[i]])
		}
	}
	for _, id := range wr.order {
		adj[id], live[id] = "", false
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
		// math.Pow(x, 2) rounds the square of x's mantissa once and
		// scales it, which is x*x except where x*x is subnormal or 0.
		"square": "(x float64) float64 {\n\tif y := x * x; y >= 0x1p-1022 || y != y {\n\t\treturn y\n\t}\n\treturn math.Pow(x, 2)\n}\n",
		// y·x^(y-1) from z = x^y by one division, where z is normal and
		// x is not 0; elsewhere the table's y·Pow(x, y-1).
		"powDx": "(x, y, z float64) float64 {\n\tif a := math.Abs(z); a >= 0x1p-1022 && a <= math.MaxFloat64 && x != 0 {\n\t\treturn y * (z / x)\n\t}\n\treturn y * " + wr.helper("pow") + "(x, y-1)\n}\n",
		"pow":   power.Body(),
	}
	for _, h := range []string{"max", "min", "pow", "powDx", "relu", "sigmoid", "sign", "square", "step"} {
		if wr.used[h] {
			wr.p("\nfunc %s%s", wr.helper(h), bodies[h])
		}
	}
}
