package nn

import (
	"strconv"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// Param is a named parameter of a module: an array the module reads on
// every Forward and that optimisers update in place.
type Param[T tensor.Float] struct {
	Name  string
	Value *tensor.Dense[T]
}

// Module is a layer or a network of layers.
type Module[T tensor.Float] interface {
	// Forward records the module applied to x on t, putting the
	// module's parameters on t with t.Var, and returns the output.
	Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T]
	// Params returns the module's parameters, in a new slice.
	Params() []Param[T]
	// Grads appends to dst the gradients on t, after t.Backward, of the
	// parameters of the last Forward, in the order of Params, and
	// returns the extended slice. The arrays are owned by t (see
	// package autograd's Ownership).
	Grads(t *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T]
}

// Sequential is modules applied one after the other.
type Sequential[T tensor.Float] struct {
	Layers []Module[T]
}

// NewSequential returns the Sequential of the layers.
func NewSequential[T tensor.Float](layers ...Module[T]) *Sequential[T] {
	return &Sequential[T]{Layers: layers}
}

// Forward applies the layers in order.
func (s *Sequential[T]) Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	for _, l := range s.Layers {
		x = l.Forward(t, x)
	}
	return x
}

// Params returns the layers' parameters, in order, each name prefixed
// with the layer's position: 0.weight, 0.bias, 2.weight, ….
func (s *Sequential[T]) Params() []Param[T] {
	var ps []Param[T]
	for i, l := range s.Layers {
		for _, p := range l.Params() {
			ps = append(ps, Param[T]{Name: strconv.Itoa(i) + "." + p.Name, Value: p.Value})
		}
	}
	return ps
}

// Grads appends the layers' gradients, in order.
func (s *Sequential[T]) Grads(t *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] {
	for _, l := range s.Layers {
		dst = l.Grads(t, dst)
	}
	return dst
}

// ReLU is the element-wise max(x, 0), a layer without parameters.
type ReLU[T tensor.Float] struct{}

// Forward returns max(x, 0).
func (ReLU[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return autograd.Relu(x)
}

// Params returns nil.
func (ReLU[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (ReLU[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// Tanh is the element-wise hyperbolic tangent, a layer without
// parameters.
type Tanh[T tensor.Float] struct{}

// Forward returns tanh(x).
func (Tanh[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return autograd.Tanh(x)
}

// Params returns nil.
func (Tanh[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (Tanh[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// Sigmoid is the element-wise logistic function 1/(1+e⁻ˣ), a layer
// without parameters.
type Sigmoid[T tensor.Float] struct{}

// Forward returns 1/(1+e⁻ˣ).
func (Sigmoid[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return autograd.Apply(op.Sigmoid, x)
}

// Params returns nil.
func (Sigmoid[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (Sigmoid[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// SoftmaxCrossEntropy returns the mean over the batch of the
// cross-entropy of the softmax of logits (samples × classes) with the
// integer labels (one per sample, in 0…classes-1), as PyTorch's
// nn.CrossEntropyLoss: a scalar.
func SoftmaxCrossEntropy[T tensor.Float](logits autograd.Var[T], labels []int) autograd.Var[T] {
	return autograd.Mean(autograd.SoftmaxCrossEntropy(logits, labels), nil, false)
}

// MSE returns the mean over all elements of (pred - target)², as
// PyTorch's nn.MSELoss: a scalar. pred and target must have one shape.
func MSE[T tensor.Float](pred, target autograd.Var[T]) autograd.Var[T] {
	d := autograd.Sub(pred, target)
	return autograd.Mean(autograd.Mul(d, d), nil, false)
}

// Trainer is implemented by the modules that behave differently in
// training and in evaluation, such as [Dropout]; PyTorch's train() and
// eval(). Modules start in training.
type Trainer interface {
	// SetTraining switches the module to training (on) or evaluation.
	SetTraining(on bool)
}

// SetTraining switches the layers that implement [Trainer] to training
// (on) or evaluation, as PyTorch's train() and eval() do.
func (s *Sequential[T]) SetTraining(on bool) {
	for _, l := range s.Layers {
		if m, ok := l.(Trainer); ok {
			m.SetTraining(on)
		}
	}
}
