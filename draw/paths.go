package draw

import (
	"fmt"
	"math/big"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
)

// DefaultPathLimit is the number of paths Paths lists when its limit is
// zero or negative.
const DefaultPathLimit = 20

// MaxPathLimit is the largest number of paths Paths lists: a larger limit
// is an error, since the listed paths are held in memory (a path of a
// graph of depth d takes about 40·d bytes, so 10,000 paths of depth 120
// take about 50 MB). The count and the sum cover every path whatever the
// limit.
const MaxPathLimit = 10000

// LimitError is returned by Paths for a limit above MaxPathLimit.
type LimitError struct{ Limit, Max int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("cannot list %d paths: at most %d are listed (the count and the sum cover every path)", e.Limit, e.Max)
}

// Path is one path of an expression graph from the output down to a node,
// as in the seed's section 2.3: the product of the partial derivatives on
// its edges is one term of the derivative of the output with respect to
// the node.
type Path struct {
	// Nodes are the nodes of the path, from the output to the node, and
	// Labels their names.
	Nodes  []ir.ID
	Labels []string
	// Args[k] is the argument position of Nodes[k+1] in Nodes[k], and
	// Factors[k] the partial derivative on that edge.
	Args    []int
	Factors []float64
	// Product is the product of the factors, in order.
	Product float64
}

// PathSet is the paths from the output of a reverse pass to one node.
type PathSet struct {
	Wrt   ir.ID
	Label string // the name of Wrt
	// Output is the name of the output node, where the paths start.
	Output string
	// Paths lists the first paths in depth-first order, arguments in
	// order: at most the limit given to [Paths].
	Paths []Path
	// Count is the number of paths, however many there are; Omitted is
	// the number of those not listed.
	Count, Omitted *big.Int
	// Sum is the sum of the products of the listed paths, and Gradient
	// the adjoint of Wrt computed by the reverse pass. When every path is
	// listed, they are equal up to rounding.
	Sum, Gradient float64
}

// Complete reports whether every path is listed.
func (s *PathSet) Complete() bool { return s.Omitted.Sign() == 0 }

// Paths returns the paths of the graph of r from its output down to the
// node wrt, usually an input: the sum over the paths of the product of
// the partial derivatives on their edges is the derivative of the output
// with respect to wrt. It lists at most limit paths (DefaultPathLimit if
// limit <= 0, a *LimitError if limit > MaxPathLimit) and counts all of them, without listing them, exactly: a
// chain of 70 diamonds has more than 10^21.
//
// A node that the output does not depend on has no paths and gradient 0;
// an ID that is not a node of the graph is an error. Edges into constants
// are not followed.
func Paths(r *reverse.Result, wrt ir.ID, limit int) (*PathSet, error) {
	g := r.Graph
	if wrt < 0 || int(wrt) >= g.Len() {
		return nil, fmt.Errorf("node %d is not in the graph", wrt)
	}
	if limit <= 0 {
		limit = DefaultPathLimit
	}
	if limit > MaxPathLimit {
		return nil, &LimitError{Limit: limit, Max: MaxPathLimit}
	}
	s := &PathSet{
		Wrt: wrt, Label: Label(g, wrt), Output: Label(g, r.Root),
		Count: new(big.Int), Omitted: new(big.Int),
	}
	w, ok := r.Index(wrt)
	if !ok {
		return s, nil
	}
	s.Gradient = r.Adjoints[w]

	// count[i] is the number of paths from Nodes[i] down to wrt, nil for
	// none: one pass in evaluation order, arguments first.
	count := make([]*big.Int, len(r.Nodes))
	count[w] = big.NewInt(1)
	for i := w + 1; i < len(r.Nodes); i++ {
		n := g.Node(r.Nodes[i])
		for k := range n.Arity() {
			j, _ := r.Index(n.Arg(k))
			if count[j] == nil {
				continue
			}
			if count[i] == nil {
				count[i] = new(big.Int)
			}
			count[i].Add(count[i], count[j])
		}
	}
	root := len(r.Nodes) - 1
	if count[root] == nil {
		return s, nil
	}
	s.Count.Set(count[root])

	// List the first paths depth-first, following only the edges into
	// nodes with paths to wrt, so every branch ends at wrt.
	stack := []frame{{i: root}}
	for len(stack) > 0 && len(s.Paths) < limit {
		top := &stack[len(stack)-1]
		if top.i == w {
			s.Paths = append(s.Paths, path(r, stack))
			stack = stack[:len(stack)-1]
			continue
		}
		n := g.Node(r.Nodes[top.i])
		next := -1
		for top.k < n.Arity() {
			a := n.Arg(top.k)
			top.k++
			if j, _ := r.Index(a); count[j] != nil && g.Op(a) != op.Const {
				next = j
				break
			}
		}
		if next < 0 {
			stack = stack[:len(stack)-1]
			continue
		}
		stack = append(stack, frame{i: next})
	}
	for _, p := range s.Paths {
		s.Sum += p.Product
	}
	s.Omitted.Sub(s.Count, big.NewInt(int64(len(s.Paths))))
	return s, nil
}

// frame is a node of a depth-first walk: its index in the result's Nodes
// and one past the argument position taken from it.
type frame struct{ i, k int }

// path returns the path along a depth-first stack.
func path(r *reverse.Result, stack []frame) Path {
	p := Path{Product: 1}
	for d, f := range stack {
		id := r.Nodes[f.i]
		p.Nodes = append(p.Nodes, id)
		p.Labels = append(p.Labels, Label(r.Graph, id))
		if d < len(stack)-1 {
			k := f.k - 1
			v := r.Partial(f.i, k)
			p.Args = append(p.Args, k)
			p.Factors = append(p.Factors, v)
			p.Product *= v
		}
	}
	return p
}

// VarID returns the input variable called name among the nodes of r.
func VarID(r *reverse.Result, name string) (ir.ID, bool) {
	for _, id := range r.Nodes {
		if n := r.Graph.Node(id); n.Op == op.Var && n.Name == name {
			return id, true
		}
	}
	return ir.None, false
}
