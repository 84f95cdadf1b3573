package autograd

import (
	"slices"

	"github.com/gobackprop/backprop/tensor"
)

// SumSquares records the sum of the squares of x's elements along axes
// (nil: all), Σ x², with keepdims as [Sum]: the value of
// Sum(Mul(x, x), axes, keepdims), bit for bit, in one record and without
// the array of squares, and a VJP, 2·x·g, that is one pass too. Squared
// norms (a distance, a weight decay, a Gaussian's exponent) need no more.
func SumSquares[T tensor.Float](x Var[T], axes []int, keepdims bool) Var[T] {
	return apply("sumsq", sumsq, param[T]{axes: slices.Clone(axes), keep: keepdims}, x)
}

// SumSquaresDual returns Σ x² along axes, as [SumSquares], with its
// tangent Σ 2·x·ẋ.
func SumSquaresDual[T tensor.Float](x Dual[T], axes []int, keepdims bool) Dual[T] {
	pa := &param[T]{axes: slices.Clone(axes), keep: keepdims}
	out := tensor.Sum(tensor.Mul(x.Primal, x.Primal), pa.axes, pa.keep)
	return Dual[T]{out, sumsqJVP(pa, [2]*tensor.Dense[T]{x.Primal}, [2]*tensor.Dense[T]{x.Tangent}, out)}
}

// sumsqJVP is the JVP rule of sumsq: Σ (x·ẋ + x·ẋ) along the axes.
func sumsqJVP[T tensor.Float](p *param[T], a, t [2]*tensor.Dense[T], _ *tensor.Dense[T]) *tensor.Dense[T] {
	if t[0] == nil {
		return nil
	}
	d := tensor.Mul(a[0], t[0])
	return tensor.Sum(tensor.Add(d, d), p.axes, p.keep)
}

// addSumsqReuse sets the reusing rule of sumsq in r: over the last axes
// (or all) of a contiguous x, each row's Σ x² in one pass, and 2·x·g into
// the arena's buffer, the table's values bit for bit (each product
// rounded to T before it is added, as the table's array of squares is).
func addSumsqReuse[T tensor.Float](r *[numPrims]reuseRule[T]) {
	r[sumsq] = reuseRule[T]{
		forward: func(p *param[T], a [2]*tensor.Dense[T], dst *tensor.Dense[T]) *tensor.Dense[T] {
			x := a[0]
			var shape [maxRank]int
			inner, n, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
			if !ok || !x.IsContiguous() {
				return nil
			}
			d := fit(dst, shape[:n]...)
			if d == nil {
				d = tensor.Zeros[T](shape[:n]...)
			}
			ds, xs := d.Data(), x.Data()
			for i := range ds {
				var acc T
				for _, v := range xs[i*inner : (i+1)*inner] {
					acc += T(v * v)
				}
				ds[i] = acc
			}
			return d
		},
		vjp: func(p *param[T], g *tensor.Dense[T], a [2]*tensor.Dense[T], _ *tensor.Dense[T], _ [2]bool, dst [2]*tensor.Dense[T]) (*tensor.Dense[T], *tensor.Dense[T], bool) {
			x := a[0]
			var shape [maxRank]int
			inner, _, ok := trailingAxes(x, p.axes, p.keep, shape[:0])
			if !ok || !x.IsContiguous() || !g.IsContiguous() {
				return nil, nil, false
			}
			d := like(dst[0], x)
			if d == nil {
				d = tensor.Zeros[T](x.Shape()...)
			}
			ds, xs, gs := d.Data(), x.Data(), g.Data()
			for i, gi := range gs {
				row := xs[i*inner : (i+1)*inner]
				out := ds[i*inner : (i+1)*inner]
				for j, v := range row {
					w := T(gi * v)
					out[j] = w + w
				}
			}
			return d, nil, true
		},
	}
}
