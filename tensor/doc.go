// Package tensor is dense, row-major arrays of float32 and float64, with
// NumPy's broadcasting, reductions, matrix products and the element-wise
// primitives of package op.
//
// # Arrays
//
// A [Dense] is a shape, strides in elements, an offset and a backing
// slice. One generic implementation serves both precisions: the element
// type is any type whose underlying type is float32 or float64 ([Float]).
// An array may have any rank, including 0 (a scalar, of size 1), and axes
// of size 0 (an array of size 0).
//
// Creation functions ([Zeros], [Ones], [Full], [FromSlice], [RandNormal],
// [RandUniform]) return contiguous row-major arrays. Random arrays take a
// *rand.Rand from math/rand/v2: the package has no random state of its
// own, and no other package-level mutable state.
//
// # Views, ownership and aliasing
//
// [Dense.T], [Dense.Transpose], [Dense.Slice] and [BroadcastTo] return
// views: arrays that share the backing slice of their source, so that a
// [Dense.Set] through one is seen through the other. [Dense.Reshape]
// returns a view when its receiver is contiguous and a copy otherwise, as
// NumPy's reshape does. [FromSlice] keeps the slice it is given (no copy).
// [Dense.Data] returns the backing slice itself when the array is
// contiguous and a fresh copy otherwise; [Dense.Clone] always copies.
//
// Every operation ([Apply], [Add], [Sum], [MatMul], [Softmax], …) returns
// a new contiguous array that shares nothing with its arguments, and never
// writes to its arguments. The dst-first variants ([ApplyTo], [MatMulTo],
// [Gemm], [SumTo], [MeanTo], [LogSumExpTo], [SoftmaxTo], [SoftmaxCrossEntropyTo],
// [SoftmaxCrossEntropyLSETo], [SoftmaxCrossEntropyGradLSETo],
// [AddScaledTo], [Conv2DTo], [MaxPool2DTo], [AddBiasTo]) write into an
// array the caller owns instead (nil: a new
// one), with the same results bit for bit, and allocate nothing on
// contiguous arguments of the common shapes. A view made by broadcasting has strides of 0:
// writing through it writes one element many times.
//
// # Element-wise operations
//
// [Apply] applies any element-wise primitive of package op's table, unary
// or binary, by calling the table's [op.Info.Eval] on every element, in
// float64: a float32 element is converted exactly to float64, evaluated,
// and rounded back. So a primitive added to the table works on arrays
// with no change here. Add, Sub, Mul, Div, Exp and Relu have loops of
// their own, for speed; a test pins them to the table bit for bit (for
// float32, the rounding of the float64 sum, difference, product or
// quotient to float32 is the correctly rounded float32 result, since
// float64 has more than twice float32's precision plus two bits).
//
// # Broadcasting
//
// Binary operations and [Where] broadcast their arguments as NumPy does:
// shapes are aligned at their last axes, the shorter one is padded with
// axes of size 1 in front, and two sizes agree when they are equal or one
// of them is 1, which is then stretched (with stride 0, without copying).
// A size of 0 broadcasts with 0 and 1 only, and gives 0.
//
// # Reductions
//
// [Sum], [Mean], [Max] and [LogSumExp] reduce along a list of axes (nil:
// all of them), dropping the reduced axes or keeping them with size 1.
// Sums run in row-major order of the argument, so results are the same
// bit for bit from run to run. LogSumExp subtracts the maximum first and
// is finite wherever the result is.
//
// # Matrix products
//
// [MatMul] multiplies matrices, or stacks of matrices whose batch axes
// broadcast, through one small internal function that calls package
// gemm's kernels. A transposed view is passed to GEMM as a transposed
// operand rather than copied; [Gemm] takes transposes as flags too.
//
// # Convolutions
//
// [Conv2D] convolves a batch in PyTorch's NCHW layout with kernels
// out × in × kh × kw, with the stride, padding and dilation of a
// [Window], image by image, by im2col and a matrix product whose
// operands stay in the core's cache; [Conv2DGradTo] computes its
// cotangents (col2im for the input). [MaxPool2D] takes the maxima of
// windows, recording where each is for [MaxPool2DGradTo]; [AddBias] adds
// a bias along one axis (a convolution's channels). A batch's images
// are shared among GOMAXPROCS goroutines in groups of a fixed size, and
// the kernels' cotangent summed group by group in order, so results do
// not depend on GOMAXPROCS.
//
// # Misuse
//
// Shape mismatches, axes out of range, indices out of range and other
// programmer errors panic with a message that starts with "tensor: ",
// names the operation and the argument, and shows the shapes involved:
//
//	tensor: matmul: a is 64×784 but b is 128×10: inner dimensions 784 and 128 differ
//
// Numeric trouble is not an error: NaN and ±Inf propagate as in package
// math.
//
// # Printing
//
// [Dense.String] prints an array as NumPy's str does, with NumPy's
// defaults: up to 8 significant fractional digits, the shortest that
// identify each element, scientific notation when the magnitudes call for
// it, lines wrapped at 75 characters, and arrays of more than 1000
// elements summarised with "..." after the first and before the last 3
// entries of each axis. The %v and %s verbs of package fmt print the
// same; a precision (%.3v) sets the number of fractional digits.
package tensor
