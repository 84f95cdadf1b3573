package sym

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"gonum.org/v1/gonum/floats/scalar"
)

// parse parses a program and returns it with its target function (the
// last one defined, or the bare expression).
func parse(t testing.TB, src string) (*ir.Program, *ir.Func) {
	t.Helper()
	p, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	fn, err := p.Target("")
	if err != nil {
		t.Fatal(err)
	}
	return p, fn
}

// eval evaluates id on g with the variables bound by env.
func eval(t testing.TB, g *ir.Graph, id ir.ID, env map[string]float64) float64 {
	t.Helper()
	v, err := ir.NewEvaluator(g).Eval(id, env)
	if err != nil {
		t.Fatalf("eval %s: %v", g.String(id), err)
	}
	return v
}

// same reports whether a and b agree within the relative tolerance tol
// (absolute near zero), NaN agreeing with NaN and each infinity with
// itself.
func same(a, b, tol float64) bool {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.IsNaN(a) && math.IsNaN(b)
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return a == b
	}
	return scalar.EqualWithinAbsOrRel(a, b, tol, tol)
}

// randomDAG builds on g an expression of n primitive nodes (counting the
// distinct nodes created) over the variables x, y and z, deterministic for
// a given seed: a chain in which each node takes the previous one as an
// argument, so that every node is reachable from the result, and a random
// earlier node (or a small constant) as the other, so that nodes are
// shared. It mixes + - * / ^ and the common elementary functions, and
// builds with a simplifying Builder, as a parsed and simplified program
// would be.
func randomDAG(g *ir.Graph, n int, seed uint64) ir.ID {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := NewBuilder(g)
	nodes := []ir.ID{g.Var("x"), g.Var("y"), g.Var("z")}
	type choice struct {
		op     op.Op
		weight int
	}
	choices := []choice{
		{op.Add, 18}, {op.Sub, 10}, {op.Mul, 18}, {op.Div, 8}, {op.Pow, 8},
		{op.Sin, 6}, {op.Cos, 6}, {op.Exp, 5}, {op.Log, 5}, {op.Tanh, 4},
		{op.Sqrt, 4}, {op.Neg, 3}, {op.Sigmoid, 2}, {op.Max, 2},
	}
	total := 0
	for _, c := range choices {
		total += c.weight
	}
	pick := func() op.Op {
		k := rng.IntN(total)
		for _, c := range choices {
			if k < c.weight {
				return c.op
			}
			k -= c.weight
		}
		panic("unreachable")
	}
	last := nodes[0]
	start := g.Len()
	for g.Len()-start < n {
		o := pick()
		var x, y ir.ID = last, ir.None
		if o.Arity() == 2 {
			switch {
			case o == op.Pow && rng.IntN(2) == 0:
				y = g.Const(float64(rng.IntN(3) + 2))
			case rng.IntN(8) == 0:
				y = g.Const(float64(rng.IntN(9) + 1))
			default:
				y = nodes[rng.IntN(len(nodes))]
			}
			if o != op.Pow && rng.IntN(2) == 0 {
				x, y = y, x
			}
		}
		id := b.Apply(o, x, y)
		if id == last || g.Op(id) == op.Const {
			continue // the rewrite gave nothing new: try another operation
		}
		last = id
		nodes = append(nodes, id)
	}
	return last
}
