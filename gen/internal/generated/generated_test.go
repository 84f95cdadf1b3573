package generated

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/jacobian"
	"github.com/gobackprop/backprop/op"
)

type generated struct {
	name  string
	value func(x []float64) float64
	grad  func(grad, x []float64) float64
	hvp   func(hv, x, v []float64) float64
	prog  func(testing.TB) *compile.Program
	point func(r *rand.Rand) []float64
}

func parse(src string) func(testing.TB) *compile.Program {
	return func(tb testing.TB) *compile.Program {
		p, err := expr.Parse("p.bp", src)
		if err != nil {
			tb.Fatal(err)
		}
		fn, _ := p.Target("")
		return compileFunc(tb, p.Graph, fn)
	}
}

func compileFunc(tb testing.TB, g *ir.Graph, fn *ir.Func) *compile.Program {
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func uniform(n int, lo, hi float64) func(r *rand.Rand) []float64 {
	return func(r *rand.Rand) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = lo + (hi-lo)*r.Float64()
		}
		return x
	}
}

var all = []generated{
	{"seed", Seed, SeedGrad, SeedHVP, parse(seedtest.Section23().Src), uniform(2, 1.1, 2.5)},
	{"section 1", Section1, Section1Grad, Section1HVP, parse(seedtest.Section1().Src), uniform(1, 0.1, 3)},
	{"rosenbrock", Rosenbrock, RosenbrockGrad, RosenbrockHVP, parse("f(x, y) = 100*(y - x^2)^2 + (1 - x)^2"), uniform(2, -2, 2)},
	{"rosenbrock 100", Rosenbrock100, Rosenbrock100Grad, Rosenbrock100HVP, func(tb testing.TB) *compile.Program {
		g, fn := seedtest.RosenbrockGraph(100)
		return compileFunc(tb, g, fn)
	}, uniform(100, -2, 2)},
	{"every primitive", Primitives, PrimitivesGrad, PrimitivesHVP, nil, func(r *rand.Rand) []float64 {
		return []float64{-2 + 4*r.Float64(), 1 + 2*r.Float64()}
	}},
}

func same(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) <= 1e-14*math.Max(math.Abs(a), math.Abs(b))
}

// TestAgainstCompiled checks the generated code against the compiled
// mode at random points: the same value bit for bit, the same gradient up
// to the order in which a node's adjoint contributions are added (and
// x^y's partial, see package gen), the same Hessian-vector product up to
// rounding.
func TestAgainstCompiled(t *testing.T) {
	all[4].prog = parse(primitivesSrc)
	for _, c := range all {
		p := c.prog(t)
		r := rand.New(rand.NewPCG(1, 2))
		for k := range 200 {
			x := c.point(r)
			if k == 0 && c.name == "every primitive" {
				x = []float64{0, 1} // the kinks of abs, relu, sign at 0
			}
			want := make([]float64, len(x))
			got := make([]float64, len(x))
			wv := p.Gradient(want, x)
			gv := c.grad(got, x)
			if v := c.value(x); !same(v, wv) || math.Float64bits(v) != math.Float64bits(gv) {
				t.Errorf("%s at %v: value %v, gradient's %v, compiled %v", c.name, x, v, gv, wv)
			}
			for i := range got {
				if !same(got[i], want[i]) {
					t.Errorf("%s at %v: ∂/∂x%d = %v, compiled %v", c.name, x, i, got[i], want[i])
				}
			}
			// The HVP along a random direction, against the compiled
			// mode's: the same up to rounding, relative to the largest
			// entry (an entry may be a small difference of large terms).
			v := c.point(r)
			hv := make([]float64, len(x))
			if val := c.hvp(hv, x, v); math.Float64bits(val) != math.Float64bits(wv) {
				t.Errorf("%s at %v: HVP's value %v, compiled %v", c.name, x, val, wv)
			}
			p.HVP(want, nil, x, v)
			scale := 0.0
			for _, w := range want {
				scale = max(scale, math.Abs(w))
			}
			for i := range hv {
				if d := math.Abs(hv[i] - want[i]); !(d <= 1e-12*scale) && !(math.IsNaN(hv[i]) && math.IsNaN(want[i])) {
					t.Errorf("%s at %v along %v: (Hv)_%d = %v, compiled %v", c.name, x, v, i, hv[i], want[i])
				}
			}
		}
	}
}

// tuples are the generated functions that return tuples, with the
// programs (gen/programs_test.go's) and points where an entry is NaN: a
// partial that is not finite, a value that is NaN, also where the chain
// rule alone gives a number (∂(x·y)/∂y = x at y = NaN) or the value does
// not depend on the input (atan2(y, x) in z).
var tuples = []struct {
	name  string
	value func(out, x []float64)
	jac   func(jac, out, x []float64)
	src   string
	point func(r *rand.Rand) []float64
	nan   [][]float64
}{
	{"tuple", Tuple, TupleJacobian, "F(x, y) = (x*y, sin(x) + y)", uniform(2, -3, 3),
		[][]float64{{math.NaN(), 1}, {1, math.NaN()}, {math.Inf(1), 2}}},
	{"curve", Curve, CurveJacobian, "G(t) = (cos(t), sin(t), t^2)", uniform(1, -5, 5),
		[][]float64{{math.Inf(1)}, {math.NaN()}}},
	{"spherical", Spherical, SphericalJacobian, "S(x, y, z) = (sqrt(x^2 + y^2 + z^2), atan2(y, x))", uniform(3, -2, 2),
		[][]float64{{0, 0, 0}, {0, 0, 1}, {1, 2, math.NaN()}, {math.NaN(), 1, 1}}},
	{"every primitive", PrimitiveTuple, PrimitiveTupleJacobian, primitiveTupleSrc, func(r *rand.Rand) []float64 {
		return []float64{-2 + 4*r.Float64(), 1 + 2*r.Float64()}
	}, [][]float64{{1, 0}, {1, math.NaN()}}},
}

// primitiveTupleSrc is gen/programs_test.go's primitiveTuple.
const primitiveTupleSrc = `P(x, y) = (exp(x), log(y), sqrt(y), sin(x), cos(y), tan(x/2), asin(x/4), acos(y/4),
	atan(x), atan2(x, y), sinh(x), cosh(y), tanh(x), abs(x), min(x, y), max(x, y*x),
	log1p(y), expm1(x), sigmoid(x), relu(x), step(y), sign(x), y^x, x^3, x/y, -x*y, x - y)
`

// TestJacobian checks the generated values and Jacobians of tuples
// against the compiled mode's values and jacobian.Jacobian's (in the mode
// jacobian.Choose picks, as the generated code does) at random points and
// where an entry is NaN: the values bit for bit, the entries up to the
// order in which a node's contributions are added.
func TestJacobian(t *testing.T) {
	for _, c := range tuples {
		p := parse(c.src)(t)
		n, m := p.NumInputs(), p.NumOutputs()
		w := p.NewWorkspace()
		r := rand.New(rand.NewPCG(9, 10))
		points := append([][]float64(nil), c.nan...)
		if c.name == "every primitive" {
			points = append(points, []float64{0, 1}) // the kinks of abs, relu, sign at 0
		}
		for range 200 {
			points = append(points, c.point(r))
		}
		for k, x := range points {
			want := make([]float64, m)
			w.Values(want, x)
			wantJ := jacobian.Jacobian(nil, nil, p, x, jacobian.Auto)
			out, outJ, jac := make([]float64, m), make([]float64, m), make([]float64, m*n)
			c.value(out, x)
			c.jac(jac, outJ, x)
			nan := false
			for i := range m {
				if math.Float64bits(out[i]) != math.Float64bits(want[i]) || math.Float64bits(outJ[i]) != math.Float64bits(want[i]) {
					t.Errorf("%s at %v: value %d is %v, with the Jacobian %v, compiled %v", c.name, x, i, out[i], outJ[i], want[i])
				}
				for j := range n {
					got := jac[i*n+j]
					if !same(got, wantJ.At(i, j)) {
						t.Errorf("%s at %v: ∂out%d/∂x%d = %v, jacobian.Jacobian %v", c.name, x, i, j, got, wantJ.At(i, j))
					}
					nan = nan || math.IsNaN(got)
				}
			}
			if k < len(c.nan) && !nan {
				t.Errorf("%s at %v: no entry is NaN, %v", c.name, x, jac)
			}
		}
	}
}

func TestNaN(t *testing.T) {
	grad := make([]float64, 2)
	if v := PrimitivesGrad(grad, []float64{1, -1}); !math.IsNaN(v) || !math.IsNaN(grad[0]) || !math.IsNaN(grad[1]) {
		t.Errorf("at y = -1, log(y) is NaN: value %v, gradient %v", v, grad)
	}
}

var sink float64

// BenchmarkSeedGrad times the seed's generated gradient at its point
// (2, 3), where both powers have integer exponents (3^2 and 2^9), and at
// (2.1, 3.3), where neither has. Floor is the six calls to package math
// (and the pow helper) that the gradient needs and nothing else: two
// powers, two logarithms and two Sincos in the same dependency chain, the
// least any straight-line Go code for this gradient spends.
func BenchmarkSeedGrad(b *testing.B) {
	for _, x := range [][]float64{{2, 3}, {2.1, 3.3}} {
		g := make([]float64, 2)
		b.Run(fmt.Sprintf("at=%v,%v", x[0], x[1]), func(b *testing.B) {
			for b.Loop() {
				sink = SeedGrad(g, x)
			}
		})
		b.Run(fmt.Sprintf("floor/at=%v,%v", x[0], x[1]), func(b *testing.B) {
			for b.Loop() {
				sink = seedFloor(x[0], x[1])
			}
		})
	}
}

// seedFloor makes the calls of SeedGrad to package math and the pow
// helper, in the same dependency chain, and adds their results.
func seedFloor(x0, x1 float64) float64 {
	t0 := seedPow(x1, x0)
	t1 := seedPow(x0, t0)
	s, c := math.Sincos(math.Pi * t1)
	l := math.Log(x0)
	s2, c2 := math.Sincos(math.Pi * l)
	return s + c + s2 + c2 + math.Log(x1)
}

// BenchmarkRosenbrock100 times the generated gradient at n = 100 and the
// plain Go loop that only evaluates the function, as the issue compares
// them.
func BenchmarkRosenbrock100(b *testing.B) {
	x := seedtest.RosenbrockStart(100)
	g := make([]float64, 100)
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			sink = seedtest.Rosenbrock(x)
		}
	})
	b.Run("generated-value", func(b *testing.B) {
		for b.Loop() {
			sink = Rosenbrock100(x)
		}
	})
	b.Run("generated-grad", func(b *testing.B) {
		for b.Loop() {
			sink = Rosenbrock100Grad(g, x)
		}
	})
	b.Run("hand-grad", func(b *testing.B) {
		for b.Loop() {
			seedtest.RosenbrockGrad(g, x)
		}
	})
	rg, fn := seedtest.RosenbrockGraph(100)
	p := compileFunc(b, rg, fn)
	w := p.NewWorkspace()
	b.Run("compiled-grad", func(b *testing.B) {
		for b.Loop() {
			sink = w.Gradient(g, x)
		}
	})
}

// BenchmarkRosenbrock100HVP times one Hessian-vector product at n = 100,
// generated and compiled.
func BenchmarkRosenbrock100HVP(b *testing.B) {
	x := seedtest.RosenbrockStart(100)
	v := make([]float64, 100)
	for i := range v {
		v[i] = float64(i%3) - 1
	}
	hv := make([]float64, 100)
	b.Run("generated", func(b *testing.B) {
		for b.Loop() {
			sink = Rosenbrock100HVP(hv, x, v)
		}
	})
	rg, fn := seedtest.RosenbrockGraph(100)
	w := compileFunc(b, rg, fn).NewWorkspace()
	b.Run("compiled", func(b *testing.B) {
		for b.Loop() {
			sink = w.HVP(hv, nil, x, v)
		}
	})
}

// primitivesSrc is gen/programs_test.go's allPrimitives.
const primitivesSrc = `f(x, y) = exp(x) + log(y) + sqrt(y) + sin(x) + cos(y) + tan(x/2) + asin(x/4) + acos(y/4) +
	atan(x) + atan2(x, y) + sinh(x) + cosh(y) + tanh(x) + abs(x) + min(x, y) + max(x, y*x) +
	log1p(y) + expm1(x) + sigmoid(x) + relu(x) + step(y) + sign(x) + y^x + x/y - -x*y
`

// randomFloat returns a float64 of random bits half the time, else a
// value of random sign and magnitude between 10^-30 and 10^30.
func randomFloat(r *rand.Rand) float64 {
	if r.IntN(2) == 0 {
		return math.Float64frombits(r.Uint64())
	}
	return (r.Float64() - 0.5) * math.Pow(10, float64(r.IntN(60)-30))
}

// TestSincos checks what the generated gradients assume: math.Sincos gives
// the bits of math.Sin and math.Cos.
func TestSincos(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 1_000_000 {
		x := randomFloat(r)
		s, c := math.Sincos(x)
		if math.Float64bits(s) != math.Float64bits(math.Sin(x)) && !math.IsNaN(s) ||
			math.Float64bits(c) != math.Float64bits(math.Cos(x)) && !math.IsNaN(c) {
			t.Fatalf("Sincos(%v) = %v, %v; Sin, Cos %v, %v", x, s, c, math.Sin(x), math.Cos(x))
		}
	}
}

// TestSquare checks the helper that writes x^2 as x*x: the bits of
// math.Pow(x, 2), the table's evaluation, everywhere, subnormal squares
// included.
func TestSquare(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	xs := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e-154, 1.4916681462400413e-154, 1e-160, 5e-324, 1e154, 1.3407807929942596e154}
	for range 1_000_000 {
		x := randomFloat(r)
		if r.IntN(4) == 0 {
			x = math.Ldexp(r.Float64(), -r.IntN(600)-400) // squares near and below the subnormals
		}
		xs = append(xs[:11], x)
		for _, x := range xs {
			if got, want := rosenbrockSquare(x), math.Pow(x, 2); math.Float64bits(got) != math.Float64bits(want) && !math.IsNaN(want) {
				t.Fatalf("square(%v) = %v, Pow %v", x, got, want)
			}
		}
	}
}

// TestPowDx checks the tolerance gen documents for x^y's partial in x
// when y is variable: within 8·(2 + |y·log x|) ulps of the table's
// y·Pow(x, y-1) (math.Pow's own error grows with |y·log x|, and the two
// formulas round differently), and NaN, infinite or zero exactly where it
// is.
func TestPowDx(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 1_000_000 {
		x := math.Abs(randomFloat(r))
		y := (r.Float64() - 0.5) * 20
		if r.IntN(8) == 0 {
			x = -x
			y = math.Round(y)
		}
		got, want := seedPowDx(x, y, math.Pow(x, y)), op.PowDx(x, y)
		if math.IsNaN(got) != math.IsNaN(want) || math.IsInf(got, 0) != math.IsInf(want, 0) || (got == 0) != (want == 0) ||
			math.Abs(got-want) > 8*(2+math.Abs(y*math.Log(x)))*0x1p-52*math.Abs(want) {
			t.Fatalf("powDx(%v, %v) = %v, table %v", x, y, got, want)
		}
	}
}

// BenchmarkRosenbrock100Ratio reports the ratio, the generated
// gradient's time over the plain loop's, timing the two alternately in
// batches of 200 calls so that both see the same load on a shared
// machine (separate benchmarks, seconds apart, do not).
func BenchmarkRosenbrock100Ratio(b *testing.B) {
	x := seedtest.RosenbrockStart(100)
	g := make([]float64, 100)
	var plain, grad time.Duration
	for b.Loop() {
		t0 := time.Now()
		for range 200 {
			sink = seedtest.Rosenbrock(x)
		}
		t1 := time.Now()
		for range 200 {
			sink = Rosenbrock100Grad(g, x)
		}
		t2 := time.Now()
		plain += t1.Sub(t0)
		grad += t2.Sub(t1)
	}
	b.ReportMetric(float64(grad)/float64(plain), "grad/plain")
	b.ReportMetric(float64(grad)/float64(200*b.N), "grad-ns")
	b.ReportMetric(float64(plain)/float64(200*b.N), "plain-ns")
}

// TestPowIsMathPow pins the pow helper gen writes (op.Power's text) to
// math.Pow bit for bit, on special values and on random pairs in and
// around its fast path.
func TestPowIsMathPow(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), 1, -1, 2, -2, 0.5, -0.5, 1.5, 9, 1024, 1025,
		0x1p-60, 0x1p60, 0x1p-1074, math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	var xs, ys []float64
	xs = append(xs, special...)
	ys = append(ys, special...)
	r := rand.New(rand.NewPCG(5, 6))
	for k := range 100_000 {
		x := math.Exp2(140*r.Float64() - 70)
		if k%3 == 0 {
			x = -x
		}
		y := float64(r.IntN(2101) - 1050)
		if k%2 == 0 {
			y = 60*r.Float64() - 30
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	for _, pow := range []func(x, y float64) float64{seedPow, section1Pow, primitivesPow} {
		for i, x := range xs {
			y := ys[i]
			if got, want := pow(x, y), math.Pow(x, y); math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
				t.Fatalf("pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
		for _, x := range special {
			for _, y := range special {
				if got, want := pow(x, y), math.Pow(x, y); math.Float64bits(got) != math.Float64bits(want) && !(got != got && want != want) {
					t.Errorf("pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
				}
			}
		}
	}
}
