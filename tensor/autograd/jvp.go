package autograd

import (
	"fmt"
	"slices"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// Dual is an array with a tangent, for forward mode: the primal value and
// the directional derivative of the computation along the tangent of its
// inputs, of the primal's shape. A nil Tangent is zero: a constant.
type Dual[T tensor.Float] struct {
	Primal, Tangent *tensor.Dense[T]
}

// JVP returns f(x) and its Jacobian-vector product along v: the
// directional derivative Σ_i ∂f/∂x_i · v_i, in one forward pass, with
// x_i and v_i of one shape. f computes with [ApplyDual] and [MatMulDual].
// JVP panics if x and v differ in length or in a shape.
func JVP[T tensor.Float](f func(x []Dual[T]) Dual[T], x, v []*tensor.Dense[T]) (out, tangent *tensor.Dense[T]) {
	if len(x) != len(v) {
		panic(fmt.Sprintf("autograd: jvp: %d arrays but %d tangents", len(x), len(v)))
	}
	d := make([]Dual[T], len(x))
	for i := range x {
		if !slices.Equal(x[i].Shape(), v[i].Shape()) {
			panic(fmt.Sprintf("autograd: jvp: x[%d] is %v but v[%d] is %v", i, x[i].Shape(), i, v[i].Shape()))
		}
		d[i] = Dual[T]{x[i], v[i]}
	}
	y := f(d)
	if y.Tangent == nil {
		return y.Primal, tensor.Zeros[T](y.Primal.Shape()...)
	}
	return y.Primal, y.Tangent
}

// ApplyDual applies the element-wise primitive o of package op's table to
// x (and y, broadcast, for a binary o) with its tangent, read from the
// JVP rule of the table of array primitives: at every element the
// tangents times op's Partials there. It panics as [Apply] does.
func ApplyDual[T tensor.Float](o op.Op, x Dual[T], y ...Dual[T]) Dual[T] {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("autograd: applydual: %v is not an element-wise primitive", o))
	}
	if len(y) != o.Arity()-1 {
		panic(fmt.Sprintf("autograd: %s: %s takes %d arguments, not %d", o.Word(), o.Word(), o.Arity(), 1+len(y)))
	}
	args := [2]Dual[T]{x}
	if len(y) == 1 {
		args[1] = y[0]
	}
	return dual(elementwise, &param[T]{op: o}, args)
}

// MatMulDual returns the matrix product a·b with its tangent
// da·b + a·db, as [MatMul].
func MatMulDual[T tensor.Float](a, b Dual[T]) Dual[T] {
	return dual(matmul, &param[T]{}, [2]Dual[T]{a, b})
}

// dual applies the primitive p, elementwise or matmul, by its forward
// and JVP rules (the entries of the table of array primitives, without a
// table: a Dual belongs to no tape).
func dual[T tensor.Float](p prim, pa *param[T], a [2]Dual[T]) Dual[T] {
	x := [2]*tensor.Dense[T]{a[0].Primal, a[1].Primal}
	t := [2]*tensor.Dense[T]{a[0].Tangent, a[1].Tangent}
	if p == matmul {
		out := tensor.MatMul(x[0], x[1])
		return Dual[T]{out, matmulJVP(pa, x, t, out)}
	}
	out := tensor.Apply(pa.op, x[0], x[1])
	return Dual[T]{out, elementwiseJVP(pa, x, t, out)}
}

// elementwiseJVP is the JVP rule of the element-wise primitives: the
// tangent of o(x, y) is ∂o/∂x·ẋ + ∂o/∂y·ẏ at every element of the
// broadcast shape, with op's Partials.
func elementwiseJVP[T tensor.Float](p *param[T], a, t [2]*tensor.Dense[T], out *tensor.Dense[T]) *tensor.Dense[T] {
	if t[0] == nil && t[1] == nil {
		return nil
	}
	shape := out.Shape()
	vs := out.Data()
	at := func(x *tensor.Dense[T]) []T {
		if x == nil {
			return nil
		}
		return tensor.BroadcastTo(x, shape...).Data()
	}
	xs, ys, dxs, dys := at(a[0]), at(a[1]), at(t[0]), at(t[1])
	d := make([]T, len(vs))
	for i, v := range vs {
		var y float64
		if ys != nil {
			y = float64(ys[i])
		}
		px, py := p.op.Partials(float64(xs[i]), y, float64(v))
		s := 0.0
		if dxs != nil {
			s += px * float64(dxs[i])
		}
		if dys != nil {
			s += py * float64(dys[i])
		}
		d[i] = T(s)
	}
	return tensor.FromSlice(d, shape...)
}

// matmulJVP is the JVP rule of matmul: ȧ·b + a·ḃ.
func matmulJVP[T tensor.Float](_ *param[T], a, t [2]*tensor.Dense[T], _ *tensor.Dense[T]) *tensor.Dense[T] {
	var d *tensor.Dense[T]
	if t[0] != nil {
		d = tensor.MatMul(t[0], a[1])
	}
	if t[1] != nil {
		db := tensor.MatMul(a[0], t[1])
		if d == nil {
			d = db
		} else {
			d = tensor.Add(d, db)
		}
	}
	return d
}
