package tape

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/op"
)

// allOps are the primitives, made once so that allocation tests do not
// count op.All's slice.
var allOps = op.All()

// mustPanic checks that f panics with a message that contains want.
func mustPanic(t *testing.T, name, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic, want one with %q", name, want)
			return
		}
		msg := fmt.Sprint(r)
		if !strings.HasPrefix(msg, "tape: ") || !strings.Contains(msg, want) {
			t.Errorf("%s: panic %q, want a \"tape: \" message with %q", name, msg, want)
		}
	}()
	f()
}

func TestMisuse(t *testing.T) {
	a, b := New(), New()
	x, y := a.Var(1), b.Var(2)
	m := a.Mark()
	stale := a.Var(3)
	a.Rewind(m)
	reused := a.Var(4) // the record stale had
	if reused.i != stale.i {
		t.Fatalf("the test expects the record to be reused")
	}
	r := New()
	old := r.Var(1)
	r.Reset()
	r.Var(2)

	tests := []struct {
		name, want string
		f          func()
	}{
		{"two tapes", "two different tapes", func() { x.Add(y) }},
		{"two tapes, second first", "two different tapes", func() { y.Mul(x) }},
		{"two tapes in Pow", "two different tapes", func() { Pow(x, y) }},
		{"two tapes in Gradient", "two different tapes", func() { a.Gradient(nil, x, []Var{y}) }},
		{"two tapes in Custom", "two different tapes", func() { a.Custom(1, []Var{x, y}, []float64{1, 1}) }},
		{"zero Var", "zero Var", func() { Var{}.Value() }},
		{"zero Var operand", "zero Var", func() { x.Sub(Var{}) }},
		{"zero Var first", "zero Var", func() { Var{}.Mul(x) }},
		{"zero Var unary", "zero Var", func() { Sin(Var{}) }},
		{"stale after Rewind", "discarded by Rewind", func() { stale.Value() }},
		{"stale operand", "discarded by Rewind", func() { reused.Add(stale) }},
		{"stale unary", "discarded by Rewind", func() { Exp(stale) }},
		{"stale after Reset", "discarded by Rewind or Reset", func() { old.MulConst(2) }},
		{"stale in Gradient", "discarded", func() { a.Gradient(nil, reused, []Var{stale}) }},
		{"stale output", "discarded", func() { r.Backward(old) }},
		{"dst length", "tape: Gradient: dst has length 1, want 2 (len(wrt))", func() { a.Gradient(make([]float64, 1), x, []Var{x, x}) }},
		{"Grad dst length", "tape: Grad: dst has length 3, want 2 (len(x))", func() {
			a.Grad(make([]float64, 3), func(_ *Tape, v []Var) Var { return v[0] }, []float64{1, 2})
		}},
		{"Custom lengths", "2 inputs but 1 partials", func() { a.Custom(1, []Var{x, x}, []float64{1}) }},
		{"stale Mark", "already discarded", func() { a.Rewind(a.Mark()); r.Rewind(Mark{n: 1 << 20}) }},
		{"Adjoint before Backward", "before Backward", func() { n := New(); n.Adjoint(n.Var(1)) }},
		{"Primitive of a leaf", "not a primitive", func() { Primitive(0, x, x) }},
	}
	for _, tt := range tests {
		mustPanic(t, tt.name, tt.want, tt.f)
	}
}

func TestMarkReuse(t *testing.T) {
	tp := New()
	x := tp.Var(1)
	m1 := tp.Mark()
	tp.Var(2)
	m2 := tp.Mark()
	tp.Rewind(m1)
	tp.Var(3) // replaces the record m2 ends with
	mustPanic(t, "Rewind to a replaced mark", "already discarded", func() { tp.Rewind(m2) })
	tp.Rewind(m1)
	tp.Rewind(m1) // rewinding twice to a mark is fine
	if x.Value() != 1 || tp.Len() != 1 {
		t.Errorf("after Rewind: x = %v, Len = %d, want 1, 1", x.Value(), tp.Len())
	}
}

// TestNested differentiates inside a computation, as Stan's nested
// gradients do: an inner gradient on fresh Vars, one through Vars of the
// outer computation, and the outer gradient after both.
func TestNested(t *testing.T) {
	tp := New()
	x := tp.Var(2)
	u := Sin(x).Mul(x) // outer work before the inner gradients

	// Inner 1: the derivative of y^3 at y = x, on a fresh Var; it becomes a
	// constant of the outer computation.
	m := tp.Mark()
	y := tp.Var(x.Value())
	d := tp.Gradient(nil, y.PowConst(3), []Var{y})[0]
	tp.Rewind(m)
	if d != 12 {
		t.Errorf("inner gradient = %v, want 12", d)
	}

	// Inner 2: through the outer Vars x and u.
	m = tp.Mark()
	w := u.Mul(x)                      // x² sin x
	g := tp.Gradient(nil, w, []Var{x}) // 2x sin x + x² cos x
	want := 2*2*math.Sin(2) + 4*math.Cos(2)
	if !closeTo(g[0], want, 1e-14) {
		t.Errorf("inner gradient through outer Vars = %v, want %v", g[0], want)
	}
	tp.Rewind(m)

	out := u.MulConst(d).Add(x) // 12 x sin x + x
	grad := tp.Gradient(nil, out, []Var{x})
	want = 12*(math.Sin(2)+2*math.Cos(2)) + 1
	if !closeTo(grad[0], want, 1e-14) {
		t.Errorf("outer gradient = %v, want %v", grad[0], want)
	}
	mustPanic(t, "inner Var after Rewind", "discarded", func() { w.Value() })
	if tp.Len() != 5 {
		t.Errorf("Len = %d, want 5 (x, sin x, x sin x, and out's 2)", tp.Len())
	}
}

// TestNestedInGrad takes an inner gradient inside the function of Grad.
func TestNestedInGrad(t *testing.T) {
	f := func(tp *Tape, x []Var) Var {
		// The slope of cosh at x[0], by an inner gradient, scales x[1]^2.
		m := tp.Mark()
		z := tp.Var(x[0].Value())
		s := tp.Gradient(nil, Cosh(z), []Var{z})[0]
		tp.Rewind(m)
		return x[1].Mul(x[1]).MulConst(s)
	}
	tp := New()
	for _, x := range [][]float64{{0.5, 2}, {1, -1}, {-2, 3}} {
		v, g := tp.Grad(nil, f, x)
		s := math.Sinh(x[0])
		if !closeTo(v, s*x[1]*x[1], 1e-15) || g[0] != 0 || !closeTo(g[1], 2*s*x[1], 1e-15) {
			t.Errorf("at %v: f = %v, ∇f = %v, want %v, [0 %v]", x, v, g, s*x[1]*x[1], 2*s*x[1])
		}
	}
}

func TestAdjoint(t *testing.T) {
	tp := New()
	x, y := tp.Var(3), tp.Var(4)
	p := x.Mul(y)
	out := p.AddConst(1)
	later := x.Neg()
	tp.Backward(out)
	for _, c := range []struct {
		name string
		v    Var
		want float64
	}{{"x", x, 4}, {"y", y, 3}, {"p", p, 1}, {"out", out, 1}, {"later", later, 0}} {
		if got := tp.Adjoint(c.v); got != c.want {
			t.Errorf("adjoint of %s = %v, want %v", c.name, got, c.want)
		}
	}
	// A Gradient with respect to y alone does not reach x.
	if g := tp.Gradient(nil, out, []Var{y}); g[0] != 3 {
		t.Errorf("∂out/∂y = %v, want 3", g[0])
	}
	mustPanic(t, "Adjoint not reached", "use Backward", func() { tp.Adjoint(x) })
	if g := tp.Gradient(nil, p, []Var{later, x}); g[0] != 0 || g[1] != 4 {
		t.Errorf("gradient of p with respect to (later, x) = %v, want [0 4]", g)
	}
	tp.Rewind(tp.Mark())
	mustPanic(t, "Adjoint after Rewind", "before Backward", func() { tp.Adjoint(x) })
}

func TestCustom(t *testing.T) {
	for n := 0; n <= 5; n++ {
		tp := New()
		x := make([]float64, n)
		c := make([]float64, n)
		for i := range x {
			x[i] = float64(i) + 0.5
			c[i] = float64(i*i) - 1.5
		}
		vs := tp.Vars(x)
		// A linear form Σ c_i x_i as one primitive, squared by the tape.
		var val float64
		for i := range x {
			val += c[i] * x[i]
		}
		lin := tp.Custom(val, vs, c)
		out := lin.Mul(lin)
		if lin.Value() != val {
			t.Errorf("n=%d: value %v, want %v", n, lin.Value(), val)
		}
		g := tp.Gradient(nil, out, vs)
		for i := range g {
			if want := 2 * val * c[i]; g[i] != want {
				t.Errorf("n=%d: ∂out/∂x%d = %v, want %v", n, i, g[i], want)
			}
		}
		if want := n + 2 + max(0, n-2); tp.Len() != want {
			t.Errorf("n=%d: %d records, want %d", n, tp.Len(), want)
		}
	}
	// An input given twice adds its partials.
	tp := New()
	x := tp.Var(2)
	sq := tp.Custom(4, []Var{x, x, x}, []float64{1, 2, 1}) // x², by parts
	if g := tp.Gradient(nil, sq, []Var{x}); g[0] != 4 {
		t.Errorf("∂/∂x of a custom with x three times = %v, want 4", g[0])
	}
}

// TestGrowth records across many growths of the tape and rewinds over
// them.
func TestGrowth(t *testing.T) {
	tp := New()
	for _, n := range []int{10, 5000, 300} {
		x := seedtest.RosenbrockStart(n)
		v, g := tp.Grad(nil, rosenbrock, x)
		if want := seedtest.Rosenbrock(x); v != want {
			t.Errorf("n=%d: value %v, want %v", n, v, want)
		}
		want := seedtest.RosenbrockGrad(nil, x)
		for i := range g {
			if !closeTo(g[i], want[i], 1e-13) {
				t.Errorf("n=%d: ∂f/∂x%d = %v, want %v", n, i, g[i], want[i])
				break
			}
		}
	}
}

// TestParallel runs independent tapes on several goroutines, for
// go test -race, and checks that their results are bit for bit those of
// one goroutine.
func TestParallel(t *testing.T) {
	x := seedtest.RosenbrockStart(200)
	_, want := New().Grad(nil, rosenbrock, x)
	_, wantSeed := New().Grad(nil, seed, []float64{2, 3})
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Go(func() {
			tp := New()
			g := make([]float64, len(x))
			gs := make([]float64, 2)
			for range 50 {
				tp.Grad(g, rosenbrock, x)
				tp.Grad(gs, seed, []float64{2, 3})
				for i := range g {
					if g[i] != want[i] {
						errs <- fmt.Sprintf("∂f/∂x%d = %v, want %v", i, g[i], want[i])
						return
					}
				}
				if gs[0] != wantSeed[0] || gs[1] != wantSeed[1] {
					errs <- fmt.Sprintf("seed gradient %v, want %v", gs, wantSeed)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestAllocs(t *testing.T) {
	tp := New()
	x := seedtest.RosenbrockStart(1000)
	dst := make([]float64, len(x))
	tp.Grad(dst, rosenbrock, x)
	if n := testing.AllocsPerRun(20, func() { tp.Grad(dst, rosenbrock, x) }); n != 0 {
		t.Errorf("Grad of Rosenbrock allocates %v times per gradient, want 0", n)
	}
	sd := make([]float64, 2)
	tp.Grad(sd, seed, []float64{2, 3})
	if n := testing.AllocsPerRun(100, func() { tp.Grad(sd, seed, []float64{2, 3}) }); n != 0 {
		t.Errorf("Grad of the seed allocates %v times per gradient, want 0", n)
	}
	// Every operation, a nested gradient, Gradient and Adjoint.
	wrt := make([]Var, 2)
	inner := make([]float64, 1)
	all := func() {
		tp.Reset()
		a, b := tp.Var(0.3), tp.Var(0.7)
		wrt[0], wrt[1] = a, b
		v := a
		for _, o := range allOps {
			v = Primitive(o, v, b).MulConst(0.5).Add(a)
		}
		v = v.AddConst(1).SubConst(1).RSub(2).DivConst(3).RDiv(4).PowConst(2).RPow(1.5).Neg()
		v = v.Add(tp.Custom(1, []Var{a, b, v}, []float64{1, 2, 3}))
		m := tp.Mark()
		z := tp.Var(1)
		tp.Gradient(inner, Exp(z), wrt[:1])
		tp.Rewind(m)
		tp.Gradient(dst[:2], v, wrt)
		tp.Adjoint(a)
	}
	all()
	if n := testing.AllocsPerRun(100, all); n != 0 {
		t.Errorf("the operations allocate %v times per run, want 0", n)
	}
}

// TestDeterministic checks that gradients are bit for bit the same from
// run to run and from a new tape to a reused one.
func TestDeterministic(t *testing.T) {
	x := seedtest.RosenbrockStart(500)
	v1, g1 := New().Grad(nil, rosenbrock, x)
	tp := New()
	for range 3 {
		v2, g2 := tp.Grad(nil, rosenbrock, x)
		if v1 != v2 {
			t.Fatalf("value %v, then %v", v1, v2)
		}
		for i := range g1 {
			if math.Float64bits(g1[i]) != math.Float64bits(g2[i]) {
				t.Fatalf("∂f/∂x%d = %v, then %v", i, g1[i], g2[i])
			}
		}
	}
}
