package tape

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/internal/seedtest"
)

// seed is the seed's function of section 2.3:
// f(x1, x2) = f1(f2(x1, f2(x2, x1)), f3(x1)) with f1(x, y) = sin(πx) +
// cos(πy), f2(x, y) = x^y, f3(x) = ln(x).
func seed(_ *Tape, x []Var) Var {
	f1 := func(x, y Var) Var { return Sin(x.MulConst(math.Pi)).Add(Cos(y.MulConst(math.Pi))) }
	f2 := func(x, y Var) Var { return Pow(x, y) }
	f3 := func(x Var) Var { return Log(x) }
	return f1(f2(x[0], f2(x[1], x[0])), f3(x[0]))
}

// seedSection1 is f(x) = f1(f2(x), f3(x)) with f1(x, y) = 3x^2 + 5xy +
// 4y^2, f2(x) = sin(x), f3(x) = sqrt(x) + e^x.
func seedSection1(_ *Tape, x []Var) Var {
	f1 := func(x, y Var) Var {
		return x.PowConst(2).MulConst(3).Add(x.Mul(y).MulConst(5)).Add(y.PowConst(2).MulConst(4))
	}
	f2 := func(x Var) Var { return Sin(x) }
	f3 := func(x Var) Var { return Sqrt(x).Add(Exp(x)) }
	return f1(f2(x[0]), f3(x[0]))
}

// seedAppendix is f = f1(f2(x1, x2), f3(x1, x2)) with f1(x, y) = xy,
// f2(x, y) = cos(πx)/sin(x), f3(x, y) = ln(x)/y.
func seedAppendix(_ *Tape, x []Var) Var {
	f1 := func(x, y Var) Var { return x.Mul(y) }
	f2 := func(x, _ Var) Var { return Cos(x.MulConst(math.Pi)).Div(Sin(x)) }
	f3 := func(x, y Var) Var { return Log(x).Div(y) }
	return f1(f2(x[0], x[1]), f3(x[0], x[1]))
}

var seedTests = []struct {
	name string
	f    func(*Tape, []Var) Var
	x    []float64
	want []float64
}{
	{"section 2.3", seed, seedtest.Section23().X, seedtest.Section23().Grad},
	{"section 1", seedSection1, seedtest.Section1().X, seedtest.Section1().Grad},
	{"appendix", seedAppendix, seedtest.Appendix().X, seedtest.Appendix().Grad},
}

// closeTo reports whether got is within rel of want, relatively (or
// absolutely for |want| < 1).
func closeTo(got, want, rel float64) bool {
	return math.Abs(got-want) <= rel*max(1, math.Abs(want))
}

func TestSeed(t *testing.T) {
	tp := New()
	for _, tt := range seedTests {
		_, grad := tp.Grad(nil, tt.f, tt.x)
		for i := range grad {
			if !closeTo(grad[i], tt.want[i], 1e-12) {
				t.Errorf("%s: ∂f/∂x%d = %.15g, want %.15g", tt.name, i+1, grad[i], tt.want[i])
			}
		}
	}
}

func TestSeedApply(t *testing.T) {
	prog, fn := seedtest.Section23().Parse(t)
	tp := New()
	x := tp.Vars([]float64{2, 3})
	out, err := Apply(prog.Graph, fn, x)
	if err != nil {
		t.Fatal(err)
	}
	grad := tp.Gradient(nil, out, x)
	want := seedTests[0].want
	for i := range grad {
		if !closeTo(grad[i], want[i], 1e-12) {
			t.Errorf("∂f/∂x%d = %.15g, want %.15g", i+1, grad[i], want[i])
		}
	}
	// The same records as the Go code, and so the same bits.
	v, g := New().Grad(nil, seed, []float64{2, 3})
	if out.Value() != v || grad[0] != g[0] || grad[1] != g[1] {
		t.Errorf("Apply gives f = %v, ∇f = %v; the Go code gives %v, %v", out.Value(), grad, v, g)
	}
	if n := tp.Len(); n != 2+8 {
		t.Errorf("Apply recorded %d records, want 10 (2 inputs, 8 operations)", n)
	}
}
