package dual

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
)

// The programs of the seed document.
var (
	section1 = seedtest.Section1().Src
	appendix = seedtest.Appendix().Src
)

func parse(t testing.TB, src string) *ir.Program {
	t.Helper()
	p, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func seedProgram(t testing.TB) *ir.Program {
	t.Helper()
	return parse(t, seedtest.Section23().Src)
}

// TestSeedGradients checks the gradients printed in the seed document, to
// the 15 digits it prints, and against central differences.
func TestSeedGradients(t *testing.T) {
	tests := []struct {
		name string
		prog *ir.Program
		x    []float64
		want []float64
		fd   *numeric.Settings // see numeric's documentation on accuracy
	}{
		{"section 1", parse(t, section1), seedtest.Section1().X, seedtest.Section1().Grad, nil},
		{"section 2.3", seedProgram(t), seedtest.Section23().X, seedtest.Section23().Grad, &numeric.Settings{Step: 1e-8}},
		{"appendix", parse(t, appendix), seedtest.Appendix().X, seedtest.Appendix().Grad, nil},
	}
	for _, tt := range tests {
		fn, err := tt.prog.Target("")
		if err != nil {
			t.Fatal(err)
		}
		g := tt.prog.Graph
		got, err := Gradient(nil, g, fn, tt.x)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		fd, err := numeric.FuncGradient(nil, g, fn, tt.x, tt.fd)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		for i := range tt.want {
			if math.Abs(got[i]-tt.want[i]) > 1e-13*math.Abs(tt.want[i]) {
				t.Errorf("%s: ∂f/∂x%d = %.15g, seed gives %.15g", tt.name, i+1, got[i], tt.want[i])
			}
			if math.Abs(got[i]-fd[i]) > 1e-7*math.Max(1, math.Abs(fd[i])) {
				t.Errorf("%s: ∂f/∂x%d = %.15g, central differences give %.15g", tt.name, i+1, got[i], fd[i])
			}
		}
	}
}

// TestJVPMatchesGradient checks that the derivative in a direction v is the
// gradient dotted with v, through both JVP (by name) and FuncJVP.
func TestJVPMatchesGradient(t *testing.T) {
	p := seedProgram(t)
	g := p.Graph
	fn, _ := p.Target("")
	x := []float64{2, 3}
	grad, err := Gradient(nil, g, fn, x)
	if err != nil {
		t.Fatal(err)
	}
	value, err := ir.NewEvaluator(g).Apply(fn, x)
	if err != nil {
		t.Fatal(err)
	}
	names := fn.ParamNames(g)
	for _, v := range [][]float64{{1, 0}, {0, 1}, {0.5, -2}, {0, 0}} {
		want := grad[0]*v[0] + grad[1]*v[1]
		point := map[string]float64{names[0]: x[0], names[1]: x[1]}
		tangent := map[string]float64{names[0]: v[0], names[1]: v[1]}
		val, d, err := JVP(g, fn.Body, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		if val != value || !near(d, want, 1e-14) {
			t.Errorf("JVP in direction %v = %v, %v; want %v, %v", v, val, d, value, want)
		}
		val, d, err = NewEvaluator(g).FuncJVP(fn, x, v)
		if err != nil {
			t.Fatal(err)
		}
		if val != value || !near(d, want, 1e-14) {
			t.Errorf("FuncJVP in direction %v = %v, %v; want %v, %v", v, val, d, value, want)
		}
	}
}

// randomExpr builds the same random expression as a node of g and as a Go
// computation on Numbers, over the variables xs.
func randomExpr(r *rand.Rand, g *ir.Graph, names []string, xs []Number, depth int) (ir.ID, Number) {
	if depth == 0 || r.IntN(4) == 0 {
		if r.IntN(3) == 0 {
			c := float64(r.IntN(7)) - 3 + 0.5*float64(r.IntN(2))
			return g.Const(c), Const(c)
		}
		i := r.IntN(len(names))
		return g.Var(names[i]), xs[i]
	}
	all := op.All()
	o := all[r.IntN(len(all))]
	a, na := randomExpr(r, g, names, xs, depth-1)
	if o.Arity() == 1 {
		return g.Apply(o, a, ir.None), unaryFuncs[o](na)
	}
	b, nb := randomExpr(r, g, names, xs, depth-1)
	return g.Apply(o, a, b), binaryFuncs[o](na, nb)
}

// TestJVPMatchesNumbers checks JVP on random expressions over every
// primitive against the same computation written with Numbers in Go. The
// values must agree to the bit. The derivatives differ only where Numbers
// treat a tangent that happens to be zero as a symbolic zero and JVP, like
// reverse mode, multiplies it in IEEE arithmetic (0·Inf is NaN): so a NaN
// of Numbers must be a NaN of JVP, and a finite derivative of JVP must be
// the Numbers' one to the bit, but for the sign of a zero.
func TestJVPMatchesNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	g := ir.NewGraph()
	names := []string{"a", "b", "c"}
	informative := 0 // expressions with a finite non-zero derivative
	for range 500 {
		point := make(map[string]float64)
		tangent := make(map[string]float64)
		xs := make([]Number, len(names))
		for i, n := range names {
			xs[i] = Number{r.Float64()*4 - 2, float64(r.IntN(3)) - 1}
			point[n], tangent[n] = xs[i].Primal, xs[i].Tangent
		}
		root, want := randomExpr(r, g, names, xs, 6)
		v, d, err := JVP(g, root, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		if finite(d) && d != 0 {
			informative++
		}
		wantD := op.Derivative(want.Primal, want.Tangent)
		ok := same(v, want.Primal)
		switch {
		case math.IsNaN(d):
			ok = ok && math.IsNaN(wantD) || ok && want.Tangent == 0
		default:
			ok = ok && (d == wantD || same(d, wantD))
		}
		if !ok {
			t.Fatalf("JVP(%s) = %v, %v; Numbers give %v", g.String(root), v, d, want)
		}
	}
	if informative < 100 {
		t.Errorf("only %d of 500 random expressions have a finite non-zero derivative", informative)
	}
}

// TestCallsNotInlined checks that JVP through calls agrees with JVP of the
// inlined expression, on nested calls with shared parameter names.
func TestCallsNotInlined(t *testing.T) {
	for _, src := range []string{section1, appendix, `
g(x, y) = x*sin(y) + y
h(x) = g(x, x^2) * g(2, x)
k(y, x) = h(g(y, x)) - g(x, y)
`} {
		p := parse(t, src)
		g := p.Graph
		fn, _ := p.Target("")
		names := fn.ParamNames(g)
		point := make(map[string]float64)
		tangent := make(map[string]float64)
		for i, n := range names {
			point[n] = 0.7 + 0.3*float64(i)
			tangent[n] = 1 - 2*float64(i)
		}
		v1, d1, err := JVP(g, fn.Body, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		flat := g.Inline(g, fn.Body)
		v2, d2, err := JVP(g, flat, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		if !near(v1, v2, 1e-14) || !near(d1, d2, 1e-13) {
			t.Errorf("%s: JVP with calls = %v, %v; inlined %v, %v", fn.Name, v1, d1, v2, d2)
		}
	}
}

func TestErrors(t *testing.T) {
	p := parse(t, section1)
	g := p.Graph
	f, _ := p.Target("")

	if _, _, err := JVP(g, f.Body, map[string]float64{"y": 1}, nil); err == nil || !strings.Contains(err.Error(), "no value for variable x") {
		t.Errorf("JVP without x: error %v", err)
	}
	if _, err := Gradient(nil, g, f, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), "expects 1 argument") {
		t.Errorf("Gradient with 2 values for 1 parameter: error %v", err)
	}
	if _, _, err := NewEvaluator(g).FuncJVP(f, []float64{1}, nil); err == nil {
		t.Errorf("FuncJVP without a tangent: no error")
	}

	// A body with a free variable, built with the Graph API.
	free := &ir.Func{Name: "free", Params: []ir.ID{g.Var("x")}}
	free.Body = g.Apply(op.Mul, g.Var("x"), g.Var("z"))
	if _, err := Gradient(nil, g, free, []float64{1}); err == nil || !strings.Contains(err.Error(), "no value for variable z") {
		t.Errorf("free variable: error %v", err)
	}
	// A function calling itself, built with the Graph API: an error, not a
	// stack overflow.
	rec := &ir.Func{Name: "rec", Params: []ir.ID{g.Var("x")}}
	rec.Body = g.Apply(op.Add, g.Call(rec, g.Var("x")), g.Const(1))
	if _, err := Gradient(nil, g, rec, []float64{1}); err == nil || !strings.Contains(err.Error(), "recursive call of rec") {
		t.Errorf("recursive function: error %v", err)
	}
	if _, _, err := JVP(g, g.Call(rec, g.Const(1)), nil, nil); err == nil {
		t.Errorf("recursive function from JVP: no error")
	}
	// The evaluator is still usable after an error.
	e := NewEvaluator(g)
	if _, err := e.Gradient(nil, rec, []float64{1}); err == nil {
		t.Error("no error")
	}
	if got, err := e.Gradient(nil, f, []float64{1}); err != nil || !near(got[0], seedtest.Section1().Grad[0], 1e-14) {
		t.Errorf("after an error: %v, %v", got, err)
	}
}

func TestGradientDstPanics(t *testing.T) {
	p := parse(t, section1)
	f, _ := p.Target("")
	defer func() {
		if r, want := recover(), "dual: Gradient: dst has length 2, want 1"; r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	Gradient(make([]float64, 2), p.Graph, f, []float64{1})
}

func TestGradientDst(t *testing.T) {
	p := seedProgram(t)
	f, _ := p.Target("")
	dst := make([]float64, 2)
	got, err := Gradient(dst, p.Graph, f, []float64{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if &got[0] != &dst[0] || dst[0] == 0 || dst[1] == 0 {
		t.Errorf("Gradient did not store into dst: %v", dst)
	}
}

func TestCheck(t *testing.T) {
	p := parse(t, `
g(x) = sqrt(x) + 1
h(x) = log(x) * 2
f(x) = g(x) * h(x + 1)
`)
	gr := p.Graph
	f, _ := p.Target("")
	tests := []struct {
		x        float64
		tangent  bool // a *TangentError, not a plain *NonFiniteError
		fn       string
		op       op.Op
		value    float64
		contains string
	}{
		{0, true, "g", op.Sqrt, math.Inf(1), "forward pass: tangent of node"},
		{-1, false, "g", op.Sqrt, math.NaN(), "forward pass: value of node"},
		{-0.5, false, "g", op.Sqrt, math.NaN(), "in the body of g"},
	}
	for _, tt := range tests {
		e := NewEvaluator(gr)
		e.Check = true
		_, err := e.Gradient(nil, f, []float64{tt.x})
		var nf *ir.NonFiniteError
		if !errors.As(err, &nf) {
			t.Fatalf("x = %v: error %v, want a *ir.NonFiniteError", tt.x, err)
		}
		var te *TangentError
		if errors.As(err, &te) != tt.tangent {
			t.Errorf("x = %v: error %T, tangent error %v", tt.x, err, tt.tangent)
		}
		if nf.Pass != "forward" || nf.Func == nil || nf.Func.Name != tt.fn || nf.Op != tt.op || !same(nf.Value, tt.value) {
			t.Errorf("x = %v: %+v", tt.x, nf)
		}
		if !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("x = %v: %q does not contain %q", tt.x, err, tt.contains)
		}
		// Without Check the same evaluation is not an error.
		if _, err := Gradient(nil, gr, f, []float64{tt.x}); err != nil {
			t.Errorf("x = %v without Check: %v", tt.x, err)
		}
	}
	// At the top level, Func is nil.
	e := NewEvaluator(gr)
	e.Check = true
	x := gr.Var("x")
	_, _, err := e.JVP(gr.Apply(op.Div, gr.Const(1), x), map[string]float64{"x": 0}, map[string]float64{"x": 1})
	var nf *ir.NonFiniteError
	if !errors.As(err, &nf) || nf.Func != nil || nf.Op != op.Div || len(nf.Args) != 2 || nf.Args[1] != 0 {
		t.Errorf("1/x at 0: %v", err)
	}
}

// deepChain builds a chain of n nested operations on x through the Graph API:
// y = sin(y)·c + x with c alternating, so that no two nodes are the same.
func deepChain(g *ir.Graph, n int) ir.ID {
	x := g.Var("x")
	y := x
	for i := 0; i < n; i += 3 {
		y = g.Apply(op.Sin, y, ir.None)
		y = g.Apply(op.Mul, y, g.Const(0.5+float64(i%2)*0.25))
		y = g.Apply(op.Add, y, x)
	}
	return y
}

// TestDeepChain evaluates a chain of a million nested operations: the
// evaluation uses no recursion on the depth of the expression.
func TestDeepChain(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 30_000
	}
	g := ir.NewGraph()
	root := deepChain(g, n)
	v, d, err := JVP(g, root, map[string]float64{"x": 0.3}, map[string]float64{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	// The same recurrence with Numbers in Go.
	x := Var(0.3)
	y := x
	for i := 0; i < n; i += 3 {
		y = Add(Mul(Sin(y), Const(0.5+float64(i%2)*0.25)), x)
	}
	if v != y.Primal || d != y.Tangent {
		t.Errorf("deep chain: JVP = %v, %v; Numbers give %v", v, d, y)
	}
}

// TestConcurrentUse checks that the package functions may be called from
// several goroutines on one graph that nobody modifies (each call uses its
// own Evaluator).
func TestConcurrentUse(t *testing.T) {
	p := seedProgram(t)
	fn, _ := p.Target("")
	want, err := Gradient(nil, p.Graph, fn, []float64{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for range 100 {
				got, err := Gradient(nil, p.Graph, fn, []float64{2, 3})
				if err == nil && (got[0] != want[0] || got[1] != want[1]) {
					err = fmt.Errorf("gradient %v, want %v", got, want)
				}
				if err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
