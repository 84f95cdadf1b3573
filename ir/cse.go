package ir

import (
	"math/bits"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/op"
)

// Limits of [Graph.Shared]: which subexpressions a listing names.
const (
	// SharedMinLen is the length of text above which a subexpression used
	// more than once is named: shorter ones are written out at each use,
	// so that small expressions stay one-liners.
	SharedMinLen = 24
	// SharedMaxLen is the length of text above which a subexpression is
	// named even if it is used once, so that no line of a listing, and no
	// nesting of its LaTeX, grows without bound.
	SharedMaxLen = 1000
)

// Shared returns the subexpressions of root that a listing of root names,
// in topological order (each after the subexpressions it uses), root
// excluded: the nodes used more than once whose text, with the nodes
// named before them written as names, is longer than [SharedMinLen], and
// the nodes whose text is longer than [SharedMaxLen]. Written with these
// names, the text of root and of each named node has a length linear in
// the number of nodes it reaches, where written out in full it can be
// exponential in it (each level of nesting doubling it). This is the
// common-subexpression naming of SymPy's cse, applied to a DAG whose
// common subexpressions are already shared by construction.
func (g *Graph) Shared(root ID) []ID {
	order := g.Topo(root)
	uses := make(map[ID]int32, len(order))
	for _, id := range order {
		n := &g.nodes[id]
		for i := range n.Arity() {
			uses[n.Arg(i)]++
		}
	}
	// cost[id] is the length of the text of id with the named nodes
	// written as a name of nameLen characters, saturated at SharedMaxLen+1.
	const nameLen = 8
	cost := make(map[ID]int, len(order))
	var named []ID
	for _, id := range order {
		c := g.localLen(id)
		n := &g.nodes[id]
		for i := range n.Arity() {
			c += cost[n.Arg(i)]
		}
		c = min(c, SharedMaxLen+1)
		if id != root && (c > SharedMaxLen || uses[id] > 1 && c > SharedMinLen) {
			named = append(named, id)
			c = nameLen
		}
		cost[id] = c
	}
	return named
}

// localLen returns the number of characters node id adds to the text of
// its arguments when printed, parentheses included.
func (g *Graph) localLen(id ID) int {
	n := &g.nodes[id]
	switch n.Op {
	case op.Const:
		return len(FormatConst(n.Val))
	case op.Var:
		return len(n.Name)
	case op.Call:
		return len(n.Fn.Name) + 2*len(n.Args)
	}
	info := n.Op.Info()
	switch info.Notation {
	case op.Prefix:
		return len(info.Name) + g.parensLen(info, n.X, false)
	case op.Infix:
		c := len(info.Name) + g.parensLen(info, n.X, false) + g.parensLen(info, n.Y, true)
		if info.Prec == op.PrecAdd {
			c += 2
		}
		return c
	}
	return len(info.Name) + 2*info.Arity
}

// parensLen returns 2 if argument a of a node printed with info needs
// parentheses, else 0.
func (g *Graph) parensLen(info *op.Info, a ID, right bool) int {
	if g.NeedParens(info, a, right) {
		return 2
	}
	return 0
}

// A Listing is an expression written as a program of backprop's language
// in which large shared subexpressions are helper functions: see
// [Graph.Listing].
type Listing struct {
	// Helpers are the named subexpressions, in the order they are
	// defined, and Names their names (t_1, t_2, …).
	Helpers []ID
	Names   []string
	// Params[i] are the parameters of helper i: the variables of the
	// listing it depends on, in the order of the listing's parameters.
	Params [][]ID
}

// Listing chooses the helpers that write root, an expression in the
// variables params, as a program: the nodes of [Graph.Shared], named t_1,
// t_2, … (or u_1, … if a variable or one of the names in taken is t or
// starts with t_), each a function of the variables of params it depends
// on. The listing is empty when root has no such subexpression.
func (g *Graph) Listing(root ID, params []ID, taken []string) *Listing {
	shared := g.Shared(root)
	l := &Listing{Helpers: shared}
	if len(shared) == 0 {
		return l
	}
	prefix := g.helperPrefix(params, taken)
	l.Names = make([]string, len(shared))
	for i := range shared {
		l.Names[i] = prefix + strconv.Itoa(i+1)
	}
	l.Params = g.dependencies(root, shared, params)
	return l
}

func (g *Graph) helperPrefix(params []ID, taken []string) string {
	var names []string
	for _, p := range params {
		names = append(names, g.nodes[p].Name)
	}
	names = append(names, taken...)
next:
	for _, p := range []string{"t", "u", "v", "w", "tmp", "cse"} {
		for _, n := range names {
			if n == p || strings.HasPrefix(n, p+"_") {
				continue next
			}
		}
		return p + "_"
	}
	return "cse_" + strconv.Itoa(len(names)) + "_"
}

// dependencies returns, for each node of shared, the variables of params
// it depends on, in the order of params. The sets are bitsets over
// params; when they would take more than a few million words, every
// helper takes every parameter.
func (g *Graph) dependencies(root ID, shared, params []ID) [][]ID {
	out := make([][]ID, len(shared))
	order := g.Topo(root)
	words := (len(params) + 63) / 64
	if words*len(order) > 1<<22 {
		for i := range out {
			out[i] = params
		}
		return out
	}
	index := make(map[ID]int, len(params))
	for i, p := range params {
		index[p] = i
	}
	sets := make(map[ID][]uint64, len(order))
	for _, id := range order {
		s := make([]uint64, words)
		n := &g.nodes[id]
		if i, ok := index[id]; ok {
			s[i/64] |= 1 << (i % 64)
		}
		for k := range n.Arity() {
			for w, v := range sets[n.Arg(k)] {
				s[w] |= v
			}
		}
		sets[id] = s
	}
	for i, id := range shared {
		for w, v := range sets[id] {
			for v != 0 {
				b := bits.TrailingZeros64(v)
				v &^= 1 << b
				out[i] = append(out[i], params[w*64+b])
			}
		}
	}
	return out
}

// Calls returns the text of the call of each helper, t_1(x, y), by node:
// what [Graph.StringNamed] writes for a helper.
func (l *Listing) Calls(g *Graph) map[ID]string {
	m := make(map[ID]string, len(l.Helpers))
	for i, id := range l.Helpers {
		m[id] = l.Names[i] + g.paramList(l.Params[i])
	}
	return m
}

func (g *Graph) paramList(params []ID) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, p := range params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(g.nodes[p].Name)
	}
	b.WriteByte(')')
	return b.String()
}

// Program returns the text of a program of backprop's language whose last
// definition is name(params) = root, with the helpers of the listing
// defined before it, one per line. Parsing the program and inlining its
// last function gives back root.
func (g *Graph) Program(l *Listing, name string, params []ID, root ID) string {
	calls := l.Calls(g)
	var b strings.Builder
	for _, id := range l.Helpers {
		b.WriteString(calls[id])
		b.WriteString(" = ")
		g.writeNamed(&b, id, calls, id)
		b.WriteByte('\n')
	}
	b.WriteString(name)
	b.WriteString(g.paramList(params))
	b.WriteString(" = ")
	g.writeNamed(&b, root, calls, None)
	b.WriteByte('\n')
	return b.String()
}

// StringNamed returns node id as text, as [Graph.String] does, except that
// the nodes in names other than id itself are written as the text they
// map to, which must be an operand that needs no parentheses (a name or
// a call).
func (g *Graph) StringNamed(id ID, names map[ID]string) string {
	var b strings.Builder
	g.writeNamed(&b, id, names, id)
	return b.String()
}

func (g *Graph) writeNamed(b *strings.Builder, id ID, names map[ID]string, self ID) {
	p := printer{g: g, b: b, names: names, self: self}
	p.write(id)
}
