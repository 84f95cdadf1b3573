package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tape"
	"github.com/gobackprop/backprop/tensor"
)

// program is an array computation written once for both backends: a
// function of the handles of its inputs.
type program func(b backend, in []int) int

// lossOf records Σ p(x)·w, with w a fixed random array of p's output
// shape drawn from seed, on b, and returns the handles of the inputs and
// of the loss.
func lossOf(b backend, p program, shapes [][]int, x []float64, seed uint64) ([]int, int) {
	in := make([]int, len(shapes))
	at := 0
	for i, s := range shapes {
		n := size(s)
		in[i] = b.input(s, x[at:at+n])
		at += n
	}
	out := p(b, in)
	s := b.shape(out)
	r := rand.New(rand.NewPCG(seed, 7))
	w := make([]float64, size(s))
	for i := range w {
		w[i] = r.NormFloat64()
	}
	return in, b.reduce(sum, b.apply(op.Mul, out, b.constant(s, w)), nil, false)
}

// arrayGradient returns the value of p's loss and its gradient, flattened,
// on a Tape[T].
func arrayGradient[T tensor.Float](p program, shapes [][]int, x []float64, seed uint64) (float64, []float64) {
	b := &arrayBackend[T]{t: New[T]()}
	in, loss := lossOf(b, p, shapes, x, seed)
	b.t.Backward(b.vars[loss])
	var g []float64
	for i, h := range in {
		gv := b.t.Grad(b.vars[h])
		if !slices.Equal(gv.Shape(), shapes[i]) {
			panic(fmt.Sprintf("gradient of shape %v for an argument of shape %v", gv.Shape(), shapes[i]))
		}
		for _, e := range gv.Data() {
			g = append(g, float64(e))
		}
	}
	return float64(b.vars[loss].Value().Data()[0]), g
}

// scalarGradient returns the value of p's loss and its gradient, flattened,
// on package tape's scalar tape.
func scalarGradient(p program, shapes [][]int, x []float64, seed uint64) (float64, []float64) {
	b := &scalarBackend{t: tape.New()}
	in, loss := lossOf(b, p, shapes, x, seed)
	out := b.arrs[loss].v[0]
	b.t.Backward(out)
	var g []float64
	for _, h := range in {
		for _, v := range b.arrs[h].v {
			g = append(g, b.t.Adjoint(v))
		}
	}
	return out.Value(), g
}

// programCase is a program checked on random shapes drawn by shapes, with
// elements drawn from [lo, hi).
type programCase struct {
	name   string
	shapes func(r *rand.Rand) [][]int
	lo, hi float64
	p      program
}

// randAxes draws a list of axes of rank r (nil now and then: all).
func randAxes(r *rand.Rand, rank int) []int {
	if r.IntN(4) == 0 {
		return nil
	}
	a := []int{}
	for k := range rank {
		if r.IntN(2) == 0 {
			a = append(a, k)
		}
	}
	return a
}

func programCases() []programCase {
	var cs []programCase
	for _, o := range op.All() {
		lo, hi := -1.0, 1.0
		if positive[o] {
			lo, hi = 0.3, 0.9
		}
		if o.Arity() == 1 {
			cs = append(cs, programCase{o.Word(), one, lo, hi, func(b backend, in []int) int { return b.apply(o, in[0], -1) }})
		} else {
			cs = append(cs, programCase{o.Word(), broadcastPair, lo, hi, func(b backend, in []int) int { return b.apply(o, in[0], in[1]) }})
		}
	}
	// The reductions draw their axes from a generator seeded by the
	// shape, so that both backends reduce the same axes.
	reduce := func(name string, k prim, shapes func(*rand.Rand) [][]int) programCase {
		return programCase{name, shapes, -1, 1, func(b backend, in []int) int {
			s := b.shape(in[0])
			r := rand.New(rand.NewPCG(uint64(len(s)), uint64(size(s))))
			return b.reduce(k, in[0], randAxes(r, len(s)), r.IntN(2) == 0)
		}}
	}
	matrices := func(r *rand.Rand) [][]int {
		m, k, n := r.IntN(4), r.IntN(4), r.IntN(4)
		bs := randShape(r, 2)
		ba := slices.Clone(bs)
		for i := range ba {
			if r.IntN(3) == 0 {
				ba[i] = 1
			}
		}
		bb := slices.Clone(bs[r.IntN(len(bs)+1):])
		if r.IntN(2) == 0 {
			ba, bb = bb, ba
		}
		return [][]int{append(ba, m, k), append(bb, k, n)}
	}
	rows := func(r *rand.Rand) [][]int { return [][]int{{r.IntN(4), 1 + r.IntN(4)}} }
	withAxis := func(r *rand.Rand) [][]int {
		s := randShape(r, 3)
		if len(s) == 0 {
			s = []int{1 + r.IntN(3)}
		}
		return [][]int{s}
	}
	lastAxis := func(b backend, x int) int { return len(b.shape(x)) - 1 }
	cs = append(cs,
		programCase{"matmul", matrices, -1, 1, func(b backend, in []int) int { return b.matmul(in[0], in[1]) }},
		programCase{"matmul of transposes", matrices, -1, 1, func(b backend, in []int) int {
			r := len(b.shape(in[0]))
			perm := make([]int, r)
			for k := range perm {
				perm[k] = k
			}
			perm[r-2], perm[r-1] = r-1, r-2
			at := b.transpose(b.transpose(in[0], perm), perm)
			return b.matmul(at, in[1])
		}},
		reduce("sum", sum, one),
		reduce("mean", mean, nonEmpty),
		reduce("logsumexp", logsumexp, one),
		reduce("max", maximum, nonEmpty),
		programCase{"max with ties", nonEmpty, -1, 1, func(b backend, in []int) int {
			// Every element twice: the maximum is always a tie, and its
			// cotangent is split between the two copies.
			y := b.reshape(in[0], []int{-1})
			return b.reduce(maximum, b.concat(0, y, y), nil, false)
		}},
		programCase{"reshape", one, -1, 1, func(b backend, in []int) int {
			return b.apply(op.Exp, b.reshape(in[0], []int{-1}), -1)
		}},
		programCase{"transpose", one, -1, 1, func(b backend, in []int) int {
			return b.apply(op.Mul, b.transpose(in[0], nil), b.apply(op.Sin, b.transpose(in[0], nil), -1))
		}},
		programCase{"softmax", withAxis, -2, 2, func(b backend, in []int) int { return b.softmax(softmax, in[0], lastAxis(b, in[0])) }},
		programCase{"softmax axis 0", withAxis, -2, 2, func(b backend, in []int) int { return b.softmax(softmax, in[0], 0) }},
		programCase{"logsoftmax", withAxis, -2, 2, func(b backend, in []int) int { return b.softmax(logsoftmax, in[0], -1) }},
		programCase{"cross-entropy", rows, -2, 2, func(b backend, in []int) int {
			s := b.shape(in[0])
			l := make([]int, s[0])
			for i := range l {
				l[i] = (3*i + 1) % s[1]
			}
			return b.xent(in[0], l)
		}},
		programCase{"where", broadcastPair, -1, 1, func(b backend, in []int) int {
			s, _ := bshape(b.shape(in[0]), b.shape(in[1]))
			c := make([]float64, size(s))
			for i := range c {
				c[i] = float64(i % 2)
			}
			return b.where(c, in[0], in[1])
		}},
		programCase{"concatenate", func(r *rand.Rand) [][]int {
			s := withAxis(r)[0]
			t := slices.Clone(s)
			ax := r.IntN(len(s))
			t[ax] = r.IntN(3)
			return [][]int{s, t}
		}, -1, 1, func(b backend, in []int) int {
			s, t := b.shape(in[0]), b.shape(in[1])
			ax := 0 // any axis, if the shapes are equal
			for k := range s {
				if s[k] != t[k] {
					ax = k
				}
			}
			return b.concat(ax, in[0], in[1])
		}},
		programCase{"indexselect", nonEmpty, -1, 1, func(b backend, in []int) int {
			s := b.shape(in[0])
			if len(s) == 0 {
				return in[0]
			}
			ax := len(s) - 1
			n := s[ax]
			return b.indexselect(in[0], ax-len(s), []int{n - 1, 0, n - 1, n / 2})
		}},
		programCase{"mlp", func(r *rand.Rand) [][]int {
			b, i, h, o := r.IntN(3), 1+r.IntN(4), 1+r.IntN(4), 2+r.IntN(3)
			return [][]int{{b, i}, {i, h}, {h}, {h, o}, {o}}
		}, -1, 1, func(b backend, in []int) int {
			hid := b.apply(op.Relu, b.apply(op.Add, b.matmul(in[0], in[1]), in[2]), -1)
			logits := b.apply(op.Add, b.matmul(hid, in[3]), in[4])
			l := make([]int, b.shape(in[0])[0])
			for i := range l {
				l[i] = i % b.shape(in[4])[0]
			}
			return b.xent(logits, l)
		}},
	)
	return cs
}

// TestScalarTape checks every array primitive's gradient against the same
// computation written element by element on package tape's scalar tape,
// on random shapes (broadcast along every kind of axis, size-1 and size-0
// axes): float64 to 1e-12 relative, float32 to float32's precision.
func TestScalarTape(t *testing.T) {
	for ci, c := range programCases() {
		r := rand.New(rand.NewPCG(uint64(ci), 11))
		for trial := range 12 {
			shapes := c.shapes(r)
			n := 0
			for _, s := range shapes {
				n += size(s)
			}
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(float32(c.lo + (c.hi-c.lo)*r.Float64()))
			}
			seed := uint64(100*ci + trial)
			name := fmt.Sprintf("%s %v", c.name, shapes)
			v, want := scalarGradient(c.p, shapes, x, seed)
			v64, g64 := arrayGradient[float64](c.p, shapes, x, seed)
			v32, g32 := arrayGradient[float32](c.p, shapes, x, seed)
			if !close(v64, v, 1e-12) {
				t.Errorf("%s float64: loss %g, scalar tape %g", name, v64, v)
			}
			if !close(v32, v, 1e-5) {
				t.Errorf("%s float32: loss %g, scalar tape %g", name, v32, v)
			}
			compare(t, name+" float64", g64, want, 1e-12)
			compare(t, name+" float32", g32, want, 1e-5)
		}
	}
}

// close reports whether got is want to the relative tolerance tol (an
// absolute one below 1), or both are NaN, or both the same infinity.
func close(got, want, tol float64) bool {
	if math.IsNaN(want) || math.IsInf(want, 0) {
		return got == want || math.IsNaN(got) && math.IsNaN(want)
	}
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}

func compare(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d derivatives, scalar tape %d", name, len(got), len(want))
		return
	}
	for i := range want {
		if !close(got[i], want[i], tol) {
			t.Errorf("%s: ∂/∂x[%d] = %g, scalar tape %g", name, i, got[i], want[i])
			return
		}
	}
}

// TestCrossEntropyInfiniteLogit is a regression test found by FuzzOps: a
// row with a +Inf logit whose loss is not used (cotangent 0) gave NaN to
// the finite logits of the row, which the scalar tape gives 0.
func TestCrossEntropyInfiniteLogit(t *testing.T) {
	tp := New[float64]()
	x := tp.Var(tensor.FromSlice([]float64{1, math.Inf(1), 0, 0}, 2, 2))
	keep := tensor.FromSlice([]float64{0, 1}, 2)
	l := Sum(Where(keep, SoftmaxCrossEntropy(x, []int{0, 0}), tp.Const(tensor.Scalar(0.0))), nil, false)
	tp.Backward(l)
	g := tp.Grad(x)
	if got := g.At(0, 0); got != 0 {
		t.Errorf("∂/∂x[0][0] = %g, want 0", got)
	}
	if got := g.At(1, 0); got != -0.5 {
		t.Errorf("∂/∂x[1][0] = %g, want -0.5", got)
	}
}
