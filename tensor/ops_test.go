package tensor

import (
	"testing"

	"github.com/gobackprop/backprop/op"
)

func TestOpPanics(t *testing.T) {
	x := Zeros[float64](2, 3)
	for _, tc := range []struct {
		want string
		f    func()
	}{
		{"tensor: add: x is 2×3 but y is a vector of 2: sizes 3 and 2 in the last axis differ and neither is 1", func() { Add(x, Zeros[float64](2)) }},
		{"tensor: matmul: a is 64×784 but b is 128×10: inner dimensions 784 and 128 differ", func() { MatMul(Zeros[float64](64, 784), Zeros[float64](128, 10)) }},
		{"tensor: matmul: a is a vector of 3 and b is 3×2: both must have at least 2 axes", func() { MatMul(Zeros[float64](3), Zeros[float64](3, 2)) }},
		{"tensor: matmul: a's batch axes is a vector of 2 but b's batch axes is a vector of 3: sizes 2 and 3 in the last axis differ and neither is 1", func() { MatMul(Zeros[float64](2, 1, 1), Zeros[float64](3, 1, 1)) }},
		{"tensor: sum: axis -3 is out of range for an array of rank 2 (2×3)", func() { Sum(x, []int{-3}, false) }},
		{"tensor: mean: axes [0 -2] name axis 0 twice", func() { Mean(x, []int{0, -2}, false) }},
		{"tensor: max: x is 0×3: the maximum over an axis of size 0 is undefined", func() { Max(Zeros[float64](0, 3), []int{0}, false) }},
		{"tensor: apply: var is not an element-wise primitive", func() { Apply(op.Var, x, nil) }},
		{"tensor: sin: sin is unary but y is not nil", func() { Apply(op.Sin, x, x) }},
		{"tensor: add: add is binary but y is nil", func() { Apply(op.Add, x, nil) }},
		{"tensor: softmaxcrossentropy: logits is 2×3, which has 2 rows, but there are 3 labels", func() { SoftmaxCrossEntropy(x, []int{0, 1, 2}) }},
		{"tensor: softmaxcrossentropy: labels[1] = -1 is not in [0, 3)", func() { SoftmaxCrossEntropy(x, []int{0, -1}) }},
	} {
		mustPanic(t, tc.want, tc.f)
	}
}
