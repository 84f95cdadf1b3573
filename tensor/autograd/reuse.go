package autograd

import (
	"math"
	"unsafe"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/internal/kern"
)

// The tape's arena. A tape keeps, for each position of its list of
// records, the arrays that the record at that position wrote last time
// (its value, its adjoint, scratch for cotangents), and Reset keeps them:
// a training step that records the same operations as the step before
// finds at every position buffers of the right shapes and writes into
// them, so that once warm it allocates nothing. This is package tape's
// arena rewound per step, with one buffer per record instead of one bump
// pointer, since an array's size is known only when its record is made.
//
// The primitives on the hot path of a training step have, besides their
// entry in the table of rules (rules.go), a reusing rule here that writes
// the same values, bit for bit (TestReuseMatchesRules), into the buffers
// of the arena through package tensor's dst-first functions. Where a
// reusing rule does not apply (another primitive, or shapes it does not
// handle) it declines, and the tape calls the table's rule, which
// allocates.

// slot is the arena's storage for one position of the tape.
type slot[T tensor.Float] struct {
	val    *tensor.Dense[T]    // the value
	adj    *tensor.Dense[T]    // the adjoint
	tmp    [2]*tensor.Dense[T] // cotangents of the arguments that are added into an adjoint
	labels []int               // cross-entropy's labels
	param  param[T]            // the parameters, while the value is computed
	resid  *tensor.Dense[T]    // a residual kept from forward to VJP (param.resid)
}

// reuseRule is a primitive's forward and VJP rules writing into buffers
// of the arena. forward gets the value buffer of the record's position
// (nil, or an array of any shape) and returns the value: that buffer, or
// a new array when its shape does not fit; or nil, to decline. vjp gets,
// for each argument k whose cotangent is needed (need[k]), a buffer
// dst[k] as forward does, and returns the cotangents and whether it
// applies. A cotangent it returns is dst[k], a new array, or g itself,
// never a view of another array.
type reuseRule[T tensor.Float] struct {
	forward func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T]
	vjp     func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (gx, gy *tensor.Dense[T], ok bool)
}

// fit returns d if it is an array of the given shape and nil otherwise,
// for the dst of package tensor's functions.
func fit[T tensor.Float](d *tensor.Dense[T], shape ...int) *tensor.Dense[T] {
	if d != nil && d.HasShape(shape...) && d.IsContiguous() {
		return d
	}
	return nil
}

// like returns d if it is a contiguous array of x's shape and nil
// otherwise.
func like[T tensor.Float](d, x *tensor.Dense[T]) *tensor.Dense[T] {
	if d != nil && tensor.SameShape(d, x) && d.IsContiguous() {
		return d
	}
	return nil
}

// newReuseRules returns the reusing rules, by primitive; the zero entry
// means none.
func newReuseRules[T tensor.Float]() *[numPrims]reuseRule[T] {
	r := &[numPrims]reuseRule[T]{
		elementwise: {
			forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				x, y := a[0], a[1]
				switch {
				case y == nil || tensor.SameShape(x, y) || broadcastsTo(y, x):
					return tensor.ApplyTo(like(dst, x), p.op, x, y)
				case broadcastsTo(x, y):
					return tensor.ApplyTo(like(dst, y), p.op, x, y)
				}
				return nil
			},
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				x, y := a[0], a[1]
				switch p.op {
				case op.Relu:
					return reluVJP(like(dst[0], x), g, x), nil, true
				case op.Mul:
					// ∂/∂x = y and ∂/∂y = x, for arguments of one shape
					// (dropout's mask): g·y and g·x, products in T as
					// the table's in float64 rounded to T.
					if tensor.SameShape(x, y) && tensor.SameShape(g, x) {
						var gx, gy *tensor.Dense[T]
						if need[0] {
							gx = tensor.ApplyTo(like(dst[0], x), op.Mul, g, y)
						}
						if need[1] {
							gy = tensor.ApplyTo(like(dst[1], y), op.Mul, g, x)
						}
						return gx, gy, true
					}
					// A constant factor broadcast to the other's shape (a
					// scale): only the other's cotangent, g times it.
					if need[0] && !need[1] && tensor.SameShape(g, x) && broadcastsTo(y, x) {
						return tensor.ApplyTo(like(dst[0], x), op.Mul, g, y), nil, true
					}
					if need[1] && !need[0] && tensor.SameShape(g, y) && broadcastsTo(x, y) {
						return nil, tensor.ApplyTo(like(dst[1], y), op.Mul, g, x), true
					}
					return nil, nil, false
				case op.Sub:
					// ∂/∂x = 1 and ∂/∂y = −1: Add's cotangents, y's
					// negated. The table's rule sums g·(−1), which is −g
					// exactly where it is not summed, and 0 − Σg where
					// it is (a sum from +0 that cancels is +0, not −0).
					gx, gy, ok := addVJP(g, x, y, out, need, dst)
					switch {
					case !ok || gy == nil:
					case gy == g:
						gy = tensor.ApplyTo(like(dst[1], y), op.Neg, g, nil)
					default:
						s := gy.Data()
						for i, v := range s {
							s[i] = 0 - v
						}
					}
					return gx, gy, ok
				case op.Add:
					return addVJP(g, x, y, out, need, dst)
				}
				if y == nil && g.IsContiguous() && x.IsContiguous() && tensor.SameShape(g, x) {
					return unaryVJP(p.op, like(dst[0], x), g, x, out), nil, true
				}
				return nil, nil, false
			},
		},
		matmul: {
			forward: func(_ *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				x, y := a[0], a[1]
				if x.Rank() != 2 || y.Rank() != 2 {
					return nil
				}
				return tensor.MatMulTo(fit(dst, x.Dim(0), y.Dim(1)), x, y)
			},
			// ḡa = g·bᵀ and ḡb = aᵀ·g, the transposes passed to GEMM as
			// flags.
			vjp: func(_ *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				x, y := a[0], a[1]
				if x.Rank() != 2 || y.Rank() != 2 {
					return nil, nil, false
				}
				var gx, gy *tensor.Dense[T]
				if need[0] {
					gx = tensor.Gemm(like(dst[0], x), false, true, 1, g, y, 0)
				}
				if need[1] {
					gy = tensor.Gemm(like(dst[1], y), true, false, 1, x, g, 0)
				}
				return gx, gy, true
			},
		},
		sum: {
			// Sums over the last axes (a row's sum) or over leading
			// axes or all (through tensor.SumTo), written into the
			// arena's buffer.
			forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				x := a[0]
				if !x.IsContiguous() {
					return nil
				}
				var shape [maxRank]int
				inner, n, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
				if n < 0 {
					return nil
				}
				if !ok {
					return tensor.SumTo(fit(dst, shape[:n]...), x, p.axes, p.keep)
				}
				d := fit(dst, shape[:n]...)
				if d == nil {
					d = tensor.Zeros[T](shape[:n]...)
				}
				ds, xs := d.Data(), x.Data()
				for i := range ds {
					var acc T
					for _, v := range xs[i*inner : (i+1)*inner] {
						acc += v
					}
					ds[i] = acc
				}
				return d
			},
			// Every element of a reduced row gets the row's cotangent.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				x := a[0]
				var shape [maxRank]int
				inner, _, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
				if !ok || !g.IsContiguous() {
					return nil, nil, false
				}
				d := like(dst[0], x)
				if d == nil {
					d = tensor.Zeros[T](x.Shape()...)
				}
				ds, gs := d.Data(), g.Data()
				for i, v := range gs {
					row := ds[i*inner : (i+1)*inner]
					for j := range row {
						row[j] = v
					}
				}
				return d, nil, true
			},
		},
		logsumexp: {
			// Over the last axes: each row's log Σ exp(x − m) + m, m the
			// row's maximum (0 if it is infinite or NaN), as
			// tensor.LogSumExp computes it.
			forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				x := a[0]
				var shape [maxRank]int
				inner, n, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
				if !ok || inner == 0 || !x.IsContiguous() {
					return nil
				}
				d := fit(dst, shape[:n]...)
				if d == nil {
					d = tensor.Zeros[T](shape[:n]...)
				}
				return tensor.LogSumExpTo(d, x, p.axes, p.keep)
			},
			// g·exp(x − lse), the softmax of each row times its
			// cotangent, in one pass.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				x := a[0]
				var shape [maxRank]int
				inner, _, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
				if !ok || !g.IsContiguous() || !x.IsContiguous() || !out.IsContiguous() {
					return nil, nil, false
				}
				d := like(dst[0], x)
				if d == nil {
					d = tensor.Zeros[T](x.Shape()...)
				}
				ds, xs, gs, ls := d.Data(), x.Data(), g.Data(), out.Data()
				for i, gi := range gs {
					l := ls[i]
					row := xs[i*inner : (i+1)*inner]
					for j, v := range row {
						ds[i*inner+j] = gi * T(math.Exp(float64(v-l)))
					}
				}
				return d, nil, true
			},
		},
		mean: {
			forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				if p.axes != nil || p.keep {
					return nil
				}
				return tensor.MeanTo(fit(dst), a[0], nil, false)
			},
			// Every element gets g/n, as the table's rule computes it.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				if p.axes != nil || p.keep {
					return nil, nil, false
				}
				x := a[0]
				d := like(dst[0], x)
				if d == nil {
					d = tensor.Zeros[T](x.Shape()...)
				}
				v := g.At() / T(x.Size())
				s := d.Data()
				for i := range s {
					s[i] = v
				}
				return d, nil, true
			},
		},
		xent: {
			forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
				x := a[0]
				if x.Rank() != 2 {
					p.resid = nil
					return nil
				}
				rows := x.Dim(0)
				d := fit(dst, rows)
				if !x.IsContiguous() || len(p.labels) != rows {
					p.resid = nil // not kept: the VJP computes it again
					return tensor.SoftmaxCrossEntropyTo(d, x, p.labels)
				}
				// Each row's log Σ exp is kept for the VJP rule, which
				// would otherwise compute it again (an exp per logit and
				// a log per row: half of the exps of a training step).
				// Both buffers are made in the first step, so that the
				// second is warm.
				if d == nil {
					d = tensor.Zeros[T](rows)
				}
				lse := fit(p.resid, rows)
				if lse == nil {
					lse = tensor.Zeros[T](rows)
				}
				p.resid = lse
				return tensor.SoftmaxCrossEntropyLSETo(d, lse, x, p.labels)
			},
			// (exp(x - logsumexp(x)) - onehot(label)) times the row's
			// cotangent, fused, as the table's rule composes it, with
			// logsumexp from the forward rule where it kept it.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
				x := a[0]
				if x.Rank() != 2 || !x.IsContiguous() || !g.IsContiguous() {
					return nil, nil, false
				}
				return tensor.SoftmaxCrossEntropyGradLSETo(like(dst[0], x), x, fit(p.resid, x.Dim(0)), p.labels, g), nil, true
			},
		},
	}
	// A copy, where the table's rule makes a view: the arena's value and
	// adjoint buffers are never aliases of another record's, and the
	// copy (of Flatten's 64×1568 floats, some 30 µs each way) costs less
	// than the allocations of a view's header, shape and strides.
	r[reshape] = reuseRule[T]{
		forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
			n := 1
			for _, d := range p.axes {
				if d < 0 {
					return nil // a size to infer: the table's rule does
				}
				n *= d
			}
			if n != a[0].Size() {
				return nil // the table's rule panics with its message
			}
			d := fit(dst, p.axes...)
			if d == nil {
				d = tensor.Zeros[T](p.axes...)
			}
			copy(d.Data(), a[0].Contiguous().Data())
			return d
		},
		vjp: func(_ *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
			d := like(dst[0], a[0])
			if d == nil {
				d = tensor.Zeros[T](a[0].Shape()...)
			}
			copy(d.Data(), g.Contiguous().Data())
			return d, nil, true
		},
	}
	addConvReuse(r) // reuse_conv.go
	addSumsqReuse(r)
	return r
}

// maxRank bounds the number of axes the reusing rules broadcast over.
const maxRank = 16

// broadcastsTo reports whether x is broadcast to y's shape by adding
// leading axes only: x has the shape of y's last axes (and fewer axes).
func broadcastsTo[T tensor.Float](x, y *tensor.Dense[T]) bool {
	r, ry := x.Rank(), y.Rank()
	if r >= ry || ry-r > maxRank {
		return false
	}
	for k := range r {
		if x.Dim(k) != y.Dim(ry-r+k) {
			return false
		}
	}
	return true
}

// trailingAxes reports whether axes (nil: all) are the last axes of x,
// and returns the number of elements of a reduced row and, in shape
// (appended to), the shape of the sum with keepdims keep, and its rank;
// a rank of −1 when the axes are not valid (repeated, out of range),
// for the table's rule to report.
func trailingAxes[T tensor.Float](x *tensor.Dense[T], axes []int, keep bool, shape []int) (inner, rank int, ok bool) {
	r := x.Rank()
	if r > maxRank {
		return 0, -1, false
	}
	var reduced [maxRank]bool
	if axes == nil {
		for k := range r {
			reduced[k] = true
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r || reduced[a] {
			return 0, -1, false
		}
		reduced[a] = true
	}
	inner, ok = 1, true
	for k := range r {
		switch {
		case reduced[k]:
			inner *= x.Dim(k)
			if keep {
				shape = append(shape, 1)
			}
		default:
			if k > 0 && reduced[k-1] {
				ok = false // a kept axis after a reduced one
			}
			shape = append(shape, x.Dim(k))
		}
	}
	return inner, len(shape), ok && r > 0
}

// addVJP returns the cotangents of x + y: g itself, summed over the
// leading axes along which an argument was broadcast (a bias). A
// cotangent that is g needs a copy before it is written to.
func addVJP[T tensor.Float](g, x, y, out *tensor.Dense[T], need [2]bool, dst [2]*tensor.Dense[T]) (gx, gy *tensor.Dense[T], ok bool) {
	if !g.IsContiguous() || !tensor.SameShape(g, out) {
		return nil, nil, false
	}
	for k, v := range [2]*tensor.Dense[T]{x, y} {
		if !need[k] {
			continue
		}
		var gv *tensor.Dense[T]
		switch {
		case tensor.SameShape(v, g):
			gv = g
		case broadcastsTo(v, g):
			var axes [maxRank]int
			lead := g.Rank() - v.Rank()
			for i := range lead {
				axes[i] = i
			}
			gv = tensor.SumTo(like(dst[k], v), g, axes[:lead], false)
		default:
			return nil, nil, false
		}
		if k == 0 {
			gx = gv
		} else {
			gy = gv
		}
	}
	return gx, gy, true
}

// unaryVJP returns the cotangent of x in out = o(x) from the cotangent g,
// all contiguous and of one shape, in d (nil: a new array): g times op's
// Partials at every element, as the table's rule computes it.
func unaryVJP[T tensor.Float](o op.Op, d, g, x, out *tensor.Dense[T]) *tensor.Dense[T] {
	if d == nil {
		d = tensor.Zeros[T](x.Shape()...)
	}
	ds, gs, xs, vs := d.Data(), g.Data(), x.Data(), out.Data()
	gs, xs, vs = gs[:len(ds)], xs[:len(ds)], vs[:len(ds)]
	for i, v := range vs {
		px, _ := o.Partials(float64(xs[i]), 0, float64(v))
		ds[i] = T(float64(gs[i]) * px)
	}
	return d
}

// reluVJP returns the cotangent of x in relu(x) from the cotangent g, in
// d (nil: a new array): g·step(x) as the table's Partials give it, g
// where x > 0, g·0 (a signed zero, or NaN for an infinite g) where
// x ≤ 0, and g·x (NaN) where x is NaN.
func reluVJP[T tensor.Float](d, g, x *tensor.Dense[T]) *tensor.Dense[T] {
	if d == nil {
		d = tensor.Zeros[T](x.Shape()...)
	}
	ds, gs, xs := d.Data(), g.Contiguous().Data(), x.Contiguous().Data()
	gs, xs = gs[:len(ds)], xs[:len(ds)]
	if unsafe.Sizeof(T(0)) == 8 {
		kern.ReluVJP64(kern.As[float64](ds), kern.As[float64](gs), kern.As[float64](xs))
	} else {
		kern.ReluVJP32(kern.As[float32](ds), kern.As[float32](gs), kern.As[float32](xs))
	}
	return d
}
