package expr_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// mustParse parses a program that must be valid.
func mustParse(t testing.TB, src string) *ir.Program {
	t.Helper()
	p, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	if p == nil {
		t.Fatalf("Parse(%q) returned neither a program nor an error", src)
	}
	return p
}

// sexpr writes node id as a fully parenthesised S-expression, so that tests
// state the structure of a parse without relying on the printer:
// -x^2 is (neg (^ x 2)). Constants are written with ir.FormatConst, so a
// negative number -2 and a negated number (neg 2) are told apart.
func sexpr(g *ir.Graph, id ir.ID) string {
	var b strings.Builder
	var walk func(id ir.ID)
	walk = func(id ir.ID) {
		n := g.Node(id)
		switch n.Op {
		case op.Const:
			b.WriteString(ir.FormatConst(n.Val))
			return
		case op.Var:
			b.WriteString(n.Name)
			return
		}
		b.WriteByte('(')
		switch {
		case n.Op == op.Call:
			b.WriteString(n.Fn.Name)
		case n.Op == op.Neg:
			b.WriteString("neg")
		default:
			b.WriteString(n.Op.String())
		}
		for i := range n.Arity() {
			b.WriteByte(' ')
			walk(n.Arg(i))
		}
		b.WriteByte(')')
	}
	walk(id)
	return b.String()
}

// dump writes every function of p as name(params) = S-expression, one a
// line.
func dump(p *ir.Program) string {
	var b strings.Builder
	for _, fn := range p.Funcs {
		fmt.Fprintf(&b, "%s(%s) = %s\n", fn.Name, strings.Join(fn.ParamNames(p.Graph), ", "), results(fn, func(id ir.ID) string { return sexpr(p.Graph, id) }))
	}
	return b.String()
}

// results writes fn's result with str: its body, or the tuple of its
// outputs for a function that returns several values.
func results(fn *ir.Func, str func(ir.ID) string) string {
	if len(fn.Outputs) == 0 {
		return str(fn.Body)
	}
	elems := make([]string, len(fn.Outputs))
	for i, o := range fn.Outputs {
		elems[i] = str(o)
	}
	return "(" + strings.Join(elems, ", ") + ")"
}

// printProgram prints p in backprop's language with the ir printer: each
// function as a definition, except the last one when bare is true, which
// is printed as the program's final bare expression.
func printProgram(p *ir.Program, bare bool) string {
	var b strings.Builder
	for i, fn := range p.Funcs {
		body := results(fn, p.Graph.String)
		if bare && i == len(p.Funcs)-1 {
			b.WriteString(body)
			b.WriteByte('\n')
			break
		}
		fmt.Fprintf(&b, "%s(%s) = %s\n", fn.Name, strings.Join(fn.ParamNames(p.Graph), ", "), body)
	}
	return b.String()
}

// sameProgram reports whether the functions of a and b have the same names,
// parameters and structure, and if not, why.
func sameProgram(a, b *ir.Program) (bool, string) {
	if len(a.Funcs) != len(b.Funcs) {
		return false, fmt.Sprintf("%d functions, then %d", len(a.Funcs), len(b.Funcs))
	}
	s := newStructEq(a.Graph, b.Graph)
	for i, fa := range a.Funcs {
		if !s.funcs(fa, b.Funcs[i]) {
			return false, fmt.Sprintf("function %d: %s differs from %s", i, fa.Name, b.Funcs[i].Name)
		}
	}
	return true, ""
}

// structEq decides structural equality of nodes of two graphs: the same
// operations, the same constants (bit for bit, so -0 is not 0), the same
// variable names and calls of structurally equal functions with the same
// name. Since graphs are hash-consed, two structurally equal nodes of one
// graph are the same node, so nodes of one graph compare equal exactly
// when their IDs are equal.
type structEq struct {
	ga, gb *ir.Graph
	nodes  map[[2]ir.ID]bool
	fns    map[[2]*ir.Func]bool
}

func newStructEq(ga, gb *ir.Graph) *structEq {
	return &structEq{ga: ga, gb: gb, nodes: make(map[[2]ir.ID]bool), fns: make(map[[2]*ir.Func]bool)}
}

// sameStructure reports whether node a of ga and node b of gb are
// structurally equal.
func sameStructure(ga *ir.Graph, a ir.ID, gb *ir.Graph, b ir.ID) bool {
	return newStructEq(ga, gb).node(a, b)
}

func (s *structEq) node(a, b ir.ID) bool {
	k := [2]ir.ID{a, b}
	if eq, ok := s.nodes[k]; ok {
		return eq
	}
	na, nb := s.ga.Node(a), s.gb.Node(b)
	eq := na.Op == nb.Op && na.Arity() == nb.Arity()
	if eq {
		switch na.Op {
		case op.Const:
			eq = math.Float64bits(na.Val) == math.Float64bits(nb.Val)
		case op.Var:
			eq = na.Name == nb.Name
		case op.Call:
			eq = s.funcs(na.Fn, nb.Fn)
		}
	}
	for i := 0; eq && i < na.Arity(); i++ {
		eq = s.node(na.Arg(i), nb.Arg(i))
	}
	s.nodes[k] = eq
	return eq
}

func (s *structEq) funcs(fa, fb *ir.Func) bool {
	k := [2]*ir.Func{fa, fb}
	if eq, ok := s.fns[k]; ok {
		return eq
	}
	s.fns[k] = true // functions are not recursive; this only stops loops in broken input
	eq := fa.Name == fb.Name && len(fa.Params) == len(fb.Params)
	for i := 0; eq && i < len(fa.Params); i++ {
		eq = s.node(fa.Params[i], fb.Params[i])
	}
	eq = eq && s.node(fa.Body, fb.Body) && len(fa.Outputs) == len(fb.Outputs)
	for i := 0; eq && i < len(fa.Outputs); i++ {
		eq = s.node(fa.Outputs[i], fb.Outputs[i])
	}
	s.fns[k] = eq
	return eq
}

// gradient returns the value and the gradient of fn at x by reverse mode on
// its inlined body, with the local partials of the op table: an oracle
// independent of the packages built on expr.
func gradient(t testing.TB, p *ir.Program, fn *ir.Func, x []float64) (float64, []float64) {
	t.Helper()
	g := p.Graph
	root := g.Inline(g, fn.Body)
	order := g.Topo(root)
	val := make(map[ir.ID]float64, len(order))
	adj := make(map[ir.ID]float64, len(order))
	for _, id := range order {
		n := g.Node(id)
		switch n.Op {
		case op.Const:
			val[id] = n.Val
		case op.Var:
			found := false
			for i, pid := range fn.Params {
				if pid == id {
					val[id], found = x[i], true
				}
			}
			if !found {
				t.Fatalf("free variable %s in %s", n.Name, fn.Name)
			}
		case op.Call:
			t.Fatalf("call of %s left after inlining", n.Fn.Name)
		default:
			var y float64
			if n.Y != ir.None {
				y = val[n.Y]
			}
			val[id] = n.Op.Eval(val[n.X], y)
		}
	}
	adj[root] = 1
	for i := len(order) - 1; i >= 0; i-- {
		id := order[i]
		n := g.Node(id)
		if !n.Op.IsPrimitive() {
			continue
		}
		var y float64
		if n.Y != ir.None {
			y = val[n.Y]
		}
		dx, dy := n.Op.Partials(val[n.X], y, val[id])
		adj[n.X] += adj[id] * dx
		if n.Y != ir.None {
			adj[n.Y] += adj[id] * dy
		}
	}
	grad := make([]float64, len(fn.Params))
	for i, pid := range fn.Params {
		grad[i] = adj[pid]
	}
	return val[root], grad
}

// near reports whether got is within a relative tolerance tol of want.
func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}
