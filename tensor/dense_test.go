package tensor

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestCreate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		x     *Dense[float64]
		shape []int
		data  []float64
	}{
		{"zeros", Zeros[float64](2, 3), []int{2, 3}, []float64{0, 0, 0, 0, 0, 0}},
		{"ones", Ones[float64](3), []int{3}, []float64{1, 1, 1}},
		{"full", Full(2.5, 1, 2), []int{1, 2}, []float64{2.5, 2.5}},
		{"scalar", Scalar(7.0), []int{}, []float64{7}},
		{"zeros scalar", Zeros[float64](), []int{}, []float64{0}},
		{"size 0", Zeros[float64](2, 0, 3), []int{2, 0, 3}, []float64{}},
		{"fromslice", FromSlice([]float64{1, 2, 3, 4, 5, 6}, 3, 2), []int{3, 2}, []float64{1, 2, 3, 4, 5, 6}},
	} {
		if got := tc.x.Shape(); !slices.Equal(got, tc.shape) {
			t.Errorf("%s: shape %v, want %v", tc.name, got, tc.shape)
		}
		if got := tc.x.Data(); !slices.Equal(got, tc.data) {
			t.Errorf("%s: data %v, want %v", tc.name, got, tc.data)
		}
		if tc.x.Size() != len(tc.data) || tc.x.Rank() != len(tc.shape) {
			t.Errorf("%s: size %d rank %d, want %d %d", tc.name, tc.x.Size(), tc.x.Rank(), len(tc.data), len(tc.shape))
		}
	}
	// Shape returns a copy.
	x := Zeros[float32](2, 3)
	x.Shape()[0] = 9
	if x.Dim(0) != 2 || x.Dim(-1) != 3 {
		t.Errorf("Shape's result aliases the array: %v", x.Shape())
	}
}

func TestRandom(t *testing.T) {
	a := RandNormal[float64](rand.New(rand.NewPCG(1, 2)), 4, 5)
	b := RandNormal[float64](rand.New(rand.NewPCG(1, 2)), 4, 5)
	if !slices.Equal(a.Data(), b.Data()) {
		t.Error("RandNormal: the same seed gives different arrays")
	}
	u := RandUniform(rand.New(rand.NewPCG(3, 4)), float32(-2), 3, 1000)
	lo, hi := slices.Min(u.Data()), slices.Max(u.Data())
	if lo < -2 || hi >= 3 || lo > -1.9 || hi < 2.9 {
		t.Errorf("RandUniform(-2, 3): range [%g, %g]", lo, hi)
	}
}

func TestViews(t *testing.T) {
	x := FromSlice([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	xt := x.T()
	if !slices.Equal(xt.Shape(), []int{3, 2}) || xt.At(2, 1) != 5 || xt.At(1, 0) != 1 {
		t.Errorf("T: %v", xt)
	}
	if xt.IsContiguous() {
		t.Error("a transposed matrix is not contiguous")
	}
	if got := xt.Data(); !slices.Equal(got, []float64{0, 3, 1, 4, 2, 5}) {
		t.Errorf("T().Data() = %v", got)
	}
	// Views share elements with their source.
	xt.Set(50, 2, 1)
	if x.At(1, 2) != 50 {
		t.Error("Set through a transpose is not seen by its source")
	}
	s := x.Slice(1, 1, 3)
	if !slices.Equal(s.Data(), []float64{1, 2, 4, 50}) {
		t.Errorf("Slice(1, 1, 3) = %v", s.Data())
	}
	s.Set(-1, 0, 0)
	if x.At(0, 1) != -1 {
		t.Error("Set through a slice is not seen by its source")
	}
	if e := x.Slice(0, 1, 1); e.Size() != 0 || e.String() != "[]" {
		t.Errorf("empty slice %v", e.Shape())
	}
	// Reshape: a view of a contiguous array, a copy otherwise.
	r := x.Reshape(3, -1)
	if !slices.Equal(r.Shape(), []int{3, 2}) {
		t.Errorf("Reshape(3, -1) shape %v", r.Shape())
	}
	r.Set(100, 0, 0)
	if x.At(0, 0) != 100 {
		t.Error("Reshape of a contiguous array copied it")
	}
	c := xt.Reshape(6)
	c.Set(-100, 0)
	if x.At(0, 0) != 100 || !slices.Equal(c.Data(), []float64{-100, 3, -1, 4, 2, 50}) {
		t.Errorf("Reshape of a transpose: %v", c.Data())
	}
	// Data of a contiguous array is its backing slice; Clone copies.
	x.Data()[5] = 7
	if x.At(1, 2) != 7 {
		t.Error("Data of a contiguous array is not its backing slice")
	}
	cl := x.Clone()
	cl.Set(0, 1, 2)
	if x.At(1, 2) != 7 {
		t.Error("Clone shares elements")
	}
	if x.Contiguous() != x || xt.Contiguous() == xt {
		t.Error("Contiguous: wrong identity")
	}
	// Transposes of rank 3, and size-1 axes, which do not count.
	y := FromSlice([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2)
	p := y.Transpose(1, 2, 0)
	if !slices.Equal(p.Shape(), []int{3, 2, 2}) || p.At(2, 1, 0) != y.At(0, 2, 1) {
		t.Errorf("Transpose(1, 2, 0): %v", p.Shape())
	}
	if !Zeros[float64](3, 1).T().IsContiguous() {
		t.Error("the transpose of a column is contiguous")
	}
	if v := Scalar(3.0); v.T().At() != 3 || v.Reshape(1, 1).At(0, 0) != 3 {
		t.Error("a scalar's views")
	}
	b := BroadcastTo(FromSlice([]float64{1, 2}, 2, 1), 3, 2, 4)
	if b.At(2, 1, 3) != 2 || b.Size() != 24 {
		t.Errorf("BroadcastTo: %v", b)
	}
}

func TestMisusePanics(t *testing.T) {
	x := Zeros[float64](2, 3)
	for _, tc := range []struct {
		want string
		f    func()
	}{
		{"tensor: zeros: negative size in shape [2 -1]", func() { Zeros[float64](2, -1) }},
		{"tensor: fromslice: data has 5 elements but shape 2×3 has 6", func() { FromSlice(make([]float64, 5), 2, 3) }},
		{"tensor: at: x is 2×3 but the index [1] has 1 entries", func() { x.At(1) }},
		{"tensor: set: x is 2×3 but the index [2 0] is out of range in axis 0", func() { x.Set(1, 2, 0) }},
		{"tensor: reshape: x is 2×3 (6 elements) but shape 4×2 has 8", func() { x.Reshape(4, 2) }},
		{"tensor: reshape: x is 2×3 (6 elements), which shape [4 -1] cannot hold", func() { x.Reshape(4, -1) }},
		{"tensor: reshape: bad shape [-1 -1]: only one size may be -1, and no other negative", func() { x.Reshape(-1, -1) }},
		{"tensor: transpose: x is 2×3 but the permutation [0] has 1 axes", func() { x.Transpose(0) }},
		{"tensor: transpose: axes [1 1] name axis 1 twice", func() { x.Transpose(1, 1) }},
		{"tensor: slice: x is 2×3 but the range [2, 4) is not within axis 1 of size 3", func() { x.Slice(1, 2, 4) }},
		{"tensor: slice: axis 2 is out of range for an array of rank 2 (2×3)", func() { x.Slice(2, 0, 1) }},
		{"tensor: broadcastto: x is 2×3, which does not broadcast to 4×2: size 3 in the last axis is neither 2 nor 1", func() { BroadcastTo(x, 4, 2) }},
		{"tensor: concatenate: xs[0] is 2×3 but xs[1] is 3×3: sizes 2 and 3 in axis 0 differ", func() { Concatenate(1, x, Zeros[float64](3, 3)) }},
		{"tensor: concatenate: xs[0] is 2×3 but xs[1] is a vector of 3: the ranks differ", func() { Concatenate(0, x, Zeros[float64](3)) }},
		{"tensor: indexselect: x is 2×3 but idx[1] = 3 is out of range for axis 1", func() { IndexSelect(x, 1, []int{0, 3}) }},
		{"tensor: onehot: labels[0] = 4 is not in [0, 4)", func() { OneHot[float32]([]int{4}, 4) }},
	} {
		mustPanic(t, tc.want, tc.f)
	}
}

// TestDataOfEmptyView is a regression test: a slice at the end of an axis
// of an empty array starts past the end of its backing slice, and Data
// panicked on it.
func TestDataOfEmptyView(t *testing.T) {
	x := Zeros[float64](0, 2).Slice(1, 1, 2)
	if d := x.Data(); len(d) != 0 {
		t.Errorf("Data of a %v view: %d elements", x.Shape(), len(d))
	}
	if c := x.Clone(); c.Size() != 0 {
		t.Errorf("Clone of a %v view: %d elements", x.Shape(), c.Size())
	}
}
