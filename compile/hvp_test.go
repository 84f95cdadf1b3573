package compile_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

// symHessian returns the Hessian of root with respect to inputs at x,
// by symbolic differentiation twice (package sym) and evaluation, each
// entry NaN where the unsimplified second derivative is not finite
// (sym.Value). With raw, the entries are those of the unsimplified
// second derivative (sym.Domain twice), which evaluates the chain rule in
// the order of the DAG, as the HVP does: the reference for expressions
// whose simplification changes the rounding (x0 + x1 - x1 is x0).
func symHessian(t testing.TB, g *ir.Graph, root ir.ID, inputs []ir.ID, x []float64, unsimplified ...bool) [][]float64 {
	t.Helper()
	env := make(map[string]float64)
	for i, in := range inputs {
		env[g.Node(in).Name] = x[i]
	}
	ev := ir.NewEvaluator(g)
	val, err := ev.Eval(root, env)
	if err != nil {
		t.Fatal(err)
	}
	grad := sym.Gradient(g, root, inputs)
	dom := sym.Domain(g, root, inputs)
	h := make([][]float64, len(inputs))
	for i := range inputs {
		row := sym.Gradient(g, grad[i], inputs)
		raw := sym.Domain(g, dom[i], inputs)
		h[i] = make([]float64, len(inputs))
		for j := range inputs {
			d, err1 := ev.Eval(row[j], env)
			r, err2 := ev.Eval(raw[j], env)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			h[i][j] = sym.Value(val, d, r)
			if len(unsimplified) > 0 && unsimplified[0] {
				h[i][j] = op.Derivative(val, r)
			}
		}
	}
	return h
}

// hvpHessian returns the Hessian of p at x, column by column, by HVPs
// with the unit vectors.
func hvpHessian(p *compile.Program, x []float64) [][]float64 {
	n := p.NumInputs()
	h := make([][]float64, n)
	e := make([]float64, n)
	col := make([]float64, n)
	for i := range h {
		h[i] = make([]float64, n)
	}
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

// numHessian returns differences of the compiled gradient, with the
// step chosen per entry (numeric.Adaptive).
func numHessian(p *compile.Program, x []float64) [][]float64 {
	n := p.NumInputs()
	h := make([][]float64, n)
	g := make([]float64, n)
	xs := slices.Clone(x)
	for i := range n {
		h[i] = make([]float64, n)
		for j := range n {
			h[i][j] = numeric.Derivative(func(s float64) float64 {
				xs[j] = s
				p.Gradient(g, xs)
				xs[j] = x[j]
				return g[i]
			}, x[j], &numeric.Settings{Formula: numeric.Adaptive})
		}
	}
	return h
}

func TestHVPSeed(t *testing.T) {
	for _, c := range seedtest.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			prog, fn := c.Parse(t)
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := hvpHessian(p, c.X)
			want := symHessian(t, prog.Graph, fn.Body, fn.Params, c.X)
			num := numHessian(p, c.X)
			for i := range got {
				for j := range got[i] {
					if !close(got[i][j], want[i][j], 1e-12) {
						t.Errorf("H[%d][%d] = %.17g, symbolic %.17g", i, j, got[i][j], want[i][j])
					}
					if !close(got[i][j], num[i][j], 1e-5) {
						t.Errorf("H[%d][%d] = %.17g, differences of the gradient %.17g", i, j, got[i][j], num[i][j])
					}
				}
			}
			// The gradient that comes with the HVP is the gradient.
			g1, g2, hv := make([]float64, len(c.X)), make([]float64, len(c.X)), make([]float64, len(c.X))
			v1 := p.Gradient(g1, c.X)
			v2 := p.HVP(hv, g2, c.X, make([]float64, len(c.X)))
			if v1 != v2 || !slices.Equal(g1, g2) {
				t.Errorf("HVP's value and gradient %v %v, Gradient's %v %v", v2, g2, v1, g1)
			}
		})
	}
}

// TestHVPRandom checks HVPs on random expressions against symbolic
// second derivatives where both are finite, against the table-only
// passes bit for bit everywhere, and against the sparsity.
func TestHVPRandom(t *testing.T) {
	rnd := rand.New(rand.NewPCG(11, 2))
	for k := range 200 {
		in := 1 + rnd.IntN(4)
		g, root, inputs := randomGraph(rnd, in, 1+rnd.IntN(20))
		checkHVP(t, fmt.Sprint("graph ", k), rnd, g, root, inputs)
	}
}

func checkHVP(t *testing.T, name string, rnd *rand.Rand, g *ir.Graph, root ir.ID, inputs []ir.ID) {
	p, err := compile.Expr(g, root, inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(inputs)
	x := make([]float64, n)
	for i := range x {
		x[i] = rnd.NormFloat64()
	}
	got := hvpHessian(p, x)
	want := symHessian(t, g, root, inputs, x, true)
	pattern := p.HessianSparsity()
	w, ref := p.NewWorkspace(), p.NewWorkspace()
	compile.Generic(ref)
	v := make([]float64, n)
	for i := range v {
		v[i] = rnd.NormFloat64()
	}
	a, b := make([]float64, n), make([]float64, n)
	ga, gb := make([]float64, n), make([]float64, n)
	va, vb := w.HVP(a, ga, x, v), ref.HVP(b, gb, x, v)
	grad := make([]float64, n)
	p.Gradient(grad, x)
	// moderate: no node has a finite value so large that a product of two,
	// or exp, sinh or cosh of it, overflows in one mode's formulas and not
	// in the other's (the table's tanh'' is -2·tanh·(1/cosh²), 0 at 1e4,
	// sym's simplified derivative of 1/cosh² is Inf/Inf there).
	env := make(map[string]float64)
	for i, in := range inputs {
		env[g.Node(in).Name] = x[i]
	}
	vals, err := ir.NewEvaluator(g).EvalAll(root, env)
	if err != nil {
		t.Fatal(err)
	}
	moderate := true
	for _, val := range vals {
		if finite(val) && math.Abs(val) > 700 {
			moderate = false
		}
	}
	if !identical(va, vb) {
		t.Errorf("%s: value %v, table-only %v", name, va, vb)
	}
	for i := range n {
		if !identical(a[i], b[i]) || !identical(ga[i], gb[i]) {
			t.Errorf("%s: HVP[%d] %v, gradient %v; table-only %v, %v", name, i, a[i], ga[i], b[i], gb[i])
		}
		for j := range n {
			h, s := got[i][j], want[i][j]
			// Random expressions are often badly conditioned: the HVP's
			// own H[i][j] and H[j][i], which add the same terms in
			// different orders, can differ in the fifth digit (asin near
			// 1, x0 + x1 - x1), and atan2(x0, x0), a constant, has a
			// symbolic second derivative that is 0 only up to the
			// rounding of large terms. So an entry is wrong when it is
			// farther than 1e-4 from the symbolic one and from numeric
			// differences of the gradient; the seed's programs are
			// checked to 1e-12.
			if finite(h) && finite(s) && !near(h, s) && !near(h, numHessian(p, x)[i][j]) {
				t.Errorf("%s %s: H[%d][%d] = %.17g, symbolic %.17g", name, g.String(root), i, j, h, s)
			}
			if math.IsNaN(h) != math.IsNaN(s) && finite(va) && finite(grad[i]) && finite(grad[j]) && moderate {
				// Where the value and the first derivatives are
				// finite, the second derivative is NaN exactly where
				// the chain rule meets a partial that is not finite.
				t.Errorf("%s %s at %v: H[%d][%d] = %v, symbolic %v", name, g.String(root), x, i, j, h, s)
			}
			if h != 0 && !math.IsNaN(h) && !slices.Contains(pattern[i], int32(j)) {
				t.Errorf("%s %s: H[%d][%d] = %v, outside the sparsity %v", name, g.String(root), i, j, h, pattern)
			}
		}
	}
}

func near(a, b float64) bool { return close(a, b, 1e-4) || math.Abs(a-b) <= 1e-4 }

func TestHessianSparsityRosenbrock(t *testing.T) {
	g, root, inputs := rosenbrockGraph(8)
	p, err := compile.Expr(g, root, inputs, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := p.HessianSparsity()
	for i, row := range got {
		j := i ^ 1 // the pairs (0, 1), (2, 3), …
		want := []int32{int32(min(i, j)), int32(max(i, j))}
		if !slices.Equal(row, want) {
			t.Errorf("row %d: %v, want %v", i, row, want)
		}
	}
}

// FuzzHVP checks HVPs of random expressions against symbolic second
// derivatives, the table-only passes and the sparsity.
func FuzzHVP(f *testing.F) {
	f.Add(uint64(1), uint8(2), uint8(10))
	f.Add(uint64(7), uint8(1), uint8(30))
	f.Fuzz(func(t *testing.T, seed uint64, in, n uint8) {
		rnd := rand.New(rand.NewPCG(seed, 3))
		g, root, inputs := randomGraph(rnd, 1+int(in%4), 1+int(n%40))
		checkHVP(t, "fuzz", rnd, g, root, inputs)
	})
}

// sumOf is the source x_1 <op> x_2 <op> … <op> x_n of parameters x_1, …,
// x_n, each term written by term.
func sumOf(n int, term func(i int) string) (params, sum string) {
	ps, ts := make([]string, n), make([]string, n)
	for i := range n {
		ps[i] = fmt.Sprintf("x_%d", i+1)
		ts[i] = term(i + 1)
	}
	return strings.Join(ps, ", "), strings.Join(ts, " + ")
}

// TestSparsityWithin checks that the bounded structures are the
// unbounded ones when the bound allows, that they give up when it does
// not, and that the indices a sum of squares times a constant stores are
// linear in its size: the constant pairs the sum with nothing, so the
// partial sums are not needed.
func TestSparsityWithin(t *testing.T) {
	const n = 2000
	params, squares := sumOf(n, func(i int) string { return fmt.Sprintf("x_%d^2", i) })
	_, plain := sumOf(n, func(i int) string { return fmt.Sprintf("x_%d", i) })
	compileSrc := func(src string) *compile.Program {
		prog, fn := parse(t, src)
		p, err := compile.Func(prog.Graph, fn, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	half := compileSrc(fmt.Sprintf("f(%s) = 0.5*(%s)", params, squares))
	rows, ok := half.HessianSparsityWithin(10 * n)
	if !ok {
		t.Fatalf("0.5·Σx_i²: the structure takes more than %d indices", 10*n)
	}
	for i, row := range rows {
		if !slices.Equal(row, []int32{int32(i)}) {
			t.Fatalf("0.5·Σx_i²: row %d is %v, want [%d]", i, row, i)
		}
	}

	// (Σx_i)² is dense, and its partial sums hold n²/2 indices.
	dense := compileSrc(fmt.Sprintf("f(%s) = (%s)^2", params, plain))
	if rows, ok := dense.HessianSparsityWithin(n * n); ok || rows != nil {
		t.Errorf("(Σx_i)²: the structure fits in %d indices", n*n)
	}
	all := dense.HessianSparsity()
	if len(all) != n || len(all[0]) != n || len(all[n-1]) != n {
		t.Errorf("(Σx_i)²: the structure has %d rows, the first of %d entries, want %d×%d", len(all), len(all[0]), n, n)
	}
	if rows, ok := dense.HessianSparsityWithin(4 * n * n); !ok || !slices.EqualFunc(rows, all, slices.Equal) {
		t.Errorf("(Σx_i)²: the bounded structure is not the unbounded one (ok %v)", ok)
	}

	tuple := compileSrc(fmt.Sprintf("F(%s) = (%s, x_1*x_2)", params, plain))
	if rows, ok := tuple.DependenciesWithin(100 * n); ok || rows != nil {
		t.Errorf("(Σx_i, x_1·x_2): the dependencies fit in %d indices", 100*n)
	}
	deps := tuple.Dependencies()
	if got, ok := tuple.DependenciesWithin(n * n); !ok || !slices.EqualFunc(got, deps, slices.Equal) {
		t.Errorf("(Σx_i, x_1·x_2): the bounded dependencies are not the unbounded ones (ok %v)", ok)
	}
	if len(deps) != 2 || len(deps[0]) != n || !slices.Equal(deps[1], []int32{0, 1}) {
		t.Errorf("(Σx_i, x_1·x_2): dependencies of %d rows, the first of %d entries, the second %v", len(deps), len(deps[0]), deps[1])
	}
}
