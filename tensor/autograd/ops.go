package autograd

import (
	"fmt"
	"slices"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// Apply records the element-wise primitive o of package op's table:
// o(x) for a unary o (pass no y), o(x, y) broadcast for a binary one. It
// panics as [tensor.Apply] does, and if y is missing for a binary o.
func Apply[T tensor.Float](o op.Op, x Var[T], y ...Var[T]) Var[T] {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("autograd: apply: %v is not an element-wise primitive", o))
	}
	if len(y) != o.Arity()-1 {
		panic(fmt.Sprintf("autograd: %s: %s takes %d arguments, not %d", o.Word(), o.Word(), o.Arity(), 1+len(y)))
	}
	xs := [2]Var[T]{x}
	copy(xs[1:], y)
	return apply(o.Word(), elementwise, param[T]{op: o}, xs[:1+len(y)]...)
}

// Add records x + y, broadcast.
func Add[T tensor.Float](x, y Var[T]) Var[T] { return Apply(op.Add, x, y) }

// Sub records x - y, broadcast.
func Sub[T tensor.Float](x, y Var[T]) Var[T] { return Apply(op.Sub, x, y) }

// Mul records the element-wise product x·y, broadcast.
func Mul[T tensor.Float](x, y Var[T]) Var[T] { return Apply(op.Mul, x, y) }

// Div records the element-wise quotient x/y, broadcast.
func Div[T tensor.Float](x, y Var[T]) Var[T] { return Apply(op.Div, x, y) }

// Exp records e^x element-wise.
func Exp[T tensor.Float](x Var[T]) Var[T] { return Apply(op.Exp, x) }

// Log records the natural logarithm of x element-wise.
func Log[T tensor.Float](x Var[T]) Var[T] { return Apply(op.Log, x) }

// Tanh records the hyperbolic tangent of x element-wise.
func Tanh[T tensor.Float](x Var[T]) Var[T] { return Apply(op.Tanh, x) }

// Relu records max(x, 0) element-wise, with relu'(0) = 0.
func Relu[T tensor.Float](x Var[T]) Var[T] { return Apply(op.Relu, x) }

// MatMul records the matrix product a·b, as [tensor.MatMul].
func MatMul[T tensor.Float](a, b Var[T]) Var[T] { return apply("matmul", matmul, param[T]{}, a, b) }

// Sum records the sums of x along axes (nil: all), as [tensor.Sum].
func Sum[T tensor.Float](x Var[T], axes []int, keepdims bool) Var[T] {
	return apply("sum", sum, param[T]{axes: slices.Clone(axes), keep: keepdims}, x)
}

// Mean records the means of x along axes (nil: all), as [tensor.Mean].
func Mean[T tensor.Float](x Var[T], axes []int, keepdims bool) Var[T] {
	return apply("mean", mean, param[T]{axes: slices.Clone(axes), keep: keepdims}, x)
}

// LogSumExp records log Σ exp(x) along axes (nil: all), as
// [tensor.LogSumExp].
func LogSumExp[T tensor.Float](x Var[T], axes []int, keepdims bool) Var[T] {
	return apply("logsumexp", logsumexp, param[T]{axes: slices.Clone(axes), keep: keepdims}, x)
}

// Reshape records x with a new shape, as [tensor.Dense.Reshape].
func Reshape[T tensor.Float](x Var[T], shape ...int) Var[T] {
	// The slot's shape of the step before is free: the record that held
	// it is gone.
	s := x.tape("reshape").slot()
	return apply("reshape", reshape, param[T]{axes: append(s.param.axes[:0], shape...)}, x)
}

// Transpose records x with its axes permuted (none: reversed), as
// [tensor.Dense.Transpose].
func Transpose[T tensor.Float](x Var[T], axes ...int) Var[T] {
	if len(axes) == 0 {
		r := x.Value().Rank()
		for k := range r {
			axes = append(axes, r-1-k)
		}
	}
	r := x.Value().Rank()
	perm := make([]int, len(axes))
	for k, a := range axes {
		if a < 0 {
			a += r
		}
		perm[k] = a
	}
	return apply("transpose", transpose, param[T]{axes: perm}, x)
}

// Softmax records the softmax of x along axis, as [tensor.Softmax].
func Softmax[T tensor.Float](x Var[T], axis int) Var[T] {
	return apply("softmax", softmax, param[T]{axes: []int{axis}}, x)
}

// LogSoftmax records the log-softmax of x along axis, as
// [tensor.LogSoftmax].
func LogSoftmax[T tensor.Float](x Var[T], axis int) Var[T] {
	return apply("logsoftmax", logsoftmax, param[T]{axes: []int{axis}}, x)
}

// SoftmaxCrossEntropy records the cross-entropy losses of logits against
// integer labels, as [tensor.SoftmaxCrossEntropy]; the labels are kept.
func SoftmaxCrossEntropy[T tensor.Float](logits Var[T], labels []int) Var[T] {
	return apply("softmaxcrossentropy", xent, param[T]{labels: logits.tape("softmaxcrossentropy").keepLabels(labels)}, logits)
}

// Where records a where cond is not zero and b elsewhere, broadcast, as
// [tensor.Where]. The condition is a constant: it has no gradient.
func Where[T tensor.Float](cond *tensor.Dense[T], a, b Var[T]) Var[T] {
	return apply("where", where, param[T]{cond: cond}, a, b)
}

// Max records the largest elements of x along axes (nil: all), as
// [tensor.Max]. Its gradient is shared equally among the elements equal
// to a maximum, as in JAX and PyTorch.
func Max[T tensor.Float](x Var[T], axes []int, keepdims bool) Var[T] {
	return apply("max", maximum, param[T]{axes: slices.Clone(axes), keep: keepdims}, x)
}

// Concatenate records xs joined along axis, as [tensor.Concatenate]: one
// record per array after the first.
func Concatenate[T tensor.Float](axis int, xs ...Var[T]) Var[T] {
	if len(xs) == 0 {
		panic("autograd: concatenate: no arrays")
	}
	if len(xs) == 1 {
		return apply("concatenate", reshape, param[T]{axes: xs[0].Shape()}, xs[0])
	}
	ax := axis
	if r := xs[0].Value().Rank(); ax < 0 {
		ax += r
	}
	out := xs[0]
	for _, x := range xs[1:] {
		out = apply("concatenate", concat, param[T]{axes: []int{ax}}, out, x)
	}
	return out
}

// IndexSelect records the entries idx of axis of x, as
// [tensor.IndexSelect]; the indices are kept.
func IndexSelect[T tensor.Float](x Var[T], axis int, idx []int) Var[T] {
	ax := axis
	if r := x.Value().Rank(); ax < 0 {
		ax += r
	}
	return apply("indexselect", indexselect, param[T]{axes: []int{ax}, labels: slices.Clone(idx)}, x)
}

// Conv2D records the 2-D convolution of x (batch × in × height × width)
// with the kernels w (out × in × kh × kw), as [tensor.Conv2D]. The record
// keeps the columns of x (im2col) in its slot of the arena for the VJP
// of w, so a warm step allocates nothing for them. Add a bias with
// [AddBias] along axis 1.
func Conv2D[T tensor.Float](x, w Var[T], win tensor.Window) Var[T] {
	s := x.tape("conv2d").slot()
	work := s.param.work // of this position's record in the step before
	if work == nil {
		work = new(tensor.ConvWork[T])
	}
	return apply("conv2d", conv2d, param[T]{win: win, work: work}, x, w)
}

// MaxPool2D records the maxima of x (batch × channels × height × width)
// over windows of kh × kw, as [tensor.MaxPool2D] (stride 0: the kernel's
// size). The record keeps the position of each window's maximum, the
// first in the window's row-major order on a tie (as PyTorch), and its
// VJP gives each window's cotangent to that element alone (where
// [Max] shares it among equal maxima).
func MaxPool2D[T tensor.Float](x Var[T], kh, kw int, win tensor.Window) Var[T] {
	s := x.tape("maxpool2d").slot()
	n := poolSize(x.Value(), kh, kw, win)
	s.labels = slices.Grow(s.labels[:0], n)[:n]
	// The slot's slices of the step before are free: the record that
	// held them is gone.
	axes := append(s.param.axes[:0], kh, kw)
	return apply("maxpool2d", maxpool2d, param[T]{axes: axes, win: win, labels: s.labels}, x)
}

// poolSize returns the number of elements of the max-pooling of x, or 0
// where the geometry is wrong (and tensor.MaxPool2DTo will panic).
func poolSize[T tensor.Float](x *tensor.Dense[T], kh, kw int, win tensor.Window) int {
	if x.Rank() != 4 {
		return 0
	}
	oh := windowOut(x.Dim(2), kh, win.Stride[0], win.Padding[0], win.Dilation[0], kh)
	ow := windowOut(x.Dim(3), kw, win.Stride[1], win.Padding[1], win.Dilation[1], kw)
	return x.Dim(0) * x.Dim(1) * max(oh, 0) * max(ow, 0)
}

// AddBias records x plus b along axis, b[i] added to every element of
// index i along axis, as [tensor.AddBias]: the bias of a convolution
// (axis 1).
func AddBias[T tensor.Float](x, b Var[T], axis int) Var[T] {
	ax := axis
	if r := x.Value().Rank(); ax < 0 {
		ax += r
	}
	axes := append(x.tape("addbias").slot().param.axes[:0], ax)
	return apply("addbias", addbias, param[T]{axes: axes}, x, b)
}
