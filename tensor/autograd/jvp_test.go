package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// jvpCase is a function written twice, in forward mode on Duals and in
// reverse mode on Vars.
type jvpCase[T tensor.Float] struct {
	name   string
	shapes func(r *rand.Rand) [][]int
	lo, hi float64
	dual   func(x []Dual[T]) Dual[T]
	rev    func(x []Var[T]) Var[T]
}

func jvpCases[T tensor.Float]() []jvpCase[T] {
	var cs []jvpCase[T]
	for _, o := range op.All() {
		lo, hi := -1.0, 1.0
		if positive[o] {
			lo, hi = 0.3, 0.9
		}
		if o.Arity() == 1 {
			cs = append(cs, jvpCase[T]{o.Word(), one, lo, hi,
				func(x []Dual[T]) Dual[T] { return ApplyDual(o, x[0]) },
				func(x []Var[T]) Var[T] { return Apply(o, x[0]) }})
		} else {
			cs = append(cs, jvpCase[T]{o.Word(), broadcastPair, lo, hi,
				func(x []Dual[T]) Dual[T] { return ApplyDual(o, x[0], x[1]) },
				func(x []Var[T]) Var[T] { return Apply(o, x[0], x[1]) }})
		}
	}
	matrices := func(r *rand.Rand) [][]int {
		m, k, n := r.IntN(4), r.IntN(4), 1+r.IntN(3)
		b := randShape(r, 1)
		return [][]int{append(b, m, k), {k, n}}
	}
	layer := func(r *rand.Rand) [][]int {
		b, i, h, o := 1+r.IntN(3), 1+r.IntN(4), 1+r.IntN(4), 1+r.IntN(3)
		return [][]int{{b, i}, {i, h}, {h}, {h, o}}
	}
	cs = append(cs,
		jvpCase[T]{"matmul", matrices, -1, 1,
			func(x []Dual[T]) Dual[T] { return MatMulDual(x[0], x[1]) },
			func(x []Var[T]) Var[T] { return MatMul(x[0], x[1]) }},
		jvpCase[T]{"two layers", layer, -1, 1,
			func(x []Dual[T]) Dual[T] {
				return MatMulDual(ApplyDual(op.Tanh, ApplyDual(op.Add, MatMulDual(x[0], x[1]), x[2])), x[3])
			},
			func(x []Var[T]) Var[T] { return MatMul(Tanh(Add(MatMul(x[0], x[1]), x[2])), x[3]) }},
	)
	cs = append(cs, sumsqJVPCases[T]()...)
	return append(cs, convJVPCases[T]()...) // conv_test.go
}

// randArrays draws arrays of the given shapes with elements in [lo, hi),
// exact in float32.
func randArrays[T tensor.Float](r *rand.Rand, shapes [][]int, lo, hi float64) []*tensor.Dense[T] {
	xs := make([]*tensor.Dense[T], len(shapes))
	for i, s := range shapes {
		d := make([]float64, size(s))
		for j := range d {
			d[j] = float64(float32(lo + (hi-lo)*r.Float64()))
		}
		xs[i] = dense[T](s, d)
	}
	return xs
}

func dot[T tensor.Float](a, b *tensor.Dense[T]) float64 {
	s := 0.0
	bs := b.Data()
	for i, e := range a.Data() {
		s += float64(e) * float64(bs[i])
	}
	return s
}

// TestJVP checks the forward-mode JVPs of the element-wise primitives and
// matmul, in float64 and float32, against central differences along the
// tangent, (f(x + hv) - f(x - hv))/2h, and against reverse mode on the
// same function: ⟨u, J v⟩ = ⟨Jᵀu, v⟩ for random u and v.
func TestJVP(t *testing.T) {
	checkJVP[float64](t, 1e-12)
	checkJVP[float32](t, 1e-4)
}

func checkJVP[T tensor.Float](t *testing.T, tol float64) {
	for ci, c := range jvpCases[T]() {
		r := rand.New(rand.NewPCG(uint64(ci), 21))
		for range 6 {
			shapes := c.shapes(r)
			x := randArrays[T](r, shapes, c.lo, c.hi)
			v := randArrays[T](r, shapes, -1, 1)
			name := fmt.Sprintf("%T %s %v", T(0), c.name, shapes)
			y, jv := JVP(c.dual, x, v)
			if !slices.Equal(jv.Shape(), y.Shape()) {
				t.Fatalf("%s: tangent %v, value %v", name, jv.Shape(), y.Shape())
			}

			// Reverse mode: Jᵀu from the tape's gradient of ⟨u, f(x)⟩.
			u := randArrays[T](r, [][]int{y.Shape()}, -1, 1)[0]
			tp := New[T]()
			vars := make([]Var[T], len(x))
			for i := range x {
				vars[i] = tp.Var(x[i])
			}
			out := c.rev(vars)
			tp.Backward(Sum(Mul(out, tp.Const(u)), nil, false))
			lhs, rhs := dot(u, jv), 0.0
			for i := range vars {
				rhs += dot(tp.Grad(vars[i]), v[i])
			}
			if !close(lhs, rhs, tol) {
				t.Errorf("%s: ⟨u, Jv⟩ = %g but ⟨Jᵀu, v⟩ = %g", name, lhs, rhs)
			}

			// Central differences along v, in float64.
			if _, ok := any(T(0)).(float32); ok {
				continue
			}
			const h = 1e-6
			at := func(s float64) *tensor.Dense[T] {
				xs := make([]Dual[T], len(x))
				for i := range x {
					xs[i] = Dual[T]{Primal: tensor.Add(x[i], tensor.Mul(v[i], tensor.Scalar(T(s))))}
				}
				return c.dual(xs).Primal
			}
			fd := tensor.Div(tensor.Sub(at(h), at(-h)), tensor.Scalar(T(2*h)))
			fs, js := fd.Data(), jv.Data()
			for i := range js {
				if !(math.Abs(float64(fs[i]-js[i])) <= 1e-6*max(1, math.Abs(float64(fs[i])))) {
					t.Errorf("%s: (Jv)[%d] = %g, central differences %g", name, i, js[i], fs[i])
					break
				}
			}
		}
	}
}
