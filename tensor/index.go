package tensor

import (
	"fmt"
)

// Concatenate returns the arrays xs joined along axis (negative: from the
// end), as NumPy's concatenate: a new contiguous array whose shape is
// theirs except along axis, where the sizes add up. It panics if xs is
// empty, if the ranks differ, or if another axis differs in size.
func Concatenate[T Float](axis int, xs ...*Dense[T]) *Dense[T] {
	if len(xs) == 0 {
		panic("tensor: concatenate: no arrays")
	}
	first := xs[0]
	if len(first.shape) == 0 {
		panic("tensor: concatenate: xs[0] is a scalar, which has no axis to join along")
	}
	a := first.axis("concatenate", "axis", axis)
	shape := clone(first.shape)
	shape[a] = 0
	for i, x := range xs {
		if len(x.shape) != len(first.shape) {
			panic(fmt.Sprintf("tensor: concatenate: xs[0] is %s but xs[%d] is %s: the ranks differ", describe(first.shape), i, describe(x.shape)))
		}
		for k, d := range x.shape {
			if k != a && d != first.shape[k] {
				panic(fmt.Sprintf("tensor: concatenate: xs[0] is %s but xs[%d] is %s: sizes %d and %d in axis %d differ", describe(first.shape), i, describe(x.shape), first.shape[k], d, k))
			}
		}
		shape[a] += x.shape[a]
	}
	out := Zeros[T](shape...)
	at := 0
	for _, x := range xs {
		n := x.shape[a]
		copyInto(out.Slice(a, at, at+n), x)
		at += n
	}
	return out
}

// IndexSelect returns the entries idx of axis of x (negative: from the
// end), in that order and with repetitions, as NumPy's take with an axis
// and PyTorch's index_select: a new contiguous array whose axis has
// len(idx) entries. It panics if an index is out of range.
func IndexSelect[T Float](x *Dense[T], axis int, idx []int) *Dense[T] {
	if len(x.shape) == 0 {
		panic("tensor: indexselect: x is a scalar, which has no axis to select from")
	}
	a := x.axis("indexselect", "axis", axis)
	shape := clone(x.shape)
	shape[a] = len(idx)
	out := Zeros[T](shape...)
	for k, i := range idx {
		if i < 0 || i >= x.shape[a] {
			panic(fmt.Sprintf("tensor: indexselect: x is %s but idx[%d] = %d is out of range for axis %d", describe(x.shape), k, i, a))
		}
		copyInto(out.Slice(a, k, k+1), x.Slice(a, i, i+1))
	}
	return out
}

// Where returns, element by element, a where cond is true and b where it
// is false, with cond, a and b broadcast together, as NumPy's where. An
// element of cond is true when it is not zero (NaN is true, as in NumPy).
// The result is a new contiguous array.
func Where[T Float](cond, a, b *Dense[T]) *Dense[T] {
	shape := broadcastShapes("where", "cond", cond.shape, "a", a.shape)
	shape = broadcastShapes("where", "cond and a", shape, "b", b.shape)
	sc := broadcastStrides("where", "cond", cond, shape)
	sa := broadcastStrides("where", "a", a, shape)
	sb := broadcastStrides("where", "b", b, shape)
	out := Zeros[T](shape...)
	d, c, x, y := out.data, cond.data, a.data, b.data
	rows(shape, [][]int{out.strides, sc, sa, sb}, []int{0, cond.offset, a.offset, b.offset}, func(n int, offs, inner []int) {
		i, j, k, l := offs[0], offs[1], offs[2], offs[3]
		for ; n > 0; n-- {
			if c[j] != 0 {
				d[i] = x[k]
			} else {
				d[i] = y[l]
			}
			i++
			j += inner[1]
			k += inner[2]
			l += inner[3]
		}
	})
	return out
}

// OneHot returns the len(labels)×classes matrix whose row i is 1 in
// column labels[i] and 0 elsewhere. It panics if a label is not in
// [0, classes).
func OneHot[T Float](labels []int, classes int) *Dense[T] {
	out := Zeros[T](len(labels), classes)
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("tensor: onehot: labels[%d] = %d is not in [0, %d)", i, l, classes))
		}
		out.data[i*classes+l] = 1
	}
	return out
}
