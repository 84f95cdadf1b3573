package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// Init is an initialisation of a layer's weights and biases.
type Init int

// In the constants' formulas, in is the fan-in (a Linear layer's inputs,
// a Conv2D's input channels times its kernel's size) and out the fan-out.
const (
	// PyTorch is nn.Linear's and nn.Conv2d's default: weights from
	// kaiming-uniform with a = √5, which is uniform in ±1/√in, and
	// biases uniform in ±1/√in.
	PyTorch Init = iota
	// He is kaiming-normal for ReLU (He et al. 2015): weights normal
	// with standard deviation √(2/in), biases zero.
	He
	// Glorot is Xavier-uniform (Glorot and Bengio 2010): weights uniform
	// in ±√(6/(in+out)), biases zero.
	Glorot
)

// String returns the name of the initialisation.
func (i Init) String() string {
	switch i {
	case PyTorch:
		return "pytorch"
	case He:
		return "he"
	case Glorot:
		return "glorot"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Linear is the affine layer x·W + b, of x (samples × In) to samples ×
// Out. Weight is In × Out (the transpose of PyTorch's layout, so that
// the product needs no transpose) and Bias has Out elements; a nil Bias
// is no bias.
type Linear[T tensor.Float] struct {
	Weight, Bias *tensor.Dense[T]
	w, b         autograd.Var[T] // of the last Forward
}

// NewLinear returns a Linear layer of in inputs and out outputs
// initialised by init with r: the weights drawn first, then the biases.
// It panics if init is not one of the constants.
func NewLinear[T tensor.Float](r *rand.Rand, in, out int, init Init) *Linear[T] {
	w, b := initParams[T](r, init, "newlinear", in, out, []int{in, out}, out)
	return &Linear[T]{Weight: w, Bias: b}
}

// initParams draws the weights, of shape wshape, then the biases, of
// size out, by init for a layer of fan-in in and fan-out out, or panics
// naming the function name if init is not one of the constants.
func initParams[T tensor.Float](r *rand.Rand, init Init, name string, in, out int, wshape []int, bias int) (w, b *tensor.Dense[T]) {
	switch init {
	case PyTorch:
		s := T(1 / math.Sqrt(float64(in)))
		w = tensor.RandUniform(r, -s, s, wshape...)
		b = tensor.RandUniform(r, -s, s, bias)
	case He:
		w = tensor.RandNormal[T](r, wshape...)
		scale(w, math.Sqrt(2/float64(in)))
		b = tensor.Zeros[T](bias)
	case Glorot:
		s := T(math.Sqrt(6 / float64(in+out)))
		w = tensor.RandUniform(r, -s, s, wshape...)
		b = tensor.Zeros[T](bias)
	default:
		panic(fmt.Sprintf("nn: %s: unknown %v", name, init))
	}
	return w, b
}

func scale[T tensor.Float](x *tensor.Dense[T], s float64) {
	d := x.Data()
	for i := range d {
		d[i] = T(float64(d[i]) * s)
	}
}

// Forward returns x·Weight + Bias.
func (l *Linear[T]) Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	l.w = t.Var(l.Weight)
	y := autograd.MatMul(x, l.w)
	if l.Bias == nil {
		return y
	}
	l.b = t.Var(l.Bias)
	return autograd.Add(y, l.b)
}

// Params returns weight and, if there is one, bias.
func (l *Linear[T]) Params() []Param[T] {
	ps := []Param[T]{{Name: "weight", Value: l.Weight}}
	if l.Bias != nil {
		ps = append(ps, Param[T]{Name: "bias", Value: l.Bias})
	}
	return ps
}

// Grads appends the gradients of weight and bias.
func (l *Linear[T]) Grads(t *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] {
	dst = append(dst, t.Grad(l.w))
	if l.Bias != nil {
		dst = append(dst, t.Grad(l.b))
	}
	return dst
}
