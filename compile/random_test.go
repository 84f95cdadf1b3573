package compile_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// randomGraph builds a random expression of n primitives over the
// variables x0, …, x(in-1) and a few constants, with every primitive of the
// table and chains of sums.
func randomGraph(rnd *rand.Rand, in, n int) (*ir.Graph, ir.ID, []ir.ID) {
	g := ir.NewGraph()
	var inputs, nodes []ir.ID
	for i := range in {
		inputs = append(inputs, g.Var("x"+itoa(i)))
	}
	nodes = append(nodes, inputs...)
	nodes = append(nodes, g.Const(2), g.Const(-0.5), g.Const(math.Pi))
	ops := op.All()
	pick := func() ir.ID {
		// Mostly recent nodes, so that the expression is deep.
		k := len(nodes) - 1 - int(math.Abs(rnd.NormFloat64())*6)
		return nodes[max(k, 0)]
	}
	for range n {
		o := ops[rnd.IntN(len(ops))]
		if rnd.IntN(4) == 0 {
			o = op.Add
		}
		x, y := pick(), ir.None
		if o.Arity() == 2 {
			y = pick()
			if rnd.IntN(2) == 0 {
				x, y = y, x
			}
		}
		nodes = append(nodes, g.Apply(o, x, y))
	}
	// A chain of sums of the last nodes.
	root := nodes[len(nodes)-1]
	for _, id := range nodes[len(nodes)-min(8, n):] {
		root = g.Apply(op.Add, root, id)
	}
	return g, root, inputs
}

// reference evaluates root at x and its gradient with respect to inputs,
// node by node in topological order with op's table: a reverse mode with
// nothing in common with compile but the table.
func reference(g *ir.Graph, root ir.ID, inputs []ir.ID, x []float64) (float64, []float64) {
	val := make([]float64, g.Len())
	isConst := make([]bool, g.Len())
	for i, id := range inputs {
		val[id] = x[i]
	}
	order := g.Topo(root)
	for _, id := range order {
		n := g.Node(id)
		switch {
		case n.Op == op.Const:
			val[id], isConst[id] = n.Val, true
		case n.Op.IsPrimitive():
			var y float64
			if n.Y != ir.None {
				y = val[n.Y]
			}
			val[id] = n.Op.Eval(val[n.X], y)
		}
	}
	adj := make([]float64, g.Len())
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
		if !isConst[n.X] {
			adj[n.X] += adj[id] * dx
		}
		if n.Y != ir.None && !isConst[n.Y] {
			adj[n.Y] += adj[id] * dy
		}
	}
	grad := make([]float64, len(inputs))
	for i, id := range inputs {
		grad[i] = adj[id]
	}
	return val[root], grad
}

// TestRandom compares compiled programs of random expressions with
// reference: values bit for bit, gradients and tangents to a tolerance
// (the sums of adjoints may be added in another order).
func TestRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	checked := 0
	for trial := range 600 {
		g, root, inputs := randomGraph(rnd, 1+rnd.IntN(4), 5+rnd.IntN(60))
		p, err := compile.Expr(g, root, inputs, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := p.NewWorkspace()
		ev := ir.NewEvaluator(g)
		grad := make([]float64, len(inputs))
		for range 5 {
			x := make([]float64, len(inputs))
			env := make(map[string]float64)
			for i := range x {
				x[i] = 4 * (rnd.Float64() - 0.5)
				env["x"+itoa(i)] = x[i]
			}
			want, wantGrad := reference(g, root, inputs, x)
			op.Gradient(want, wantGrad)
			if v, err := ev.Eval(root, env); err != nil || !identical(v, want) {
				t.Fatalf("the reference disagrees with ir.Evaluator: %v, %v, %v", v, err, want)
			}
			if got := w.Gradient(grad, x); !identical(got, want) {
				t.Fatalf("trial %d: %s at %v = %v, want %v\n%s", trial, g.String(root), x, got, want, p)
			}
			if got := p.Value(x); !identical(got, want) {
				t.Fatalf("trial %d: Value = %v, want %v", trial, got, want)
			}
			finiteGrad := true
			for i := range grad {
				finiteGrad = finiteGrad && finite(wantGrad[i]) && math.Abs(wantGrad[i]) < 1e12
				if !agree(grad[i], wantGrad[i]) {
					t.Errorf("trial %d: %s at %v: ∂/∂x%d = %v, want %v\n%s", trial, g.String(root), x, i, grad[i], wantGrad[i], p)
				}
			}
			if !finite(want) || !finiteGrad {
				continue
			}
			checked++
			v := make([]float64, len(inputs))
			var dot float64
			for i := range v {
				v[i] = rnd.NormFloat64()
				dot += wantGrad[i] * v[i]
			}
			val, tan := w.JVP(x, v)
			if !identical(val, want) || !agree(tan, dot) {
				t.Errorf("trial %d: JVP = %v, %v; want %v, %v", trial, val, tan, want, dot)
			}
		}
	}
	if checked < 600 {
		t.Errorf("only %d points with finite gradients", checked)
	}
}

// agree reports whether a and b are the same number up to rounding.
func agree(a, b float64) bool {
	if same(a, b) {
		return true
	}
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// TestChains checks chains of sums, whose forward and backward passes
// carry the running value in a register, in every shape: the chain as the
// first argument, as the second, as both, and broken by other
// instructions.
func TestChains(t *testing.T) {
	const n = 50
	build := func(shape func(g *ir.Graph, s, x ir.ID, i int) ir.ID) (*ir.Graph, ir.ID, []ir.ID) {
		g := ir.NewGraph()
		var in []ir.ID
		for i := range n {
			in = append(in, g.Var("x"+itoa(i)))
		}
		s := in[0]
		for i := 1; i < n; i++ {
			s = shape(g, s, in[i], i)
		}
		return g, s, in
	}
	tests := []struct {
		name  string
		shape func(g *ir.Graph, s, x ir.ID, i int) ir.ID
	}{
		{"left", func(g *ir.Graph, s, x ir.ID, _ int) ir.ID { return g.Apply(op.Add, s, x) }},
		{"right", func(g *ir.Graph, s, x ir.ID, _ int) ir.ID { return g.Apply(op.Add, x, s) }},
		{"double", func(g *ir.Graph, s, x ir.ID, _ int) ir.ID { return g.Apply(op.Add, s, s) }},
		{"alternating", func(g *ir.Graph, s, x ir.ID, i int) ir.ID {
			if i%2 == 0 {
				return g.Apply(op.Add, s, x)
			}
			return g.Apply(op.Add, x, s)
		}},
		{"broken", func(g *ir.Graph, s, x ir.ID, i int) ir.ID {
			if i%3 == 0 {
				s = g.Apply(op.Mul, s, x)
			}
			return g.Apply(op.Add, g.Apply(op.Sin, x, ir.None), s)
		}},
		{"squares", func(g *ir.Graph, s, x ir.ID, _ int) ir.ID {
			return g.Apply(op.Add, s, g.Apply(op.Mul, x, x))
		}},
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, root, in := build(tt.shape)
			p, err := compile.Expr(g, root, in, nil)
			if err != nil {
				t.Fatal(err)
			}
			x := make([]float64, n)
			for i := range x {
				x[i] = rnd.NormFloat64()
			}
			want, wantGrad := reference(g, root, in, x)
			grad := make([]float64, n)
			if got := p.Gradient(grad, x); !identical(got, want) {
				t.Errorf("value %v, want %v", got, want)
			}
			for i := range grad {
				if !agree(grad[i], wantGrad[i]) {
					t.Errorf("∂/∂x%d = %v, want %v", i, grad[i], wantGrad[i])
				}
			}
		})
	}
}
