package tensor_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// Arrays are created, broadcast and multiplied as in NumPy, and print as
// NumPy prints them (the example of the README).
func Example() {
	x := tensor.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b := tensor.FromSlice([]float64{0.5, 0, -1}, 3)
	y := tensor.Add(x, b) // b is broadcast along the rows
	fmt.Println(y)
	fmt.Println(tensor.MatMul(y, x.T()))
	fmt.Println(tensor.Sum(y, []int{1}, false))
	// Output:
	// [[1.5 2.  2. ]
	//  [4.5 5.  5. ]]
	// [[11.5 28. ]
	//  [29.5 73. ]]
	// [ 5.5 14.5]
}

// Any element-wise primitive of package op's table applies to arrays.
func ExampleApply() {
	x := tensor.FromSlice([]float32{-1, 0, 2}, 3)
	fmt.Println(tensor.Apply(op.Sigmoid, x, nil))
	fmt.Println(tensor.Apply(op.Atan2, x, tensor.Scalar[float32](1)))
	// Output:
	// [0.26894143 0.5        0.8807971 ]
	// [-0.7853982  0.         1.1071488]
}

// Views share elements with their source: a transpose, a slice and a
// reshape of a contiguous array copy nothing.
func ExampleDense_T() {
	x := tensor.Zeros[float64](2, 3)
	xt := x.T()
	xt.Set(7, 2, 0)
	fmt.Println(x)
	fmt.Println(xt.Shape(), xt.IsContiguous())
	// Output:
	// [[0. 0. 7.]
	//  [0. 0. 0.]]
	// [3 2] false
}

// Random arrays take their generator: the same seed gives the same array.
func ExampleRandNormal() {
	r := rand.New(rand.NewPCG(1, 2))
	w := tensor.RandNormal[float32](r, 2, 3)
	fmt.Printf("%.3v\n", w)
	// Output:
	// [[ 0.379  0.075  0.2  ]
	//  [-1.125 -0.401 -3.085]]
}

// Softmax cross-entropy of a batch of logits against integer labels,
// computed stably.
func ExampleSoftmaxCrossEntropy() {
	logits := tensor.FromSlice([]float64{2, 0, 0, 1000, 0, 1001}, 2, 3)
	loss := tensor.SoftmaxCrossEntropy(logits, []int{0, 2})
	fmt.Printf("%.4v\n", loss)
	fmt.Printf("%.4v\n", tensor.Mean(loss, nil, false))
	// Output:
	// [0.2395 0.3133]
	// 0.2764
}
