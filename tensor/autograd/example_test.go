package autograd_test

import (
	"fmt"

	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// The gradient of a small classifier's loss with respect to its weights
// and bias: one record per operation, one backward pass, gradients of the
// parameters' shapes.
func Example() {
	t := autograd.New[float64]()
	x := t.Const(tensor.FromSlice([]float64{1, 2, -1, 0.5}, 2, 2)) // 2 samples, 2 features
	w := t.Var(tensor.FromSlice([]float64{0.5, -0.5, 0.25, 1}, 2, 2))
	b := t.Var(tensor.FromSlice([]float64{0, 0.1}, 2))
	logits := autograd.Add(autograd.MatMul(x, w), b) // b broadcast over the samples
	loss := autograd.Mean(autograd.SoftmaxCrossEntropy(logits, []int{1, 0}), nil, false)
	t.Backward(loss)
	fmt.Printf("loss %.4v\n", loss.Value())
	fmt.Printf("∂loss/∂w\n%.4v\n", t.Grad(w))
	fmt.Printf("∂loss/∂b %.4v\n", t.Grad(b))
	// Output:
	// loss 1.0593
	// ∂loss/∂w
	// [[ 0.5841 -0.5841]
	//  [ 0.1509 -0.1509]]
	// ∂loss/∂b [-0.2297  0.2297]
}
