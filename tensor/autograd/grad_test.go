package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// gradCase is a function of some arrays whose gradient is checked: shapes
// draws the shapes of its arguments, whose elements are drawn from
// [lo, hi), and f records it.
type gradCase[T tensor.Float] struct {
	name   string
	shapes func(r *rand.Rand) [][]int
	lo, hi float64
	f      func(xs []Var[T]) Var[T]
}

// randShape returns a random shape of rank 0 to maxRank with sizes 1 to
// 3, and now and then a size 0.
func randShape(r *rand.Rand, maxRank int) []int {
	s := make([]int, r.IntN(maxRank+1))
	for k := range s {
		s[k] = 1 + r.IntN(3)
		if r.IntN(15) == 0 {
			s[k] = 0
		}
	}
	return s
}

// broadcastPair returns two shapes that broadcast together: suffixes of
// one shape with some sizes set to 1, which exercises every kind of
// broadcast axis.
func broadcastPair(r *rand.Rand) [][]int {
	out := randShape(r, 3)
	one := func() []int {
		s := slices.Clone(out[r.IntN(len(out)+1):])
		for k := range s {
			if r.IntN(3) == 0 {
				s[k] = 1
			}
		}
		return s
	}
	return [][]int{one(), one()}
}

func one(r *rand.Rand) [][]int { return [][]int{randShape(r, 3)} }

// nonEmpty draws one shape with no axis of size 0, for max, which is
// undefined over no elements.
func nonEmpty(r *rand.Rand) [][]int {
	s := randShape(r, 3)
	for k := range s {
		s[k] = max(s[k], 1)
	}
	return [][]int{s}
}

// positive lists the primitives checked on (0.3, 0.9), inside their
// domains; the others are checked on (-1, 1).
var positive = map[op.Op]bool{op.Log: true, op.Sqrt: true, op.Asin: true, op.Acos: true, op.Pow: true, op.Log1p: true, op.Div: true}

func cases[T tensor.Float]() []gradCase[T] {
	var cs []gradCase[T]
	for _, o := range op.All() {
		lo, hi := -1.0, 1.0
		if positive[o] {
			lo, hi = 0.3, 0.9
		}
		if o.Arity() == 1 {
			cs = append(cs, gradCase[T]{o.Word(), one, lo, hi, func(x []Var[T]) Var[T] { return Apply(o, x[0]) }})
		} else {
			cs = append(cs, gradCase[T]{o.Word(), broadcastPair, lo, hi, func(x []Var[T]) Var[T] { return Apply(o, x[0], x[1]) }})
		}
	}
	axes := func(r *rand.Rand, rank int) []int {
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
	// The reductions draw their axes from the shape's rank, with a
	// generator of their own seeded by the shape, so that every
	// evaluation of one case reduces the same axes.
	reduce := func(name string, shapes func(*rand.Rand) [][]int, f func(Var[T], []int, bool) Var[T]) gradCase[T] {
		return gradCase[T]{name, shapes, -1, 1, func(x []Var[T]) Var[T] {
			s := x[0].Shape()
			r := rand.New(rand.NewPCG(uint64(len(s)), uint64(tensor.Zeros[T](s...).Size())))
			return f(x[0], axes(r, len(s)), r.IntN(2) == 0)
		}}
	}
	matrices := func(r *rand.Rand) [][]int {
		m, k, n := r.IntN(4), 1+r.IntN(3), 1+r.IntN(4)
		b := randShape(r, 2)
		ba := slices.Clone(b)
		for i := range ba {
			if r.IntN(3) == 0 {
				ba[i] = 1
			}
		}
		bb := slices.Clone(b[r.IntN(len(b)+1):])
		return [][]int{append(ba, m, k), append(bb, k, n)}
	}
	rows := func(r *rand.Rand) [][]int { return [][]int{{1 + r.IntN(4), 1 + r.IntN(4)}} }
	labels := func(x Var[T]) []int {
		s := x.Shape()
		l := make([]int, s[0])
		for i := range l {
			l[i] = (3*i + 1) % s[1]
		}
		return l
	}
	cs = append(cs,
		gradCase[T]{"matmul", matrices, -1, 1, func(x []Var[T]) Var[T] { return MatMul(x[0], x[1]) }},
		gradCase[T]{"matmul transposed", matrices, -1, 1, func(x []Var[T]) Var[T] {
			return MatMul(Transpose(Transpose(x[0])), x[1])
		}},
		reduce("sum", one, Sum[T]),
		reduce("mean", one, Mean[T]),
		reduce("logsumexp", one, LogSumExp[T]),
		reduce("max", nonEmpty, Max[T]),
		gradCase[T]{"max with ties", nonEmpty, -1, 1, func(x []Var[T]) Var[T] {
			// Relu makes ties at 0 among the negative elements.
			return Max(Relu(x[0]), nil, false)
		}},
		gradCase[T]{"concatenate", func(r *rand.Rand) [][]int {
			s := randShape(r, 3)
			if len(s) == 0 {
				s = []int{2}
			}
			t, u := slices.Clone(s), slices.Clone(s)
			t[0], u[0] = r.IntN(3), r.IntN(3)
			return [][]int{s, t, u}
		}, -1, 1, func(x []Var[T]) Var[T] { return Concatenate(0, x[0], x[1], x[2]) }},
		gradCase[T]{"concatenate last", func(r *rand.Rand) [][]int {
			return [][]int{{2, 1 + r.IntN(3)}, {2, r.IntN(3)}}
		}, -1, 1, func(x []Var[T]) Var[T] { return Concatenate(-1, x...) }},
		gradCase[T]{"indexselect", func(r *rand.Rand) [][]int {
			return [][]int{{2, 1 + r.IntN(4), 2}}
		}, -1, 1, func(x []Var[T]) Var[T] {
			n := x[0].Shape()[1]
			return IndexSelect(x[0], -2, []int{n - 1, 0, n - 1, n / 2})
		}},
		gradCase[T]{"reshape", one, -1, 1, func(x []Var[T]) Var[T] { return Exp(Reshape(x[0], -1)) }},
		gradCase[T]{"transpose", one, -1, 1, func(x []Var[T]) Var[T] { return Mul(Transpose(x[0]), Transpose(x[0])) }},
		gradCase[T]{"softmax", rows, -2, 2, func(x []Var[T]) Var[T] { return Softmax(x[0], -1) }},
		gradCase[T]{"softmax axis 0", rows, -2, 2, func(x []Var[T]) Var[T] { return Softmax(x[0], 0) }},
		gradCase[T]{"logsoftmax", rows, -2, 2, func(x []Var[T]) Var[T] { return LogSoftmax(x[0], 1) }},
		gradCase[T]{"cross-entropy", rows, -2, 2, func(x []Var[T]) Var[T] { return SoftmaxCrossEntropy(x[0], labels(x[0])) }},
		gradCase[T]{"where", broadcastPair, -1, 1, func(x []Var[T]) Var[T] {
			a, b := x[0].Value(), x[1].Value()
			cond := tensor.Apply(op.Step, tensor.Sub(tensor.Add(a, b), tensor.Scalar(T(0.1))), nil)
			return Where(cond, x[0], x[1])
		}},
		gradCase[T]{"mlp", func(r *rand.Rand) [][]int {
			b, i, h, o := 1+r.IntN(3), 1+r.IntN(4), 1+r.IntN(4), 2+r.IntN(3)
			return [][]int{{b, i}, {i, h}, {h}, {h, o}, {o}}
		}, -1, 1, func(x []Var[T]) Var[T] {
			hid := Relu(Add(MatMul(x[0], x[1]), x[2]))
			logits := Add(MatMul(hid, x[3]), x[4])
			l := make([]int, x[0].Shape()[0])
			for i := range l {
				l[i] = i % x[4].Shape()[0]
			}
			return Mean(SoftmaxCrossEntropy(logits, l), nil, false)
		}},
	)
	return cs
}

// eval records case c at the point x (the arguments' elements, flattened
// in turn) on t and returns the loss Σ c(x)·w, with w a fixed random array
// of the output's shape drawn from seed, and the argument Vars.
func eval[T tensor.Float](t *Tape[T], c gradCase[T], shapes [][]int, x []float64, seed uint64) (Var[T], []Var[T]) {
	vars := make([]Var[T], len(shapes))
	at := 0
	for i, s := range shapes {
		a := tensor.Zeros[T](s...)
		d := a.Data()
		for j := range d {
			d[j] = T(x[at+j])
		}
		at += len(d)
		vars[i] = t.Var(a)
	}
	out := c.f(vars)
	w := tensor.RandNormal[T](rand.New(rand.NewPCG(seed, 1)), out.Shape()...)
	return Sum(Mul(out, t.Const(w)), nil, false), vars
}

// TestGradients checks every array primitive's VJP against central
// differences (gonum's diff/fd) of the float64 function, on random shapes
// (broadcast along every kind of axis, size-1 and size-0 axes), with the
// tape in float64 and in float32.
func TestGradients(t *testing.T) {
	c64, c32 := cases[float64](), cases[float32]()
	for ci := range c64 {
		c := c64[ci]
		r := rand.New(rand.NewPCG(uint64(ci), 3))
		for trial := range 6 {
			shapes := c.shapes(r)
			n := 0
			for _, s := range shapes {
				n += tensor.Zeros[float64](s...).Size()
			}
			x := make([]float64, n)
			for i := range x {
				x[i] = float64(float32(c.lo + (c.hi-c.lo)*r.Float64()))
			}
			seed := uint64(100*ci + trial)
			f := func(x []float64) float64 {
				loss, _ := eval(New[float64](), c, shapes, x, seed)
				return loss.Value().At()
			}
			want := fd.Gradient(nil, f, x, &fd.Settings{Formula: fd.Central})
			name := fmt.Sprintf("%s %v", c.name, shapes)
			check(t, name+" float64", gradient(c, shapes, x, seed), want, 1e-6)
			check(t, name+" float32", gradient(c32[ci], shapes, x, seed), want, 2e-3)
		}
	}
}

// gradient returns the tape's gradient of case c at x, flattened.
func gradient[T tensor.Float](c gradCase[T], shapes [][]int, x []float64, seed uint64) []float64 {
	tp := New[T]()
	loss, vars := eval(tp, c, shapes, x, seed)
	tp.Backward(loss)
	var g []float64
	for i, v := range vars {
		gv := tp.Grad(v)
		if !slices.Equal(gv.Shape(), shapes[i]) {
			panic(fmt.Sprintf("gradient of shape %v for an argument of shape %v", gv.Shape(), shapes[i]))
		}
		for _, e := range gv.Data() {
			g = append(g, float64(e))
		}
	}
	return g
}

func check(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.IsNaN(got[i]) || math.Abs(got[i]-want[i]) > tol*max(1, math.Abs(want[i])) {
			t.Errorf("%s: ∂/∂x[%d] = %g, central differences %g", name, i, got[i], want[i])
			return
		}
	}
}
