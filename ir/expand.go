package ir

import "github.com/gobackprop/backprop/op"

// ExpandedSize returns the number of node evaluations that evaluating root
// costs when every call runs its function's body, as the evaluators at
// function level do: the nodes reachable from root, plus for each call
// among them the expanded size of its function's body. It is also a bound
// on the size of root with its calls inlined. It may be exponential in
// the size of the program, g_i(y) = g_{i-1}(2*y) + g_{i-1}(3*y) doubling
// it at every level, so ExpandedSize counts only up to limit and returns
// limit+1 beyond it, in time linear in the size of the program whatever
// the count; a limit of 0 or less means no limit (the count then
// saturates at the largest int64). A function that calls itself, which
// only a graph built through the API can hold, counts as beyond any
// limit.
func (g *Graph) ExpandedSize(root ID, limit int64) int64 {
	if limit <= 0 {
		limit = 1<<63 - 2
	}
	e := expander{g: g, limit: limit, memo: make(map[*Func]int64), active: make(map[*Func]bool)}
	return e.size(root)
}

type expander struct {
	g      *Graph
	limit  int64
	memo   map[*Func]int64
	active map[*Func]bool
}

// size returns the expanded size of root, at most limit+1.
func (e *expander) size(root ID) int64 {
	order := e.g.Topo(root)
	n := int64(len(order))
	for _, id := range order {
		if nd := &e.g.nodes[id]; nd.Op == op.Call {
			b := e.body(nd.Fn)
			if b > e.limit-n {
				return e.limit + 1 // saturating: n + b would pass the limit
			}
			n += b
		}
	}
	return min(n, e.limit+1)
}

// body returns the expanded size of fn's body, at most limit+1.
func (e *expander) body(fn *Func) int64 {
	if s, ok := e.memo[fn]; ok {
		return s
	}
	if e.active[fn] {
		return e.limit + 1
	}
	e.active[fn] = true
	s := e.size(fn.Body)
	delete(e.active, fn)
	e.memo[fn] = s
	return s
}
