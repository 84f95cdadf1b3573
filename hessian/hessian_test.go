package hessian_test

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/hessian"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
)

func rosenbrock(tb testing.TB, n int) *compile.Program {
	tb.Helper()
	g, fn := seedtest.RosenbrockGraph(n)
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// columns returns the Hessian of p at x by one HVP per input.
func columns(p *compile.Program, x []float64) [][]float64 {
	n := p.NumInputs()
	h := make([][]float64, n)
	for i := range h {
		h[i] = make([]float64, n)
	}
	e, col := make([]float64, n), make([]float64, n)
	for j := range n {
		clear(e)
		e[j] = 1
		p.HVP(col, nil, x, e)
		for i := range n {
			h[i][j] = col[i]
		}
	}
	return h
}

func same(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

func check(t *testing.T, p *compile.Program, x []float64) *hessian.Hessian {
	t.Helper()
	h := hessian.New(p)
	want := columns(p, x)
	n := p.NumInputs()
	grad, g2 := make([]float64, n), make([]float64, n)
	s, v := h.Sparse(nil, grad, x)
	d, v2 := h.Dense(nil, g2, x)
	if v != p.Value(x) || v2 != v {
		t.Errorf("values %v %v, want %v", v, v2, p.Value(x))
	}
	for i := range n {
		for j := range n {
			if !same(s.At(i, j), want[i][j]) {
				t.Errorf("Sparse (%d, %d) = %v, want %v", i, j, s.At(i, j), want[i][j])
			}
			if !same(d.At(i, j), want[min(i, j)][max(i, j)]) {
				t.Errorf("Dense (%d, %d) = %v, want %v", i, j, d.At(i, j), want[i][j])
			}
		}
	}
	return h
}

func TestRosenbrock(t *testing.T) {
	for _, n := range []int{2, 8, 30} {
		p := rosenbrock(t, n)
		x := seedtest.RosenbrockStart(n)
		x[0] = -1.2
		h := check(t, p, x)
		if h.Colors() != 2 {
			t.Errorf("n = %d: %d colours, want 2", n, h.Colors())
		}
		if h.NNZ() != 2*n {
			t.Errorf("n = %d: %d entries, want %d", n, h.NNZ(), 2*n)
		}
	}
}

func TestSeed(t *testing.T) {
	for _, c := range seedtest.Cases() {
		prog, fn := c.Parse(t)
		p, err := compile.Func(prog.Graph, fn, nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, c.X)
	}
}

func TestChained(t *testing.T) {
	// The chained Rosenbrock function has a tridiagonal Hessian: three
	// colours.
	prog, fn := parse(t, `f(a, b, c, d, k) = (b - a^2)^2 + (c - b^2)^2 + (d - c^2)^2 + (k - d^2)^2 + exp(a)`)
	p, err := compile.Func(prog, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.5, -1, 2, 0.25, 1.5}
	h := check(t, p, x)
	if h.Colors() != 3 {
		t.Errorf("%d colours, want 3", h.Colors())
	}
	// Rows of 2, 3, 3, 3 and 2 entries.
	rows := p.HessianSparsity()
	if c := hessian.ColoringCost(rows); c != 4+9+9+9+4 {
		t.Errorf("colouring cost %d, want %d", c, 4+9+9+9+4)
	}
	from := hessian.NewFromSparsity(p, rows)
	a, va := h.Sparse(nil, nil, x)
	b, vb := from.Sparse(nil, nil, x)
	if va != vb || from.Colors() != 3 || !slices.Equal(a.Vals, b.Vals) || !slices.Equal(a.Cols, b.Cols) {
		t.Errorf("NewFromSparsity: value %v, %d colours, entries %v; New: %v, %v", vb, from.Colors(), b.Vals, va, a.Vals)
	}
	defer func() {
		if recover() == nil {
			t.Error("NewFromSparsity takes a structure of the wrong size")
		}
	}()
	hessian.NewFromSparsity(p, rows[1:])
}

func TestDenseReuse(t *testing.T) {
	p := rosenbrock(t, 4)
	h := hessian.New(p)
	m := mat.NewSymDense(4, nil)
	for i := range 4 {
		for j := i; j < 4; j++ {
			m.SetSym(i, j, 7)
		}
	}
	h.Dense(m, nil, []float64{1, 1, 1, 1})
	if m.At(0, 2) != 0 {
		t.Errorf("a stale entry survives: %v", m.At(0, 2))
	}
	if m.At(0, 0) != 802 || m.At(0, 1) != -400 || m.At(1, 1) != 200 {
		t.Errorf("Hessian at the minimum %v", mat.Formatted(m))
	}
}

func BenchmarkRosenbrockHessian(b *testing.B) {
	for _, n := range []int{1000, 10_000, 100_000} {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrock(b, n)
			h := hessian.New(p)
			x := seedtest.RosenbrockStart(n)
			s, _ := h.Sparse(nil, nil, x)
			b.ReportAllocs()
			for b.Loop() {
				h.Sparse(s, nil, x)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/n")
		})
	}
}

// BenchmarkRosenbrockHessianNew includes finding the sparsity and
// colouring it, which a program pays once.
func BenchmarkRosenbrockHessianNew(b *testing.B) {
	for _, n := range []int{1000, 10_000, 100_000} {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrock(b, n)
			x := seedtest.RosenbrockStart(n)
			for b.Loop() {
				hessian.New(p).Sparse(nil, nil, x)
			}
		})
	}
}

func BenchmarkRosenbrockHVP(b *testing.B) {
	for _, n := range []int{1000, 10_000, 100_000} {
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) {
			p := rosenbrock(b, n)
			w := p.NewWorkspace()
			x := seedtest.RosenbrockStart(n)
			v, hv := make([]float64, n), make([]float64, n)
			for i := range v {
				v[i] = float64(i%7) - 3
			}
			w.HVP(hv, nil, x, v)
			b.ReportAllocs()
			for b.Loop() {
				w.HVP(hv, nil, x, v)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/n")
		})
	}
}

func parse(t *testing.T, src string) (*ir.Graph, *ir.Func) {
	t.Helper()
	prog, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := prog.Target("")
	if err != nil {
		t.Fatal(err)
	}
	return prog.Graph, fn
}
