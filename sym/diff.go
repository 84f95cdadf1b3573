package sym

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Simplify returns a node equal to root rebuilt bottom-up through a
// [Builder], so that every rewrite of the Builder is applied at every
// node. Calls of user functions are kept as calls (with simplified
// arguments); the bodies of the functions are not changed. Simplification
// takes time linear in the number of nodes reachable from root.
func Simplify(g *ir.Graph, root ir.ID) ir.ID {
	b := NewBuilder(g)
	order := g.Topo(root)
	img := make([]ir.ID, g.Len())
	for _, id := range order {
		n := g.Node(id)
		switch n.Op {
		case op.Const, op.Var:
			img[id] = id
		case op.Call:
			args := make([]ir.ID, len(n.Args))
			for i, a := range n.Args {
				args[i] = img[a]
			}
			img[id] = g.Call(n.Fn, args...)
		default:
			o, x, y := n.Op, img[n.X], ir.None
			if n.Y != ir.None {
				y = img[n.Y]
			}
			img[id] = b.Apply(o, x, y)
		}
	}
	return img[root]
}

// Count returns the number of distinct nodes reachable from the roots,
// the roots included. Function bodies of calls are not entered.
func Count(g *ir.Graph, roots ...ir.ID) int {
	return len(g.Topo(roots...))
}

func checkVar(g *ir.Graph, id ir.ID) {
	if id < 0 || int(id) >= g.Len() {
		panic(fmt.Sprintf("sym: node %d is not in the graph", id))
	}
	if g.Op(id) != op.Var {
		panic(fmt.Sprintf("sym: cannot differentiate with respect to %s, which is not a variable", g.String(id)))
	}
}

// Diff returns the derivative of root with respect to the variable wrt, as
// a node of g.
//
// Calls of user functions are first inlined (their bodies substituted,
// simplified by a [Builder]); then the derivative is computed by forward
// accumulation: a tangent is propagated in topological order through the
// nodes that depend on wrt, each tangent being the sum over the node's
// arguments of the local partial derivative (from the primitive table's
// [op.Info].Rule) times the argument's tangent. The derivative shares its
// nodes with the (inlined) primal, and each primal node adds a bounded
// number of nodes to it, so its size is linear in the primal's.
//
// The derivative of an expression that does not depend on wrt is the
// constant 0. Diff panics if wrt is not a Var node of g.
func Diff(g *ir.Graph, root, wrt ir.ID) ir.ID {
	checkVar(g, wrt)
	b := NewBuilder(g)
	return b.jvp(g.Inline(b, root), wrt)
}

// jvp returns the tangent of r when wrt has tangent 1, for an r without
// calls.
func (b *Builder) jvp(r, wrt ir.ID) ir.ID {
	g := b.g
	order := g.Topo(r)
	tan := make([]ir.ID, g.Len())
	for i := range tan {
		tan[i] = ir.None
	}
	tan[wrt] = b.Const(1)
	for _, id := range order {
		n := g.Node(id)
		o, x, y := n.Op, n.X, n.Y
		if !o.IsPrimitive() {
			continue
		}
		tx, ty := tan[x], ir.None
		if y != ir.None {
			ty = tan[y]
		}
		if tx == ir.None && ty == ir.None {
			continue
		}
		dx, dy := o.Info().Rule(b, x, y, id)
		t := ir.None
		if tx != ir.None {
			t = b.Apply(op.Mul, dx, tx)
		}
		if ty != ir.None {
			u := b.Apply(op.Mul, dy, ty)
			if t == ir.None {
				t = u
			} else {
				t = b.Apply(op.Add, t, u)
			}
		}
		if c, ok := g.IsConst(t); ok && c == 0 {
			t = ir.None // a zero tangent stops propagating
		}
		tan[id] = t
	}
	if tan[r] == ir.None {
		return b.Const(0)
	}
	return tan[r]
}

// Gradient returns the derivatives of root with respect to each variable
// of wrt, as nodes of g, computed together by reverse accumulation.
//
// Calls of user functions are first inlined as in [Diff]. Then adjoints
// are propagated in reverse topological order, starting from 1 at root:
// each node adds to the adjoint of each of its arguments that depends on a
// variable of wrt its own adjoint times the local partial derivative (from
// [op.Info].Rule). The adjoint of a variable is its derivative. As with
// Diff, the result shares nodes with the primal and its size is linear in
// the primal's, however many variables there are.
//
// The derivative with respect to a variable root does not depend on is
// the constant 0. Gradient panics if an element of wrt is not a Var node
// of g.
func Gradient(g *ir.Graph, root ir.ID, wrt []ir.ID) []ir.ID {
	return gradient(g, NewBuilder(g), root, wrt)
}

// Domain returns the derivatives of root with respect to each variable of
// wrt as [Gradient] does, but built on g itself, without simplification:
// the chain rule term by term, as reverse mode computes it. Evaluated at a
// point in IEEE arithmetic, such a derivative is finite exactly where the
// derivative exists in the sense of [op.Derivative]; the simplified one
// of Gradient or [Diff] may give a number where it does not, because a
// simplification may remove a NaN or an infinity (sqrt(x)^2 → x at
// x = -2, x/x → 1 at 0, 0·Inf → 0) though it never adds one. The domain
// condition of a simplified derivative d is therefore "Domain is finite":
//
//	value of d at x = op.Derivative(f(x), d(x)) where Domain(x) is finite, NaN elsewhere
//
// which [Value] computes.
func Domain(g *ir.Graph, root ir.ID, wrt []ir.ID) []ir.ID {
	return gradient(g, g, root, wrt)
}

// Value returns the value of a simplified derivative d at a point, given
// the value v of the function there and the value raw of its [Domain]
// derivative: NaN where v is NaN or raw is not finite, op.Derivative(v, d)
// elsewhere.
func Value(v, d, raw float64) float64 {
	if math.IsNaN(raw) || math.IsInf(raw, 0) {
		return math.NaN()
	}
	return op.Derivative(v, d)
}

func gradient(g *ir.Graph, b op.Builder, root ir.ID, wrt []ir.ID) []ir.ID {
	for _, w := range wrt {
		checkVar(g, w)
	}
	r := g.Inline(b, root)
	order := g.Topo(r)
	size := g.Len()
	dep := make([]bool, size)
	for _, w := range wrt {
		dep[w] = true
	}
	for _, id := range order {
		n := g.Node(id)
		if n.Op.IsPrimitive() {
			dep[id] = dep[n.X] || n.Y != ir.None && dep[n.Y]
		}
	}
	adj := make([]ir.ID, size)
	for i := range adj {
		adj[i] = ir.None
	}
	adj[r] = b.Const(1)
	add := func(a, c ir.ID) {
		if v, ok := g.IsConst(c); ok && v == 0 {
			return
		}
		if adj[a] == ir.None {
			adj[a] = c
		} else {
			adj[a] = b.Apply(op.Add, adj[a], c)
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		id := order[i]
		a := adj[id]
		n := g.Node(id)
		o, x, y := n.Op, n.X, n.Y
		if a == ir.None || !dep[id] || !o.IsPrimitive() {
			continue
		}
		dx, dy := o.Info().Rule(b, x, y, id)
		if dep[x] {
			add(x, b.Apply(op.Mul, a, dx))
		}
		if y != ir.None && dep[y] {
			add(y, b.Apply(op.Mul, a, dy))
		}
	}
	grad := make([]ir.ID, len(wrt))
	for i, w := range wrt {
		grad[i] = adj[w]
		if grad[i] == ir.None {
			grad[i] = b.Const(0)
		}
	}
	return grad
}

// Partials returns the partial derivatives of the body of fn with respect
// to each of its parameters, in order: the labels of the edges that leave
// a call of fn in a function-level expression graph. Calls in the body are
// inlined first, as in [Diff]. The results are expressions of the
// parameters of fn; evaluate them with the parameters bound to the
// arguments of a call to get the local partials of that call.
func Partials(g *ir.Graph, fn *ir.Func) []ir.ID {
	b := NewBuilder(g)
	body := g.Inline(b, fn.Body)
	d := make([]ir.ID, len(fn.Params))
	for i, p := range fn.Params {
		checkVar(g, p)
		d[i] = b.jvp(body, p)
	}
	return d
}
