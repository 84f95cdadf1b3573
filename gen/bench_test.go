package gen_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/gobackprop/backprop/gen"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// countWriter counts the bytes written.
type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }

// BenchmarkGenerate times writing Rosenbrock's code at about 10^3, 10^4
// and 10^5 nodes (four nodes a variable) and reports the bytes written
// and the time per node, which linear generation keeps flat.
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{250, 2500, 25000} {
		b.Run(fmt.Sprint("nodes=", 4*n), func(b *testing.B) {
			g, fn := seedtest.RosenbrockGraph(n)
			var w countWriter
			for b.Loop() {
				w.n = 0
				if err := gen.Go(&w, g, fn, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n), "bytes")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(4*n), "ns/node")
		})
	}
}

// BenchmarkGenerateJacobian is BenchmarkGenerate for a tuple of three
// values of Rosenbrock's function, three reverse sweeps: the time per
// node stays flat as the program grows.
func BenchmarkGenerateJacobian(b *testing.B) {
	for _, n := range []int{250, 2500, 25000} {
		b.Run(fmt.Sprint("nodes=", 4*n), func(b *testing.B) {
			g, fn := seedtest.RosenbrockGraph(n)
			root := g.Inline(g, fn.Body)
			outs := []ir.ID{root, g.Apply(op.Sin, root, ir.None), g.Apply(op.Mul, fn.Params[0], root)}
			tuple := &ir.Func{Name: "r", Params: fn.Params, Body: outs[0], Outputs: outs}
			var w countWriter
			for b.Loop() {
				w.n = 0
				if err := gen.Go(&w, g, tuple, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.n), "bytes")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(4*n), "ns/node")
		})
	}
}

var _ io.Writer = (*countWriter)(nil)
