package tensor

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Float is the constraint of the element types: float32, float64, and
// types defined on them.
type Float interface{ ~float32 | ~float64 }

// Dense is a dense array of any rank, in row-major order. Its element i_0,
// …, i_{n-1} is data[offset + Σ i_k·strides[k]]. The zero Dense is not
// usable; make arrays with the creation functions ([Zeros], [FromSlice],
// …). Methods that return arrays say whether the result is a view that
// shares the receiver's elements; see the package documentation.
type Dense[T Float] struct {
	shape   []int
	strides []int
	data    []T
	offset  int
}

// Zeros returns a new contiguous array of the given shape filled with
// zeros. No shape is a scalar. It panics if a size is negative.
func Zeros[T Float](shape ...int) *Dense[T] {
	n := sizeOf("zeros", shape)
	return &Dense[T]{shape: clone(shape), strides: rowMajor(shape), data: make([]T, n)}
}

// Ones returns a new contiguous array of the given shape filled with ones.
func Ones[T Float](shape ...int) *Dense[T] { return Full[T](1, shape...) }

// Full returns a new contiguous array of the given shape filled with v.
func Full[T Float](v T, shape ...int) *Dense[T] {
	x := Zeros[T](shape...)
	for i := range x.data {
		x.data[i] = v
	}
	return x
}

// Scalar returns a new array of rank 0 holding v.
func Scalar[T Float](v T) *Dense[T] { return Full(v) }

// FromSlice returns an array of the given shape whose elements, in
// row-major order, are data. The array keeps data, without copying it:
// writes to either are seen by the other. It panics if len(data) is not
// the product of the sizes.
func FromSlice[T Float](data []T, shape ...int) *Dense[T] {
	n := sizeOf("fromslice", shape)
	if len(data) != n {
		panic(fmt.Sprintf("tensor: fromslice: data has %d elements but shape %s has %d", len(data), dims(shape), n))
	}
	return &Dense[T]{shape: clone(shape), strides: rowMajor(shape), data: data}
}

// RandNormal returns a new array of the given shape whose elements are
// drawn from the standard normal distribution with r.
func RandNormal[T Float](r *rand.Rand, shape ...int) *Dense[T] {
	x := Zeros[T](shape...)
	for i := range x.data {
		x.data[i] = T(r.NormFloat64())
	}
	return x
}

// RandUniform returns a new array of the given shape whose elements are
// drawn uniformly from [lo, hi) with r. (For float32, rounding may give
// hi itself when hi - lo is large.)
func RandUniform[T Float](r *rand.Rand, lo, hi T, shape ...int) *Dense[T] {
	x := Zeros[T](shape...)
	w := float64(hi) - float64(lo)
	for i := range x.data {
		x.data[i] = T(float64(lo) + w*r.Float64())
	}
	return x
}

// Shape returns the sizes of the axes of x, in a slice the caller may
// keep and change.
func (x *Dense[T]) Shape() []int { return clone(x.shape) }

// Rank returns the number of axes of x: 0 for a scalar.
func (x *Dense[T]) Rank() int { return len(x.shape) }

// Dim returns the size of axis i of x; a negative i counts from the end.
func (x *Dense[T]) Dim(i int) int { return x.shape[x.axis("dim", "i", i)] }

// Size returns the number of elements of x: the product of its sizes, 1
// for a scalar.
func (x *Dense[T]) Size() int { return product(x.shape) }

// IsContiguous reports whether the elements of x are stored in row-major
// order without gaps, so that [Dense.Data] returns the backing slice.
func (x *Dense[T]) IsContiguous() bool {
	want := 1
	for k := len(x.shape) - 1; k >= 0; k-- {
		if x.shape[k] == 0 {
			return true
		}
		if x.shape[k] != 1 && x.strides[k] != want {
			return false
		}
		want *= x.shape[k]
	}
	return true
}

// Data returns the elements of x in row-major order. When x is
// contiguous the result is x's backing slice: writes to it change x and
// every view sharing x's elements. Otherwise it is a new slice. Call
// [Dense.Clone] first for a slice that is certainly x's alone.
func (x *Dense[T]) Data() []T {
	if x.Size() == 0 {
		// A view of no elements may start past the end of its backing
		// slice (a slice at the end of an axis of an empty array).
		return x.data[:0:0]
	}
	if x.IsContiguous() {
		return x.data[x.offset : x.offset+x.Size() : x.offset+x.Size()]
	}
	return x.Clone().data
}

// Clone returns a new contiguous array with the shape and elements of x,
// sharing nothing with it.
func (x *Dense[T]) Clone() *Dense[T] {
	out := Zeros[T](x.shape...)
	copyInto(out, x)
	return out
}

// Contiguous returns x when it is contiguous and a contiguous copy of it
// otherwise.
func (x *Dense[T]) Contiguous() *Dense[T] {
	if x.IsContiguous() {
		return x
	}
	return x.Clone()
}

// At returns the element of x at the index idx, one entry per axis (none
// for a scalar). It panics if the index has the wrong length or is out of
// range.
func (x *Dense[T]) At(idx ...int) T { return x.data[x.index("at", idx)] }

// Set sets the element of x at the index idx to v. Views that share the
// element see the change.
func (x *Dense[T]) Set(v T, idx ...int) { x.data[x.index("set", idx)] = v }

// index returns the position in data of the element at idx.
func (x *Dense[T]) index(name string, idx []int) int {
	if len(idx) != len(x.shape) {
		panic(fmt.Sprintf("tensor: %s: x is %s but the index %v has %d entries", name, describe(x.shape), idx, len(idx)))
	}
	p := x.offset
	for k, i := range idx {
		if i < 0 || i >= x.shape[k] {
			panic(fmt.Sprintf("tensor: %s: x is %s but the index %v is out of range in axis %d", name, describe(x.shape), idx, k))
		}
		p += i * x.strides[k]
	}
	return p
}

// Reshape returns an array with the elements of x in row-major order and
// the given shape; one size may be -1, to be inferred. The result is a
// view of x when x is contiguous and a copy otherwise. It panics if the
// sizes do not multiply to x's size.
func (x *Dense[T]) Reshape(shape ...int) *Dense[T] {
	shape = clone(shape)
	n, infer := 1, -1
	for k, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = k
		case d < 0:
			panic(fmt.Sprintf("tensor: reshape: bad shape %v: only one size may be -1, and no other negative", shape))
		default:
			n *= d
		}
	}
	size := x.Size()
	if infer >= 0 {
		if n == 0 || size%n != 0 {
			panic(fmt.Sprintf("tensor: reshape: x is %s (%d elements), which shape %v cannot hold", describe(x.shape), size, shape))
		}
		shape[infer] = size / n
		n = size
	}
	if n != size {
		panic(fmt.Sprintf("tensor: reshape: x is %s (%d elements) but shape %s has %d", describe(x.shape), size, dims(shape), n))
	}
	c := x.Contiguous()
	return &Dense[T]{shape: shape, strides: rowMajor(shape), data: c.data, offset: c.offset}
}

// T returns the view of x with its axes in reverse order: the transpose
// of a matrix. A vector or a scalar is its own transpose.
func (x *Dense[T]) T() *Dense[T] {
	axes := make([]int, len(x.shape))
	for k := range axes {
		axes[k] = len(axes) - 1 - k
	}
	return x.Transpose(axes...)
}

// Transpose returns the view of x whose axis k is x's axis axes[k]. With
// no axes it reverses them, as [Dense.T]. It panics unless axes is a
// permutation of 0, …, rank-1 (negative axes count from the end).
func (x *Dense[T]) Transpose(axes ...int) *Dense[T] {
	if len(axes) == 0 && len(x.shape) > 0 {
		return x.T()
	}
	if len(axes) != len(x.shape) {
		panic(fmt.Sprintf("tensor: transpose: x is %s but the permutation %v has %d axes", describe(x.shape), axes, len(axes)))
	}
	seen := make([]bool, len(axes))
	v := &Dense[T]{shape: make([]int, len(axes)), strides: make([]int, len(axes)), data: x.data, offset: x.offset}
	for k, a := range axes {
		a = x.axis("transpose", "axes", a)
		if seen[a] {
			panic(fmt.Sprintf("tensor: transpose: axes %v name axis %d twice", axes, a))
		}
		seen[a] = true
		v.shape[k], v.strides[k] = x.shape[a], x.strides[a]
	}
	return v
}

// Slice returns the view of x made of the entries lo to hi-1 of axis
// (negative: from the end). It panics unless 0 ≤ lo ≤ hi ≤ the size of
// the axis.
func (x *Dense[T]) Slice(axis, lo, hi int) *Dense[T] {
	a := x.axis("slice", "axis", axis)
	if lo < 0 || lo > hi || hi > x.shape[a] {
		panic(fmt.Sprintf("tensor: slice: x is %s but the range [%d, %d) is not within axis %d of size %d", describe(x.shape), lo, hi, a, x.shape[a]))
	}
	v := &Dense[T]{shape: clone(x.shape), strides: clone(x.strides), data: x.data, offset: x.offset}
	v.shape[a] = hi - lo
	if hi > lo {
		v.offset += lo * x.strides[a]
	}
	return v
}

// axis returns axis a of x, counting from the end when negative, or
// panics naming the operation and the argument.
func (x *Dense[T]) axis(name, arg string, a int) int {
	return normAxis(name, arg, a, x.shape)
}

func normAxis(name, arg string, a int, shape []int) int {
	r := len(shape)
	if a < -r || a >= r {
		panic(fmt.Sprintf("tensor: %s: %s %d is out of range for an array of rank %d (%s)", name, arg, a, r, describe(shape)))
	}
	if a < 0 {
		a += r
	}
	return a
}

// copyInto copies the elements of src into dst, of the same shape.
func copyInto[T Float](dst, src *Dense[T]) {
	each2(dst.shape, dst.strides, dst.offset, src.strides, src.offset, func(n, i, di, j, dj int) {
		for ; n > 0; n-- {
			dst.data[i] = src.data[j]
			i += di
			j += dj
		}
	})
}

// rowMajor returns the contiguous row-major strides of shape.
func rowMajor(shape []int) []int {
	s := make([]int, len(shape))
	st := 1
	for k := len(shape) - 1; k >= 0; k-- {
		s[k] = st
		st *= shape[k]
	}
	return s
}

// sizeOf returns the product of shape, or panics if a size is negative.
func sizeOf(name string, shape []int) int {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: %s: negative size in shape %v", name, shape))
		}
	}
	return product(shape)
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func clone(s []int) []int { return append(make([]int, 0, len(s)), s...) }

// dims writes a shape as 64×784, and a scalar's as ().
func dims(shape []int) string {
	if len(shape) == 0 {
		return "()"
	}
	var b strings.Builder
	for k, d := range shape {
		if k > 0 {
			b.WriteString("×")
		}
		b.WriteString(strconv.Itoa(d))
	}
	return b.String()
}

// describe writes a shape for a message: "64×784", "a vector of 5",
// "a scalar".
func describe(shape []int) string {
	switch len(shape) {
	case 0:
		return "a scalar"
	case 1:
		return "a vector of " + strconv.Itoa(shape[0])
	}
	return dims(shape)
}
