package numeric

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// The programs of the seed document.
var (
	section1 = seedtest.Section1().Src
	appendix = seedtest.Appendix().Src
)

func parse(t testing.TB, src string) (*ir.Graph, *ir.Func) {
	t.Helper()
	p, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := p.Target("")
	if err != nil {
		t.Fatal(err)
	}
	return p.Graph, fn
}

func seed(t testing.TB) string {
	t.Helper()
	return seedtest.Section23().Src
}

// relErr returns the largest relative error of got against want.
func relErr(got, want []float64) float64 {
	var e float64
	for i := range want {
		e = math.Max(e, math.Abs(got[i]-want[i])/math.Abs(want[i]))
	}
	return e
}

// TestSeedFigures checks the gradients printed in the seed document, each
// to the accuracy the formula reaches on it (see the table in doc.go),
// and that the tolerances are not loose: a worse formula fails them.
func TestSeedFigures(t *testing.T) {
	s1 := seedtest.Section1().Grad
	app := seedtest.Appendix().Grad
	s23 := seedtest.Section23().Grad
	tests := []struct {
		name     string
		src      string
		x, want  []float64
		settings *Settings
		tol      float64
	}{
		{"section 1, default", section1, []float64{1}, s1, &Settings{}, 1e-10},
		{"section 1, five-point", section1, []float64{1}, s1, &Settings{Formula: FivePoint}, 2e-12},
		{"section 1, forward", section1, []float64{1}, s1, &Settings{Formula: Forward}, 1e-7},
		{"section 1, backward", section1, []float64{1}, s1, &Settings{Formula: Backward}, 1e-7},
		{"appendix, default", appendix, []float64{2, 3}, app, &Settings{}, 1e-9},
		{"appendix, five-point", appendix, []float64{2, 3}, app, &Settings{Formula: FivePoint}, 2e-11},
		{"section 2.3, step 1e-8", seed(t), []float64{2, 3}, s23, &Settings{Step: 1e-8}, 1e-7},
		{"section 2.3, five-point step 1e-6", seed(t), []float64{2, 3}, s23, &Settings{Formula: FivePoint, Step: 1e-6}, 1e-7},
		{"section 2.3, default", seed(t), []float64{2, 3}, s23, &Settings{}, 5e-3},
		{"section 2.3, nil (adaptive)", seed(t), []float64{2, 3}, s23, nil, 1e-7},
	}
	for _, tt := range tests {
		g, fn := parse(t, tt.src)
		got, err := FuncGradient(nil, g, fn, tt.x, tt.settings)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if e := relErr(got, tt.want); e > tt.tol {
			t.Errorf("%s: gradient %v, want %v: relative error %.2g > %.2g", tt.name, got, tt.want, e, tt.tol)
		}
	}
	// The tolerances are tight enough to tell the formulas apart.
	g, fn := parse(t, section1)
	got, _ := FuncGradient(nil, g, fn, []float64{1}, &Settings{Formula: Forward})
	if e := relErr(got, s1); e < 1e-10 {
		t.Errorf("forward differences have relative error %.2g, expected above central's bound", e)
	}
	got, _ = FuncGradient(nil, g, fn, []float64{1}, &Settings{Step: 1e-3})
	if e := relErr(got, s1); e < 1e-10 {
		t.Errorf("central differences with step 1e-3 have relative error %.2g", e)
	}
}

// TestFuncGradientMatchesGradient checks that FuncGradient is Gradient
// with the Adaptive formula on the function that evaluates fn, and that
// nil and zero settings agree.
func TestFuncGradientMatchesGradient(t *testing.T) {
	g, fn := parse(t, appendix)
	ev := ir.NewEvaluator(g)
	f := func(x []float64) float64 {
		v, err := ev.Apply(fn, x)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	x := []float64{2, 3}
	want := Gradient(nil, f, x, &Settings{Formula: Adaptive})
	zero := Gradient(nil, f, x, nil)
	if nonzero := Gradient(nil, f, x, &Settings{}); nonzero[0] != zero[0] || nonzero[1] != zero[1] {
		t.Errorf("nil settings give %v, zero settings %v", zero, nonzero)
	}
	got, err := FuncGradient(nil, g, fn, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("∂%d: FuncGradient %v, Gradient with adaptive steps %v", i, got[i], want[i])
		}
	}
	if x[0] != 2 || x[1] != 3 {
		t.Errorf("x modified: %v", x)
	}
}

// TestFuncGradientBits checks that FuncGradient, which evaluates the
// compiled program in blocks of coordinates, gives the bits of Gradient on
// the function that evaluates fn with an ir.Evaluator, for every formula,
// with and without Concurrent, on more coordinates than blocks.
func TestFuncGradientBits(t *testing.T) {
	rosen, rx := rosenbrock(37)
	programs := []struct {
		name, src string
		x         []float64
	}{
		{"section 1", section1, []float64{1}},
		{"appendix", appendix, []float64{2, 3}},
		{"section 2.3", seed(t), []float64{2, 3}},
		{"rosenbrock 37", rosen, rx},
	}
	for _, pr := range programs {
		g, fn := parse(t, pr.src)
		ev := ir.NewEvaluator(g)
		f := func(x []float64) float64 {
			v, err := ev.Apply(fn, x)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		for _, form := range []Formula{Central, FivePoint, Forward, Backward, Adaptive} {
			want := Gradient(nil, f, pr.x, &Settings{Formula: form})
			for _, conc := range []bool{false, true} {
				s := &Settings{Formula: form, Concurrent: conc}
				got, err := FuncGradient(nil, g, fn, pr.x, s)
				if err != nil {
					t.Fatalf("%s, %v: %v", pr.name, form, err)
				}
				for i := range want {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Errorf("%s, %v, concurrent %v: ∂%d = %v, want %v", pr.name, form, conc, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestFuncGradientMemory checks that the memory FuncGradient allocates is
// that of compiling the program once, not a multiple of the evaluations:
// 300 inputs (10,200 evaluations of a 2,100-instruction program) within
// 2 MB. With an ir.Evaluator, 1,000 inputs allocated 9.6 GB.
func TestFuncGradientMemory(t *testing.T) {
	src, x := rosenbrock(300)
	g, fn := parse(t, src)
	dst := make([]float64, len(x))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := FuncGradient(dst, g, fn, x, nil); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	const ceiling = 2 << 20
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > ceiling {
		t.Errorf("FuncGradient on %d inputs allocated %d bytes, more than %d", len(x), alloc, ceiling)
	} else {
		t.Logf("FuncGradient on %d inputs allocated %d bytes", len(x), alloc)
	}
}

func TestDerivative(t *testing.T) {
	tests := []struct {
		name     string
		f        func(float64) float64
		x, want  float64
		settings *Settings
		tol      float64
	}{
		{"sin", math.Sin, 1, math.Cos(1), nil, 1e-10},
		{"exp", math.Exp, 1, math.E, nil, 1e-10},
		{"exp five-point", math.Exp, 1, math.E, &Settings{Formula: FivePoint}, 1e-12},
		{"exp forward", math.Exp, 1, math.E, &Settings{Formula: Forward}, 1e-7},
		{"exp backward", math.Exp, 1, math.E, &Settings{Formula: Backward}, 1e-7},
		{"log at 1e6, step scaled by x", math.Log, 1e6, 1e-6, &Settings{Step: 1e6 * 6e-6}, 1e-9},
		{"log concurrent", math.Log, 2, 0.5, &Settings{Concurrent: true}, 1e-10},
		{"x^3 five-point is exact", func(x float64) float64 { return x * x * x }, 2, 12, &Settings{Formula: FivePoint}, 1e-12},
	}
	for _, tt := range tests {
		got := Derivative(tt.f, tt.x, tt.settings)
		if e := math.Abs(got-tt.want) / math.Abs(tt.want); e > tt.tol {
			t.Errorf("%s: %v, want %v: relative error %.2g > %.2g", tt.name, got, tt.want, e, tt.tol)
		}
	}
	// The step is absolute: the default one is too small for log at 1e6.
	if e := math.Abs(Derivative(math.Log, 1e6, nil)-1e-6) / 1e-6; e < 1e-6 {
		t.Errorf("log at 1e6 with the default step: relative error %.2g, expected rounding to dominate", e)
	}
}

func TestGradientConcurrent(t *testing.T) {
	f := func(x []float64) float64 { return math.Sin(x[0]) * math.Exp(x[1]) * x[2] }
	x := []float64{0.5, -0.25, 3}
	want := []float64{math.Cos(0.5) * math.Exp(-0.25) * 3, math.Sin(0.5) * math.Exp(-0.25) * 3, math.Sin(0.5) * math.Exp(-0.25)}
	for _, s := range []*Settings{nil, {Concurrent: true}, {Formula: FivePoint, Concurrent: true}} {
		dst := make([]float64, 3)
		got := Gradient(dst, f, x, s)
		if &got[0] != &dst[0] {
			t.Error("Gradient did not use dst")
		}
		if e := relErr(got, want); e > 1e-9 {
			t.Errorf("settings %+v: %v, want %v", s, got, want)
		}
	}
}

func TestFuncGradientErrors(t *testing.T) {
	g, fn := parse(t, appendix)
	if _, err := FuncGradient(nil, g, fn, []float64{1}, nil); err == nil || !strings.Contains(err.Error(), "expects 2 arguments, got 1") {
		t.Errorf("wrong number of values: %v", err)
	}
	free := &ir.Func{Name: "free", Params: []ir.ID{g.Var("x")}}
	free.Body = g.Apply(op.Mul, g.Var("x"), g.Var("zz"))
	if _, err := FuncGradient(nil, g, free, []float64{1}, nil); err == nil || !strings.Contains(err.Error(), "no value for variable zz") {
		t.Errorf("free variable: %v", err)
	}
	// A non-finite value is not an error.
	got, err := FuncGradient(nil, g, fn, []float64{-1, 3}, nil)
	if err != nil || !math.IsNaN(got[0]) {
		t.Errorf("outside the domain: %v, %v", got, err)
	}
}

func TestPanics(t *testing.T) {
	g, fn := parse(t, appendix)
	f := func(x []float64) float64 { return x[0] }
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"Gradient dst", func() { Gradient(make([]float64, 2), f, []float64{1}, nil) }, "numeric: Gradient: dst has length 2, want 1"},
		{"FuncGradient dst", func() { FuncGradient(make([]float64, 1), g, fn, []float64{1, 2}, nil) }, "numeric: FuncGradient: dst has length 1, want 2"},
		{"negative step", func() { Derivative(math.Sin, 1, &Settings{Step: -1}) }, "numeric: invalid step -1"},
		{"NaN step", func() { Derivative(math.Sin, 1, &Settings{Step: math.NaN()}) }, "numeric: invalid step NaN"},
		{"unknown formula", func() { Derivative(math.Sin, 1, &Settings{Formula: 99}) }, "numeric: unknown formula 99"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("%s: panic %v, want %q", tt.name, r, tt.want)
				}
			}()
			tt.call()
		}()
	}
}

func TestFormulaString(t *testing.T) {
	for f, want := range map[Formula]string{Central: "central", FivePoint: "five-point", Forward: "forward", Backward: "backward", 7: "Formula(7)"} {
		if got := f.String(); got != want {
			t.Errorf("Formula(%d).String() = %q, want %q", int(f), got, want)
		}
	}
}

// TestAdaptiveSeed checks that adaptive steps get the seed's fast-varying
// gradient right, where the default central step does not.
func TestAdaptiveSeed(t *testing.T) {
	g, fn := parse(t, seed(t))
	got, err := FuncGradient(nil, g, fn, []float64{2, 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := seedtest.Section23().Grad
	if e := relErr(got, want); e > 1e-7 {
		t.Errorf("gradient %.15g, want %.15g (relative error %.2g)", got, want, e)
	}
}

// rosenbrock returns the extended Rosenbrock function of n inputs, written
// in the language, and a starting point.
func rosenbrock(n int) (string, []float64) {
	var b strings.Builder
	b.WriteString("f(")
	x := make([]float64, n)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "x%d", i+1)
		x[i] = 1
		if i%2 == 0 {
			x[i] = -1.2
		}
	}
	b.WriteString(") = ")
	for i := 1; i < n; i++ {
		if i > 1 {
			b.WriteString(" + ")
		}
		fmt.Fprintf(&b, "100*(x%d - x%d^2)^2 + (1 - x%d)^2", i+1, i, i)
	}
	b.WriteString("\n")
	return b.String(), x
}

func benchmarkFuncGradient(b *testing.B, n int) {
	src, x := rosenbrock(n)
	g, fn := parse(b, src)
	dst := make([]float64, n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FuncGradient(dst, g, fn, x, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFuncGradient(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) { benchmarkFuncGradient(b, n) })
	}
}
