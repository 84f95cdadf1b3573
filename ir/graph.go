package ir

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/op"
)

// ID names a node of a Graph: its index in the graph's node list. Nodes are
// only ever appended, so the arguments of a node always have smaller IDs
// than the node itself. ID is an alias of int32 so that a Graph is an
// [op.Builder].
type ID = int32

// None is the ID of a missing argument (the second argument of a unary
// primitive).
const None ID = -1

// Node is one node of the DAG.
type Node struct {
	Op   op.Op
	X, Y ID      // arguments of a primitive; Y is None for unary ones
	Args []ID    // arguments of a Call
	Val  float64 // value of a Const
	Name string  // name of a Var
	Fn   *Func   // the function a Call applies
}

// Arity returns the number of arguments of the node.
func (n *Node) Arity() int {
	switch {
	case n.Op == op.Call:
		return len(n.Args)
	case n.Op.IsPrimitive():
		return n.Op.Arity()
	}
	return 0
}

// Arg returns the i-th argument of the node.
func (n *Node) Arg(i int) ID {
	if n.Op == op.Call {
		return n.Args[i]
	}
	if i == 0 {
		return n.X
	}
	return n.Y
}

// Span is a range of byte offsets [Start, End) in the source text a node
// was parsed from. The zero Span means the node has no source.
type Span struct{ Start, End int }

// A Graph is a hash-consed expression DAG: building a node that already
// exists returns the existing one, so structurally identical
// subexpressions are one node. The zero Graph is not ready for use; call
// [NewGraph].
//
// A Graph is not safe for concurrent mutation; reading a graph that no
// goroutine modifies is safe.
type Graph struct {
	nodes []Node
	spans []Span
	// more holds the later occurrences of nodes written more than once,
	// which hash-consing shares: sqrt(y) in the bodies of two functions.
	more map[ID][]Span
	// One index per kind of node, so that the hot one (primitives) hashes
	// a small fixed-size key.
	prims  map[primKey]ID
	consts map[uint64]ID
	vars   map[string]ID
	calls  map[string]ID
}

type primKey struct {
	op   op.Op
	x, y ID
}

// NewGraph returns an empty graph.
func NewGraph() *Graph {
	return &Graph{
		prims:  make(map[primKey]ID),
		consts: make(map[uint64]ID),
		vars:   make(map[string]ID),
		calls:  make(map[string]ID),
	}
}

// Len returns the number of nodes in the graph.
func (g *Graph) Len() int { return len(g.nodes) }

// Node returns the node id. The node must not be modified.
func (g *Graph) Node(id ID) *Node { return &g.nodes[id] }

// Op returns the operation of node id.
func (g *Graph) Op(id ID) op.Op { return g.nodes[id].Op }

// Span returns the source span of node id, the zero Span if it has none.
func (g *Graph) Span(id ID) Span { return g.spans[id] }

// SpanIn returns the source span of node id within fn's definition: the
// occurrence of a shared node in the body of fn. Without fn, or when no
// occurrence lies in it, it is [Graph.Span].
func (g *Graph) SpanIn(id ID, fn *Func) Span {
	first := g.spans[id]
	if fn == nil || fn.Span.Start <= first.Start && first.End <= fn.Span.End {
		return first
	}
	for _, s := range g.more[id] {
		if fn.Span.Start <= s.Start && s.End <= fn.Span.End {
			return s
		}
	}
	return first
}

// SetSpan records where node id was written in the source: its first
// occurrence is its [Graph.Span], and the others of a shared node are kept
// for [Graph.SpanIn].
func (g *Graph) SetSpan(id ID, s Span) {
	switch first := g.spans[id]; {
	case first == (Span{}):
		g.spans[id] = s
	case s != first && s != (Span{}):
		if g.more == nil {
			g.more = make(map[ID][]Span)
		}
		if m := g.more[id]; len(m) == 0 || m[len(m)-1] != s {
			g.more[id] = append(m, s)
		}
	}
}

// push appends n and returns its ID.
func (g *Graph) push(n Node) ID {
	id := ID(len(g.nodes))
	if int(id) != len(g.nodes) || id < 0 {
		panic("ir: graph has more than 2^31-1 nodes")
	}
	g.nodes = append(g.nodes, n)
	g.spans = append(g.spans, Span{})
	return id
}

// Const returns the node of the number c.
func (g *Graph) Const(c float64) ID {
	if math.IsNaN(c) {
		c = math.NaN() // one NaN node, whatever the payload
	}
	bits := math.Float64bits(c)
	if id, ok := g.consts[bits]; ok {
		return id
	}
	id := g.push(Node{Op: op.Const, X: None, Y: None, Val: c})
	g.consts[bits] = id
	return id
}

// Var returns the node of the variable called name.
func (g *Graph) Var(name string) ID {
	if id, ok := g.vars[name]; ok {
		return id
	}
	id := g.push(Node{Op: op.Var, X: None, Y: None, Name: name})
	g.vars[name] = id
	return id
}

// Apply returns the node of the primitive o applied to x, or to x and y if
// o is binary; y is ignored for unary primitives. It panics if o is not a
// primitive or an argument is not a node of g.
func (g *Graph) Apply(o op.Op, x, y ID) ID {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("ir: Apply of non-primitive %v", o))
	}
	g.check(x)
	if o.Arity() == 1 {
		y = None
	} else {
		g.check(y)
	}
	k := primKey{op: o, x: x, y: y}
	if id, ok := g.prims[k]; ok {
		return id
	}
	id := g.push(Node{Op: o, X: x, Y: y})
	g.prims[k] = id
	return id
}

// Call returns the node of fn applied to args. It panics if the number of
// arguments is not the number of fn's parameters: callers that take
// user input check arities first and report them as errors.
func (g *Graph) Call(fn *Func, args ...ID) ID {
	if len(args) != len(fn.Params) {
		panic(fmt.Sprintf("ir: %s expects %d arguments, got %d", fn.Name, len(fn.Params), len(args)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%p", fn)
	for _, a := range args {
		g.check(a)
		b.WriteByte(',')
		b.WriteString(strconv.Itoa(int(a)))
	}
	k := b.String()
	if id, ok := g.calls[k]; ok {
		return id
	}
	id := g.push(Node{Op: op.Call, X: None, Y: None, Args: append([]ID(nil), args...), Fn: fn})
	g.calls[k] = id
	return id
}

func (g *Graph) check(id ID) {
	if id < 0 || int(id) >= len(g.nodes) {
		panic(fmt.Sprintf("ir: node %d is not in the graph", id))
	}
}

// IsConst reports whether node id is a constant, and its value.
func (g *Graph) IsConst(id ID) (float64, bool) {
	n := &g.nodes[id]
	return n.Val, n.Op == op.Const
}
