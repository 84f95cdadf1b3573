package draw_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
)

// seedPoints are the points of the seed's figures.
var seedPoints = map[string]map[string]float64{
	"seed.bp":     {"x_1": 2, "x_2": 3},
	"section1.bp": {"x": 1},
	"appendix.bp": {"x1": 2, "x2": 3},
}

// run parses an example program and runs reverse mode on its last
// function at the point of the seed's figure.
func run(t testing.TB, file string, level reverse.Level) *reverse.Result {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "examples", file))
	if err != nil {
		t.Fatal(err)
	}
	return runSource(t, file, string(src), seedPoints[file], level)
}

func runSource(t testing.TB, name, src string, env map[string]float64, level reverse.Level) *reverse.Result {
	t.Helper()
	p, err := expr.Parse(name, src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := p.Target("")
	if err != nil {
		t.Fatal(err)
	}
	r, err := reverse.Run(p.Graph, fn.Body, env, &reverse.Settings{Level: level})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// diff returns the first line where a and b differ, for messages.
func diff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d:\nwant: %s\ngot:  %s", i+1, x, y)
		}
	}
	return "(same lines)"
}

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// flat collapses runs of spaces, so that tests can find a line of an
// aligned table.
func flat(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// randomDAG builds a random expression of primitives over the variables
// x and y with n operations, each taking earlier nodes as arguments, so
// that nodes are shared and many paths lead to each input. Its
// operations stay finite for inputs in [0.5, 1.5].
func randomDAG(rng *rand.Rand, n int) (*ir.Graph, ir.ID) {
	g := ir.NewGraph()
	nodes := []ir.ID{g.Var("x"), g.Var("y"), g.Const(0.5)}
	pick := func() ir.ID {
		// Favour recent nodes, so the expression is deep.
		k := len(nodes) - 1 - int(math.Abs(rng.NormFloat64())*4)
		return nodes[max(k, 0)]
	}
	unary := []op.Op{op.Sin, op.Cos, op.Tanh, op.Sigmoid, op.Atan, op.Neg}
	binary := []op.Op{op.Add, op.Sub, op.Mul, op.Add}
	for range n {
		var id ir.ID
		if rng.IntN(2) == 0 {
			id = g.Apply(unary[rng.IntN(len(unary))], pick(), ir.None)
		} else {
			id = g.Apply(binary[rng.IntN(len(binary))], pick(), pick())
		}
		nodes = append(nodes, id)
	}
	// Make sure both inputs are used.
	root := g.Apply(op.Add, nodes[len(nodes)-1], g.Apply(op.Mul, g.Var("x"), g.Var("y")))
	return g, root
}

// randomProgram returns the text of a random program with two helper
// functions, for function-level tests.
func randomProgram(rng *rand.Rand) string {
	var gen func(vars []string, depth int) string
	gen = func(vars []string, depth int) string {
		if depth == 0 || rng.IntN(4) == 0 {
			if rng.IntN(5) == 0 {
				return fmt.Sprintf("%.2g", 0.5+rng.Float64())
			}
			return vars[rng.IntN(len(vars))]
		}
		switch rng.IntN(7) {
		case 0:
			return "sin(" + gen(vars, depth-1) + ")"
		case 1:
			return "tanh(" + gen(vars, depth-1) + ")"
		case 2:
			return "(" + gen(vars, depth-1) + " + " + gen(vars, depth-1) + ")"
		case 3:
			return "(" + gen(vars, depth-1) + " - " + gen(vars, depth-1) + ")"
		case 4:
			if len(vars) == 2 && vars[0] == "a" {
				return "g(" + gen(vars, depth-1) + ", " + gen(vars, depth-1) + ")"
			}
			fallthrough
		case 5:
			if len(vars) == 2 && vars[0] == "a" {
				return "h(" + gen(vars, depth-1) + ")"
			}
			fallthrough
		default:
			return gen(vars, depth-1) + "*" + gen(vars, depth-1)
		}
	}
	return "h(u) = " + gen([]string{"u"}, 3) + " + u\n" +
		"g(u, v) = " + gen([]string{"u", "v"}, 3) + " + u*v\n" +
		"f(a, b) = " + gen([]string{"a", "b"}, 5) + " + g(a, b)*h(b)\n"
}

// layeredDAG builds an expression of about width·depth primitives in
// layers, like an unrolled network: each node applies an operation to
// nodes of the layer below, and the last layer is summed up.
func layeredDAG(rng *rand.Rand, width, depth int) (*ir.Graph, ir.ID) {
	g := ir.NewGraph()
	layer := make([]ir.ID, width)
	for i := range layer {
		layer[i] = g.Apply(op.Mul, g.Const(float64(i%7+1)/4), g.Var(fmt.Sprintf("x_%d", i%4+1)))
	}
	unary := []op.Op{op.Tanh, op.Sin, op.Sigmoid}
	binary := []op.Op{op.Add, op.Mul, op.Sub}
	for range depth {
		next := make([]ir.ID, width)
		for i := range next {
			a, b := layer[rng.IntN(width)], layer[(i+rng.IntN(3))%width]
			if rng.IntN(3) == 0 {
				next[i] = g.Apply(unary[rng.IntN(len(unary))], a, ir.None)
			} else {
				next[i] = g.Apply(binary[rng.IntN(len(binary))], a, b)
			}
		}
		layer = next
	}
	root := layer[0]
	for _, id := range layer[1:] {
		root = g.Apply(op.Add, root, id)
	}
	return g, root
}
