package sym

import (
	"testing"

	"github.com/gobackprop/backprop/ir"
)

// benchDiff differentiates a random DAG of n primitive nodes (see
// randomDAG) with respect to x, on a fresh graph each iteration so that
// every node of the derivative is really built. It reports
//
//   - nodes-ratio: the nodes reachable from the primal or the derivative
//     (their union, each shared node counted once) divided by the nodes
//     reachable from the primal: 1 means the derivative added nothing;
//   - deriv-ratio: the nodes reachable from the derivative alone divided
//     by the primal's;
//   - ns/node: the time of one differentiation divided by the primal's
//     nodes.
//
// Building the primal is not timed.
func benchDiff(b *testing.B, n int, grad bool) {
	var g *ir.Graph
	var r, d ir.ID
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		g = ir.NewGraph()
		r = randomDAG(g, n, 1)
		x, y := g.Var("x"), g.Var("y")
		b.StartTimer()
		if grad {
			d = Gradient(g, r, []ir.ID{x, y})[0]
		} else {
			d = Diff(g, r, x)
		}
	}
	primal := float64(Count(g, r))
	b.ReportMetric(float64(Count(g, r, d))/primal, "nodes-ratio")
	b.ReportMetric(float64(Count(g, d))/primal, "deriv-ratio")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/primal, "ns/node")
}

func BenchmarkDiff10k(b *testing.B)      { benchDiff(b, 10000, false) }
func BenchmarkDiff100k(b *testing.B)     { benchDiff(b, 100000, false) }
func BenchmarkGradient10k(b *testing.B)  { benchDiff(b, 10000, true) }
func BenchmarkGradient100k(b *testing.B) { benchDiff(b, 100000, true) }

// BenchmarkSimplify100k rebuilds a random DAG of 100,000 nodes through a
// Builder.
func BenchmarkSimplify100k(b *testing.B) {
	g := ir.NewGraph()
	r := randomDAG(g, 100000, 1)
	primal := float64(Count(g, r))
	b.ReportAllocs()
	for b.Loop() {
		Simplify(g, r)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/primal, "ns/node")
}
