package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gobackprop/backprop/tensor"
)

// sumsqJVPCases are SumSquares along the last axis, all axes and a
// leading one, for TestJVP: forward mode against central differences
// and reverse mode.
func sumsqJVPCases[T tensor.Float]() []jvpCase[T] {
	var cs []jvpCase[T]
	for _, axes := range [][]int{{-1}, nil, {0}} {
		cs = append(cs, jvpCase[T]{fmt.Sprintf("sumsq %v", axes), func(r *rand.Rand) [][]int {
			return [][]int{{1 + r.IntN(3), 1 + r.IntN(4)}}
		}, -2, 2,
			func(x []Dual[T]) Dual[T] { return SumSquaresDual(x[0], axes, false) },
			func(x []Var[T]) Var[T] { return SumSquares(x[0], axes, false) }})
	}
	return cs
}

// TestSumSquaresReuse checks sumsq's reusing rule against its entry in
// the table, bit for bit, on arguments salted with zeros of both signs,
// infinities and NaNs, and the value against Sum(Mul(x, x)).
func TestSumSquaresReuse(t *testing.T) {
	testSumSquaresReuse[float64](t)
	testSumSquaresReuse[float32](t)
}

func testSumSquaresReuse[T tensor.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	rules, reuse := newRules[T](), newReuseRules[T]()
	special := []T{T(math.NaN()), T(math.Inf(1)), T(math.Inf(-1)), 0, T(math.Copysign(0, -1)), 1e-30, 1e30}
	for trial := range 50 {
		x := tensor.RandNormal[T](r, 1+r.IntN(4), 1+r.IntN(5), 1+r.IntN(3))
		d := x.Data()
		for i := range d {
			if r.IntN(10) == 0 {
				d[i] = special[r.IntN(len(special))]
			}
		}
		for _, c := range []struct {
			axes []int
			keep bool
			vjp  bool
		}{{[]int{2}, false, true}, {[]int{-1}, true, true}, {[]int{1, 2}, false, true}, {nil, false, true}, {[]int{0}, false, false}} {
			pa := param[T]{axes: c.axes, keep: c.keep}
			name := fmt.Sprintf("%T trial %d axes %v", T(0), trial, c.axes)
			want := rules[sumsq].forward(&pa, [2]*tensor.Dense[T]{x})
			if !sameArray(want, tensor.Sum(tensor.Mul(x, x), c.axes, c.keep)) {
				t.Fatalf("%s: the table's value is not Sum(Mul(x, x))", name)
			}
			got := reuse[sumsq].forward(&pa, [2]*tensor.Dense[T]{x}, tensor.Full(T(math.NaN()), want.Shape()...))
			if got != nil && !sameArray(got, want) || got == nil && c.vjp {
				t.Fatalf("%s: forward\n%v\nwant\n%v", name, got, want)
			}
			g := tensor.RandNormal[T](r, want.Shape()...)
			wx, _ := rules[sumsq].vjp(&pa, g, [2]*tensor.Dense[T]{x}, want)
			gx, _, ok := reuse[sumsq].vjp(&pa, g, [2]*tensor.Dense[T]{x}, want, [2]bool{true}, [2]*tensor.Dense[T]{tensor.Full(T(math.NaN()), x.Shape()...)})
			if ok != c.vjp || ok && !sameArray(gx, wx) {
				t.Fatalf("%s: VJP (applies: %v)\n%v\nwant\n%v", name, ok, gx, wx)
			}
		}
	}
}

// TestSumSquaresStepBytes checks that a warm step with SumSquares
// allocates no array: a few hundred bytes of bookkeeping, not the
// arrays of 600 and 120 numbers.
func TestSumSquaresStepBytes(t *testing.T) {
	tp := New[float64]()
	x := tensor.RandNormal[float64](rand.New(rand.NewPCG(1, 2)), 30, 4, 5)
	step := func() {
		tp.Reset()
		v := tp.Var(x)
		tp.Backward(Sum(SumSquares(v, []int{2}, false), nil, false))
	}
	step()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range 10 {
		step()
	}
	runtime.ReadMemStats(&m1)
	if b := (m1.TotalAlloc - m0.TotalAlloc) / 10; b > 1024 {
		t.Errorf("%d bytes allocated per warm step", b)
	}
}
