package tape

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/op"
)

// compiledHVP traces out on the tape with Graph, compiles the trace and
// returns the compiled program's HVP at the traced point along v.
func compiledHVP(t *testing.T, tp *Tape, out Var, xs []Var, v []float64) []float64 {
	t.Helper()
	g, fn, err := tp.Graph(out, xs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, len(xs))
	for k, w := range xs {
		x[k] = w.Value()
	}
	hv := make([]float64, len(xs))
	p.HVP(hv, nil, x, v)
	return hv
}

// checkHVP compares the tape's HVP of f at x along v with the compiled
// program's, bit for bit (NaN with NaN).
func checkHVP(t *testing.T, name string, f func(*Tape, []Var) Var, x, v []float64) {
	t.Helper()
	checkHVPWithin(t, name, f, x, v, 0)
}

// checkHVPWithin is checkHVP within rel, relatively (absolutely below 1),
// if rel is not 0. It reports whether the HVPs are the same bit for bit.
func checkHVPWithin(t *testing.T, name string, f func(*Tape, []Var) Var, x, v []float64, rel float64) bool {
	t.Helper()
	tp := New()
	xs := tp.Vars(x)
	out := f(tp, xs)
	got, err := tp.HVP(nil, out, xs, v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := compiledHVP(t, tp, out, xs, v)
	exact := true
	for k := range got {
		if same(got[k], want[k]) {
			continue
		}
		exact = false
		if rel == 0 || math.IsNaN(got[k]) || math.IsNaN(want[k]) || !closeTo(got[k], want[k], rel) {
			t.Errorf("%s at %v along %v: hv[%d] = %v, compiled %v", name, x, v, k, got[k], want[k])
		}
	}
	return exact
}

// randomVec returns n numbers in [lo, hi).
func randomVec(r *rand.Rand, n int, lo, hi float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + (hi-lo)*r.Float64()
	}
	return x
}

// TestHVPSeed compares the HVPs of the seed's functions and of the
// extended Rosenbrock function with the compiled program's, at random
// points and directions, bit for bit: the compiled program of the trace
// runs the same operations on the same numbers in the same order.
func TestHVPSeed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name   string
		f      func(*Tape, []Var) Var
		n      int
		lo, hi float64
	}{
		{"section 2.3", seed, 2, 0.5, 3},
		{"section 1", seedSection1, 1, 0.1, 3},
		{"appendix", seedAppendix, 2, 0.5, 3},
		{"rosenbrock 10", rosenbrock, 10, -2, 2},
		{"rosenbrock 1000", rosenbrock, 1000, -2, 2},
	}
	for _, tt := range tests {
		for range 10 {
			checkHVP(t, tt.name, tt.f, randomVec(r, tt.n, tt.lo, tt.hi), randomVec(r, tt.n, -1, 1))
		}
	}
}

// TestHVPRosenbrock checks the tape's HVP against the analytic Hessian of
// the extended Rosenbrock function.
func TestHVPRosenbrock(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 10
	x, v := randomVec(r, n, -2, 2), randomVec(r, n, -1, 1)
	tp := New()
	xs := tp.Vars(x)
	hv, err := tp.HVP(nil, rosenbrock(tp, xs), xs, v)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, n)
	for i := 0; i+1 < n; i += 2 {
		a, b := x[i], x[i+1]
		// ∂²/∂a² = 1200a² - 400b + 2, ∂²/∂a∂b = -400a, ∂²/∂b² = 200.
		want[i] = (1200*a*a-400*b+2)*v[i] - 400*a*v[i+1]
		want[i+1] = -400*a*v[i] + 200*v[i+1]
	}
	for i := range hv {
		if !closeTo(hv[i], want[i], 1e-12) {
			t.Errorf("hv[%d] = %v, want %v", i, hv[i], want[i])
		}
	}
}

// TestHVPNumeric checks the seed's HVPs against central differences of
// the tape's gradient.
func TestHVPNumeric(t *testing.T) {
	for _, tt := range seedTests {
		tp := New()
		v := []float64{0.6, -0.8}[:len(tt.x)]
		xs := tp.Vars(tt.x)
		hv, err := tp.HVP(nil, tt.f(tp, xs), xs, v)
		if err != nil {
			t.Fatal(err)
		}
		const h = 1e-7
		at := func(s float64) []float64 {
			x := make([]float64, len(tt.x))
			for i := range x {
				x[i] = tt.x[i] + s*v[i]
			}
			_, g := New().Grad(nil, tt.f, x)
			return g
		}
		gp, gm := at(h), at(-h)
		for i := range hv {
			if want := (gp[i] - gm[i]) / (2 * h); !closeTo(hv[i], want, 1e-6) {
				t.Errorf("%s: hv[%d] = %v, central differences %v", tt.name, i, hv[i], want)
			}
		}
	}
}

// TestHVPPrimitives compares the HVP of every primitive with the compiled
// program's, bit for bit, on two variables and with each operand a
// constant, at the special points of the table tests and at random ones,
// along directions that do and do not move each input.
func TestHVPPrimitives(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	dirs := [][]float64{{1, 0}, {0, 1}, {0.7, -1.3}}
	for _, o := range op.All() {
		t.Run(o.String(), func(t *testing.T) {
			// The primitive of the sum and product of the inputs, so that
			// every argument has a tangent and a second derivative of
			// its own, times a third input, so that the outer adjoint is
			// not 1.
			f := func(_ *Tape, x []Var) Var {
				a, b := x[0].Add(x[1].MulConst(0.5)), x[0].Mul(x[1])
				return Primitive(o, a, b).Mul(x[0])
			}
			// The primitive of the inputs themselves, so that along (1, 0)
			// and (0, 1) one argument has a tangent and the other does
			// not.
			g := func(_ *Tape, x []Var) Var { return Primitive(o, x[0], x[1]).Mul(x[0]) }
			var xs [][]float64
			for _, p := range points {
				xs = append(xs, []float64{p, 0.75})
			}
			for range 20 {
				xs = append(xs, randomVec(r, 2, -3, 3))
			}
			for _, x := range xs {
				for _, v := range dirs {
					checkHVP(t, "f", f, x, v)
					checkHVP(t, "g", g, x, v)
				}
			}
			if o.Arity() != 2 {
				return
			}
			// The constant forms.
			for _, c := range []float64{-1.5, 0, 0.5, 2} {
				fc := func(_ *Tape, x []Var) Var { return withConstY(o, Sin(x[0]), c).Mul(x[0]) }
				cf := func(_ *Tape, x []Var) Var { return withConstX(o, c, Sin(x[0])).Mul(x[0]) }
				for range 5 {
					x := randomVec(r, 1, -3, 3)
					checkHVP(t, fmt.Sprintf("f(sin x, %v)", c), fc, x, []float64{1})
					checkHVP(t, fmt.Sprintf("f(%v, sin x)", c), cf, x, []float64{-0.5})
				}
			}
		})
	}
}

// randomExpr returns a random function of n inputs of size operations,
// with every primitive, constant operands in both places, shared
// subexpressions and squares (x op x).
func randomExpr(seed uint64, n, size int) func(*Tape, []Var) Var {
	return func(tp *Tape, x []Var) Var {
		r := rand.New(rand.NewPCG(seed, 7))
		ops := op.All()
		pool := append([]Var(nil), x...)
		pick := func() Var { return pool[len(pool)-1-r.IntN(min(len(pool), 6))] }
		for range size {
			o := ops[r.IntN(len(ops))]
			a := pick()
			var v Var
			switch {
			case o.Arity() == 1:
				v = Primitive(o, a, Var{})
			case r.IntN(5) == 0:
				v = withConstY(o, a, 2*r.Float64()-1)
			case r.IntN(5) == 0:
				v = withConstX(o, 2*r.Float64()-1, a)
			case r.IntN(6) == 0:
				v = Primitive(o, a, a)
			default:
				v = Primitive(o, a, pick())
			}
			pool = append(pool, v)
		}
		// Sum the last few, so that the output depends on most of them.
		out := pool[len(pool)-1]
		for _, v := range pool[len(pool)-4 : len(pool)-1] {
			out = out.Add(v)
		}
		return out
	}
}

// TestHVPRandom compares the tape's HVP with the compiled program's on
// random expressions, within 1e-12 and with NaN in the same places. Not
// bit for bit: the compiler schedules the instructions of one operation
// together and merges common subexpressions, so an adjoint that several
// records update sums the same terms in another order. Most of them are
// the same bits all the same.
func TestHVPRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	cases := 2000
	if testing.Short() {
		cases = 300
	}
	finite, exact := 0, 0
	for k := range cases {
		f := randomExpr(uint64(k), 3, 12)
		x, v := randomVec(r, 3, -2, 2), randomVec(r, 3, -1, 1)
		if k%4 == 0 {
			v[r.IntN(3)] = 0
		}
		if checkHVPWithin(t, fmt.Sprintf("expression %d", k), f, x, v, 1e-12) {
			exact++
		}
		tp := New()
		xs := tp.Vars(x)
		hv, _ := tp.HVP(nil, f(tp, xs), xs, v)
		if !math.IsNaN(hv[0]) {
			finite++
		}
	}
	// Not all of them NaN: the test tests something.
	if finite < cases/4 {
		t.Errorf("only %d of %d HVPs are numbers", finite, cases)
	}
	t.Logf("%d of %d HVPs the same bit for bit, %d of them numbers", exact, cases, finite)
}

// TestHVPInputs checks the conventions on the inputs: Vars recorded after
// out, Vars given twice, inputs that are not leaves, constants.
func TestHVPInputs(t *testing.T) {
	tp := New()
	x, y := tp.Var(1.5), tp.Var(-0.5)
	f := x.Mul(x).Mul(y).Add(Sin(y)) // x²y + sin y
	later := tp.Var(3)
	hxx, hxy, hyy := 2*y.Value(), 2*x.Value(), -math.Sin(y.Value())

	hv, err := tp.HVP(nil, f, []Var{x, later, y}, []float64{0.5, 7, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{hxx*0.5 + hxy*2, 0, hxy*0.5 + hyy*2}
	for k := range hv {
		if !closeTo(hv[k], want[k], 1e-15) {
			t.Errorf("hv = %v, want %v", hv, want)
		}
	}

	// x given twice moves by the sum of its elements of v.
	hv, _ = tp.HVP(hv[:3], f, []Var{x, y, x}, []float64{0.25, 2, 0.25})
	if hv[0] != hv[2] || !closeTo(hv[0], want[0], 1e-15) || !closeTo(hv[1], want[2], 1e-15) {
		t.Errorf("with x twice: hv = %v, want [%v %v %v]", hv, want[0], want[2], want[0])
	}

	// Only y: x is a constant.
	hv, _ = tp.HVP(hv[:1], f, []Var{y}, []float64{1})
	if !closeTo(hv[0], hyy, 1e-15) {
		t.Errorf("hv = %v, want [%v]", hv, hyy)
	}

	// An input that is not a leaf is an independent variable: f as a
	// function of u = x² and y is uy + sin y.
	u := tp.rec[f.i].xi() // the record of x²·y's operand x²
	uv := Var{t: tp, i: tp.rec[u].xi(), epoch: tp.epoch}
	uv.v = tp.val[uv.i]
	hv, _ = tp.HVP(hv[:2], f, []Var{uv, y}, []float64{1, 0})
	if hv[0] != 0 || hv[1] != 1 {
		t.Errorf("∇²(uy + sin y)·(1, 0) = %v, want [0 1]", hv)
	}

	// A record out does not depend on does not reach the product, even
	// with a NaN partial.
	Sqrt(y) // NaN, and its partial too
	g := x.Mul(y)
	hv, _ = tp.HVP(hv[:2], g, []Var{x, y}, []float64{1, 1})
	if hv[0] != 1 || hv[1] != 1 {
		t.Errorf("∇²(xy)·(1, 1) = %v, want [1 1]", hv)
	}

	// The adjoints of the last backward pass survive.
	tp.Gradient(nil, f, []Var{x, y})
	a := tp.Adjoint(x)
	tp.HVP(nil, f, []Var{x, y}, []float64{1, 1})
	if tp.Adjoint(x) != a {
		t.Errorf("HVP changed the adjoint of x")
	}
}

// TestHVPCustom checks that HVP refuses a custom primitive that depends
// on an input and accepts one that does not.
func TestHVPCustom(t *testing.T) {
	tp := New()
	x, y, z := tp.Var(1), tp.Var(2), tp.Var(3)
	c := tp.Custom(5, []Var{y, z, x}, []float64{1, 2, 3})
	f := x.Mul(x).Add(c)
	_, err := tp.HVP(nil, f, []Var{x}, []float64{1})
	if err == nil || !strings.Contains(err.Error(), "custom primitive") {
		t.Errorf("HVP through a custom primitive of x: err = %v", err)
	}
	// Along a direction that does not move x the answer is the same.
	_, err = tp.HVP(nil, f, []Var{x}, []float64{0})
	if err == nil {
		t.Error("HVP through a custom primitive of x along 0: no error")
	}
	// Of y and z alone, c depends on no input: a constant.
	g := Sin(y).Mul(Sin(y)).Add(tp.Custom(1, []Var{x}, []float64{2}))
	hv, err := tp.HVP(nil, g, []Var{y}, []float64{1})
	if want := 2 * math.Cos(2*2.0); err != nil || !closeTo(hv[0], want, 1e-15) {
		t.Errorf("hv = %v, %v; want [%v]", hv, err, want)
	}
	// A custom primitive out does not depend on is harmless.
	h := x.Mul(x)
	tp.Custom(1, []Var{x}, []float64{2})
	if hv, err := tp.HVP(nil, h, []Var{x}, []float64{1}); err != nil || hv[0] != 2 {
		t.Errorf("hv = %v, %v; want [2]", hv, err)
	}
	// The flags are clear after an error: a later HVP is right.
	if hv, err := tp.HVP(nil, h, []Var{x}, []float64{1}); err != nil || hv[0] != 2 {
		t.Errorf("after an error: hv = %v, %v; want [2]", hv, err)
	}
}

func TestHVPMisuse(t *testing.T) {
	tp := New()
	x := tp.Var(1)
	f := x.Mul(x)
	other := New().Var(1)
	for name, call := range map[string]func(){
		"dst":     func() { tp.HVP(make([]float64, 2), f, []Var{x}, []float64{1}) },
		"v":       func() { tp.HVP(nil, f, []Var{x}, []float64{1, 2}) },
		"zero":    func() { tp.HVP(nil, Var{}, []Var{x}, []float64{1}) },
		"other":   func() { tp.HVP(nil, f, []Var{other}, []float64{1}) },
		"discard": func() { m := tp.Mark(); y := tp.Var(2); tp.Rewind(m); tp.HVP(nil, f, []Var{y}, []float64{1}) },
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "tape: ") {
					t.Errorf("%s: recovered %q, want a panic starting with \"tape: \"", name, msg)
				}
			}()
			call()
		}()
	}
}

// TestHVPAllocs checks that a warm tape's HVP allocates nothing.
func TestHVPAllocs(t *testing.T) {
	tp := New()
	x := seedtest.RosenbrockStart(100)
	xs := tp.Vars(x)
	out := rosenbrock(tp, xs)
	v, hv := make([]float64, len(x)), make([]float64, len(x))
	v[3] = 1
	tp.HVP(hv, out, xs, v)
	if n := testing.AllocsPerRun(10, func() { tp.HVP(hv, out, xs, v) }); n != 0 {
		t.Errorf("%v allocations per HVP, want 0", n)
	}
}
