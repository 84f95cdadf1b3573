package draw

import (
	"fmt"
	"io"
	"math/big"
	"unicode/utf8"

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
// take about 50 MB). [WritePaths], which writes each path as it is
// enumerated, has no such cap. The count and the sum cover every path
// whatever the limit.
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
// limit <= 0, a *LimitError if limit > MaxPathLimit) and counts all of
// them, without listing them, exactly: a chain of 70 diamonds has more
// than 10^21. [WritePaths] writes them without holding them.
//
// A node that the output does not depend on has no paths and gradient 0;
// an ID that is not a node of the graph is an error. Edges into constants
// are not followed.
func Paths(r *reverse.Result, wrt ir.ID, limit int) (*PathSet, error) {
	if limit <= 0 {
		limit = DefaultPathLimit
	}
	if limit > MaxPathLimit {
		return nil, &LimitError{Limit: limit, Max: MaxPathLimit}
	}
	s, wk, err := count(r, wrt)
	if err != nil {
		return nil, err
	}
	n := s.listed(limit)
	s.Paths = make([]Path, 0, n)
	if wk != nil {
		wk.walk(n, func(p *Path) bool {
			s.Paths = append(s.Paths, p.clone())
			return true
		})
	}
	for _, p := range s.Paths {
		s.Sum += p.Product
	}
	s.Omitted.Sub(s.Count, big.NewInt(int64(len(s.Paths))))
	return s, nil
}

// WritePaths writes in format f what Paths(r, wrt, limit).Write(w, f)
// would, but writes each path as it is enumerated instead of listing them
// first: its memory is that of the graph and of one path, whatever the
// limit, which is not capped (DefaultPathLimit if limit <= 0); its time
// is that of the graph plus, per path written, the path's length. It
// stops at the first error of w.
//
// The count, and the widths of the columns of Text, are computed
// beforehand on the graph, without enumerating the paths; the sum of the
// products comes after the paths in every format. output names where the
// paths start, the function computed (f, rather than its top node, a call
// of f_1, say); "" means the label of r's root.
func WritePaths(w io.Writer, f Format, r *reverse.Result, output string, wrt ir.ID, limit int) error {
	if limit <= 0 {
		limit = DefaultPathLimit
	}
	if f != Text && f != Markdown && f != LaTeX && f != JSON {
		return fmt.Errorf("paths cannot be written as %v: use text, markdown, latex or json", f)
	}
	s, wk, err := count(r, wrt)
	if err != nil {
		return err
	}
	if output != "" {
		s.Output = output
	}
	n := s.listed(limit)
	s.Omitted.Sub(s.Count, big.NewInt(int64(n)))
	l := &listing{PathSet: s, n: n, stream: true,
		each:   func(yield func(*Path) bool) {},
		widths: func() (int, int) { return 0, 0 },
	}
	if wk != nil {
		l.each = func(yield func(*Path) bool) { wk.walk(n, yield) }
		l.widths = func() (int, int) { return wk.widths(n) }
	}
	return l.write(w, f)
}

// listed returns the number of paths of s listed with the limit n.
func (s *PathSet) listed(n int) int {
	if s.Count.IsInt64() && s.Count.Int64() < int64(n) {
		return int(s.Count.Int64())
	}
	return n
}

// A walker enumerates the paths of a reverse pass from its output down to
// one node, depth-first, arguments in order, following only the edges
// into nodes with paths, so that every branch ends at the node.
type walker struct {
	r      *reverse.Result
	w      int        // the index of the node in r.Nodes
	count  []*big.Int // the number of paths from each node down to w, nil for none
	labels []string   // the label of each node with paths
}

// count returns the paths of r down to wrt, counted but not listed, and
// a walker to list them, nil if there are none.
func count(r *reverse.Result, wrt ir.ID) (*PathSet, *walker, error) {
	g := r.Graph
	if wrt < 0 || int(wrt) >= g.Len() {
		return nil, nil, fmt.Errorf("node %d is not in the graph", wrt)
	}
	s := &PathSet{
		Wrt: wrt, Label: Label(g, wrt), Output: Label(g, r.Root),
		Count: new(big.Int), Omitted: new(big.Int),
	}
	w, ok := r.Index(wrt)
	if !ok {
		return s, nil, nil
	}
	s.Gradient = r.Adjoints[w]

	// count[i] is the number of paths from Nodes[i] down to wrt, nil for
	// none: one pass in evaluation order, arguments first.
	wk := &walker{r: r, w: w, count: make([]*big.Int, len(r.Nodes)), labels: make([]string, len(r.Nodes))}
	wk.count[w] = big.NewInt(1)
	wk.labels[w] = Label(g, wrt)
	for i := w + 1; i < len(r.Nodes); i++ {
		n := g.Node(r.Nodes[i])
		for k := range n.Arity() {
			if j, ok := wk.edge(n, k); ok {
				if wk.count[i] == nil {
					wk.count[i] = new(big.Int)
					wk.labels[i] = Label(g, r.Nodes[i])
				}
				wk.count[i].Add(wk.count[i], wk.count[j])
			}
		}
	}
	root := len(r.Nodes) - 1
	if wk.count[root] == nil {
		return s, nil, nil
	}
	s.Count.Set(wk.count[root])
	return s, wk, nil
}

// edge returns the index of the argument k of n if paths go through it:
// it has paths down to the node and is not a constant.
func (wk *walker) edge(n *ir.Node, k int) (int, bool) {
	a := n.Arg(k)
	j, _ := wk.r.Index(a)
	return j, wk.count[j] != nil && wk.r.Graph.Op(a) != op.Const
}

// walk calls yield with each of the first n paths, in order, until it
// returns false. The path is reused from one call to the next.
func (wk *walker) walk(n int, yield func(*Path) bool) {
	g := wk.r.Graph
	var p Path
	stack := []frame{{i: len(wk.r.Nodes) - 1}}
	for listed := 0; len(stack) > 0 && listed < n; {
		top := &stack[len(stack)-1]
		if top.i == wk.w {
			wk.path(&p, stack)
			if !yield(&p) {
				return
			}
			listed++
			stack = stack[:len(stack)-1]
			continue
		}
		nd := g.Node(wk.r.Nodes[top.i])
		next := -1
		for top.k < nd.Arity() {
			j, ok := wk.edge(nd, top.k)
			top.k++
			if ok {
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
}

// frame is a node of a depth-first walk: its index in the result's Nodes
// and one past the argument position taken from it.
type frame struct{ i, k int }

// path sets p to the path along a depth-first stack, reusing its slices.
func (wk *walker) path(p *Path, stack []frame) {
	p.Nodes, p.Labels, p.Args, p.Factors = p.Nodes[:0], p.Labels[:0], p.Args[:0], p.Factors[:0]
	p.Product = 1
	for d, f := range stack {
		p.Nodes = append(p.Nodes, wk.r.Nodes[f.i])
		p.Labels = append(p.Labels, wk.labels[f.i])
		if d < len(stack)-1 {
			k := f.k - 1
			v := wk.r.Partial(f.i, k)
			p.Args = append(p.Args, k)
			p.Factors = append(p.Factors, v)
			p.Product *= v
		}
	}
}

// clone returns a copy of p that shares no memory with it.
func (p *Path) clone() Path {
	return Path{
		Nodes:   append([]ir.ID(nil), p.Nodes...),
		Labels:  append([]string(nil), p.Labels...),
		Args:    append([]int(nil), p.Args...),
		Factors: append([]float64(nil), p.Factors...),
		Product: p.Product,
	}
}

// widths returns the widths in runes of the two aligned cells of Text,
// "  (nodes…)" and "= factors…", the largest over the first n paths,
// without enumerating them. A path's first cell is the sum over its nodes
// of their label's width plus 2 (for ", " or the parentheses), plus 2;
// its second, the sum over its edges of their factor's width plus 1 (for
// "·" or "= "), plus 1 ("= 1" for the path of no edges). The largest sums
// over all the paths from each node are one pass over the graph; the
// first n paths from the output take all the paths of the first
// arguments, then some of the next one: one walk down the graph.
func (wk *walker) widths(n int) (tuple, factors int) {
	g := wk.r.Graph
	nodeW := func(i int) int { return utf8.RuneCountInString(wk.labels[i]) + 2 }
	edgeW := func(i, k int) int { return utf8.RuneCountInString(factor(wk.r.Partial(i, k))) + 1 }
	// allT[i] and allF[i] are the largest sums over all the paths from i.
	allT, allF := make([]int, len(wk.r.Nodes)), make([]int, len(wk.r.Nodes))
	allT[wk.w] = nodeW(wk.w)
	for i := wk.w + 1; i < len(wk.r.Nodes); i++ {
		if wk.count[i] == nil {
			continue
		}
		nd := g.Node(wk.r.Nodes[i])
		for k := range nd.Arity() {
			if j, ok := wk.edge(nd, k); ok {
				allT[i] = max(allT[i], allT[j])
				allF[i] = max(allF[i], edgeW(i, k)+allF[j])
			}
		}
		allT[i] += nodeW(i)
	}
	// Walk down from the output with rem paths left to cover; the paths
	// above the current node add offT and offF to every sum.
	var bestT, bestF, offT, offF int
	rem := int64(n)
	i := len(wk.r.Nodes) - 1
	for rem > 0 {
		if c := wk.count[i]; c.IsInt64() && c.Int64() <= rem {
			bestT, bestF = max(bestT, offT+allT[i]), max(bestF, offF+allF[i])
			break
		}
		offT += nodeW(i)
		nd := g.Node(wk.r.Nodes[i])
		next := -1
		for k := 0; k < nd.Arity() && rem > 0; k++ {
			j, ok := wk.edge(nd, k)
			if !ok {
				continue
			}
			e := edgeW(i, k)
			if c := wk.count[j]; c.IsInt64() && c.Int64() <= rem {
				bestT, bestF = max(bestT, offT+allT[j]), max(bestF, offF+e+allF[j])
				rem -= c.Int64()
				continue
			}
			offF += e
			next = j
			break
		}
		if next < 0 {
			break
		}
		i = next
	}
	if bestF == 0 { // the path from the node to itself: "= 1"
		return bestT + 2, 3
	}
	return bestT + 2, bestF + 1
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
