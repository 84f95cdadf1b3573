package tensor

import (
	"math"
	"testing"
)

func TestIndexOps(t *testing.T) {
	x := FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	for _, tc := range []struct {
		name string
		got  *Dense[float64]
		want string
	}{
		{"concatenate 0", Concatenate(0, x, x.Slice(0, 1, 2)), "[[1. 2. 3.]\n [4. 5. 6.]\n [4. 5. 6.]]"},
		{"concatenate -1", Concatenate(-1, x, Zeros[float64](2, 0), x.Slice(1, 0, 1)), "[[1. 2. 3. 1.]\n [4. 5. 6. 4.]]"},
		{"concatenate one", Concatenate(0, x.T()), "[[1. 4.]\n [2. 5.]\n [3. 6.]]"},
		{"indexselect", IndexSelect(x, 1, []int{2, 0, 2}), "[[3. 1. 3.]\n [6. 4. 6.]]"},
		{"indexselect none", IndexSelect(x, 0, nil), "[]"},
		{"indexselect rows", IndexSelect(x.T(), 0, []int{1}), "[[2. 5.]]"},
		{"where", Where(FromSlice([]float64{1, 0, math.NaN()}, 3), x, Scalar(-1.0)), "[[ 1. -1.  3.]\n [ 4. -1.  6.]]"},
		{"where column", Where(FromSlice([]float64{0, 2}, 2, 1), x, Neg(x)), "[[-1. -2. -3.]\n [ 4.  5.  6.]]"},
		{"onehot", OneHot[float64]([]int{2, 0}, 3), "[[0. 0. 1.]\n [1. 0. 0.]]"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, s, tc.want)
		}
	}
	if s := IndexSelect(x, 0, nil).Shape(); len(s) != 2 || s[0] != 0 || s[1] != 3 {
		t.Errorf("IndexSelect with no indices: shape %v", s)
	}
	mustPanic(t, "tensor: where: cond is a vector of 2 but a is 2×3: sizes 2 and 3 in the last axis differ and neither is 1",
		func() { Where(Zeros[float64](2), x, x) })
	mustPanic(t, "tensor: concatenate: no arrays", func() { Concatenate[float64](0) })
}
