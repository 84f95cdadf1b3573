package tensor

import "fmt"

// Softmax returns exp(x) normalised to sum to 1 along axis (negative: from
// the end), computed stably as exp(x - max) / Σ exp(x - max). A slice
// whose maximum is +Inf or whose elements are all -Inf gives NaN.
func Softmax[T Float](x *Dense[T], axis int) *Dense[T] {
	ax := []int{x.axis("softmax", "axis", axis)}
	e := Exp(Sub(x, Max(x, ax, true)))
	return Div(e, Sum(e, ax, true))
}

// LogSoftmax returns the logarithm of [Softmax] along axis, computed
// stably as x - [LogSumExp](x): finite wherever it is defined, even where
// softmax underflows to 0.
func LogSoftmax[T Float](x *Dense[T], axis int) *Dense[T] {
	ax := []int{x.axis("logsoftmax", "axis", axis)}
	return Sub(x, LogSumExp(x, ax, true))
}

// SoftmaxCrossEntropy returns the cross-entropy losses of the logits,
// whose last axis holds the classes, against integer labels: for each
// row i (in row-major order of the leading axes), logsumexp(logits_i) -
// logits_i[labels[i]], the negative log-likelihood of the label under the
// softmax of the row, computed stably. The result has logits' shape
// without its last axis; [Mean] of it is the usual loss of a batch. It
// panics if logits is a scalar, if there are not as many labels as rows,
// or if a label is not in [0, classes).
func SoftmaxCrossEntropy[T Float](logits *Dense[T], labels []int) *Dense[T] {
	r := len(logits.shape)
	if r == 0 {
		panic("tensor: softmaxcrossentropy: logits is a scalar, which has no axis of classes")
	}
	c := logits.shape[r-1]
	lse := LogSumExp(logits, []int{-1}, false)
	if len(labels) != lse.Size() {
		panic(fmt.Sprintf("tensor: softmaxcrossentropy: logits is %s, which has %d rows, but there are %d labels", describe(logits.shape), lse.Size(), len(labels)))
	}
	x := logits.Contiguous()
	for i, l := range labels {
		if l < 0 || l >= c {
			panic(fmt.Sprintf("tensor: softmaxcrossentropy: labels[%d] = %d is not in [0, %d)", i, l, c))
		}
		lse.data[i] -= x.data[x.offset+i*c+l]
	}
	return lse
}
