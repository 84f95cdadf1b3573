package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/gobackprop/backprop/tensor"
)

// NewMLP returns the multilayer perceptron of the layer sizes (inputs,
// hidden…, outputs), Linear layers with ReLU between them, initialised
// as PyTorch's nn.Linear with r, layer after layer: NewMLP(r, 784, 128,
// 10) is the MNIST MLP of the benchmarks, with parameters 0.weight,
// 0.bias, 2.weight, 2.bias. It takes a batch × sizes[0] and returns
// logits. It panics with fewer than two sizes.
func NewMLP[T tensor.Float](r *rand.Rand, sizes ...int) *Sequential[T] {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: newmlp: %d sizes, want inputs and outputs at least", len(sizes)))
	}
	s := &Sequential[T]{}
	for i := 1; i < len(sizes); i++ {
		if i > 1 {
			s.Layers = append(s.Layers, ReLU[T]{})
		}
		s.Layers = append(s.Layers, NewLinear[T](r, sizes[i-1], sizes[i], PyTorch))
	}
	return s
}

// NewMNISTCNN returns a small convolutional network for MNIST, initialised
// as PyTorch's defaults with r, layer after layer:
//
//	0 Conv2D 1→16, 5×5, padding 2   (0.weight 16×1×5×5, 0.bias 16)
//	1 ReLU
//	2 MaxPool2D 2×2                 28×28 → 14×14
//	3 Conv2D 16→32, 5×5, padding 2  (3.weight 32×16×5×5, 3.bias 32)
//	4 ReLU
//	5 MaxPool2D 2×2                 14×14 → 7×7
//	6 Flatten                       32·7·7 = 1568
//	7 Linear 1568→10                (7.weight 1568×10, 7.bias 10)
//
// It takes a batch × 1 × 28 × 28 array (a batch × 784 of images reshaped,
// a view with [tensor.Dense.Reshape]) and returns batch × 10 logits.
// BenchmarkCNNStep times its training step.
func NewMNISTCNN[T tensor.Float](r *rand.Rand) *Sequential[T] {
	pad2 := tensor.Window{Padding: [2]int{2, 2}}
	return NewSequential(
		NewConv2D[T](r, 1, 16, 5, 5, pad2, PyTorch),
		ReLU[T]{},
		MaxPool2D[T]{KH: 2, KW: 2},
		NewConv2D[T](r, 16, 32, 5, 5, pad2, PyTorch),
		ReLU[T]{},
		MaxPool2D[T]{KH: 2, KW: 2},
		Flatten[T]{},
		NewLinear[T](r, 32*7*7, 10, PyTorch),
	)
}
