package tensor

import (
	"fmt"
	"math"
)

// Sum returns the sums of x along axes (negative: from the end; nil: all
// of them), as NumPy's sum: the reduced axes are dropped, or kept with
// size 1 when keepdims is true. The sum over no elements is 0. Elements
// are added in row-major order, in T. It panics if an axis is out of range
// or repeated.
func Sum[T Float](x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	r := newReduction("sum", x, axes)
	out := Zeros[T](r.kept...)
	d, s := out.data, x.data
	reduceRun(r, x, out, func(n, i, di, j, dj int) {
		for ; n > 0; n-- {
			d[i] += s[j]
			i += di
			j += dj
		}
	})
	return reduceResult(r, out, keepdims)
}

// Mean returns the means of x along axes, as [Sum] does the sums: the sum
// divided by the number of elements summed, NaN when there are none.
func Mean[T Float](x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	r := newReduction("mean", x, axes)
	s := Sum(x, axes, keepdims)
	n := T(r.count)
	for i := range s.data {
		s.data[i] /= n
	}
	return s
}

// Max returns the largest elements of x along axes, as [Sum] does the
// sums; NaN propagates. It panics if an axis to reduce has size 0, since
// the maximum of no elements is undefined (NumPy raises an error too).
func Max[T Float](x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	r := newReduction("max", x, axes)
	if r.count == 0 {
		panic(fmt.Sprintf("tensor: max: x is %s: the maximum over an axis of size 0 is undefined", describe(x.shape)))
	}
	out := Full(T(math.Inf(-1)), r.kept...)
	d, s := out.data, x.data
	reduceRun(r, x, out, func(n, i, di, j, dj int) {
		for ; n > 0; n-- {
			if v := s[j]; v > d[i] || v != v {
				d[i] = v
			}
			i += di
			j += dj
		}
	})
	return reduceResult(r, out, keepdims)
}

// LogSumExp returns log(Σ exp(x)) along axes, as [Sum] does the sums,
// computed stably as m + log(Σ exp(x - m)) with m the maximum (0 where
// the maximum is not finite): it is finite wherever the result is, -Inf
// over no elements or only -Inf, +Inf when an element is +Inf.
func LogSumExp[T Float](x *Dense[T], axes []int, keepdims bool) *Dense[T] {
	r := newReduction("logsumexp", x, axes)
	if r.count == 0 {
		return reduceResult(r, Full(T(math.Inf(-1)), r.kept...), keepdims)
	}
	m := Max(x, axes, true)
	for i, v := range m.data {
		if math.IsInf(float64(v), 0) || v != v {
			m.data[i] = 0
		}
	}
	s := Sum(Exp(Sub(x, m)), axes, true)
	for i, v := range s.data {
		s.data[i] = T(math.Log(float64(v))) + m.data[i]
	}
	return reduceResult(r, s, keepdims)
}

// reduction is the shapes of a reduction of x along some axes.
type reduction struct {
	kept    []int  // x's shape with the reduced axes of size 1
	dropped []int  // x's shape without the reduced axes
	reduce  []bool // per axis of x: reduced or not
	count   int    // the number of elements reduced into each result
}

func newReduction[T Float](name string, x *Dense[T], axes []int) *reduction {
	r := &reduction{reduce: make([]bool, len(x.shape)), count: 1}
	if axes == nil {
		for k := range r.reduce {
			r.reduce[k] = true
		}
	}
	for _, a := range axes {
		k := x.axis(name, "axis", a)
		if r.reduce[k] {
			panic(fmt.Sprintf("tensor: %s: axes %v name axis %d twice", name, axes, k))
		}
		r.reduce[k] = true
	}
	for k, d := range x.shape {
		if r.reduce[k] {
			r.kept = append(r.kept, 1)
			r.count *= d
		} else {
			r.kept = append(r.kept, d)
			r.dropped = append(r.dropped, d)
		}
	}
	return r
}

// reduceRun calls f over the rows of x, with out (of the kept shape)
// seen through stride 0 along the reduced axes as the first operand.
func reduceRun[T Float](r *reduction, x, out *Dense[T], f func(n, i, di, j, dj int)) {
	st := make([]int, len(x.shape))
	for k := range st {
		if !r.reduce[k] {
			st[k] = out.strides[k]
		}
	}
	each2(x.shape, st, 0, x.strides, x.offset, f)
}

// reduceResult returns out, of the kept shape, with the reduced axes
// dropped unless keepdims.
func reduceResult[T Float](r *reduction, out *Dense[T], keepdims bool) *Dense[T] {
	if keepdims {
		return out
	}
	return &Dense[T]{shape: clone(r.dropped), strides: rowMajor(r.dropped), data: out.data}
}
