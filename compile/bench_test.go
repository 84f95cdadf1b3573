package compile_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// rosenbrockSizes are the numbers of variables of the benchmarks.
var rosenbrockSizes = []int{1000, 100_000, 1_000_000}

// rosenbrockGraph builds the extended Rosenbrock function of n variables
// with one node per scalar operation, in the order of the plain loop.
func rosenbrockGraph(n int) (*ir.Graph, ir.ID, []ir.ID) {
	g := ir.NewGraph()
	in := make([]ir.ID, n)
	for i := range in {
		in[i] = g.Var(fmt.Sprint("x", i))
	}
	hundred, one := g.Const(100), g.Const(1)
	sum := ir.None
	for i := 0; i+1 < n; i += 2 {
		a := g.Apply(op.Sub, in[i+1], g.Apply(op.Mul, in[i], in[i]))
		b := g.Apply(op.Sub, one, in[i])
		t := g.Apply(op.Add, g.Apply(op.Mul, hundred, g.Apply(op.Mul, a, a)), g.Apply(op.Mul, b, b))
		if sum == ir.None {
			sum = t
		} else {
			sum = g.Apply(op.Add, sum, t)
		}
	}
	return g, sum, in
}

var sink float64

func BenchmarkRosenbrockPlain(b *testing.B) {
	for _, n := range rosenbrockSizes {
		x := seedtest.RosenbrockStart(n)
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = seedtest.Rosenbrock(x)
			}
		})
	}
}

func BenchmarkRosenbrockCompile(b *testing.B) {
	for _, n := range rosenbrockSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			g, root, in := rosenbrockGraph(n)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := compile.Expr(g, root, in, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRosenbrockGradient times the gradient on a Workspace, and
// reports the time per instruction and the ratio to the plain loop, timed
// afterwards for as many iterations.
func BenchmarkRosenbrockGradient(b *testing.B) {
	for _, n := range rosenbrockSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrockProgram(b, n)
			x := seedtest.RosenbrockStart(n)
			dst := make([]float64, n)
			w := p.NewWorkspace()
			b.ReportAllocs()
			for b.Loop() {
				sink = w.Gradient(dst, x)
			}
			reportRatio(b, p, x)
		})
	}
}

// BenchmarkRosenbrockGradientPool is BenchmarkRosenbrockGradient through
// the Program's pool of workspaces.
func BenchmarkRosenbrockGradientPool(b *testing.B) {
	for _, n := range rosenbrockSizes[:2] {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrockProgram(b, n)
			x := seedtest.RosenbrockStart(n)
			dst := make([]float64, n)
			p.Gradient(dst, x) // the pool makes its first workspace
			b.ReportAllocs()
			for b.Loop() {
				sink = p.Gradient(dst, x)
			}
			reportRatio(b, p, x)
		})
	}
}

func BenchmarkRosenbrockValue(b *testing.B) {
	for _, n := range rosenbrockSizes[:2] {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrockProgram(b, n)
			x := seedtest.RosenbrockStart(n)
			w := p.NewWorkspace()
			b.ReportAllocs()
			for b.Loop() {
				sink = w.Value(x)
			}
			reportRatio(b, p, x)
		})
	}
}

func rosenbrockProgram(b testing.TB, n int) *compile.Program {
	g, root, in := rosenbrockGraph(n)
	p, err := compile.Expr(g, root, in, nil)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// reportRatio reports the time per instruction of the b.N iterations just
// timed, and their ratio to the plain loop, timed right after for at least
// half as long (and 20ms).
func reportRatio(b *testing.B, p *compile.Program, x []float64) {
	elapsed := b.Elapsed()
	perOp := float64(elapsed.Nanoseconds()) / float64(b.N)
	b.ReportMetric(perOp/float64(p.Len()), "ns/instr")
	d := max(elapsed/2, 20*time.Millisecond)
	runs := 0
	start := time.Now()
	for runs < 10 || time.Since(start) < d {
		sink = seedtest.Rosenbrock(x)
		runs++
	}
	plain := float64(time.Since(start).Nanoseconds()) / float64(runs)
	b.ReportMetric(perOp/plain, "×plain")
}

// BenchmarkSeed times the gradient of the seed's function of section 2.3
// at (2, 3), on a Workspace and through the pool.
func BenchmarkSeed(b *testing.B) {
	p := seedProgram(b, 0)
	x := []float64{2, 3}
	dst := make([]float64, 2)
	b.Run("Gradient", func(b *testing.B) {
		w := p.NewWorkspace()
		b.ReportAllocs()
		for b.Loop() {
			sink = w.Gradient(dst, x)
		}
	})
	b.Run("GradientPool", func(b *testing.B) {
		p.Gradient(dst, x) // the pool makes its first workspace
		b.ReportAllocs()
		for b.Loop() {
			sink = p.Gradient(dst, x)
		}
	})
	b.Run("Value", func(b *testing.B) {
		w := p.NewWorkspace()
		b.ReportAllocs()
		for b.Loop() {
			sink = w.Value(x)
		}
	})
	b.Run("JVP", func(b *testing.B) {
		w := p.NewWorkspace()
		v := []float64{1, 0}
		b.ReportAllocs()
		for b.Loop() {
			sink, _ = w.JVP(x, v)
		}
	})
	b.Run("Compile", func(b *testing.B) {
		prog, fn := parse(b, seedTests[0].Src)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := compile.Func(prog.Graph, fn, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGradientBatch times batches of gradients, serial on one
// Workspace and through GradientBatch, and reports the time per point.
func BenchmarkGradientBatch(b *testing.B) {
	for _, bench := range []struct {
		name   string
		n      int // the number of variables of Rosenbrock, or 0 for the seed
		points int
	}{
		{"seed", 0, 4096},
		{"rosenbrock/n=1000", 1000, 256},
	} {
		var p *compile.Program
		var x0 []float64
		if bench.n == 0 {
			p, x0 = seedProgram(b, 0), []float64{2, 3}
		} else {
			p, x0 = rosenbrockProgram(b, bench.n), seedtest.RosenbrockStart(bench.n)
		}
		xs := make([][]float64, bench.points)
		dst := make([][]float64, bench.points)
		for i := range xs {
			xs[i] = append([]float64(nil), x0...)
			xs[i][0] += float64(i) * 1e-3
			dst[i] = make([]float64, len(x0))
		}
		values := make([]float64, bench.points)
		b.Run(bench.name+"/serial", func(b *testing.B) {
			w := p.NewWorkspace()
			b.ReportAllocs()
			for b.Loop() {
				for i := range xs {
					values[i] = w.Gradient(dst[i], xs[i])
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bench.points), "ns/point")
		})
		b.Run(bench.name+"/batch", func(b *testing.B) {
			p.GradientBatch(dst, xs, values) // the pool makes its workspaces
			b.ReportAllocs()
			for b.Loop() {
				p.GradientBatch(dst, xs, values)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bench.points), "ns/point")
		})
	}
}
