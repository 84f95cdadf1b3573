package backprop

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/sym"
)

// Point binds variables to numbers by name.
type Point map[string]float64

// A Program is a set of functions defined from text and the expressions
// built from them, all on one expression DAG. A Program is not safe for
// concurrent use: building expressions and differentiating add nodes to
// its graph.
type Program struct {
	p *ir.Program
}

// Parse parses a program: definitions such as f(x, y) = x*y, one a line,
// with # comments. Errors carry line:column and a caret under the place.
func Parse(src string) (*Program, error) {
	p := &Program{p: &ir.Program{Graph: ir.NewGraph()}}
	if err := p.Define(src); err != nil {
		return nil, err
	}
	return p, nil
}

// MustParse is Parse for programs known to be correct; it panics on error.
func MustParse(src string) *Program {
	p, err := Parse(src)
	if err != nil {
		panic("backprop: " + err.Error())
	}
	return p
}

// Define adds the definitions in src to p. They may call the functions
// already defined. On error p is unchanged.
func (p *Program) Define(src string) error {
	return expr.Extend(p.p, "", src)
}

// IR returns the program's representation, for the packages below this one.
func (p *Program) IR() *ir.Program { return p.p }

// Func returns the function called name, or nil.
func (p *Program) Func(name string) *Function {
	fn := p.p.Func(name)
	if fn == nil {
		return nil
	}
	return &Function{p: p, fn: fn}
}

// Funcs returns the functions of p in the order they were defined.
func (p *Program) Funcs() []*Function {
	fs := make([]*Function, len(p.p.Funcs))
	for i, fn := range p.p.Funcs {
		fs[i] = &Function{p: p, fn: fn}
	}
	return fs
}

// Var returns the expression of the variable called name.
func (p *Program) Var(name string) Expr { return Expr{p: p, id: p.p.Graph.Var(name)} }

// Const returns the expression of the number v.
func (p *Program) Const(v float64) Expr { return Expr{p: p, id: p.p.Graph.Const(v)} }

// Apply returns the primitive o applied to args, such as
// p.Apply(op.Sin, x). It panics with a message naming Program.Apply and
// the problem if o is not a primitive (a leaf, op.Call or an invalid
// code), if the number of arguments is not o's arity, or if an argument
// is the zero Expr or belongs to another program.
func (p *Program) Apply(o op.Op, args ...Expr) Expr {
	switch {
	case !o.Valid():
		panic(fmt.Sprintf("backprop: Program.Apply: invalid op %d", uint8(o)))
	case !o.IsPrimitive():
		panic(fmt.Sprintf("backprop: Program.Apply: %v is not a primitive: use Var, Const or Function.Apply", o))
	case len(args) != o.Arity():
		panic(fmt.Sprintf("backprop: Program.Apply: %v expects %s, got %d", o, count(o.Arity(), "argument"), len(args)))
	}
	x, y := p.own("Program.Apply", args[0]), ir.None
	if len(args) == 2 {
		y = p.own("Program.Apply", args[1])
	}
	return Expr{p: p, id: p.p.Graph.Apply(o, x, y)}
}

// count returns "1 word" or "n words".
func count(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// own returns the node of e, and panics, naming the method fn, if e is not
// an expression of p.
func (p *Program) own(fn string, e Expr) ir.ID {
	switch e.p {
	case p:
		return e.id
	case nil:
		panic("backprop: " + fn + ": the zero Expr is not an expression")
	}
	panic("backprop: " + fn + ": expression of another program")
}

// A Function is a function defined in a Program.
type Function struct {
	p  *Program
	fn *ir.Func
}

// Name returns the name of f.
func (f *Function) Name() string { return f.fn.Name }

// Params returns the names of the parameters of f.
func (f *Function) Params() []string { return f.fn.ParamNames(f.p.p.Graph) }

// String returns the definition of f, such as "f_2(x, y) = x^y".
func (f *Function) String() string {
	g := f.p.p.Graph
	s := f.fn.Name + "("
	for i, name := range f.Params() {
		if i > 0 {
			s += ", "
		}
		s += name
	}
	return s + ") = " + g.String(f.fn.Body)
}

// Apply returns the expression of f applied to args. It panics with a
// message such as "backprop: Function.Apply: f_2 expects 2 arguments, got
// 1" if the number of arguments is wrong, as calling a Go function with
// the wrong number of arguments would not compile, and if an argument
// belongs to another program.
func (f *Function) Apply(args ...Expr) Expr {
	if len(args) != len(f.fn.Params) {
		panic(fmt.Sprintf("backprop: Function.Apply: %s expects %s, got %d", f.fn.Name, count(len(f.fn.Params), "argument"), len(args)))
	}
	ids := make([]ir.ID, len(args))
	for i, a := range args {
		ids[i] = f.p.own("Function.Apply", a)
	}
	return Expr{p: f.p, id: f.p.p.Graph.Call(f.fn, ids...)}
}

// Eval returns f at x.
func (f *Function) Eval(x ...float64) (float64, error) {
	return ir.NewEvaluator(f.p.p.Graph).Apply(f.fn, x)
}

// Gradient returns the value of f at x and its gradient with respect to
// its parameters, by reverse mode, in dst: dst first, nil to allocate, as
// every gradient of backprop. It panics if dst is not nil and its length
// is not len(x).
func (f *Function) Gradient(dst []float64, x ...float64) (float64, []float64, error) {
	return reverse.Gradient(dst, f.p.p.Graph, f.fn, x, nil)
}

// Partial returns the symbolic partial derivative of f with respect to its
// i-th parameter (from 0), as an expression of its parameters. It panics
// with a message such as "backprop: Function.Partial: f has 2
// parameters, no parameter 2" if i is out of range.
func (f *Function) Partial(i int) Expr {
	if i < 0 || i >= len(f.fn.Params) {
		panic(fmt.Sprintf("backprop: Function.Partial: %s has %s, no parameter %d", f.fn.Name, count(len(f.fn.Params), "parameter"), i))
	}
	return Expr{p: f.p, id: sym.Diff(f.p.p.Graph, f.fn.Body, f.fn.Params[i])}
}

// Expr is an expression of a Program: a node of its DAG. The zero Expr is
// not valid.
type Expr struct {
	p  *Program
	id ir.ID
}

// ID returns the node of e in its program's graph.
func (e Expr) ID() ir.ID { return e.id }

// String returns e as text in backprop's language, calls of user functions
// included; parsing it back gives the same expression.
func (e Expr) String() string { return e.p.p.Graph.String(e.id) }

// LaTeX returns e in LaTeX.
func (e Expr) LaTeX() string { return latex.String(e.p.p.Graph, e.id) }

// Expand returns e with every call of a user function replaced by the
// function's body: the closed form of a composite function (what the
// seed's appendix gets from SymPy).
func (e Expr) Expand() Expr {
	g := e.p.p.Graph
	return Expr{p: e.p, id: sym.Simplify(g, g.Inline(g, e.id))}
}

// Vars returns the names of the variables e depends on, in the order the
// evaluation meets them.
func (e Expr) Vars() []string {
	g := e.p.p.Graph
	var names []string
	seen := make(map[string]bool)
	for _, id := range g.Topo(g.Inline(g, e.id)) {
		if n := g.Node(id); n.Op == op.Var && !seen[n.Name] {
			seen[n.Name] = true
			names = append(names, n.Name)
		}
	}
	return names
}

// Eval returns the value of e at the point at.
func (e Expr) Eval(at Point) (float64, error) {
	return ir.NewEvaluator(e.p.p.Graph).Eval(e.id, at)
}

// Gradient returns the value of e at the point at and its partial
// derivatives with respect to each of its variables, by reverse mode.
func (e Expr) Gradient(at Point) (float64, map[string]float64, error) {
	g := e.p.p.Graph
	r, err := reverse.Run(g, e.id, at, nil)
	if err != nil {
		return math.NaN(), nil, err
	}
	grad := make(map[string]float64)
	for _, name := range e.Vars() {
		grad[name] = r.Adjoint(g.Var(name))
	}
	return r.Output(), grad, nil
}

// Diff returns the symbolic derivative of e with respect to the variable
// called wrt. Its size grows linearly with the size of e.
func (e Expr) Diff(wrt string) Expr {
	g := e.p.p.Graph
	return Expr{p: e.p, id: sym.Diff(g, e.id, g.Var(wrt))}
}
