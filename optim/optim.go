package optim

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
)

// values returns the arrays and names of ps, checking that the arrays
// are contiguous.
func values[T tensor.Float](name string, ps []nn.Param[T]) ([]*tensor.Dense[T], []string) {
	vs := make([]*tensor.Dense[T], len(ps))
	names := make([]string, len(ps))
	for i, p := range ps {
		if !p.Value.IsContiguous() {
			panic(fmt.Sprintf("optim: %s: parameter %s is not contiguous", name, p.Name))
		}
		vs[i], names[i] = p.Value, p.Name
	}
	return vs, names
}

// named returns the buffers bufs, one per parameter, as parameters named
// after theirs with the suffix "."+suffix.
func named[T tensor.Float](dst []nn.Param[T], names []string, suffix string, bufs []*tensor.Dense[T]) []nn.Param[T] {
	for i, b := range bufs {
		dst = append(dst, nn.Param[T]{Name: names[i] + "." + suffix, Value: b})
	}
	return dst
}

// check panics unless grads match params one to one in shape.
func check[T tensor.Float](name string, params, grads []*tensor.Dense[T]) {
	if len(grads) != len(params) {
		panic(fmt.Sprintf("optim: %s: %d gradients for %d parameters", name, len(grads), len(params)))
	}
	for i, g := range grads {
		if !tensor.SameShape(g, params[i]) || !g.IsContiguous() {
			panic(fmt.Sprintf("optim: %s: gradient %d has shape %v, its parameter %v (both must be contiguous)", name, i, g.Shape(), params[i].Shape()))
		}
	}
}

// zerosLike returns new zero arrays of the shapes of xs.
func zerosLike[T tensor.Float](xs []*tensor.Dense[T]) []*tensor.Dense[T] {
	zs := make([]*tensor.Dense[T], len(xs))
	for i, x := range xs {
		zs[i] = tensor.Zeros[T](x.Shape()...)
	}
	return zs
}

// SGDSettings are the hyper-parameters of [SGD], as torch.optim.SGD's.
// The zero value, but for LR, is plain gradient descent.
type SGDSettings struct {
	LR          float64 // learning rate
	Momentum    float64 // μ: 0 is none
	Dampening   float64 // of the momentum buffer's new term: buf = μ·buf + (1-Dampening)·g
	WeightDecay float64 // L2 penalty: g + WeightDecay·w
	Nesterov    bool    // Nesterov momentum; needs Momentum > 0 and Dampening 0
}

// SGD is stochastic gradient descent with momentum, as torch.optim.SGD:
// with g the gradient plus WeightDecay·w, the momentum buffer is g on the
// first step and μ·buf + (1-Dampening)·g after; the step direction d is
// buf, or g + μ·buf with Nesterov, or g without momentum; and w -= LR·d.
// The settings may be changed between steps (LR by a schedule).
type SGD[T tensor.Float] struct {
	SGDSettings
	params []*tensor.Dense[T]
	names  []string
	bufs   []*tensor.Dense[T] // momentum buffers, nil until the first step with momentum or State
	t      int                // steps taken
}

// NewSGD returns an SGD optimiser of params. It panics if Nesterov is
// set without momentum or with dampening, as PyTorch does.
func NewSGD[T tensor.Float](params []nn.Param[T], s SGDSettings) *SGD[T] {
	if s.Nesterov && (s.Momentum <= 0 || s.Dampening != 0) {
		panic("optim: newsgd: Nesterov needs Momentum > 0 and Dampening 0")
	}
	o := &SGD[T]{SGDSettings: s}
	o.params, o.names = values("newsgd", params)
	return o
}

// Steps returns the number of steps taken.
func (o *SGD[T]) Steps() int { return o.t }

// SetSteps sets the number of steps taken, to resume from a checkpoint:
// the momentum buffers of an SGD that has taken no step are set to the
// gradient on the next step, as PyTorch does, and those of one that has
// are updated from their content.
func (o *SGD[T]) SetSteps(n int) { o.t = n }

// State returns the momentum buffers, one per parameter, named as
// PyTorch's state_dict names them after the parameter
// ("0.weight.momentum_buffer"). They are the optimiser's own arrays:
// save them, and restore them by copying into them, with the step count
// ([SGD.Steps], [SGD.SetSteps]). Without momentum SGD has no state and
// State returns nil; with momentum it makes the buffers (zero) if no step
// has made them yet.
func (o *SGD[T]) State() []nn.Param[T] {
	if o.Momentum == 0 {
		return nil
	}
	if o.bufs == nil {
		o.bufs = zerosLike(o.params)
	}
	return named(nil, o.names, "momentum_buffer", o.bufs)
}

// Step updates the parameters in place from their gradients, one per
// parameter in the order of the params given to NewSGD.
func (o *SGD[T]) Step(grads []*tensor.Dense[T]) {
	check("sgd", o.params, grads)
	lr, wd, mu := T(o.LR), T(o.WeightDecay), T(o.Momentum)
	t := o.t
	o.t++
	if mu == 0 && wd == 0 {
		for i, w := range o.params {
			tensor.AddScaledTo(w, w, -lr, grads[i])
		}
		return
	}
	// PyTorch sets a momentum buffer to the gradient when it has none:
	// on the first step, or the first with momentum. Buffers made by
	// State before the first step count as none.
	first := t == 0
	if mu != 0 && o.bufs == nil {
		o.bufs, first = zerosLike(o.params), true
	}
	damp := 1 - T(o.Dampening)
	for i, wa := range o.params {
		w, g := wa.Data(), grads[i].Data()
		var buf []T
		if mu != 0 {
			buf = o.bufs[i].Data()
		}
		for j := range w {
			d := g[j] + wd*w[j]
			if mu != 0 {
				if first {
					buf[j] = d
				} else {
					buf[j] = mu*buf[j] + damp*d
				}
				if o.Nesterov {
					d += mu * buf[j]
				} else {
					d = buf[j]
				}
			}
			w[j] -= lr * d
		}
	}
}

// AdamSettings are the hyper-parameters of [Adam], as torch.optim.Adam's
// and AdamW's. Zero Beta1, Beta2 and Eps mean PyTorch's defaults: 0.9,
// 0.999 and 1e-8.
type AdamSettings struct {
	LR           float64 // learning rate
	Beta1, Beta2 float64 // decay rates of the moments
	Eps          float64 // added to the root of the second moment
	WeightDecay  float64 // L2 penalty (Adam) or decoupled decay (AdamW)
}

// Adam is the Adam optimiser (Kingma and Ba 2015) with bias correction,
// as torch.optim.Adam, or, made by [NewAdamW], AdamW (Loshchilov and
// Hutter 2019), as torch.optim.AdamW. At step t, with g the gradient:
// Adam adds WeightDecay·w to g, AdamW instead first sets
// w = w·(1 - LR·WeightDecay); then m = β₁·m + (1-β₁)·g,
// v = β₂·v + (1-β₂)·g², and
// w -= LR/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + Eps).
// The settings may be changed between steps (LR by a schedule).
type Adam[T tensor.Float] struct {
	AdamSettings
	decoupled bool
	params    []*tensor.Dense[T]
	names     []string
	m, v      []*tensor.Dense[T] // the moments, nil until the first step or State
	t         int                // steps taken
}

// NewAdam returns an Adam optimiser of params.
func NewAdam[T tensor.Float](params []nn.Param[T], s AdamSettings) *Adam[T] {
	if s.Beta1 == 0 {
		s.Beta1 = 0.9
	}
	if s.Beta2 == 0 {
		s.Beta2 = 0.999
	}
	if s.Eps == 0 {
		s.Eps = 1e-8
	}
	o := &Adam[T]{AdamSettings: s}
	o.params, o.names = values("newadam", params)
	return o
}

// NewAdamW returns an AdamW optimiser of params: Adam with decoupled
// weight decay. (PyTorch's default WeightDecay for AdamW is 0.01; here
// it is what s says.)
func NewAdamW[T tensor.Float](params []nn.Param[T], s AdamSettings) *Adam[T] {
	o := NewAdam(params, s)
	o.decoupled = true
	return o
}

// Steps returns the number of steps taken.
func (o *Adam[T]) Steps() int { return o.t }

// SetSteps sets the number of steps taken, which the bias correction
// uses, to resume from a checkpoint.
func (o *Adam[T]) SetSteps(n int) { o.t = n }

// State returns the first and second moments, two per parameter, named
// as PyTorch's state_dict names them after the parameter
// ("0.weight.exp_avg", "0.weight.exp_avg_sq"), in the order of the
// parameters, each parameter's exp_avg before its exp_avg_sq. They are
// the optimiser's own arrays: save them, and restore them by copying
// into them, with the step count ([Adam.Steps], [Adam.SetSteps]). State
// makes them (zero) if no step has made them yet.
func (o *Adam[T]) State() []nn.Param[T] {
	if o.m == nil {
		o.m, o.v = zerosLike(o.params), zerosLike(o.params)
	}
	ps := make([]nn.Param[T], 0, 2*len(o.params))
	for i := range o.params {
		ps = named(ps, o.names[i:i+1], "exp_avg", o.m[i:i+1])
		ps = named(ps, o.names[i:i+1], "exp_avg_sq", o.v[i:i+1])
	}
	return ps
}

// Step updates the parameters in place from their gradients, one per
// parameter in the order of the params given to NewAdam.
func (o *Adam[T]) Step(grads []*tensor.Dense[T]) {
	check("adam", o.params, grads)
	if o.m == nil {
		o.m, o.v = zerosLike(o.params), zerosLike(o.params)
	}
	o.t++
	b1, b2 := T(o.Beta1), T(o.Beta2)
	step := T(o.LR / (1 - math.Pow(o.Beta1, float64(o.t))))
	c2 := T(math.Sqrt(1 - math.Pow(o.Beta2, float64(o.t))))
	eps := T(o.Eps)
	wd, decay := T(o.WeightDecay), T(1-o.LR*o.WeightDecay)
	for i, wa := range o.params {
		w, g, m, v := wa.Data(), grads[i].Data(), o.m[i].Data(), o.v[i].Data()
		for j := range w {
			gj := g[j]
			if o.decoupled {
				w[j] *= decay
			} else {
				gj += wd * w[j]
			}
			m[j] = b1*m[j] + (1-b1)*gj
			v[j] = b2*v[j] + (1-b2)*gj*gj
			w[j] -= step * m[j] / (T(math.Sqrt(float64(v[j])))/c2 + eps)
		}
	}
}

// ClipGradNorm scales the gradients, in place, so that their global
// norm, the Euclidean norm of all their elements together, is at most
// maxNorm, as torch.nn.utils.clip_grad_norm_: by maxNorm/(norm + 1e-6)
// when that is below 1. It returns the norm before clipping. An array
// listed twice (one gradient shared by two parameters) counts twice in
// the norm and is scaled once.
func ClipGradNorm[T tensor.Float](grads []*tensor.Dense[T], maxNorm float64) float64 {
	var ss float64
	for _, g := range grads {
		for _, x := range g.Data() {
			ss += float64(x) * float64(x)
		}
	}
	norm := math.Sqrt(ss)
	c := maxNorm / (norm + 1e-6)
	if c >= 1 {
		return norm
	}
	for i, g := range grads {
		d := g.Data()
		if len(d) == 0 || seen(grads[:i], &d[0]) {
			continue
		}
		for j := range d {
			d[j] = T(float64(d[j]) * c)
		}
	}
	return norm
}

// seen reports whether one of grads starts at p.
func seen[T tensor.Float](grads []*tensor.Dense[T], p *T) bool {
	for _, g := range grads {
		if d := g.Data(); len(d) > 0 && &d[0] == p {
			return true
		}
	}
	return false
}

// StepDecay is torch.optim.lr_scheduler.StepLR: the rate LR multiplied
// by Gamma every Every epochs.
type StepDecay struct {
	LR    float64
	Every int
	Gamma float64
}

// At returns the rate of epoch (from 0): LR·Gamma^⌊epoch/Every⌋.
func (s StepDecay) At(epoch int) float64 {
	return s.LR * math.Pow(s.Gamma, float64(epoch/s.Every))
}

// Cosine is cosine annealing from LR down to Min over Steps epochs (or
// steps), as torch.optim.lr_scheduler.CosineAnnealingLR's closed form,
// except that it stays at Min after Steps where PyTorch's rises again.
type Cosine struct {
	LR, Min float64
	Steps   int
}

// At returns Min + (LR-Min)·(1 + cos(π·step/Steps))/2, and Min from
// step Steps on.
func (c Cosine) At(step int) float64 {
	if step >= c.Steps {
		return c.Min
	}
	return c.Min + (c.LR-c.Min)*(1+math.Cos(math.Pi*float64(step)/float64(c.Steps)))/2
}
