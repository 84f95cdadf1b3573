package tensor

import (
	"math"
	"math/rand/v2"

	"testing"
)

// indices returns every index of shape in row-major order.
func indices(shape []int) [][]int {
	n := product(shape)
	out := make([][]int, 0, n)
	for p := range n {
		idx := make([]int, len(shape))
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k] = p % shape[k]
			p /= shape[k]
		}
		out = append(out, idx)
	}
	return out
}

// sourceIndex maps an index of a broadcast shape to the index of x that
// NumPy's rules read: leading axes dropped, size-1 axes at 0.
func sourceIndex(xshape, idx []int) []int {
	off := len(idx) - len(xshape)
	src := make([]int, len(xshape))
	for k, d := range xshape {
		if d != 1 {
			src[k] = idx[off+k]
		}
	}
	return src
}

// same reports whether a and b are the same number bit for bit, or both
// NaN.
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// close reports whether got is within tol of want, relative to
// max(1, |want|); NaNs and infinities must match exactly.
func close(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return same(got, want)
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

// randShape returns a random shape of rank 0 to maxRank with sizes 0 to 4
// (0 rarely).
func randShape(r *rand.Rand, maxRank int) []int {
	s := make([]int, r.IntN(maxRank+1))
	for k := range s {
		s[k] = 1 + r.IntN(4)
		if r.IntN(12) == 0 {
			s[k] = 0
		}
	}
	return s
}

// randView returns a random array of the given shape that is often not
// contiguous: a transpose of a contiguous array or a slice of a larger
// one.
func randView[T Float](r *rand.Rand, shape []int) *Dense[T] {
	switch r.IntN(3) {
	case 0:
		rev := clone(shape)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		return RandNormal[T](r, rev...).T()
	case 1:
		if len(shape) > 0 {
			big := clone(shape)
			big[0] += 2
			return RandNormal[T](r, big...).Slice(0, 1, 1+shape[0])
		}
	}
	return RandNormal[T](r, shape...)
}

// mustPanic calls f and checks that it panics with the message want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want %q", want)
			return
		}
		msg, _ := r.(string)
		if msg != want {
			t.Errorf("panic %q\n          want %q", msg, want)
		}
	}()
	f()
}
