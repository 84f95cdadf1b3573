package tensor

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveMatMul multiplies the matrices of a and b (batch axes broadcast)
// with three loops in float64.
func naiveMatMul[T Float](a, b *Dense[T]) *Dense[float64] {
	ra, rb := a.Rank(), b.Rank()
	m, k, n := a.Dim(-2), a.Dim(-1), b.Dim(-1)
	batch := BroadcastShapes(a.shape[:ra-2], b.shape[:rb-2])
	out := Zeros[float64](append(slices.Clone(batch), m, n)...)
	for _, bi := range indices(batch) {
		ai := sourceIndex(a.shape[:ra-2], bi)
		bj := sourceIndex(b.shape[:rb-2], bi)
		for i := range m {
			for j := range n {
				var s float64
				for p := range k {
					s += float64(a.At(append(slices.Clone(ai), i, p)...)) * float64(b.At(append(slices.Clone(bj), p, j)...))
				}
				out.Set(s, append(slices.Clone(bi), i, j)...)
			}
		}
	}
	return out
}

func TestMatMulHand(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	b := FromSlice([]float64{5, 6, 7, 8}, 2, 2)
	for _, tc := range []struct {
		name string
		got  *Dense[float64]
		want string
	}{
		{"a·b", MatMul(a, b), "[[19. 22.]\n [43. 50.]]"},
		{"aᵀ·b", MatMul(a.T(), b), "[[26. 30.]\n [38. 44.]]"},
		{"a·bᵀ", MatMul(a, b.T()), "[[17. 23.]\n [39. 53.]]"},
		{"row·col", MatMul(FromSlice([]float64{1, 2, 3}, 1, 3), FromSlice([]float64{4, 5, 6}, 3, 1)), "[[32.]]"},
		{"col·row", MatMul(FromSlice([]float64{1, 2}, 2, 1), FromSlice([]float64{3, 4}, 1, 2)), "[[3. 4.]\n [6. 8.]]"},
		{"k = 0", MatMul(Zeros[float64](2, 0), Zeros[float64](0, 3)), "[[0. 0. 0.]\n [0. 0. 0.]]"},
		{"m = 0", MatMul(Zeros[float64](0, 2), b), "[]"},
		{"batched", MatMul(Concatenate(0, a.Reshape(1, 2, 2), b.Reshape(1, 2, 2)), a), "[[[ 7. 10.]\n  [15. 22.]]\n\n [[23. 34.]\n  [31. 46.]]]"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, s, tc.want)
		}
	}
}

// TestMatMulNaive compares MatMul with three loops on random sizes
// (including 0 and 1), transposed and sliced views, broadcast batch axes,
// and operands with a stride of 0, which must be copied before GEMM.
func TestMatMulNaive(t *testing.T) {
	testMatMulNaive[float64](t, 1, 1e-13)
	testMatMulNaive[float32](t, 2, 1e-5)
}

func testMatMulNaive[T Float](t *testing.T, seed uint64, tol float64) {
	r := rand.New(rand.NewPCG(seed, 11))
	size := func() int {
		if r.IntN(8) == 0 {
			return r.IntN(2)
		}
		return 1 + r.IntN(17)
	}
	for range 200 {
		m, k, n := size(), size(), size()
		batch := randShape(r, 2)
		ba, bb := slices.Clone(batch), slices.Clone(batch[r.IntN(len(batch)+1):])
		for i := range ba {
			if r.IntN(3) == 0 {
				ba[i] = 1
			}
		}
		var a, b *Dense[T]
		switch r.IntN(4) {
		case 0:
			a = RandNormal[T](r, append(ba, k, m)...)
			a = a.Transpose(append(seq(len(ba)), len(ba)+1, len(ba))...)
		case 1:
			a = BroadcastTo(RandNormal[T](r, append(slices.Clone(ba), m, 1)...), append(ba, m, k)...)
		default:
			a = randView[T](r, append(ba, m, k))
		}
		if r.IntN(2) == 0 {
			b = RandNormal[T](r, append(bb, n, k)...)
			b = b.Transpose(append(seq(len(bb)), len(bb)+1, len(bb))...)
		} else {
			b = randView[T](r, append(bb, k, n))
		}
		got, want := MatMul(a, b), naiveMatMul(a, b)
		if !slices.Equal(got.Shape(), want.Shape()) {
			t.Fatalf("%v·%v: shape %v, want %v", a.Shape(), b.Shape(), got.Shape(), want.Shape())
		}
		g, w := got.Data(), want.Data()
		for i := range g {
			if !close(float64(g[i]), w[i], tol*float64(max(k, 1))) {
				t.Fatalf("%v·%v: element %d is %g, want %g", a.Shape(), b.Shape(), i, g[i], w[i])
			}
		}
	}
}

// seq returns 0, 1, …, n-1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestGEMMLayout checks that row-major matrices and their transposes
// reach GEMM without a copy, and that other strides are copied.
func TestGEMMLayout(t *testing.T) {
	x := Zeros[float32](3, 4, 5)
	for _, tc := range []struct {
		name  string
		x     *Dense[float32]
		copy  bool
		trans bool
		ld    int
	}{
		{"row-major", x, false, false, 5},
		{"transposed", x.Transpose(0, 2, 1), false, true, 5},
		{"column slice", x.Slice(2, 1, 3), false, false, 5},
		{"broadcast rows", BroadcastTo(Zeros[float32](1, 5), 4, 5), true, false, 5},
		{"every other row", x.Reshape(6, 10).Slice(1, 0, 5), false, false, 10},
	} {
		y, trans, ld := gemmLayout(tc.x)
		if (y != tc.x) != tc.copy || trans != tc.trans || ld != tc.ld {
			t.Errorf("%s: copied %v, trans %v, ld %d; want %v, %v, %d", tc.name, y != tc.x, trans, ld, tc.copy, tc.trans, tc.ld)
		}
	}
}

// TestMatMulEmptyInner is a regression test: a batched product whose
// inner dimension is 0 is zeros, and it panicked when an operand of no
// elements had batch strides that were not 0 (a transposed view).
func TestMatMulEmptyInner(t *testing.T) {
	a := Zeros[float64](0, 1, 2).Transpose(2, 1, 0) // 2×1×0, batch stride 1
	b := Ones[float64](1, 0).T()
	c := MatMul(a, b)
	if !slices.Equal(c.Shape(), []int{2, 1, 1}) || c.At(0, 0, 0) != 0 || c.At(1, 0, 0) != 0 {
		t.Errorf("MatMul of 2×1×0 and 0×1: %v", c)
	}
}
