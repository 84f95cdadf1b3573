package tensor

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor/internal/kern"
)

// Apply returns the element-wise application of the primitive o of
// package op's table: o(x) for a unary o, whose y must be nil, and o(x, y)
// with x and y broadcast together for a binary o. Every element is
// computed by o's [op.Info.Eval] in float64 (see the package
// documentation), except for Add, Sub, Mul, Div, Exp and Relu, whose
// loops of their own give the same results bit for bit. The result is a
// new contiguous array.
//
// It panics if o is not an element-wise primitive (a leaf, Call or an
// invalid code), if y is nil for a binary o or not nil for a unary one,
// or if x and y do not broadcast.
func Apply[T Float](o op.Op, x, y *Dense[T]) *Dense[T] {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("tensor: apply: %v is not an element-wise primitive", o))
	}
	name := o.Word()
	if x == nil {
		panic(fmt.Sprintf("tensor: %s: x is nil", name))
	}
	if o.Arity() == 1 {
		if y != nil {
			panic(fmt.Sprintf("tensor: %s: %s is unary but y is not nil", name, name))
		}
		return unary(nil, o, x)
	}
	if y == nil {
		panic(fmt.Sprintf("tensor: %s: %s is binary but y is nil", name, name))
	}
	return binary(nil, o, x, y)
}

// The named element-wise operations, each [Apply] of its primitive.

// Add returns x + y, broadcast.
func Add[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Add, x, y) }

// Sub returns x - y, broadcast.
func Sub[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Sub, x, y) }

// Mul returns the element-wise product x·y, broadcast.
func Mul[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Mul, x, y) }

// Div returns the element-wise quotient x/y, broadcast.
func Div[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Div, x, y) }

// Pow returns x^y element-wise, broadcast.
func Pow[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Pow, x, y) }

// Maximum returns the element-wise larger of x and y, broadcast (NaN
// propagates), as NumPy's maximum.
func Maximum[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Max, x, y) }

// Minimum returns the element-wise smaller of x and y, broadcast.
func Minimum[T Float](x, y *Dense[T]) *Dense[T] { return Apply(op.Min, x, y) }

// Neg returns -x.
func Neg[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Neg, x, nil) }

// Exp returns e^x element-wise.
func Exp[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Exp, x, nil) }

// Log returns the natural logarithm of x element-wise.
func Log[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Log, x, nil) }

// Sqrt returns the square root of x element-wise.
func Sqrt[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Sqrt, x, nil) }

// Tanh returns the hyperbolic tangent of x element-wise.
func Tanh[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Tanh, x, nil) }

// Sigmoid returns the logistic function of x element-wise.
func Sigmoid[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Sigmoid, x, nil) }

// Relu returns max(x, 0) element-wise.
func Relu[T Float](x *Dense[T]) *Dense[T] { return Apply(op.Relu, x, nil) }

// unary applies the unary primitive o to x, into out (nil: a new
// array), which has x's shape.
func unary[T Float](out *Dense[T], o op.Op, x *Dense[T]) *Dense[T] {
	if out == nil {
		out = Zeros[T](x.shape...)
	}
	d, s := out.data, x.data
	var k func(n, i, di, j, dj int)
	switch o {
	case op.Exp:
		k = func(n, i, di, j, dj int) {
			for ; n > 0; n-- {
				d[i] = T(math.Exp(float64(s[j])))
				i += di
				j += dj
			}
		}
	case op.Relu:
		k = func(n, i, di, j, dj int) {
			if di == 1 && dj == 1 { // the common case, without branches
				if unsafe.Sizeof(T(0)) == 8 {
					kern.Relu64(as[float64](d[i:i+n]), as[float64](s[j:j+n]))
				} else {
					kern.Relu32(as[float32](d[i:i+n]), as[float32](s[j:j+n]))
				}
				return
			}
			for ; n > 0; n-- {
				v := s[j]
				if v <= 0 {
					v = 0 // and +0 for -0; NaN stays
				}
				d[i] = v
				i += di
				j += dj
			}
		}
	default:
		f := o.Info().Eval
		k = func(n, i, di, j, dj int) {
			for ; n > 0; n-- {
				d[i] = T(f(float64(s[j]), 0))
				i += di
				j += dj
			}
		}
	}
	each2(out.shape, out.strides, out.offset, x.strides, x.offset, k)
	return out
}

// binary applies the binary primitive o to x and y, broadcast, into out
// (nil: a new array), a contiguous array of the broadcast shape.
func binary[T Float](out *Dense[T], o op.Op, x, y *Dense[T]) *Dense[T] {
	name := o.Word()
	shape := broadcastShapes(name, "x", x.shape, "y", y.shape)
	sx := broadcastStrides(name, "x", x, shape)
	sy := broadcastStrides(name, "y", y, shape)
	if out == nil {
		out = Zeros[T](shape...)
	}
	checkDst(name, out, shape)
	d, a, b := out.data, x.data, y.data
	var k func(n, i, j, dj, l, dl int)
	switch o {
	case op.Add:
		k = func(n, i, j, dj, l, dl int) {
			for p := range d[i : i+n] {
				d[i+p] = a[j] + b[l]
				j += dj
				l += dl
			}
		}
	case op.Sub:
		k = func(n, i, j, dj, l, dl int) {
			for p := range d[i : i+n] {
				d[i+p] = a[j] - b[l]
				j += dj
				l += dl
			}
		}
	case op.Mul:
		k = func(n, i, j, dj, l, dl int) {
			for p := range d[i : i+n] {
				d[i+p] = a[j] * b[l]
				j += dj
				l += dl
			}
		}
	case op.Div:
		k = func(n, i, j, dj, l, dl int) {
			for p := range d[i : i+n] {
				d[i+p] = a[j] / b[l]
				j += dj
				l += dl
			}
		}
	default:
		f := o.Info().Eval
		k = func(n, i, j, dj, l, dl int) {
			for p := range d[i : i+n] {
				d[i+p] = T(f(float64(a[j]), float64(b[l])))
				j += dj
				l += dl
			}
		}
	}
	// The output is contiguous, so its inner stride is 1.
	rows(shape, [][]int{out.strides, sx, sy}, []int{out.offset, x.offset, y.offset}, func(n int, offs, inner []int) {
		k(n, offs[0], offs[1], inner[1], offs[2], inner[2])
	})
	return out
}
