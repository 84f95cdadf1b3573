package tensor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobackprop/backprop/op"
)

// points are arguments for the comparisons with op's table: ordinary
// numbers, kinks, domain edges and the IEEE special values.
var points = []float64{
	-2.5, -1, -0.5, math.Copysign(0, -1), 0, 0.3, 0.5, 1, 2, 3.7,
	1e-300, -1e300, 1e300, 1e-40, math.Inf(1), math.Inf(-1), math.NaN(),
}

// TestApplyTable checks every element-wise primitive of op's table, in
// both precisions, against the table's Eval bit for bit: x is a column
// and y a row of points, so that a binary primitive meets every pair
// through broadcasting. The fast paths of Add, Sub, Mul, Div, Exp and
// Relu are among them.
func TestApplyTable(t *testing.T) {
	testApplyTable[float64](t)
	testApplyTable[float32](t)
}

func testApplyTable[T Float](t *testing.T) {
	n := len(points)
	xs := make([]T, n)
	for i, p := range points {
		xs[i] = T(p)
	}
	col := FromSlice(xs, n, 1)
	row := FromSlice(slices.Clone(xs), n)
	for _, o := range op.All() {
		f := o.Info().Eval
		if o.Arity() == 1 {
			got := Apply(o, row, nil)
			for i, x := range xs {
				want := T(f(float64(x), 0))
				if g := got.At(i); !same(float64(g), float64(want)) {
					t.Errorf("%T %v(%g) = %g, want %g", x, o, x, g, want)
				}
			}
			continue
		}
		got := Apply(o, col, row)
		if !slices.Equal(got.Shape(), []int{n, n}) {
			t.Fatalf("%v: shape %v", o, got.Shape())
		}
		for i, x := range xs {
			for j, y := range xs {
				want := T(f(float64(x), float64(y)))
				if g := got.At(i, j); !same(float64(g), float64(want)) {
					t.Errorf("%T %v(%g, %g) = %g, want %g", x, o, x, y, g, want)
				}
			}
		}
	}
}

// TestFastPathsRandom pins the fast paths to the table on many random
// float32 and float64 pairs, where double rounding would show.
func TestFastPathsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, o := range []op.Op{op.Add, op.Sub, op.Mul, op.Div, op.Exp, op.Relu} {
		f := o.Info().Eval
		for _, scale := range []float64{1, 1e-30, 1e30} {
			x32 := RandNormal[float32](r, 1000)
			y32 := RandNormal[float32](r, 1000)
			x64 := RandNormal[float64](r, 1000)
			y64 := RandNormal[float64](r, 1000)
			for i := range 1000 {
				x32.data[i] *= float32(scale)
				x64.data[i] *= scale
			}
			var g32 *Dense[float32]
			var g64 *Dense[float64]
			if o.Arity() == 1 {
				g32, g64 = Apply(o, x32, nil), Apply(o, x64, nil)
			} else {
				g32, g64 = Apply(o, x32, y32), Apply(o, x64, y64)
			}
			for i := range 1000 {
				w32 := float32(f(float64(x32.data[i]), float64(y32.data[i])))
				w64 := f(x64.data[i], y64.data[i])
				if !same(float64(g32.data[i]), float64(w32)) || !same(g64.data[i], w64) {
					t.Fatalf("%v at %d: float32 %g want %g, float64 %g want %g", o, i, g32.data[i], w32, g64.data[i], w64)
				}
			}
		}
	}
}

// TestBroadcastNaive compares binary operations on random broadcastable
// shapes, through random views, with a loop over the output's indices
// that applies NumPy's rules one index at a time.
func TestBroadcastNaive(t *testing.T) {
	testBroadcastNaive[float64](t, 1)
	testBroadcastNaive[float32](t, 2)
}

func testBroadcastNaive[T Float](t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	for range 300 {
		out := randShape(r, 4)
		operand := func() []int {
			s := slices.Clone(out[r.IntN(len(out)+1):])
			for k := range s {
				if r.IntN(3) == 0 {
					s[k] = 1
				}
			}
			return s
		}
		xs, ys := operand(), operand()
		x, y := randView[T](r, xs), randView[T](r, ys)
		want := BroadcastShapes(xs, ys)
		for _, o := range []op.Op{op.Add, op.Sub, op.Mul, op.Div, op.Atan2, op.Max, op.Pow} {
			got := Apply(o, x, y)
			if !slices.Equal(got.Shape(), want) {
				t.Fatalf("%v: %v and %v give %v, want %v", o, xs, ys, got.Shape(), want)
			}
			for _, idx := range indices(want) {
				w := T(o.Eval(float64(x.At(sourceIndex(xs, idx)...)), float64(y.At(sourceIndex(ys, idx)...))))
				if g := got.At(idx...); !same(float64(g), float64(w)) {
					t.Fatalf("%v: %v and %v at %v: %g, want %g", o, xs, ys, idx, g, w)
				}
			}
		}
		u := Apply(op.Sin, x, nil)
		for _, idx := range indices(xs) {
			if g, w := u.At(idx...), T(math.Sin(float64(x.At(idx...)))); !same(float64(g), float64(w)) {
				t.Fatalf("sin of %v at %v: %g, want %g", xs, idx, g, w)
			}
		}
	}
}

func TestBroadcastShapes(t *testing.T) {
	for _, tc := range []struct {
		a, b, want []int
	}{
		{[]int{}, []int{}, []int{}},
		{[]int{2, 3}, []int{}, []int{2, 3}},
		{[]int{2, 3}, []int{3}, []int{2, 3}},
		{[]int{2, 1}, []int{1, 3}, []int{2, 3}},
		{[]int{4, 1, 3}, []int{5, 1}, []int{4, 5, 3}},
		{[]int{0}, []int{1}, []int{0}},
		{[]int{2, 0}, []int{2, 1}, []int{2, 0}},
		{[]int{1, 0}, []int{3, 1}, []int{3, 0}},
		{[]int{8, 1, 6, 1}, []int{7, 1, 5}, []int{8, 7, 6, 5}},
	} {
		if got := BroadcastShapes(tc.a, tc.b); !slices.Equal(got, tc.want) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := BroadcastShapes(tc.b, tc.a); !slices.Equal(got, tc.want) {
			t.Errorf("BroadcastShapes(%v, %v) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
	mustPanic(t, "tensor: broadcastshapes: shape 0 is a vector of 0 but shape 1 is a vector of 2: sizes 0 and 2 in the last axis differ and neither is 1",
		func() { BroadcastShapes([]int{0}, []int{2}) })
	mustPanic(t, "tensor: broadcastshapes: shape 0 is 2×1 but shape 1 is 3×1: sizes 2 and 3 in axis 2 from the end differ and neither is 1",
		func() { BroadcastShapes([]int{2, 1}, []int{3, 1}) })
}

// TestNamedOps checks the named operations on hand-computed results.
func TestNamedOps(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	col := FromSlice([]float64{10, 20}, 2, 1)
	for _, tc := range []struct {
		name string
		got  *Dense[float64]
		want string
	}{
		{"add row", Add(x, FromSlice([]float64{1, 0, -1}, 3)), "[[2. 2. 2.]\n [5. 5. 5.]]"},
		{"sub col", Sub(x, col), "[[ -9.  -8.  -7.]\n [-16. -15. -14.]]"},
		{"mul scalar", Mul(x, Scalar(0.5)), "[[0.5 1.  1.5]\n [2.  2.5 3. ]]"},
		{"div", Div(x, x), "[[1. 1. 1.]\n [1. 1. 1.]]"},
		{"pow", Pow(x, Scalar(2.0)), "[[ 1.  4.  9.]\n [16. 25. 36.]]"},
		{"maximum", Maximum(x, Scalar(3.5)), "[[3.5 3.5 3.5]\n [4.  5.  6. ]]"},
		{"minimum", Minimum(x, Scalar(3.5)), "[[1.  2.  3. ]\n [3.5 3.5 3.5]]"},
		{"neg", Neg(x.Slice(0, 0, 1)), "[[-1. -2. -3.]]"},
		{"relu", Relu(Sub(x, Scalar(3.0))), "[[0. 0. 0.]\n [1. 2. 3.]]"},
		{"exp log", Log(Exp(FromSlice([]float64{0, 1}, 2))), "[0. 1.]"},
		{"sqrt", Sqrt(FromSlice([]float64{4, 9}, 2)), "[2. 3.]"},
		{"tanh", Tanh(Scalar(0.0)), "0.0"},
		{"sigmoid", Sigmoid(FromSlice([]float64{0}, 1)), "[0.5]"},
		{"size 0", Add(Zeros[float64](0, 3), FromSlice([]float64{1, 2, 3}, 3)), "[]"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, s, tc.want)
		}
	}
	if s := Add(Zeros[float64](0, 3), Ones[float64](3)).Shape(); !slices.Equal(s, []int{0, 3}) {
		t.Errorf("size-0 broadcast: shape %v", s)
	}
	// Results share nothing with their arguments.
	y := Add(x, Scalar(0.0))
	y.Set(100, 0, 0)
	if x.At(0, 0) != 1 {
		t.Error("Add's result aliases its argument")
	}
}
