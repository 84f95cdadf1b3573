package ir

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/op"
)

// Inline returns a node equal in value to root in which every call of a
// user function is replaced by the function's body, with its parameters
// replaced by the call's arguments: the seed's "function breakdown" into
// primitives. Nodes are rebuilt with b (the graph itself, or a
// simplifying builder over it); identical calls are inlined once. Inlined
// nodes keep the source spans of the nodes they come from.
//
// Inline panics if a function calls itself, which only a graph built
// through the API can do: the parser reports recursion as an error.
func (g *Graph) Inline(b op.Builder, root ID) ID {
	return g.InlineAll(b, root)[0]
}

// InlineAll is Inline for several roots at once, such as the results of
// a function that returns a tuple: a call they share is inlined once, and
// the time is that of one pass over the nodes reachable from any of them
// rather than one pass per root.
func (g *Graph) InlineAll(b op.Builder, roots ...ID) []ID {
	in := inliner{g: g, b: b, memo: make(map[string]ID), active: make(map[*Func]bool)}
	return in.rebuild(roots, nil, nil)
}

// Subst returns root with each node in sub replaced by its image, rebuilt
// with b. Calls are kept as calls.
func (g *Graph) Subst(b op.Builder, root ID, sub map[ID]ID) ID {
	order := g.Topo(root)
	img := make(map[ID]ID, len(order))
	for _, id := range order {
		if s, ok := sub[id]; ok {
			img[id] = s
			continue
		}
		n := &g.nodes[id]
		switch n.Op {
		case op.Const, op.Var:
			img[id] = id
		case op.Call:
			args := make([]ID, len(n.Args))
			for i, a := range n.Args {
				args[i] = img[a]
			}
			img[id] = g.Call(n.Fn, args...)
		default:
			y := None
			if n.Y != None {
				y = img[n.Y]
			}
			img[id] = b.Apply(n.Op, img[n.X], y)
		}
	}
	return img[root]
}

type inliner struct {
	g    *Graph
	b    op.Builder
	memo map[string]ID // (function, inlined arguments) -> inlined body
	// active holds the functions being inlined, to catch recursion in
	// graphs built through the API (the parser rejects it).
	active map[*Func]bool
}

// rebuild inlines the calls below roots and returns their images; fn is
// the function whose body the root is (nil at the top), and bind maps its
// parameters to their images.
func (in *inliner) rebuild(roots []ID, bind map[ID]ID, fn *Func) []ID {
	g := in.g
	order := g.Topo(roots...)
	// The image of each node of order: at the top, a slice indexed by
	// node, which costs no more than Topo's and is read without hashing;
	// in a function body, inlined once per distinct call, a map the size
	// of the body.
	var img image
	if fn == nil {
		img = image{dense: make([]ID, len(g.nodes))}
	} else {
		img.sparse = make(map[ID]ID, len(order))
	}
	// Rebuilt with the graph itself, a primitive whose arguments are
	// their own images is its own image: Apply would find it, hash-consed,
	// under its operation and arguments.
	same, _ := in.b.(*Graph)
	identity := same == g
	for _, id := range order {
		n := &g.nodes[id]
		switch n.Op {
		case op.Const:
			if identity {
				img.set(id, id)
				break
			}
			img.set(id, in.b.Const(n.Val))
		case op.Var:
			if s, ok := bind[id]; ok {
				img.set(id, s)
			} else {
				img.set(id, id)
			}
		case op.Call:
			args := make([]ID, len(n.Args))
			var k strings.Builder
			fmt.Fprintf(&k, "%p", n.Fn)
			for i, a := range n.Args {
				args[i] = img.get(a)
				k.WriteByte(',')
				k.WriteString(strconv.Itoa(int(args[i])))
			}
			key := k.String()
			r, ok := in.memo[key]
			if !ok {
				if in.active[n.Fn] {
					panic(fmt.Sprintf("ir: function %s calls itself", n.Fn.Name))
				}
				sub := make(map[ID]ID, len(args))
				for i, p := range n.Fn.Params {
					sub[p] = args[i]
				}
				in.active[n.Fn] = true
				r = in.rebuild([]ID{n.Fn.Body}, sub, n.Fn)[0]
				delete(in.active, n.Fn)
				in.memo[key] = r
			}
			img.set(id, r)
		default:
			x, y := img.get(n.X), None
			if n.Y != None {
				y = img.get(n.Y)
			}
			var r ID
			if identity && x == n.X && y == n.Y {
				r = id
			} else {
				r = in.b.Apply(n.Op, x, y)
			}
			img.set(id, r)
			if r >= 0 && int(r) < len(g.spans) {
				g.SetSpan(r, g.SpanIn(id, fn))
			}
		}
	}
	out := make([]ID, len(roots))
	for i, r := range roots {
		out[i] = img.get(r)
	}
	return out
}

// An image maps the nodes of a graph to the nodes they are rebuilt as:
// dense, indexed by node, or sparse.
type image struct {
	dense  []ID
	sparse map[ID]ID
}

func (m *image) get(id ID) ID {
	if m.dense != nil {
		return m.dense[id]
	}
	return m.sparse[id]
}

func (m *image) set(id, v ID) {
	if m.dense != nil {
		m.dense[id] = v
		return
	}
	m.sparse[id] = v
}
