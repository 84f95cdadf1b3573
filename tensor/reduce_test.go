package tensor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveReduce reduces x along the axes marked in red, visiting x's
// elements in row-major order and combining each into its output with f,
// starting from init; the output has the kept shape.
func naiveReduce[T Float](x *Dense[T], red []bool, init T, f func(acc, v T) T) *Dense[T] {
	kept := x.Shape()
	for k := range kept {
		if red[k] {
			kept[k] = 1
		}
	}
	out := Full(init, kept...)
	for _, idx := range indices(x.shape) {
		o := slices.Clone(idx)
		for k := range o {
			if red[k] {
				o[k] = 0
			}
		}
		out.Set(f(out.At(o...), x.At(idx...)), o...)
	}
	return out
}

// TestReduceNaive compares every reduction, on random shapes, views and
// sets of axes, with and without keepdims, with naive loops: Sum and Max
// bit for bit (both add in row-major order), Mean and LogSumExp within
// rounding.
func TestReduceNaive(t *testing.T) {
	testReduceNaive[float64](t, 1, 1e-14)
	testReduceNaive[float32](t, 2, 1e-5)
}

func testReduceNaive[T Float](t *testing.T, seed uint64, tol float64) {
	r := rand.New(rand.NewPCG(seed, 9))
	for range 300 {
		shape := randShape(r, 4)
		x := randView[T](r, shape)
		var axes []int
		red := make([]bool, len(shape))
		if r.IntN(4) == 0 {
			axes = nil
			for k := range red {
				red[k] = true
			}
		} else {
			axes = []int{}
			for k := range shape {
				if r.IntN(2) == 0 {
					red[k] = true
					a := k
					if r.IntN(2) == 0 {
						a -= len(shape)
					}
					axes = append(axes, a)
				}
			}
		}
		count := 1
		var dropped []int
		for k, d := range shape {
			if red[k] {
				count *= d
			} else {
				dropped = append(dropped, d)
			}
		}
		keep := r.IntN(2) == 0
		check := func(name string, got, want *Dense[T], exact bool) {
			t.Helper()
			if !keep {
				want = want.Reshape(dropped...)
			}
			if !slices.Equal(got.Shape(), want.Shape()) {
				t.Fatalf("%s of %v along %v (keepdims %v): shape %v, want %v", name, shape, axes, keep, got.Shape(), want.Shape())
			}
			g, w := got.Data(), want.Data()
			for i := range g {
				if exact && !same(float64(g[i]), float64(w[i])) || !exact && !close(float64(g[i]), float64(w[i]), tol) {
					t.Fatalf("%s of %v along %v: element %d is %g, want %g", name, shape, axes, i, g[i], w[i])
				}
			}
		}
		sum := naiveReduce(x, red, 0, func(a, v T) T { return a + v })
		check("sum", Sum(x, axes, keep), sum, true)
		mean := naiveReduce(x, red, 0, func(a, v T) T { return a + v/T(count) })
		if count == 0 {
			mean = Full(T(math.NaN()), mean.shape...)
		}
		check("mean", Mean(x, axes, keep), mean, false)
		lse := naiveReduce(x, red, 0, func(a, v T) T { return a + T(math.Exp(float64(v))) })
		lse = Log(lse)
		check("logsumexp", LogSumExp(x, axes, keep), lse, false)
		if count > 0 {
			mx := naiveReduce(x, red, T(math.Inf(-1)), func(a, v T) T { return max(a, v) })
			check("max", Max(x, axes, keep), mx, true)
		}
	}
}

func TestReduceHand(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	inf := math.Inf(1)
	for _, tc := range []struct {
		name string
		got  *Dense[float64]
		want string
	}{
		{"sum all", Sum(x, nil, false), "21.0"},
		{"sum all keep", Sum(x, nil, true), "[[21.]]"},
		{"sum 0", Sum(x, []int{0}, false), "[5. 7. 9.]"},
		{"sum -1 keep", Sum(x, []int{-1}, true), "[[ 6.]\n [15.]]"},
		{"sum none", Sum(x, []int{}, false), "[[1. 2. 3.]\n [4. 5. 6.]]"},
		{"sum of a transpose", Sum(x.T(), []int{1}, false), "[5. 7. 9.]"},
		{"sum size 0", Sum(Zeros[float64](0, 2), []int{0}, false), "[0. 0.]"},
		{"sum scalar", Sum(Scalar(3.0), nil, false), "3.0"},
		{"mean", Mean(x, []int{1}, false), "[2. 5.]"},
		{"mean size 0", Mean(Zeros[float64](0), nil, false), "nan"},
		{"max", Max(x, []int{0}, false), "[4. 5. 6.]"},
		{"max nan", Max(FromSlice([]float64{1, math.NaN(), 3}, 3), nil, false), "nan"},
		{"max -inf", Max(FromSlice([]float64{math.Inf(-1)}, 1), nil, false), "-inf"},
		{"logsumexp", LogSumExp(FromSlice([]float64{0, 0}, 2), nil, false), "0.6931471805599453"},
		{"logsumexp large", LogSumExp(FromSlice([]float64{1000, 1000}, 2), nil, false), "1000.6931471805599"},
		{"logsumexp small", LogSumExp(FromSlice([]float64{-1000, -1000}, 2), nil, false), "-999.3068528194401"},
		{"logsumexp -inf", LogSumExp(FromSlice([]float64{-inf, -inf}, 2), nil, false), "-inf"},
		{"logsumexp +inf", LogSumExp(FromSlice([]float64{inf, 0}, 2), nil, false), "inf"},
		{"logsumexp nan", LogSumExp(FromSlice([]float64{math.NaN(), 0}, 2), nil, false), "nan"},
		{"logsumexp empty", LogSumExp(Zeros[float64](2, 0), []int{1}, false), "[-inf -inf]"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, s, tc.want)
		}
	}
	// float32 logsumexp of large values stays finite.
	if got := LogSumExp(FromSlice([]float32{100, 100}, 2), nil, false).At(); math.Abs(float64(got)-100.6931472) > 1e-5 {
		t.Errorf("float32 logsumexp(100, 100) = %g", got)
	}
}
