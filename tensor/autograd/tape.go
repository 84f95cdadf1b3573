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
	owned []bool             // per adjoint: it is the arena's buffer, which Backward may add into
	epoch uint32             // incremented by Reset
	rules *[numPrims]rule[T]
	reuse *[numPrims]reuseRule[T]
	arena []slot[T] // per position of recs, kept by Reset (reuse.go)
}

// New returns an empty tape.
func New[T tensor.Float]() *Tape[T] {
	return &Tape[T]{rules: newRules[T](), reuse: newReuseRules[T]()}
}

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
	diff  bool // whether the record depends on a Var (not only on Consts)
}

// param holds the parameters of a primitive that are not arrays on the
// tape.
type param[T tensor.Float] struct {
	op     op.Op               // element-wise: the primitive of op's table
	axes   []int               // reductions, softmax (one axis), transpose (a permutation)
	keep   bool                // reductions: keepdims
	labels []int               // cross-entropy
	cond   *tensor.Dense[T]    // where
	win    tensor.Window       // conv2d, maxpool2d (kernel in axes)
	work   *tensor.ConvWork[T] // conv2d: scratch, kept in the arena's slot
	// resid is a residual that a reusing forward rule (reuse.go) kept
	// for its VJP rule, nil if none: cross-entropy's log Σ exp per row.
	resid *tensor.Dense[T]
}

// Var returns a new leaf holding x, a variable to differentiate by. The
// tape keeps x without copying it.
func (t *Tape[T]) Var(x *tensor.Dense[T]) Var[T] {
	return t.push(record[T]{prim: leaf, args: [2]int32{-1, -1}, val: x, diff: true})
}

// Const returns a new leaf holding x, a constant, kept without copying.
// It is used as a Var is, but it is not differentiated: no adjoint is
// computed for it or for what depends only on constants (the cotangent
// of a network's input batch, which would cost a matrix product), and its
// Grad is zeros.
func (t *Tape[T]) Const(x *tensor.Dense[T]) Var[T] {
	return t.push(record[T]{prim: leaf, args: [2]int32{-1, -1}, val: x})
}

// Value returns the value of v, owned by the tape: do not write to it.
func (v Var[T]) Value() *tensor.Dense[T] { return v.rec("value").val }

// Shape returns the shape of v's value.
func (v Var[T]) Shape() []int { return v.Value().Shape() }

// Len returns the number of records on t.
func (t *Tape[T]) Len() int { return len(t.recs) }

// Reset empties t, keeping its capacity and its arena: the values and
// adjoints it computed will be overwritten by the next records. Vars made
// before are stale: using them panics.
func (t *Tape[T]) Reset() {
	clear(t.recs)
	t.recs = t.recs[:0]
	clear(t.adj)
	t.adj = t.adj[:0]
	t.epoch++
}

// Backward runs the backward pass from out, which must hold one element
// (a scalar, or any shape of size 1): its adjoint is 1, and every record
// it depends on that depends on a Var gets the adjoint ∂out/∂record, an
// array of the record's shape. Earlier adjoints are discarded, and their
// arrays reused.
func (t *Tape[T]) Backward(out Var[T]) {
	r := out.rec("backward")
	if r.val.Size() != 1 {
		panic(fmt.Sprintf("autograd: backward: out has shape %v, not a single element", r.val.Shape()))
	}
	n := int(out.i) + 1
	t.adj = append(t.adj[:0], make([]*tensor.Dense[T], n)...)
	t.owned = append(t.owned[:0], make([]bool, n)...)
	seed := like(t.arena[out.i].adj, r.val)
	if seed == nil {
		seed = tensor.Zeros[T](r.val.Shape()...)
		t.arena[out.i].adj = seed
	}
	seed.Data()[0] = 1
	t.adj[out.i], t.owned[out.i] = seed, true
	for i := out.i; i >= 0; i-- {
		g := t.adj[i]
		rec := &t.recs[i]
		// A record of no elements (a product over an empty dimension)
		// is on no path from out to its arguments: like a record never
		// reached, it sends them nothing, not a zero cotangent that a
		// partial NaN outside the domain would turn into NaN.
		if g == nil || rec.prim == leaf || !rec.diff || rec.val.Size() == 0 {
			continue
		}
		var args [2]*tensor.Dense[T]
		var need [2]bool
		var dst [2]*tensor.Dense[T]
		for k, a := range rec.args {
			if a < 0 {
				continue
			}
			args[k] = t.recs[a].val
			need[k] = t.recs[a].diff
			// The first cotangent of a is written into a's adjoint
			// buffer; later ones into this record's scratch, then added.
			if t.adj[a] == nil {
				dst[k] = t.arena[a].adj
			} else {
				dst[k] = t.arena[i].tmp[k]
			}
		}
		var gs [2]*tensor.Dense[T]
		reused := false
		if f := t.reuse[rec.prim].vjp; f != nil {
			gs[0], gs[1], reused = f(&rec.param, g, args, rec.val, need, dst)
		}
		if !reused {
			gs[0], gs[1] = t.rules[rec.prim].vjp(&rec.param, g, args, rec.val)
		}
		for k, ga := range gs {
			a := rec.args[k]
			if a < 0 || ga == nil || !need[k] {
				continue
			}
			// A reusing rule's cotangent is the buffer it was given, or a
			// new array to keep in its place, or g itself.
			own := reused && ga != g
			if t.adj[a] == nil {
				if own {
					t.arena[a].adj = ga
				}
				t.adj[a], t.owned[a] = ga, own
				continue
			}
			if own {
				t.arena[i].tmp[k] = ga
			}
			sum := t.adj[a]
			if !t.owned[a] {
				sum = like(t.arena[a].adj, t.recs[a].val)
			}
			sum = tensor.ApplyTo(sum, op.Add, t.adj[a], ga)
			t.arena[a].adj = sum
			t.adj[a], t.owned[a] = sum, true
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
	if len(t.arena) < len(t.recs) {
		t.arena = append(t.arena, slot[T]{})
	}
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
	diff := false
	for k, x := range xs {
		r := x.rec(name)
		args[k] = r.val
		if x.t != t {
			panic(fmt.Sprintf("autograd: %s: the arguments belong to different tapes", name))
		}
		idx[k] = x.i
		diff = diff || r.diff
	}
	// The rules get the parameters in the arena (so that pa stays on the
	// stack) and the value buffer of this position, which is kept when a
	// reusing rule writes into it or replaces it by an array of a new
	// shape.
	// A reusing rule also gets the position's residual buffer in
	// param.resid, to write into, replace or clear.
	var val *tensor.Dense[T]
	s := t.slot()
	s.param = pa
	s.param.resid = s.resid
	if f := t.reuse[p].forward; f != nil {
		if val = f(&s.param, args, s.val); val != nil {
			s.val = val
		}
	}
	if val == nil {
		s.param.resid = nil
		val = t.rules[p].forward(&s.param, args)
	} else if s.param.resid != nil {
		s.resid = s.param.resid
	}
	return t.push(record[T]{prim: p, args: idx, param: s.param, val: val, diff: diff})
}

// slot returns the arena's slot for the next record.
func (t *Tape[T]) slot() *slot[T] {
	if len(t.arena) <= len(t.recs) {
		t.arena = append(t.arena, slot[T]{})
	}
	return &t.arena[len(t.recs)]
}

// keepLabels returns a copy of labels in the arena's slot of the next
// record.
func (t *Tape[T]) keepLabels(labels []int) []int {
	s := t.slot()
	s.labels = append(s.labels[:0], labels...)
	return s.labels
}

// tape returns v's tape, or panics as rec does.
func (v Var[T]) tape(name string) *Tape[T] {
	v.rec(name)
	return v.t
}
