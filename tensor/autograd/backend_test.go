package autograd

import (
	"math"
	"slices"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tape"
	"github.com/gobackprop/backprop/tensor"
)

// backend runs one array program two ways: on a Tape of arrays, and
// element by element on package tape's scalar tape, so that the two
// gradients can be compared. Arrays are handles (indices into the
// backend's own list), which lets a program be a plain function of the
// interface, written once for both.
type backend interface {
	input(shape []int, x []float64) int
	constant(shape []int, x []float64) int
	shape(a int) []int
	apply(o op.Op, x, y int) int // y < 0 for a unary o
	matmul(a, b int) int
	reduce(kind prim, x int, axes []int, keep bool) int // sum, mean, logsumexp or maximum
	reshape(x int, shape []int) int
	transpose(x int, perm []int) int
	softmax(kind prim, x, axis int) int // softmax or logsoftmax
	xent(x int, labels []int) int
	where(cond []float64, a, b int) int // cond has the broadcast shape of a and b
	concat(axis int, a, b int) int
	indexselect(x, axis int, idx []int) int
}

// arrayBackend is a backend on a Tape[T].
type arrayBackend[T tensor.Float] struct {
	t    *Tape[T]
	vars []Var[T]
}

func (b *arrayBackend[T]) add(v Var[T]) int { b.vars = append(b.vars, v); return len(b.vars) - 1 }

func dense[T tensor.Float](shape []int, x []float64) *tensor.Dense[T] {
	d := make([]T, len(x))
	for i, v := range x {
		d[i] = T(v)
	}
	return tensor.FromSlice(d, shape...)
}

func (b *arrayBackend[T]) input(s []int, x []float64) int    { return b.add(b.t.Var(dense[T](s, x))) }
func (b *arrayBackend[T]) constant(s []int, x []float64) int { return b.add(b.t.Const(dense[T](s, x))) }
func (b *arrayBackend[T]) shape(a int) []int                 { return b.vars[a].Shape() }
func (b *arrayBackend[T]) apply(o op.Op, x, y int) int {
	if y < 0 {
		return b.add(Apply(o, b.vars[x]))
	}
	return b.add(Apply(o, b.vars[x], b.vars[y]))
}
func (b *arrayBackend[T]) matmul(x, y int) int { return b.add(MatMul(b.vars[x], b.vars[y])) }
func (b *arrayBackend[T]) reduce(k prim, x int, axes []int, keep bool) int {
	f := map[prim]func(Var[T], []int, bool) Var[T]{sum: Sum[T], mean: Mean[T], logsumexp: LogSumExp[T], maximum: Max[T]}[k]
	return b.add(f(b.vars[x], axes, keep))
}
func (b *arrayBackend[T]) reshape(x int, s []int) int   { return b.add(Reshape(b.vars[x], s...)) }
func (b *arrayBackend[T]) transpose(x int, p []int) int { return b.add(Transpose(b.vars[x], p...)) }
func (b *arrayBackend[T]) xent(x int, labels []int) int {
	return b.add(SoftmaxCrossEntropy(b.vars[x], labels))
}
func (b *arrayBackend[T]) concat(axis int, x, y int) int {
	return b.add(Concatenate(axis, b.vars[x], b.vars[y]))
}
func (b *arrayBackend[T]) indexselect(x, ax int, idx []int) int {
	return b.add(IndexSelect(b.vars[x], ax, idx))
}
func (b *arrayBackend[T]) softmax(k prim, x, axis int) int {
	if k == logsoftmax {
		return b.add(LogSoftmax(b.vars[x], axis))
	}
	return b.add(Softmax(b.vars[x], axis))
}
func (b *arrayBackend[T]) where(cond []float64, x, y int) int {
	s := tensor.BroadcastShapes(b.shape(x), b.shape(y))
	return b.add(Where(dense[T](s, cond), b.vars[x], b.vars[y]))
}

// scalarBackend is a backend on package tape: every array is a row-major
// list of scalar Vars, and every operation is written out element by
// element with tape's primitives, as a reference that shares no code
// with package tensor.
type scalarBackend struct {
	t    *tape.Tape
	arrs []sarray
}

type sarray struct {
	shape []int
	v     []tape.Var
}

func (b *scalarBackend) add(a sarray) int { b.arrs = append(b.arrs, a); return len(b.arrs) - 1 }

func (b *scalarBackend) input(s []int, x []float64) int {
	return b.add(sarray{slices.Clone(s), b.t.Vars(x)})
}

func (b *scalarBackend) constant(s []int, x []float64) int {
	v := make([]tape.Var, len(x))
	for i, c := range x {
		v[i] = b.t.Const(c)
	}
	return b.add(sarray{slices.Clone(s), v})
}

func (b *scalarBackend) shape(a int) []int { return slices.Clone(b.arrs[a].shape) }

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// unravel returns the multi-index of the row-major position i in shape.
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for k := len(shape) - 1; k >= 0; k-- {
		if shape[k] > 0 {
			idx[k] = i % shape[k]
			i /= shape[k]
		}
	}
	return idx
}

// ravel returns the row-major position of idx in shape.
func ravel(idx, shape []int) int {
	i := 0
	for k, d := range shape {
		i = i*d + idx[k]
	}
	return i
}

// bcastBroadcast returns the position in an array of shape in of the
// element that broadcasting to out puts at the multi-index idx of out.
func bcastAt(idx, in []int) int {
	lead := len(idx) - len(in)
	j := make([]int, len(in))
	for k := range in {
		if in[k] != 1 {
			j[k] = idx[lead+k]
		}
	}
	return ravel(j, in)
}

// bshape is NumPy's broadcast of two shapes, or ok false.
func bshape(a, b []int) ([]int, bool) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for k := range n {
		da, db := 1, 1
		if i := k - (n - len(a)); i >= 0 {
			da = a[i]
		}
		if i := k - (n - len(b)); i >= 0 {
			db = b[i]
		}
		switch {
		case da == db || db == 1:
			out[k] = da
		case da == 1:
			out[k] = db
		default:
			return nil, false
		}
	}
	return out, true
}

func (b *scalarBackend) apply(o op.Op, x, y int) int {
	ax := b.arrs[x]
	if y < 0 {
		out := make([]tape.Var, len(ax.v))
		for i, v := range ax.v {
			out[i] = tape.Primitive(o, v, tape.Var{})
		}
		return b.add(sarray{slices.Clone(ax.shape), out})
	}
	ay := b.arrs[y]
	s, ok := bshape(ax.shape, ay.shape)
	if !ok {
		panic("scalar: apply: shapes do not broadcast")
	}
	out := make([]tape.Var, size(s))
	for i := range out {
		idx := unravel(i, s)
		out[i] = tape.Primitive(o, ax.v[bcastAt(idx, ax.shape)], ay.v[bcastAt(idx, ay.shape)])
	}
	return b.add(sarray{s, out})
}

// sumOf returns the sum of vs, left to right, 0 for none.
func (b *scalarBackend) sumOf(vs []tape.Var) tape.Var {
	if len(vs) == 0 {
		return b.t.Const(0)
	}
	s := vs[0]
	for _, v := range vs[1:] {
		s = s.Add(v)
	}
	return s
}

func (b *scalarBackend) matmul(x, y int) int {
	a, c := b.arrs[x], b.arrs[y]
	ra, rc := len(a.shape), len(c.shape)
	m, k, n := a.shape[ra-2], a.shape[ra-1], c.shape[rc-1]
	if c.shape[rc-2] != k {
		panic("scalar: matmul: inner dimensions differ")
	}
	batch, ok := bshape(a.shape[:ra-2], c.shape[:rc-2])
	if !ok {
		panic("scalar: matmul: batch axes do not broadcast")
	}
	s := append(slices.Clone(batch), m, n)
	out := make([]tape.Var, size(s))
	for p := range out {
		idx := unravel(p, s)
		bi, i, j := idx[:len(batch)], idx[len(batch)], idx[len(batch)+1]
		terms := make([]tape.Var, k)
		for l := range k {
			ia := append(slices.Clone(bi), i, l)
			ic := append(slices.Clone(bi), l, j)
			terms[l] = a.v[bcastAt(ia, a.shape)].Mul(c.v[bcastAt(ic, c.shape)])
		}
		// GEMM computes C = 0 + Σ a·b, as BLAS does with beta = 0: a sum
		// that starts from +0, so a single product of -0 gives +0.
		out[p] = b.t.Const(0).Add(b.sumOf(terms))
	}
	return b.add(sarray{s, out})
}

// normAxes returns axes (nil: all) as a set of non-negative axes of rank r.
func normAxes(axes []int, r int) []bool {
	red := make([]bool, r)
	for k := range red {
		red[k] = axes == nil
	}
	for _, a := range axes {
		if a < 0 {
			a += r
		}
		red[a] = true
	}
	return red
}

// groups returns, for a reduction of shape along the axes red, the
// shape kept (reduced axes of size 1), and for every position of the
// kept shape the row-major positions of x reduced into it.
func groups(shape []int, red []bool) ([]int, [][]int) {
	kept := slices.Clone(shape)
	for k, r := range red {
		if r {
			kept[k] = 1
		}
	}
	g := make([][]int, size(kept))
	for i := range size(shape) {
		idx := unravel(i, shape)
		for k, r := range red {
			if r {
				idx[k] = 0
			}
		}
		j := ravel(idx, kept)
		g[j] = append(g[j], i)
	}
	return kept, g
}

func dropped(shape []int, red []bool) []int {
	var s []int
	for k, d := range shape {
		if !red[k] {
			s = append(s, d)
		}
	}
	return s
}

func (b *scalarBackend) reduce(kind prim, x int, axes []int, keep bool) int {
	a := b.arrs[x]
	red := normAxes(axes, len(a.shape))
	kept, g := groups(a.shape, red)
	out := make([]tape.Var, len(g))
	for j, is := range g {
		vs := make([]tape.Var, len(is))
		for k, i := range is {
			vs[k] = a.v[i]
		}
		switch kind {
		case sum:
			out[j] = b.sumOf(vs)
		case mean:
			out[j] = b.sumOf(vs).DivConst(float64(len(vs)))
		case logsumexp:
			out[j] = b.lse(vs)
		case maximum:
			out[j] = b.max(vs)
		}
	}
	s := kept
	if !keep {
		s = dropped(a.shape, red)
	}
	return b.add(sarray{s, out})
}

// lse returns log Σ exp(vs) as m + log Σ exp(v - m), m the largest value
// (a constant: the result does not depend on it).
func (b *scalarBackend) lse(vs []tape.Var) tape.Var {
	if len(vs) == 0 {
		return b.t.Const(math.Inf(-1))
	}
	m := math.Inf(-1)
	for _, v := range vs {
		m = max(m, v.Value())
	}
	if math.IsInf(m, 0) || math.IsNaN(m) {
		m = 0
	}
	es := make([]tape.Var, len(vs))
	for i, v := range vs {
		es[i] = tape.Exp(v.SubConst(m))
	}
	return tape.Log(b.sumOf(es)).AddConst(m)
}

// max returns the largest of vs, its derivative shared equally by the
// elements equal to it, as package autograd's convention is (tape.Max
// gives it all to the first), and the partial 0 to the others.
func (b *scalarBackend) max(vs []tape.Var) tape.Var {
	m := math.Inf(-1)
	for _, v := range vs {
		if x := v.Value(); x > m || x != x {
			m = x
		}
	}
	var ties []tape.Var
	for _, v := range vs {
		if v.Value() == m {
			ties = append(ties, v)
		}
	}
	if len(ties) == 0 { // NaN: every element gets NaN
		p := make([]float64, len(vs))
		for i := range p {
			p[i] = math.NaN()
		}
		return b.t.Custom(m, vs, p)
	}
	// Every element is an argument, the ties with an equal share and
	// the others with the partial 0, as op's max(x, y) has step(x - y):
	// a 0 that meets an infinite partial below (acos at 1) gives NaN, as
	// the scalar table's chain rule does.
	p := make([]float64, len(vs))
	for i, v := range vs {
		if v.Value() == m {
			p[i] = 1 / float64(len(ties))
		}
	}
	return b.t.Custom(m, vs, p)
}

func (b *scalarBackend) reshape(x int, shape []int) int {
	a := b.arrs[x]
	s := slices.Clone(shape)
	if i := slices.Index(s, -1); i >= 0 {
		s[i] = 1
		if n := size(s); n > 0 {
			s[i] = len(a.v) / n
		} else {
			s[i] = 0
		}
	}
	return b.add(sarray{s, a.v})
}

func (b *scalarBackend) transpose(x int, perm []int) int {
	a := b.arrs[x]
	r := len(a.shape)
	if len(perm) == 0 {
		for k := range r {
			perm = append(perm, r-1-k)
		}
	}
	s := make([]int, r)
	for k, p := range perm {
		if p < 0 {
			p += r
		}
		s[k] = a.shape[p]
	}
	out := make([]tape.Var, len(a.v))
	for i := range out {
		idx := unravel(i, s)
		src := make([]int, r)
		for k, p := range perm {
			if p < 0 {
				p += r
			}
			src[p] = idx[k]
		}
		out[i] = a.v[ravel(src, a.shape)]
	}
	return b.add(sarray{s, out})
}

func (b *scalarBackend) softmax(kind prim, x, axis int) int {
	a := b.arrs[x]
	red := normAxes([]int{axis}, len(a.shape))
	_, g := groups(a.shape, red)
	out := make([]tape.Var, len(a.v))
	for _, is := range g {
		vs := make([]tape.Var, len(is))
		for k, i := range is {
			vs[k] = a.v[i]
		}
		if kind == logsoftmax {
			l := b.lse(vs)
			for k, i := range is {
				out[i] = vs[k].Sub(l)
			}
			continue
		}
		// exp(x - m) / Σ exp(x - m), m the largest value: exp(x - lse)
		// would lose the digits of lse below x's last (x ~ 1e16).
		m := math.Inf(-1)
		for _, v := range vs {
			m = max(m, v.Value())
		}
		if math.IsInf(m, 0) || math.IsNaN(m) {
			m = 0
		}
		es := make([]tape.Var, len(vs))
		for k, v := range vs {
			es[k] = tape.Exp(v.SubConst(m))
		}
		s := b.sumOf(es)
		for k, i := range is {
			out[i] = es[k].Div(s)
		}
	}
	return b.add(sarray{slices.Clone(a.shape), out})
}

func (b *scalarBackend) xent(x int, labels []int) int {
	a := b.arrs[x]
	r := len(a.shape)
	red := normAxes([]int{-1}, r)
	_, g := groups(a.shape, red)
	out := make([]tape.Var, len(g))
	for j, is := range g {
		vs := make([]tape.Var, len(is))
		for k, i := range is {
			vs[k] = a.v[i]
		}
		out[j] = b.lse(vs).Sub(vs[labels[j]])
	}
	return b.add(sarray{slices.Clone(a.shape[:r-1]), out})
}

func (b *scalarBackend) where(cond []float64, x, y int) int {
	ax, ay := b.arrs[x], b.arrs[y]
	s, _ := bshape(ax.shape, ay.shape)
	out := make([]tape.Var, size(s))
	for i := range out {
		idx := unravel(i, s)
		if cond[i] != 0 {
			out[i] = ax.v[bcastAt(idx, ax.shape)]
		} else {
			out[i] = ay.v[bcastAt(idx, ay.shape)]
		}
	}
	return b.add(sarray{s, out})
}

func (b *scalarBackend) concat(axis int, x, y int) int {
	ax, ay := b.arrs[x], b.arrs[y]
	if axis < 0 {
		axis += len(ax.shape)
	}
	s := slices.Clone(ax.shape)
	s[axis] += ay.shape[axis]
	out := make([]tape.Var, size(s))
	for i := range out {
		idx := unravel(i, s)
		if n := ax.shape[axis]; idx[axis] < n {
			out[i] = ax.v[ravel(idx, ax.shape)]
		} else {
			idx[axis] -= n
			out[i] = ay.v[ravel(idx, ay.shape)]
		}
	}
	return b.add(sarray{s, out})
}

func (b *scalarBackend) indexselect(x, axis int, sel []int) int {
	a := b.arrs[x]
	if axis < 0 {
		axis += len(a.shape)
	}
	s := slices.Clone(a.shape)
	s[axis] = len(sel)
	out := make([]tape.Var, size(s))
	for i := range out {
		idx := unravel(i, s)
		idx[axis] = sel[idx[axis]]
		out[i] = a.v[ravel(idx, a.shape)]
	}
	return b.add(sarray{s, out})
}
