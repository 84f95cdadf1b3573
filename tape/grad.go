package tape

import (
	"fmt"

	"github.com/gobackprop/backprop/op"
)

// Backward runs the backward pass from out: it sets the adjoint of every
// record up to out to the derivative of out with respect to it, read with
// [Tape.Adjoint].
func (t *Tape) Backward(out Var) {
	t.own(out)
	t.backward(out.i, sinks, sinks)
	if v := t.val[out.i]; v == v && hasNaN(t.adj[sinks:out.i+1]) {
		t.backwardReached(out.i, sinks, sinks)
	}
}

// Gradient returns the derivatives of out with respect to wrt, in dst: it
// runs the backward pass from out down to the earliest Var of wrt. If dst
// is nil a new slice is allocated; otherwise Gradient panics if
// len(dst) != len(wrt). A Var of wrt recorded after out has derivative 0.
// A derivative is NaN where out's value is NaN or where it is not finite,
// as [op.Derivative] says; [Tape.Adjoint] gives the raw adjoints.
func (t *Tape) Gradient(dst []float64, out Var, wrt []Var) []float64 {
	t.own(out)
	dst = t.dst(dst, len(wrt))
	lo := out.i
	for _, w := range wrt {
		if w.t != t || w.epoch != t.epoch { // the fast path of load
			t.own(w)
		}
		lo = min(lo, w.i)
	}
	t.backward(out.i, lo, lo)
	t.gather(dst, out, wrt)
	if v := t.val[out.i]; v == v && hasNaN(dst) {
		t.backwardReached(out.i, lo, lo)
		t.gather(dst, out, wrt)
	}
	return op.Gradient(t.val[out.i], dst)
}

// dst returns dst, or a new slice of length n if dst is nil, and panics
// if its length is not n.
func (t *Tape) dst(dst []float64, n int) []float64 {
	if dst == nil {
		return make([]float64, n)
	}
	if len(dst) != n {
		panic(fmt.Sprintf("tape: Gradient: dst has length %d, want %d (len(wrt))", len(dst), n))
	}
	return dst
}

// gather sets dst[k] to the adjoint of wrt[k] after a backward pass from
// out.
func (t *Tape) gather(dst []float64, out Var, wrt []Var) {
	adj := t.adj
	dst = dst[:len(wrt)]
	for k, w := range wrt {
		if w.i > out.i {
			dst[k] = 0
			continue
		}
		dst[k] = adj[w.i]
	}
}

// Adjoint returns the adjoint of v in the last backward pass: the
// derivative of that pass's output with respect to v, 0 for Vars recorded
// after the output. It panics if no backward pass ran since the last
// [Tape.Rewind] or [Tape.Reset], or if v is earlier than the earliest Var
// the last [Tape.Gradient] was asked for (that pass did not reach it; use
// [Tape.Backward]).
func (t *Tape) Adjoint(v Var) float64 {
	t.own(v)
	switch {
	case !t.passed:
		panic("tape: Adjoint before Backward or Gradient")
	case v.i > t.hi:
		return 0
	case v.i < t.lo:
		panic(fmt.Sprintf("tape: Adjoint of Var %d, before the Vars the last Gradient was asked for (use Backward)", int(v.i)-sinks))
	}
	return t.adj[v.i]
}

// backward sets the adjoints of records lo to out to the derivative of
// record out with respect to them. It runs through records out down to
// stop+1: records lo+1 to stop, if stop > lo, must be leaves, which
// update only sinks.
func (t *Tape) backward(out, lo, stop uint32) {
	if len(t.adj) < int(out)+1 {
		t.adj = make([]float64, len(t.val))
	}
	adj := t.adj
	clear(adj[lo : out+1])
	clear(adj[:sinks])
	adj[out] = 1
	// The loop carries the adjoint of the previous record in a register
	// when the current one uses it, the usual case in a chain of
	// operations, rather than passing it through memory: a store followed
	// at once by a load of the same place would put the latency of store
	// forwarding on the critical path of every record.
	// Records stop+1 to out and their adjoints are slices of one length, so
	// that reading them needs no bounds check.
	base := stop + 1
	rec := t.rec[base : out+1]
	own := adj[base : out+1]
	own = own[:len(rec)]
	carry := 0.0
	for k := len(rec) - 1; k >= 0; k-- {
		r := &rec[k]
		a := own[k] + carry
		own[k] = a
		x, y := uint(r.x&indexMask), uint(r.y&indexMask)
		prev := uint(stop) + uint(k) // the record before this one
		carry = 0
		if x == y { // x*x and the like: one update, not two in a row
			c := a*r.dx + a*r.dy
			if x == prev {
				carry = c
			} else {
				adj[x] += c
			}
			continue
		}
		if x == prev {
			carry = a * r.dx
		} else {
			adj[x] += a * r.dx
		}
		if y == prev {
			carry += a * r.dy
		} else {
			adj[y] += a * r.dy
		}
	}
	adj[stop] += carry
	t.lo, t.hi, t.passed = lo, out, true
}

// backwardReached is backward over only the records that out depends
// on. backward runs through every record, and one that out does not
// depend on has adjoint 0, which times a partial that is not finite (the
// sqrt of a negative number recorded and not used) puts a NaN in the
// adjoints of its operands, where the derivative is not NaN. The
// gradients run this pass only when backward's result has a NaN and out's
// value does not. It gives backward's results bit for bit elsewhere: the
// terms it leaves out are zeros, and it adds the others in backward's
// order (decreasing record), so the sums do not change.
func (t *Tape) backwardReached(out, lo, stop uint32) {
	adj := t.adj
	clear(adj[lo : out+1])
	clear(adj[:sinks])
	adj[out] = 1
	n := int(out) + 1
	if cap(t.reached) < n {
		t.reached = make([]bool, n)
	}
	reached := t.reached[:n]
	clear(reached)
	reached[out] = true
	for i := out; i > stop; i-- {
		if !reached[i] {
			continue
		}
		r := &t.rec[i]
		a := adj[i]
		x, y := r.x&indexMask, r.y&indexMask
		if x == y {
			adj[x] += a*r.dx + a*r.dy
		} else {
			adj[x] += a * r.dx
			adj[y] += a * r.dy
		}
		reached[x], reached[y] = true, true
	}
	t.lo, t.hi, t.passed = lo, out, true
}

// hasNaN reports whether xs holds a NaN.
func hasNaN(xs []float64) bool {
	for _, x := range xs {
		if x != x {
			return true
		}
	}
	return false
}

// Grad returns the value of f at x and its gradient, in dst, evaluated on
// t: it resets t, makes a Var of each x[i] and calls f. If dst is nil a
// new slice is allocated; otherwise Grad panics if len(dst) != len(x). The
// slice of Vars passed to f is reused by the next call: f must not keep
// it. Once t has seen f, Grad allocates nothing.
func (t *Tape) Grad(dst []float64, f func(t *Tape, x []Var) Var, x []float64) (value float64, grad []float64) {
	if dst != nil && len(dst) != len(x) {
		panic(fmt.Sprintf("tape: Grad: dst has length %d, want %d (len(x))", len(dst), len(x)))
	}
	t.Reset()
	i0 := uint32(t.n) // the record of x[0]
	t.xs = t.inputs(x)
	xs := t.xs
	e := t.epoch
	out := f(t, xs)
	t.own(out)
	if t.epoch != e || len(x) == 0 {
		// f rewound the tape: check the inputs one by one.
		return t.val[out.i], t.Gradient(dst, out, xs)
	}
	// The inputs are records i0 to i0+len(x)-1, all of them still valid,
	// and leaves: the backward pass need not run through them.
	dst = t.dst(dst, len(x))
	last := i0 + uint32(len(x)) - 1
	t.backward(out.i, min(out.i, i0), min(out.i, last))
	// The adjoints of the inputs are in a row; those after out are 0.
	m := 0
	if out.i >= i0 {
		m = min(len(dst), int(out.i-i0)+1)
	}
	copy(dst[:m], t.adj[i0:])
	clear(dst[m:])
	v := t.val[out.i]
	if v == v && hasNaN(dst) {
		t.backwardReached(out.i, min(out.i, i0), min(out.i, last))
		copy(dst[:m], t.adj[i0:])
	}
	return v, op.Gradient(v, dst)
}

// inputs records a Var of each x[i], as Var does, in the slice of Vars
// that Grad reuses.
func (t *Tape) inputs(x []float64) []Var {
	xs := t.xs[:0]
	i0 := t.n
	if i0+len(x) > len(t.val) {
		// Not room for all of them: grow the tape as Var does.
		for _, xi := range x {
			t.room()
			xs = append(xs, t.push0(xi, op.Var))
		}
		return xs
	}
	if cap(xs) < len(x) {
		xs = make([]Var, 0, len(x))
	}
	xs = xs[:len(x)]
	val := t.val[i0 : i0+len(x)]
	rec := t.rec[i0 : i0+len(x)]
	val, rec = val[:len(xs)], rec[:len(xs)]
	e := t.epoch
	for k, xi := range x {
		i := uint32(i0 + k)
		s := i & (sinks - 1)
		val[k] = xi
		rec[k] = record{x: s | xbits(op.Var), y: s}
		xs[k] = Var{t: t, i: i, epoch: e, v: xi}
	}
	t.n = i0 + len(x)
	return xs
}

// Grad returns the value of f at x and its gradient, in dst, on a new
// tape. If dst is nil a new slice is allocated; otherwise Grad panics if
// len(dst) != len(x). To differentiate many times, keep a tape and call
// [Tape.Grad], which reuses the tape's memory.
func Grad(dst []float64, f func(t *Tape, x []Var) Var, x []float64) (value float64, grad []float64) {
	return New().Grad(dst, f, x)
}
