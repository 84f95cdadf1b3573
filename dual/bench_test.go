package dual

import (
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// rosenbrock is the extended Rosenbrock function in dual numbers:
// Σ_{i<n/2} 100·(x[2i+1] - x[2i]²)² + (1 - x[2i])².
func rosenbrock(x []Number) Number {
	hundred, one := Const(100), Const(1)
	s := Const(0)
	for i := 0; i+1 < len(x); i += 2 {
		a := Sub(x[i+1], Mul(x[i], x[i]))
		b := Sub(one, x[i])
		s = Add(s, Add(Mul(hundred, Mul(a, a)), Mul(b, b)))
	}
	return s
}

// rosenbrockPoint returns the standard starting point x[i] = 1.2 for even
// i, 1.0 for odd i, with tangent v[i].
func rosenbrockPoint(n int, v func(i int) float64) []Number {
	x := make([]Number, n)
	for i := range x {
		x[i] = Number{1, v(i)}
		if i%2 == 0 {
			x[i].Primal = 1.2
		}
	}
	return x
}

// rosenbrockGraph builds the extended Rosenbrock function of the variables
// x0 … x(n-1) with the Graph API, and returns its root and the point and
// tangent maps of rosenbrockPoint.
func rosenbrockGraph(n int, v func(i int) float64) (*ir.Graph, ir.ID, map[string]float64, map[string]float64) {
	g := ir.NewGraph()
	point := make(map[string]float64, n)
	tangent := make(map[string]float64, n)
	xs := make([]ir.ID, n)
	for i, x := range rosenbrockPoint(n, v) {
		name := "x" + strconv.Itoa(i)
		xs[i] = g.Var(name)
		point[name], tangent[name] = x.Primal, x.Tangent
	}
	hundred, one, two := g.Const(100), g.Const(1), g.Const(2)
	s := g.Const(0)
	for i := 0; i+1 < n; i += 2 {
		a := g.Apply(op.Sub, xs[i+1], g.Apply(op.Pow, xs[i], two))
		b := g.Apply(op.Sub, one, xs[i])
		t := g.Apply(op.Add, g.Apply(op.Mul, hundred, g.Apply(op.Pow, a, two)), g.Apply(op.Pow, b, two))
		s = g.Apply(op.Add, s, t)
	}
	return g, s, point, tangent
}

func direction(i int) float64 { return 1 + float64(i%3) }

// TestRosenbrock checks the functions the benchmarks time: their tangent
// is the analytic gradient dotted with the direction.
func TestRosenbrock(t *testing.T) {
	for _, n := range []int{2, 10, 1000} {
		x := rosenbrockPoint(n, direction)
		p := make([]float64, n)
		for i := range x {
			p[i] = x[i].Primal
		}
		var want float64
		for i, gi := range seedtest.RosenbrockGrad(nil, p) {
			want += gi * direction(i)
		}
		got := rosenbrock(x)
		if !near(got.Tangent, want, 1e-13) {
			t.Errorf("n = %d: Go tangent %v, want %v", n, got.Tangent, want)
		}
		g, root, point, tangent := rosenbrockGraph(n, direction)
		v, d, err := JVP(g, root, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		if !near(v, got.Primal, 1e-13) || !near(d, want, 1e-13) {
			t.Errorf("n = %d: JVP %v, %v; want %v, %v", n, v, d, got.Primal, want)
		}
	}
}

var rosenbrockSizes = []int{1_000, 100_000, 1_000_000}

// rosenbrockGraphSizes stops at 10^5: the graph of 10^6 variables takes
// about 2 GB to build.
var rosenbrockGraphSizes = []int{1_000, 10_000, 100_000}

// BenchmarkRosenbrockGo times one directional derivative of the extended
// Rosenbrock function written in Go with dual numbers.
func BenchmarkRosenbrockGo(b *testing.B) {
	for _, n := range rosenbrockSizes {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			x := rosenbrockPoint(n, direction)
			b.ReportAllocs()
			var r Number
			for b.Loop() {
				r = rosenbrock(x)
			}
			if math.IsNaN(r.Tangent) {
				b.Fatal("NaN")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
}

// BenchmarkRosenbrockJVP times one directional derivative of the extended
// Rosenbrock function built with the Graph API: through a reused
// Evaluator (the compiled code is kept), through FuncJVP (variables bound
// by position rather than looked up by name) and through the function JVP
// (which compiles the graph each time). Building the graph is not timed.
func BenchmarkRosenbrockJVP(b *testing.B) {
	for _, n := range rosenbrockGraphSizes {
		g, root, point, tangent := rosenbrockGraph(n, direction)
		b.Run(fmt.Sprint("Evaluator/n=", n), func(b *testing.B) {
			e := NewEvaluator(g)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := e.JVP(root, point, tangent); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
		b.Run(fmt.Sprint("FuncJVP/n=", n), func(b *testing.B) {
			// The same graph as a function of n parameters, bound by
			// position instead of by name.
			fn := &ir.Func{Name: "rosenbrock", Body: root}
			x, v := make([]float64, n), make([]float64, n)
			for i := range n {
				name := "x" + strconv.Itoa(i)
				fn.Params = append(fn.Params, g.Var(name))
				x[i], v[i] = point[name], tangent[name]
			}
			e := NewEvaluator(g)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := e.FuncJVP(fn, x, v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
		b.Run(fmt.Sprint("JVP/n=", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := JVP(g, root, point, tangent); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
}

// seedGo is the seed's composite function of section 2.3 written in Go
// with dual numbers.
func seedGo(x1, x2 Number) Number {
	pi := Const(math.Pi)
	f1 := func(x, y Number) Number { return Add(Sin(Mul(pi, x)), Cos(Mul(pi, y))) }
	f2 := Pow
	f3 := Log
	return f1(f2(x1, f2(x2, x1)), f3(x1))
}

func TestSeedGo(t *testing.T) {
	d1 := seedGo(Var(2), Const(3)).Tangent
	d2 := seedGo(Const(2), Var(3)).Tangent
	if want := seedtest.Section23().Grad; math.Abs(d1-want[0]) > 1e-9 || math.Abs(d2-want[1]) > 1e-9 {
		t.Errorf("gradient (%.15g, %.15g)", d1, d2)
	}
}

// BenchmarkSeedGradient times the gradient of the seed's function of
// section 2.3 at (2, 3) by two forward passes: written in Go with dual
// numbers, through a reused Evaluator, and through the function Gradient
// (which compiles the program each time).
func BenchmarkSeedGradient(b *testing.B) {
	b.Run("Go", func(b *testing.B) {
		b.ReportAllocs()
		var g [2]float64
		for b.Loop() {
			g[0] = seedGo(Var(2), Const(3)).Tangent
			g[1] = seedGo(Const(2), Var(3)).Tangent
		}
	})
	p := seedProgram(b)
	fn, _ := p.Target("")
	x, dst := []float64{2, 3}, make([]float64, 2)
	b.Run("Evaluator", func(b *testing.B) {
		e := NewEvaluator(p.Graph)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Gradient(dst, fn, x); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Gradient", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Gradient(dst, p.Graph, fn, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDeepChain times JVP of a chain of n nested operations, to show
// that the cost is linear in the depth.
func BenchmarkDeepChain(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		g := ir.NewGraph()
		root := deepChain(g, n)
		point, tangent := map[string]float64{"x": 0.3}, map[string]float64{"x": 1}
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			e := NewEvaluator(g)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := e.JVP(root, point, tangent); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
		})
	}
}
