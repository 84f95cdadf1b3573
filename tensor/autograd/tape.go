package autograd

import (
	"fmt"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// Tape records array operations for reverse-mode differentiation. The
// zero Tape is not ready for use; call [New].
type Tape[T tensor.Float] struct {
	recs  []record[T]
	adj   []*tensor.Dense[T] // the adjoints of the last Backward, nil where none reached
	epoch uint32             // incremented by Reset
	rules *[numPrims]rule[T]
}

// New returns an empty tape.
func New[T tensor.Float]() *Tape[T] { return &Tape[T]{rules: newRules[T]()} }

// Var is an array on a tape: a leaf made by [Tape.Var] or [Tape.Const],
// or the result of an operation. It is a small value; copy it freely.
type Var[T tensor.Float] struct {
	t     *Tape[T]
	i     int32
	epoch uint32
}

// record is one operation: its primitive, the indices of its array
// arguments (-1: none), its parameters and its value.
type record[T tensor.Float] struct {
	prim  prim
	args  [2]int32
	param param[T]
	val   *tensor.Dense[T]
}

// param holds the parameters of a primitive that are not arrays on the
// tape.
type param[T tensor.Float] struct {
	op     op.Op            // element-wise: the primitive of op's table
	axes   []int            // reductions, softmax (one axis), transpose (a permutation)
	keep   bool             // reductions: keepdims
	labels []int            // cross-entropy
	cond   *tensor.Dense[T] // where
}

// Var returns a new leaf holding x, a variable to differentiate by. The
// tape keeps x without copying it.
func (t *Tape[T]) Var(x *tensor.Dense[T]) Var[T] {
	return t.push(record[T]{prim: leaf, args: [2]int32{-1, -1}, val: x})
}

// Const returns a new leaf holding x, a constant. It is a Var like any
// other (its adjoint is computed too); the name says what it is for.
func (t *Tape[T]) Const(x *tensor.Dense[T]) Var[T] { return t.Var(x) }

// Value returns the value of v, owned by the tape: do not write to it.
func (v Var[T]) Value() *tensor.Dense[T] { return v.rec("value").val }

// Shape returns the shape of v's value.
func (v Var[T]) Shape() []int { return v.Value().Shape() }

// Len returns the number of records on t.
func (t *Tape[T]) Len() int { return len(t.recs) }

// Reset empties t, keeping its capacity. Vars made before are stale:
// using them panics.
func (t *Tape[T]) Reset() {
	clear(t.recs)
	t.recs = t.recs[:0]
	clear(t.adj)
	t.adj = t.adj[:0]
	t.epoch++
}

// Backward runs the backward pass from out, which must hold one element
// (a scalar, or any shape of size 1): its adjoint is 1, and every record
// it depends on gets the adjoint ∂out/∂record, an array of the record's
// shape. Earlier adjoints are discarded.
func (t *Tape[T]) Backward(out Var[T]) {
	r := out.rec("backward")
	if r.val.Size() != 1 {
		panic(fmt.Sprintf("autograd: backward: out has shape %v, not a single element", r.val.Shape()))
	}
	t.adj = append(t.adj[:0], make([]*tensor.Dense[T], out.i+1)...)
	t.adj[out.i] = tensor.Ones[T](r.val.Shape()...)
	for i := out.i; i >= 0; i-- {
		g := t.adj[i]
		rec := &t.recs[i]
		if g == nil || rec.prim == leaf {
			continue
		}
		var args [2]*tensor.Dense[T]
		for k, a := range rec.args {
			if a >= 0 {
				args[k] = t.recs[a].val
			}
		}
		gx, gy := t.rules[rec.prim].vjp(&rec.param, g, args, rec.val)
		for k, ga := range [2]*tensor.Dense[T]{gx, gy} {
			if a := rec.args[k]; a >= 0 && ga != nil {
				if t.adj[a] == nil {
					t.adj[a] = ga
				} else {
					t.adj[a] = tensor.Add(t.adj[a], ga)
				}
			}
		}
	}
}

// Grad returns the adjoint of v from the last [Tape.Backward]: the
// gradient of its output with respect to v, of v's shape, zeros if the
// output does not depend on v. The array is owned by the tape until the
// next Backward or Reset.
func (t *Tape[T]) Grad(v Var[T]) *tensor.Dense[T] {
	r := v.rec("grad")
	if int(v.i) < len(t.adj) && t.adj[v.i] != nil {
		g := t.adj[v.i].Contiguous()
		t.adj[v.i] = g
		return g
	}
	return tensor.Zeros[T](r.val.Shape()...)
}

// push appends r and returns its Var.
func (t *Tape[T]) push(r record[T]) Var[T] {
	t.recs = append(t.recs, r)
	return Var[T]{t: t, i: int32(len(t.recs) - 1), epoch: t.epoch}
}

// rec returns v's record, or panics if v is the zero Var or stale.
func (v Var[T]) rec(name string) *record[T] {
	if v.t == nil {
		panic(fmt.Sprintf("autograd: %s: the zero Var", name))
	}
	if v.epoch != v.t.epoch {
		panic(fmt.Sprintf("autograd: %s: a Var made before the tape's last Reset", name))
	}
	return &v.t.recs[v.i]
}

// apply records the primitive p of the arguments xs (one or two Vars of
// one tape) with the parameters pa, computing its value by p's forward
// rule.
func apply[T tensor.Float](name string, p prim, pa param[T], xs ...Var[T]) Var[T] {
	t := xs[0].t
	var args [2]*tensor.Dense[T]
	idx := [2]int32{-1, -1}
	for k, x := range xs {
		args[k] = x.rec(name).val
		if x.t != t {
			panic(fmt.Sprintf("autograd: %s: the arguments belong to different tapes", name))
		}
		idx[k] = x.i
	}
	val := t.rules[p].forward(&pa, args)
	return t.push(record[T]{prim: p, args: idx, param: pa, val: val})
}
