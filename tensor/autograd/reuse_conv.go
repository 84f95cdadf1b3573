package autograd

import "github.com/gobackprop/backprop/tensor"

// addConvReuse sets the reusing rules of the convolution's primitives
// (conv2d, maxpool2d, addbias) in r: the same package tensor functions as
// their entries in the table of rules, writing into the arena's buffers.
func addConvReuse[T tensor.Float](r *[numPrims]reuseRule[T]) {
	r[conv2d] = reuseRule[T]{
		forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
			x, w := a[0], a[1]
			if x.Rank() != 4 || w.Rank() != 4 {
				return nil
			}
			oh := windowOut(x.Dim(2), w.Dim(2), p.win.Stride[0], p.win.Padding[0], p.win.Dilation[0], 1)
			ow := windowOut(x.Dim(3), w.Dim(3), p.win.Stride[1], p.win.Padding[1], p.win.Dilation[1], 1)
			return tensor.Conv2DTo(fit(dst, x.Dim(0), w.Dim(0), oh, ow), x, w, p.win, p.work)
		},
		// Only the cotangents needed: an input batch's (a Const) would
		// cost a product and a col2im.
		vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
			var gs [2]*tensor.Dense[T]
			for k := range gs {
				if need[k] {
					if gs[k] = like(dst[k], a[k]); gs[k] == nil {
						gs[k] = tensor.Zeros[T](a[k].Shape()...)
					}
				}
			}
			tensor.Conv2DGradTo(gs[0], gs[1], g, a[0], a[1], p.win, p.work)
			return gs[0], gs[1], true
		},
	}
	r[maxpool2d] = reuseRule[T]{
		forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
			x := a[0]
			if x.Rank() != 4 {
				return nil
			}
			kh, kw := p.axes[0], p.axes[1]
			oh := windowOut(x.Dim(2), kh, p.win.Stride[0], p.win.Padding[0], p.win.Dilation[0], kh)
			ow := windowOut(x.Dim(3), kw, p.win.Stride[1], p.win.Padding[1], p.win.Dilation[1], kw)
			return tensor.MaxPool2DTo(fit(dst, x.Dim(0), x.Dim(1), oh, ow), p.labels, x, kh, kw, p.win)
		},
		vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
			return tensor.MaxPool2DGradTo(like(dst[0], a[0]), g, p.labels, a[0]), nil, true
		},
	}
	r[addbias] = reuseRule[T]{
		forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
			return tensor.AddBiasTo(like(dst, a[0]), a[0], a[1], p.axes[0])
		},
		vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
			var gb *tensor.Dense[T]
			if need[1] {
				gb = tensor.SumExceptTo(like(dst[1], a[1]), g, p.axes[0])
			}
			return g, gb, true
		},
	}
}

// windowOut returns the output size along an axis of size in of a
// sliding window of k taps, stride s (0: def), padding p and dilation d
// (0: 1), or -1 when the window does not fit (the tensor function then
// panics with its message).
func windowOut(in, k, s, p, d, def int) int {
	if s == 0 {
		s = def
	}
	d = max(d, 1)
	if k < 1 || s < 1 || p < 0 || in+2*p < d*(k-1)+1 {
		return -1
	}
	return (in+2*p-d*(k-1)-1)/s + 1
}
