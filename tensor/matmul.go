package tensor

import "fmt"

// MatMul returns the matrix product a·b as NumPy's matmul does for
// arrays of rank 2 or more: a is …×m×k, b is …×k×n, and the batch axes in
// front (…) broadcast, so that the result is (broadcast batch)×m×n, each
// matrix the product of the corresponding ones. A transposed view, such
// as b.T(), is multiplied without being copied. The result is a new
// contiguous array. It panics if a rank is below 2, if the inner
// dimensions differ or if the batch axes do not broadcast.
func MatMul[T Float](a, b *Dense[T]) *Dense[T] { return MatMulTo(nil, a, b) }

// MatMulTo is [MatMul] writing into dst and returning it: dst must be
// nil, for a new array, or a contiguous array of the result's shape,
// which must not overlap a or b. Matrices (rank 2) with unit stride along
// one axis are multiplied without allocating.
func MatMulTo[T Float](dst, a, b *Dense[T]) *Dense[T] {
	ra, rb := len(a.shape), len(b.shape)
	if ra < 2 || rb < 2 {
		panic(fmt.Sprintf("tensor: matmul: a is %s and b is %s: both must have at least 2 axes", describe(a.shape), describe(b.shape)))
	}
	m, k := a.shape[ra-2], a.shape[ra-1]
	k2, n := b.shape[rb-2], b.shape[rb-1]
	if k != k2 {
		panic(fmt.Sprintf("tensor: matmul: a is %s but b is %s: inner dimensions %d and %d differ", dims(a.shape), dims(b.shape), k, k2))
	}
	if ra == 2 && rb == 2 {
		return Gemm(dst, false, false, 1, a, b, 0)
	}
	batch := broadcastShapes("matmul", "a's batch axes", a.shape[:ra-2], "b's batch axes", b.shape[:rb-2])
	shape := append(clone(batch), m, n)
	out := dst
	if out == nil {
		out = Zeros[T](shape...)
	}
	checkDst("matmul", out, shape)
	if out.Size() == 0 || k == 0 {
		// Nothing to compute, or sums of no terms, which are 0; and an
		// operand of no elements may have batch strides that point past
		// its data.
		clear(out.data[out.offset : out.offset+out.Size()])
		return out
	}
	// Each operand's matrices must have unit stride along one of their two
	// axes for GEMM; otherwise copy the operand.
	a, ta, lda := gemmLayout(a)
	b, tb, ldb := gemmLayout(b)
	sa := batchStrides(a, batch)
	sb := batchStrides(b, batch)
	st := out.strides[:len(batch)]
	rows(batch, [][]int{st, sa, sb}, []int{out.offset, a.offset, b.offset}, func(cnt int, offs, inner []int) {
		o, i, j := offs[0], offs[1], offs[2]
		for ; cnt > 0; cnt-- {
			gemm(ta, tb, m, n, k, 1, a.data[i:], lda, b.data[j:], ldb, 0, out.data[o:], n)
			o += inner[0]
			i += inner[1]
			j += inner[2]
		}
	})
	return out
}

// gemmLayout returns x, or a contiguous copy of it, with whether its
// matrices (its last two axes) are stored transposed and their leading
// dimension.
func gemmLayout[T Float](x *Dense[T]) (*Dense[T], bool, int) {
	r := len(x.shape)
	rows, cols := x.shape[r-2], x.shape[r-1]
	rs, cs := x.strides[r-2], x.strides[r-1]
	switch {
	case cs == 1 && rs >= max(1, cols):
		return x, false, rs
	case rs == 1 && cs >= max(1, rows):
		return x, true, cs
	case cols == 1 && rs >= 1:
		// A column: stride of the size-1 axis is irrelevant.
		return x, false, max(rs, 1)
	case rows == 1 && cs >= 1:
		return x, true, max(cs, 1)
	}
	c := x.Clone()
	return c, false, max(1, cols)
}

// batchStrides returns the strides of x's batch axes (all but the last
// two) broadcast to batch.
func batchStrides[T Float](x *Dense[T], batch []int) []int {
	r := len(x.shape)
	v := &Dense[T]{shape: x.shape[:r-2], strides: x.strides[:r-2]}
	return broadcastStrides("matmul", "a batch", v, batch)
}
