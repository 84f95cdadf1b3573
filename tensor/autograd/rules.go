package autograd

import (
	"math"
	"slices"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// prim identifies an array primitive: an entry of the table of rules.
type prim uint8

const (
	leaf        prim = iota // a Var or Const: no rule
	elementwise             // any element-wise primitive of op's table, broadcast
	matmul                  // tensor.MatMul, batched, broadcast
	sum                     // tensor.Sum along axes
	mean                    // tensor.Mean along axes
	logsumexp               // tensor.LogSumExp along axes
	reshape                 // Dense.Reshape
	transpose               // Dense.Transpose
	softmax                 // tensor.Softmax along one axis
	logsoftmax              // tensor.LogSoftmax along one axis
	xent                    // tensor.SoftmaxCrossEntropy with integer labels
	where                   // tensor.Where with a constant condition
	maximum                 // tensor.Max along axes
	concat                  // tensor.Concatenate of two arrays
	indexselect             // tensor.IndexSelect
	conv2d                  // tensor.Conv2D of a batch and kernels
	maxpool2d               // tensor.MaxPool2D, recording the argmax
	addbias                 // tensor.AddBias along one axis
	sumsq                   // Σ x² along axes, in one pass
	numPrims
)

// rule is the entry of a primitive: its forward rule, which computes the
// value from the arguments, and its VJP rule, which maps the cotangent g
// of the value out to the cotangents of the (one or two) arguments, each
// of its argument's shape (nil: none).
type rule[T tensor.Float] struct {
	name    string
	forward func(p *param[T], args [2]*tensor.Dense[T]) *tensor.Dense[T]
	vjp     func(p *param[T], g *tensor.Dense[T], args [2]*tensor.Dense[T], out *tensor.Dense[T]) (gx, gy *tensor.Dense[T])
	// jvp maps the tangents of the arguments (nil: zero) to the
	// tangent of the value out (nil: zero), for forward mode (jvp.go);
	// nil for the primitives without one yet.
	jvp func(p *param[T], args, tangents [2]*tensor.Dense[T], out *tensor.Dense[T]) *tensor.Dense[T]
}

// newRules returns the table of array primitives: one entry per
// primitive, forward and VJP side by side.
func newRules[T tensor.Float]() *[numPrims]rule[T] {
	return &[numPrims]rule[T]{
		leaf: {name: "leaf"},
		elementwise: {
			name: "elementwise",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Apply(p.op, a[0], a[1])
			},
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return elementwiseVJP(p.op, g, a[0], a[1], out)
			},
			jvp: elementwiseJVP[T],
		},
		matmul: {
			name: "matmul",
			forward: func(_ *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.MatMul(a[0], a[1])
			},
			// a·b with a …×m×k and b …×k×n: ḡa = g·bᵀ, ḡb = aᵀ·g, each summed
			// over the batch axes its argument was broadcast along.
			vjp: func(_ *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				ga := tensor.MatMul(g, swapLast(a[1]))
				gb := tensor.MatMul(swapLast(a[0]), g)
				return sumTo(ga, a[0].Shape()), sumTo(gb, a[1].Shape())
			},
			jvp: matmulJVP[T],
		},
		sum: {
			name: "sum",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Sum(a[0], p.axes, p.keep)
			},
			// Every element of a reduced slice gets the slice's cotangent.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return spread(g, a[0], p.axes), nil
			},
		},
		mean: {
			name: "mean",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Mean(a[0], p.axes, p.keep)
			},
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				n := a[0].Size() / max(1, g.Size())
				return tensor.Div(spread(g, a[0], p.axes), tensor.Scalar(T(n))), nil
			},
		},
		logsumexp: {
			name: "logsumexp",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.LogSumExp(a[0], p.axes, p.keep)
			},
			// ∂lse/∂x = exp(x - lse), the softmax over the reduced axes.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				kept := keptShape(a[0].Shape(), p.axes)
				w := tensor.Exp(tensor.Sub(a[0], out.Reshape(kept...)))
				return tensor.Mul(g.Reshape(kept...), w), nil
			},
		},
		reshape: {
			name: "reshape",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return a[0].Reshape(p.axes...)
			},
			vjp: func(_ *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return g.Reshape(a[0].Shape()...), nil
			},
		},
		transpose: {
			name: "transpose",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return a[0].Transpose(p.axes...)
			},
			vjp: func(p *param[T], g *tensor.Dense[T], _ [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				inv := make([]int, len(p.axes))
				for k, a := range p.axes {
					inv[a] = k
				}
				return g.Transpose(inv...), nil
			},
		},
		softmax: {
			name: "softmax",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Softmax(a[0], p.axes[0])
			},
			// s·(g - Σ g·s) along the axis.
			vjp: func(p *param[T], g *tensor.Dense[T], _ [2]*tensor.Dense[T], s *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				dot := tensor.Sum(tensor.Mul(g, s), p.axes, true)
				return tensor.Mul(s, tensor.Sub(g, dot)), nil
			},
		},
		logsoftmax: {
			name: "logsoftmax",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.LogSoftmax(a[0], p.axes[0])
			},
			// g - softmax·Σ g along the axis.
			vjp: func(p *param[T], g *tensor.Dense[T], _ [2]*tensor.Dense[T], out *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return tensor.Sub(g, tensor.Mul(tensor.Exp(out), tensor.Sum(g, p.axes, true))), nil
			},
		},
		xent: {
			name: "softmaxcrossentropy",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.SoftmaxCrossEntropy(a[0], p.labels)
			},
			// (softmax - onehot(label)) times the row's cotangent, with the
			// softmax as exp(x - logsumexp(x)), logsumexp's VJP: in a row
			// with a +Inf logit the finite ones get exactly 0 from it, as
			// on the scalar tape, not tensor.Softmax's NaN, which a row
			// cotangent of 0 would not cancel.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				x := a[0]
				c := x.Dim(-1)
				hot := tensor.OneHot[T](p.labels, c).Reshape(x.Shape()...)
				d := tensor.Sub(tensor.Exp(tensor.Sub(x, tensor.LogSumExp(x, []int{-1}, true))), hot)
				return tensor.Mul(d, g.Reshape(append(g.Shape(), 1)...)), nil
			},
		},
		where: {
			name: "where",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Where(p.cond, a[0], a[1])
			},
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				zero := tensor.Scalar(T(0))
				return sumTo(tensor.Where(p.cond, g, zero), a[0].Shape()), sumTo(tensor.Where(p.cond, zero, g), a[1].Shape())
			},
		},
		maximum: {
			name: "max",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Max(a[0], p.axes, p.keep)
			},
			// The cotangent is shared equally by the elements equal to the
			// maximum, as in JAX and PyTorch (where max of two arrays, op's
			// Max, gives it all to its first argument on a tie); the
			// others get the cotangent times 0, as op's max(x, y) gives
			// its smaller argument the partial step(y - x) = 0: 0 where
			// the cotangent is finite, NaN where it is not (the chain rule
			// in IEEE arithmetic, op.Derivative). NaN propagates: a slice
			// whose maximum is NaN gets NaN.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], out *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				x := a[0]
				kept := keptShape(x.Shape(), p.axes)
				xs, ms := x.Data(), tensor.BroadcastTo(out.Reshape(kept...), x.Shape()...).Data()
				ind := make([]T, len(xs))
				for i := range xs {
					if xs[i] == ms[i] {
						ind[i] = 1
					}
				}
				count := tensor.Sum(tensor.FromSlice(ind, x.Shape()...), p.axes, true)
				gs, cs := spread(g, x, p.axes).Data(), spread(count, x, p.axes).Data()
				for i := range ind {
					switch {
					case ind[i] != 0:
						ind[i] = gs[i] / cs[i]
					case cs[i] == 0:
						ind[i] = T(math.NaN())
					default:
						ind[i] = gs[i] * 0
					}
				}
				return tensor.FromSlice(ind, x.Shape()...), nil
			},
		},
		concat: {
			name: "concatenate",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Concatenate(p.axes[0], a[0], a[1])
			},
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				ax, n := p.axes[0], a[0].Dim(p.axes[0])
				return g.Slice(ax, 0, n), g.Slice(ax, n, g.Dim(ax))
			},
		},
		indexselect: {
			name: "indexselect",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.IndexSelect(a[0], p.axes[0], p.labels)
			},
			// Entry i of the axis gets the sum of the cotangents of the
			// entries that selected it.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				ax, n := p.axes[0], a[0].Dim(p.axes[0])
				picks := make([][]int, n)
				for k, i := range p.labels {
					picks[i] = append(picks[i], k)
				}
				parts := make([]*tensor.Dense[T], n)
				for i, ks := range picks {
					parts[i] = tensor.Sum(tensor.IndexSelect(g, ax, ks), []int{ax}, true)
				}
				return tensor.Concatenate(ax, parts...), nil
			},
		},
		conv2d: {
			name: "conv2d",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Conv2DTo(nil, a[0], a[1], p.win, p.work)
			},
			// ḡx is the transposed convolution of g (col2im of wᵀ·g), ḡw
			// the product of g with the columns (im2col) of x, image by
			// image, with the record's scratch.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				gx, gw := tensor.Zeros[T](a[0].Shape()...), tensor.Zeros[T](a[1].Shape()...)
				tensor.Conv2DGradTo(gx, gw, g, a[0], a[1], p.win, p.work)
				return gx, gw
			},
			// Linear in each argument: conv(ẋ, w) + conv(x, ẇ).
			jvp: conv2dJVP[T],
		},
		maxpool2d: {
			name: "maxpool2d",
			// The positions of the maxima (the first of equal ones) go to
			// the argmax in p.labels, sized by MaxPool2D in ops.go.
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.MaxPool2DTo(nil, p.labels, a[0], p.axes[0], p.axes[1], p.win)
			},
			// Each window's cotangent goes to its maximum alone.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return tensor.MaxPool2DGradTo(nil, g, p.labels, a[0]), nil
			},
			// The tangent at each window's maximum.
			jvp: maxpool2dJVP[T],
		},
		addbias: {
			name: "addbias",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.AddBias(a[0], a[1], p.axes[0])
			},
			// ḡx = g, ḡb = g summed over every axis but the bias's.
			vjp: func(p *param[T], g *tensor.Dense[T], _ [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				return g, tensor.SumExcept(g, p.axes[0])
			},
			jvp: addbiasJVP[T],
		},
		sumsq: {
			name: "sumsq",
			forward: func(p *param[T], a [2]*tensor.Dense[T]) *tensor.Dense[T] {
				return tensor.Sum(tensor.Mul(a[0], a[0]), p.axes, p.keep)
			},
			// 2·x·g, as g·x + g·x: every element of a reduced slice
			// gets its slice's cotangent times twice itself.
			vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T]) {
				d := tensor.Mul(spread(g, a[0], p.axes), a[0])
				return tensor.Add(d, d), nil
			},
			jvp: sumsqJVP[T],
		},
	}
}

// elementwiseVJP is the VJP of the element-wise primitive o with value
// out = o(x, y) broadcast: at every element the cotangent times op's
// Partials there, summed back to the shapes of x and y.
func elementwiseVJP[T tensor.Float](o op.Op, g, x, y, out *tensor.Dense[T]) (gx, gy *tensor.Dense[T]) {
	shape := out.Shape()
	xs := tensor.BroadcastTo(x, shape...).Data()
	vs, gs := out.Data(), tensor.BroadcastTo(g, shape...).Data()
	dx := make([]T, len(vs))
	if y == nil {
		for i, v := range vs {
			px, _ := o.Partials(float64(xs[i]), 0, float64(v))
			dx[i] = T(float64(gs[i]) * px)
		}
		return tensor.FromSlice(dx, shape...), nil
	}
	ys := tensor.BroadcastTo(y, shape...).Data()
	dy := make([]T, len(vs))
	for i, v := range vs {
		px, py := o.Partials(float64(xs[i]), float64(ys[i]), float64(v))
		dx[i] = T(float64(gs[i]) * px)
		dy[i] = T(float64(gs[i]) * py)
	}
	return sumTo(tensor.FromSlice(dx, shape...), x.Shape()), sumTo(tensor.FromSlice(dy, shape...), y.Shape())
}

// sumTo sums g over the axes along which an array of the given shape was
// broadcast to g's shape: the VJP of broadcasting.
func sumTo[T tensor.Float](g *tensor.Dense[T], shape []int) *tensor.Dense[T] {
	gs := g.Shape()
	lead := len(gs) - len(shape)
	var axes []int
	for k := range gs {
		if k < lead || shape[k-lead] == 1 && gs[k] != 1 {
			axes = append(axes, k)
		}
	}
	if len(axes) == 0 {
		return g
	}
	return tensor.Sum(g, axes, true).Reshape(shape...)
}

// spread broadcasts the cotangent g of a reduction of x along axes back
// to x's shape (a view with stride 0 along the reduced axes).
func spread[T tensor.Float](g, x *tensor.Dense[T], axes []int) *tensor.Dense[T] {
	return tensor.BroadcastTo(g.Reshape(keptShape(x.Shape(), axes)...), x.Shape()...)
}

// keptShape returns shape with the axes (nil: all) of size 1.
func keptShape(shape, axes []int) []int {
	kept := slices.Clone(shape)
	if axes == nil {
		for k := range kept {
			kept[k] = 1
		}
	}
	for _, a := range axes {
		if a < 0 {
			a += len(shape)
		}
		kept[a] = 1
	}
	return kept
}

// swapLast returns the view of x with its last two axes swapped.
func swapLast[T tensor.Float](x *tensor.Dense[T]) *tensor.Dense[T] {
	r := x.Rank()
	axes := make([]int, r)
	for k := range axes {
		axes[k] = k
	}
	axes[r-2], axes[r-1] = r-1, r-2
	return x.Transpose(axes...)
}
