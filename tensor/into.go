package tensor

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor/internal/kern"
)

// The functions of this file write their result into an array given as
// their first argument, dst, as gonum's do: dst nil means a new array;
// otherwise dst must be contiguous and have the result's shape, and it is
// overwritten and returned. They let a caller that runs the same
// computation many times, such as package autograd's tape, reuse its
// buffers: on contiguous arguments of the common shapes they allocate
// nothing. Each gives the same result, bit for bit, as the function of
// the same name without To.

// checkDst panics unless dst is contiguous with the given shape.
func checkDst[T Float](name string, dst *Dense[T], shape []int) {
	if !dst.hasShape(shape) || !dst.IsContiguous() {
		panic(fmt.Sprintf("tensor: %s: dst is %s (contiguous: %v) but the result is %s", name, describe(dst.shape), dst.IsContiguous(), describe(shape)))
	}
}

// hasShape reports whether x has the given shape.
func (x *Dense[T]) hasShape(shape []int) bool {
	if len(x.shape) != len(shape) {
		return false
	}
	for k, d := range shape {
		if x.shape[k] != d {
			return false
		}
	}
	return true
}

// HasShape reports whether x has the given shape, without allocating.
func (x *Dense[T]) HasShape(shape ...int) bool { return x.hasShape(shape) }

// SameShape reports whether x and y have the same shape.
func SameShape[T Float](x, y *Dense[T]) bool { return x.hasShape(y.shape) }

// flat returns the elements of a contiguous x, its backing slice.
func (x *Dense[T]) flat() []T { return x.data[x.offset : x.offset+x.Size()] }

// ApplyTo is [Apply] writing into dst, which may be x or y itself but
// must not otherwise overlap them. Without allocating it computes, on
// contiguous arguments, a unary primitive, and a binary one where x and y
// have the same shape or one of them has the shape of the other's last
// axes (a bias added to every row); the common primitives (Add, Sub, Mul,
// Div, Exp, Relu) run loops of their own there, pinned to op's table by
// the tests, and the others call the table's Eval.
func ApplyTo[T Float](dst *Dense[T], o op.Op, x, y *Dense[T]) *Dense[T] {
	if dst == nil {
		return Apply(o, x, y)
	}
	if !o.IsPrimitive() || x == nil || (o.Arity() == 1) != (y == nil) {
		Apply(o, x, y) // panics, with Apply's message
	}
	if o.Arity() == 1 {
		if !dst.hasShape(x.shape) || !dst.IsContiguous() {
			checkDst(o.Word(), dst, x.shape)
		}
		if !x.IsContiguous() {
			return unary(dst, o, x)
		}
		unaryFlat(o, dst.flat(), x.flat())
		return dst
	}
	if !x.IsContiguous() || !y.IsContiguous() || !dst.IsContiguous() {
		return binary(dst, o, x, y)
	}
	switch {
	case x.hasShape(y.shape) && dst.hasShape(x.shape):
		binaryFlat(o, dst.flat(), x.flat(), y.flat())
	case suffix(y.shape, x.shape) && dst.hasShape(x.shape):
		d, a, b := dst.flat(), x.flat(), y.flat()
		if n := len(b); n > 0 {
			for i := 0; i < len(d); i += n {
				binaryFlat(o, d[i:i+n], a[i:i+n], b)
			}
		}
	case suffix(x.shape, y.shape) && dst.hasShape(y.shape):
		d, a, b := dst.flat(), x.flat(), y.flat()
		if n := len(a); n > 0 {
			for i := 0; i < len(d); i += n {
				binaryFlat(o, d[i:i+n], a, b[i:i+n])
			}
		}
	default:
		return binary(dst, o, x, y)
	}
	return dst
}

// suffix reports whether s is the last axes of t.
func suffix(s, t []int) bool {
	if len(s) > len(t) {
		return false
	}
	for k, d := range s {
		if t[len(t)-len(s)+k] != d {
			return false
		}
	}
	return true
}

// unaryFlat sets d[i] = o(s[i]); d and s have one length.
func unaryFlat[T Float](o op.Op, d, s []T) {
	s = s[:len(d)]
	switch o {
	case op.Exp:
		for i, v := range s {
			d[i] = T(math.Exp(float64(v)))
		}
	case op.Relu:
		// Without branches, which mispredict on half the elements of a
		// convolution's output: v where v > 0 or NaN, else +0, as the
		// strided path of elementwise.go.
		if unsafe.Sizeof(T(0)) == 8 {
			kern.Relu64(as[float64](d), as[float64](s))
		} else {
			kern.Relu32(as[float32](d), as[float32](s))
		}
	default:
		f := o.Info().Eval
		for i, v := range s {
			d[i] = T(f(float64(v), 0))
		}
	}
}

// binaryFlat sets d[i] = o(a[i], b[i]); d, a and b have one length.
func binaryFlat[T Float](o op.Op, d, a, b []T) {
	a, b = a[:len(d)], b[:len(d)]
	switch o {
	case op.Add:
		addFlat(d, a, b)
	case op.Sub:
		for i := range d {
			d[i] = a[i] - b[i]
		}
	case op.Mul:
		for i := range d {
			d[i] = a[i] * b[i]
		}
	case op.Div:
		for i := range d {
			d[i] = a[i] / b[i]
		}
	default:
		f := o.Info().Eval
		for i := range d {
			d[i] = T(f(float64(a[i]), float64(b[i])))
		}
	}
}

// Gemm sets dst = alpha·op(a)·op(b) + beta·dst for matrices (rank 2) and
// returns dst, where op(x) is x, or xᵀ when transA (for a) or transB (for
// b) is set: the transpose is passed to the GEMM kernel as a flag, not
// copied, and so is a transposed view. With beta = 0 the elements of dst
// are not read. dst nil means a new array (and beta is then ignored);
// otherwise dst must be contiguous, of the product's shape, and must not
// overlap a or b. It allocates nothing when a and b have unit stride
// along one of their axes. It panics if a rank is not 2 or the inner
// dimensions differ.
func Gemm[T Float](dst *Dense[T], transA, transB bool, alpha T, a, b *Dense[T], beta T) *Dense[T] {
	if len(a.shape) != 2 || len(b.shape) != 2 {
		panic(fmt.Sprintf("tensor: gemm: a is %s and b is %s: both must be matrices", describe(a.shape), describe(b.shape)))
	}
	m, k := a.shape[0], a.shape[1]
	if transA {
		m, k = k, m
	}
	k2, n := b.shape[0], b.shape[1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("tensor: gemm: op(a) is %d×%d but op(b) is %d×%d: inner dimensions %d and %d differ", m, k, k2, n, k, k2))
	}
	if dst == nil {
		dst, beta = Zeros[T](m, n), 0
	} else if len(dst.shape) != 2 || dst.shape[0] != m || dst.shape[1] != n || !dst.IsContiguous() {
		checkDst("gemm", dst, []int{m, n})
	}
	if m == 0 || n == 0 {
		return dst
	}
	a, ta, lda := gemmLayout(a)
	b, tb, ldb := gemmLayout(b)
	gemm(ta != transA, tb != transB, m, n, k, alpha, a.data[a.offset:], lda, b.data[b.offset:], ldb, beta, dst.data[dst.offset:], n)
	return dst
}

// SumTo is [Sum] writing into dst. It allocates nothing when x is
// contiguous and axes is nil or reduces leading axes (the sum over the
// samples of a batch).
func SumTo[T Float](dst, x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	lead, ok := leadingAxes(x, axes)
	if !ok || dst == nil || !x.IsContiguous() || !dst.IsContiguous() || dst.Size() != sizeAfter(x, lead) || !reducedShape(dst, x, lead, axes == nil, keepdims) {
		s := Sum(x, cloneAxes(axes), keepdims)
		if dst == nil {
			return s
		}
		checkDst("sum", dst, s.shape)
		copy(dst.flat(), s.data)
		return dst
	}
	d, s := dst.flat(), x.flat()
	clear(d)
	if n := len(d); n > 0 {
		for i := 0; i < len(s); i += n {
			addFlat(d, d, s[i:i+n]) // row by row: each element in the rows' order
		}
	}
	return dst
}

// addFlat sets d[i] = a[i] + b[i], vectorised where the CPU allows
// (internal/kern); d may be a or b.
func addFlat[T Float](d, a, b []T) {
	if unsafe.Sizeof(T(0)) == 8 {
		kern.Add64(as[float64](d), as[float64](a), as[float64](b))
	} else {
		kern.Add32(as[float32](d), as[float32](a), as[float32](b))
	}
}

// cloneAxes returns a copy of axes, nil for nil: passed on instead of
// axes, it keeps a caller's axes from escaping to the heap.
func cloneAxes(axes []int) []int {
	if axes == nil {
		return nil
	}
	return clone(axes)
}

// leadingAxes returns the number of leading axes that axes names (all
// for nil), and whether axes is exactly axes 0, …, lead-1 in order.
func leadingAxes[T Float](x *Dense[T], axes []int) (int, bool) {
	if axes == nil {
		return len(x.shape), true
	}
	for k, a := range axes {
		if a < 0 {
			a += len(x.shape)
		}
		if a != k {
			return 0, false
		}
	}
	return len(axes), len(axes) <= len(x.shape)
}

// sizeAfter returns the product of x's sizes from axis lead on.
func sizeAfter[T Float](x *Dense[T], lead int) int { return product(x.shape[lead:]) }

// reducedShape reports whether dst has the shape of a reduction of x
// along its first lead axes (all of them when all).
func reducedShape[T Float](dst, x *Dense[T], lead int, all, keepdims bool) bool {
	r := len(x.shape)
	if keepdims {
		if len(dst.shape) != r {
			return false
		}
		for k := range r {
			want := x.shape[k]
			if k < lead {
				want = 1
			}
			if dst.shape[k] != want {
				return false
			}
		}
		return true
	}
	if all {
		return len(dst.shape) == 0
	}
	return dst.hasShape(x.shape[lead:])
}

// MeanTo is [Mean] writing into dst; see [SumTo].
func MeanTo[T Float](dst, x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	if dst == nil {
		return Mean(x, axes, keepdims)
	}
	lead, ok := leadingAxes(x, axes)
	count := 1
	if ok {
		count = product(x.shape[:lead])
	} else {
		count = newReduction("mean", x, cloneAxes(axes)).count
	}
	SumTo(dst, x, axes, keepdims)
	n := T(count)
	d := dst.flat()
	for i := range d {
		d[i] /= n
	}
	return dst
}

// SoftmaxTo is [Softmax] writing into dst, which may be x itself. It
// allocates nothing when x is contiguous and axis is its last.
func SoftmaxTo[T Float](dst, x *Dense[T], axis int) *Dense[T] {
	ax := x.axis("softmax", "axis", axis)
	if dst == nil || ax != len(x.shape)-1 || !x.IsContiguous() || !dst.IsContiguous() || !dst.hasShape(x.shape) {
		s := Softmax(x, axis)
		if dst == nil {
			return s
		}
		checkDst("softmax", dst, s.shape)
		copy(dst.flat(), s.data)
		return dst
	}
	c := x.shape[ax]
	d, s := dst.flat(), x.flat()
	if c == 0 {
		return dst
	}
	for i := 0; i < len(s); i += c {
		row, out := s[i:i+c], d[i:i+c]
		// As Softmax: exp(x - max) in T, its sum in T, then the quotients.
		m := T(math.Inf(-1))
		for _, v := range row {
			if v > m || v != v {
				m = v
			}
		}
		var sum T
		for j, v := range row {
			e := T(math.Exp(float64(v - m)))
			out[j] = e
			sum += e
		}
		for j := range out {
			out[j] /= sum
		}
	}
	return dst
}

// SoftmaxCrossEntropyTo is [SoftmaxCrossEntropy] writing into dst. It
// allocates nothing when logits is a contiguous matrix.
func SoftmaxCrossEntropyTo[T Float](dst, logits *Dense[T], labels []int) *Dense[T] {
	return SoftmaxCrossEntropyLSETo(dst, nil, logits, labels)
}

// SoftmaxCrossEntropyLSETo is [SoftmaxCrossEntropyTo] that also sets lse
// (nil: not kept), a contiguous vector of one element per row of a
// contiguous 2-D logits, to each row's log Σ exp: the residual that
// [SoftmaxCrossEntropyGradLSETo] takes instead of computing it again. lse
// must be nil unless logits is a contiguous matrix.
func SoftmaxCrossEntropyLSETo[T Float](dst, lse, logits *Dense[T], labels []int) *Dense[T] {
	if dst == nil || len(logits.shape) != 2 || !logits.IsContiguous() || !dst.IsContiguous() || !dst.HasShape(logits.shape[0]) || len(labels) != logits.shape[0] {
		if lse != nil {
			panic(fmt.Sprintf("tensor: softmaxcrossentropy: logits are %s (contiguous: %v): lse is kept only for a contiguous matrix written into a dst", describe(logits.shape), logits.IsContiguous()))
		}
		s := SoftmaxCrossEntropy(logits, labels)
		if dst == nil {
			return s
		}
		checkDst("softmaxcrossentropy", dst, s.shape)
		copy(dst.flat(), s.data)
		return dst
	}
	c := logits.shape[1]
	d, s := dst.flat(), logits.flat()
	var ls []T
	if lse != nil {
		checkLSE("softmaxcrossentropy", lse, len(d))
		ls = lse.flat()
	}
	for i, l := range labels {
		if l < 0 || l >= c {
			panic(fmt.Sprintf("tensor: softmaxcrossentropy: labels[%d] = %d is not in [0, %d)", i, l, c))
		}
		row := s[i*c : i*c+c]
		m := logSumExpRow(row)
		if ls != nil {
			ls[i] = m
		}
		d[i] = m - row[l]
	}
	return dst
}

// checkLSE panics unless lse is a contiguous vector of n elements.
func checkLSE[T Float](name string, lse *Dense[T], n int) {
	if !lse.HasShape(n) || !lse.IsContiguous() {
		panic(fmt.Sprintf("tensor: %s: lse is %s (contiguous: %v), want a contiguous vector of %d", name, describe(lse.shape), lse.IsContiguous(), n))
	}
}

// LogSumExpTo is [LogSumExp] writing into dst (nil: a new array), with
// the same results bit for bit. It allocates nothing when x and dst are
// contiguous and axes are x's last ones in order (or nil: all of them).
func LogSumExpTo[T Float](dst, x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	inner, ok := trailingAxes(x, axes)
	if !ok || inner == 0 || dst == nil || !x.IsContiguous() || !dst.IsContiguous() || !trailingShape(dst, x, len(x.shape)-len(axes), axes == nil, keepdims) {
		l := LogSumExp(x, cloneAxes(axes), keepdims)
		if dst == nil {
			return l
		}
		checkDst("logsumexp", dst, l.shape)
		copy(dst.flat(), l.data)
		return dst
	}
	d, s := dst.flat(), x.flat()
	for i := range d {
		d[i] = logSumExpRow(s[i*inner : (i+1)*inner])
	}
	return dst
}

// trailingAxes returns the number of elements in the trailing axes that
// axes names (all for nil), and whether axes is exactly the last
// len(axes) axes of x in order.
func trailingAxes[T Float](x *Dense[T], axes []int) (int, bool) {
	r := len(x.shape)
	if axes == nil {
		return product(x.shape), true
	}
	if len(axes) > r {
		return 0, false
	}
	first := r - len(axes)
	for k, a := range axes {
		if a < 0 {
			a += r
		}
		if a != first+k {
			return 0, false
		}
	}
	return product(x.shape[first:]), true
}

// trailingShape reports whether dst has the shape of x reduced along its
// axes from first on (all of them if all), with keepdims.
func trailingShape[T Float](dst, x *Dense[T], first int, all, keepdims bool) bool {
	if all {
		first = 0
	}
	r := len(x.shape)
	if !keepdims {
		return dst.hasShape(x.shape[:first])
	}
	if len(dst.shape) != r {
		return false
	}
	for k := range r {
		want := x.shape[k]
		if k >= first {
			want = 1
		}
		if dst.shape[k] != want {
			return false
		}
	}
	return true
}

// logSumExpRow returns log Σ exp(row) as LogSumExp computes it along an
// axis: the maximum m, 0 where it is not finite, the sum of exp(x - m) in
// T, then log(sum) + m.
func logSumExpRow[T Float](row []T) T {
	m := T(math.Inf(-1))
	for _, v := range row {
		if v > m || v != v {
			m = v
		}
	}
	if math.IsInf(float64(m), 0) || m != m {
		m = 0
	}
	var sum T
	for _, v := range row {
		sum += T(math.Exp(float64(v - m)))
	}
	return T(math.Log(float64(sum))) + m
}

// SoftmaxCrossEntropyGradTo sets dst to the gradient with respect to the
// logits of the losses SoftmaxCrossEntropy(logits, labels), row i weighted
// by g's element i: (exp(x - logsumexp(x)) - onehot(labels[i]))·g[i], the
// VJP of tensor/autograd's cross-entropy, computed as its rule composes
// it (Sub, Exp, LogSumExp, Mul) to the bit. The softmax is written
// exp(x - logsumexp(x)) so that in a row with a +Inf logit the finite ones
// get exactly 0, as on the scalar tape. logits must be contiguous and
// 2-D, g contiguous with one element per row; dst nil means a new array.
func SoftmaxCrossEntropyGradTo[T Float](dst, logits *Dense[T], labels []int, g *Dense[T]) *Dense[T] {
	return SoftmaxCrossEntropyGradLSETo(dst, logits, nil, labels, g)
}

// SoftmaxCrossEntropyGradLSETo is [SoftmaxCrossEntropyGradTo] with each
// row's log Σ exp taken from lse (nil: computed here), as
// [SoftmaxCrossEntropyLSETo] kept it for the same logits; the result is
// the same bit for bit, without the second pass of exp and log over the
// logits.
func SoftmaxCrossEntropyGradLSETo[T Float](dst, logits, lse *Dense[T], labels []int, g *Dense[T]) *Dense[T] {
	if len(logits.shape) != 2 || !logits.IsContiguous() || !g.IsContiguous() || g.Size() != logits.shape[0] || len(labels) != logits.shape[0] {
		panic(fmt.Sprintf("tensor: softmaxcrossentropygrad: logits are %s (contiguous: %v), g is %s and there are %d labels: want contiguous 2-D logits, and one element of g and one label per row",
			describe(logits.shape), logits.IsContiguous(), describe(g.shape), len(labels)))
	}
	if dst == nil {
		dst = Zeros[T](logits.shape...)
	}
	checkDst("softmaxcrossentropygrad", dst, logits.shape)
	c := logits.shape[1]
	d, s, gs := dst.flat(), logits.flat(), g.flat()
	var ls []T
	if lse != nil {
		checkLSE("softmaxcrossentropygrad", lse, logits.shape[0])
		ls = lse.flat()
	}
	for i, l := range labels {
		if l < 0 || l >= c {
			panic(fmt.Sprintf("tensor: softmaxcrossentropygrad: labels[%d] = %d is not in [0, %d)", i, l, c))
		}
		row, out := s[i*c:i*c+c], d[i*c:i*c+c]
		var m T
		if ls != nil {
			m = ls[i]
		} else {
			m = logSumExpRow(row)
		}
		for j, v := range row {
			out[j] = T(math.Exp(float64(v - m)))
		}
		out[l] -= 1
		for j := range out {
			out[j] *= gs[i]
		}
	}
	return dst
}

// AddScaledTo sets dst = y + alpha·x element-wise and returns it, as
// gonum's floats.AddScaledTo: the update of plain gradient descent,
// w = w - lr·g, is AddScaledTo(w, w, -lr, g). x and y must have dst's
// shape and all three must be contiguous; dst may be y or x itself. dst
// nil means a new array.
func AddScaledTo[T Float](dst, y *Dense[T], alpha T, x *Dense[T]) *Dense[T] {
	if dst == nil {
		dst = Zeros[T](y.shape...)
	}
	if !x.hasShape(y.shape) || !x.IsContiguous() || !y.IsContiguous() {
		panic(fmt.Sprintf("tensor: addscaled: y is %s and x is %s: both must be contiguous and of one shape", describe(y.shape), describe(x.shape)))
	}
	checkDst("addscaled", dst, y.shape)
	d, a, b := dst.flat(), y.flat(), x.flat()
	a, b = a[:len(d)], b[:len(d)]
	if len(d) == 0 {
		return dst
	}
	// Through the BLAS's vector kernels, whose elements are the bits of
	// the loop d[i] = a[i] + alpha*b[i]: d = a, then d += alpha·b; or,
	// when d is b itself, d = alpha·d, then d += 1·a.
	var impl kernels
	wide := unsafe.Sizeof(T(0)) == 8
	switch {
	case &d[0] == &b[0] && &d[0] != &a[0]:
		if wide {
			impl.Dscal(len(d), float64(alpha), as[float64](d), 1)
			impl.Daxpy(len(d), 1, as[float64](a), 1, as[float64](d), 1)
		} else {
			impl.Sscal(len(d), float32(alpha), as[float32](d), 1)
			impl.Saxpy(len(d), 1, as[float32](a), 1, as[float32](d), 1)
		}
		return dst
	case &d[0] != &a[0]:
		copy(d, a)
	}
	if wide {
		impl.Daxpy(len(d), float64(alpha), as[float64](b), 1, as[float64](d), 1)
	} else {
		impl.Saxpy(len(d), float32(alpha), as[float32](b), 1, as[float32](d), 1)
	}
	return dst
}
