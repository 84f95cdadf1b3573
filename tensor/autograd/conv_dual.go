package autograd

import "github.com/gobackprop/backprop/tensor"

// Conv2DDual returns the convolution of x with the kernels w, as
// [Conv2D], with its tangent conv(ẋ, w) + conv(x, ẇ).
func Conv2DDual[T tensor.Float](x, w Dual[T], win tensor.Window) Dual[T] {
	pa := &param[T]{win: win}
	out := tensor.Conv2D(x.Primal, w.Primal, win)
	return Dual[T]{out, conv2dJVP(pa, [2]*tensor.Dense[T]{x.Primal, w.Primal}, [2]*tensor.Dense[T]{x.Tangent, w.Tangent}, out)}
}

// MaxPool2DDual returns the max-pooling of x, as [MaxPool2D], with its
// tangent: ẋ at each window's maximum.
func MaxPool2DDual[T tensor.Float](x Dual[T], kh, kw int, win tensor.Window) Dual[T] {
	pa := &param[T]{axes: []int{kh, kw}, win: win, labels: make([]int, poolSize(x.Primal, kh, kw, win))}
	out := tensor.MaxPool2DTo(nil, pa.labels, x.Primal, kh, kw, win)
	return Dual[T]{out, maxpool2dJVP(pa, [2]*tensor.Dense[T]{x.Primal}, [2]*tensor.Dense[T]{x.Tangent}, out)}
}

// AddBiasDual returns x plus b along axis, as [AddBias], with its
// tangent ẋ + ḃ along axis.
func AddBiasDual[T tensor.Float](x, b Dual[T], axis int) Dual[T] {
	pa := &param[T]{axes: []int{axis}}
	out := tensor.AddBias(x.Primal, b.Primal, axis)
	return Dual[T]{out, addbiasJVP(pa, [2]*tensor.Dense[T]{x.Primal, b.Primal}, [2]*tensor.Dense[T]{x.Tangent, b.Tangent}, out)}
}

// conv2dJVP is the JVP rule of conv2d, which is linear in each argument:
// conv(ẋ, w) + conv(x, ẇ).
func conv2dJVP[T tensor.Float](p *param[T], a, t [2]*tensor.Dense[T], _ *tensor.Dense[T]) *tensor.Dense[T] {
	var d *tensor.Dense[T]
	if t[0] != nil {
		d = tensor.Conv2D(t[0], a[1], p.win)
	}
	if t[1] != nil {
		dw := tensor.Conv2D(a[0], t[1], p.win)
		if d == nil {
			return dw
		}
		d = tensor.Add(d, dw)
	}
	return d
}

// maxpool2dJVP is the JVP rule of maxpool2d: the tangent of each
// window's maximum (the argmax the forward rule recorded).
func maxpool2dJVP[T tensor.Float](p *param[T], _, t [2]*tensor.Dense[T], out *tensor.Dense[T]) *tensor.Dense[T] {
	if t[0] == nil {
		return nil
	}
	ts := t[0].Contiguous().Data()
	d := make([]T, len(p.labels))
	for i, k := range p.labels {
		if k >= 0 {
			d[i] = ts[k]
		}
	}
	return tensor.FromSlice(d, out.Shape()...)
}

// addbiasJVP is the JVP rule of addbias: ẋ + ḃ along the axis.
func addbiasJVP[T tensor.Float](p *param[T], a, t [2]*tensor.Dense[T], _ *tensor.Dense[T]) *tensor.Dense[T] {
	if t[0] == nil && t[1] == nil {
		return nil
	}
	dx, db := t[0], t[1]
	if dx == nil {
		dx = tensor.Zeros[T](a[0].Shape()...)
	}
	if db == nil {
		db = tensor.Zeros[T](a[1].Shape()...)
	}
	return tensor.AddBias(dx, db, p.axes[0])
}
