package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// Conv2D is the 2-D convolution layer of PyTorch's nn.Conv2d: x, batch ×
// in × height × width, convolved with Weight, out × in × kh × kw (PyTorch's
// layout), over the Window (stride, padding, dilation), plus Bias (out
// elements, one per output channel; nil: no bias).
type Conv2D[T tensor.Float] struct {
	Weight, Bias *tensor.Dense[T]
	Window       tensor.Window
	w, b         autograd.Var[T] // of the last Forward
}

// NewConv2D returns a Conv2D layer of in input and out output channels
// with kernels kh × kw over win, initialised by init with r (fan-in
// in·kh·kw, fan-out out·kh·kw): the weights drawn first, then the biases.
// PyTorch, the default of nn.Conv2d, draws both uniform in ±1/√(in·kh·kw).
// It panics if init is not one of the constants.
func NewConv2D[T tensor.Float](r *rand.Rand, in, out, kh, kw int, win tensor.Window, init Init) *Conv2D[T] {
	w, b := initParams[T](r, init, "newconv2d", in*kh*kw, out*kh*kw, []int{out, in, kh, kw}, out)
	return &Conv2D[T]{Weight: w, Bias: b, Window: win}
}

// Forward returns the convolution of x with Weight plus Bias.
func (c *Conv2D[T]) Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	c.w = t.Var(c.Weight)
	y := autograd.Conv2D(x, c.w, c.Window)
	if c.Bias == nil {
		return y
	}
	c.b = t.Var(c.Bias)
	return autograd.AddBias(y, c.b, 1)
}

// Params returns weight and, if there is one, bias.
func (c *Conv2D[T]) Params() []Param[T] {
	ps := []Param[T]{{Name: "weight", Value: c.Weight}}
	if c.Bias != nil {
		ps = append(ps, Param[T]{Name: "bias", Value: c.Bias})
	}
	return ps
}

// Grads appends the gradients of weight and bias.
func (c *Conv2D[T]) Grads(t *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] {
	dst = append(dst, t.Grad(c.w))
	if c.Bias != nil {
		dst = append(dst, t.Grad(c.b))
	}
	return dst
}

// MaxPool2D is max-pooling over windows of KH × KW of a batch × channels ×
// height × width input, as PyTorch's nn.MaxPool2d: Window's stride 0 is
// the kernel's size, its padding (at most half the kernel) is -∞. Its
// gradient goes to the first maximum of each window.
type MaxPool2D[T tensor.Float] struct {
	KH, KW int
	Window tensor.Window
}

// Forward returns the maxima of the windows.
func (m MaxPool2D[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return autograd.MaxPool2D(x, m.KH, m.KW, m.Window)
}

// Params returns nil.
func (MaxPool2D[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (MaxPool2D[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// Flatten reshapes a batch × … input to batch × (the product of the
// other axes), as PyTorch's nn.Flatten: between convolutions and a
// Linear layer.
type Flatten[T tensor.Float] struct{}

// Forward returns x reshaped to batch × the rest.
func (Flatten[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	v := x.Value()
	if v.Rank() < 1 {
		panic("nn: flatten: x is a scalar, not a batch")
	}
	n := v.Dim(0)
	rest := 1
	for k := 1; k < v.Rank(); k++ {
		rest *= v.Dim(k)
	}
	return autograd.Reshape(x, n, rest)
}

// Params returns nil.
func (Flatten[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (Flatten[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// Softmax is the softmax along the last axis, a layer without
// parameters: for probabilities at the output of a network trained
// with MSE, say, or at prediction. (Train a classifier on the logits
// with [SoftmaxCrossEntropy], which includes the softmax.)
type Softmax[T tensor.Float] struct{}

// Forward returns the softmax of x along its last axis.
func (Softmax[T]) Forward(_ *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return autograd.Softmax(x, -1)
}

// Params returns nil.
func (Softmax[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (Softmax[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }

// Dropout is inverted dropout, as PyTorch's nn.Dropout: in training
// each element of x is zeroed with probability P and the others are
// scaled by 1/(1-P), with a mask drawn from Rand; in evaluation it is the
// identity. A new Dropout is in training; [Dropout.SetTraining] (or
// [Sequential.SetTraining]) switches it.
//
// Rand is the caller's: built on a rand.PCG, whose state can be
// marshalled with the checkpoint, a run is reproducible and resumable,
// as the masks are drawn from it in order, one element at a time
// (row-major), one Float64 each.
type Dropout[T tensor.Float] struct {
	P    float64
	Rand *rand.Rand
	eval bool
	mask *tensor.Dense[T] // of the last Forward in training, reused
}

// NewDropout returns a Dropout layer in training that zeroes elements
// with probability p, in [0, 1), drawing from r. It panics if p is out of
// range.
func NewDropout[T tensor.Float](r *rand.Rand, p float64) *Dropout[T] {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn: newdropout: p is %v, not in [0, 1)", p))
	}
	return &Dropout[T]{P: p, Rand: r}
}

// SetTraining switches d to training (on) or evaluation.
func (d *Dropout[T]) SetTraining(on bool) { d.eval = !on }

// Forward returns x times a new mask in training, x in evaluation.
func (d *Dropout[T]) Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	if d.eval || d.P == 0 {
		return x
	}
	v := x.Value()
	if d.mask == nil || !tensor.SameShape(d.mask, v) {
		d.mask = tensor.Zeros[T](v.Shape()...)
	}
	keep := T(1 / (1 - d.P))
	m := d.mask.Data()
	for i := range m {
		if d.Rand.Float64() < d.P {
			m[i] = 0
		} else {
			m[i] = keep
		}
	}
	return autograd.Mul(x, t.Const(d.mask))
}

// Params returns nil.
func (*Dropout[T]) Params() []Param[T] { return nil }

// Grads returns dst.
func (*Dropout[T]) Grads(_ *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] { return dst }
