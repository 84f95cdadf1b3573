package tape

import (
	"fmt"
	"sort"

	"github.com/gobackprop/backprop/op"
)

// Tape records operations on Vars for reverse-mode differentiation. The
// zero Tape is not ready for use; call [New]. A Tape must be used by one
// goroutine at a time.
type Tape struct {
	// Records 0 to n-1 are in use, the first sinks of them the sinks.
	// The values and the records are allocated to their full length,
	// at least n; an operation that finds them full grows them.
	n   int
	val []float64 // the value of each record, which its Vars also carry
	rec []record  // the operands and local partials: what the backward pass reads

	adj    []float64 // adjoints: adj[lo:hi+1] are those of the last backward pass
	lo, hi uint32    // the range of the last backward pass, if passed
	passed bool

	epoch uint32 // stamped on new Vars; incremented by Rewind and Reset
	runs  []run  // the epochs of the records

	xs []Var // the inputs of Grad, reused

	// The tangents, flags, adjoints and tangents of the adjoints of HVP,
	// allocated by its first call.
	tan, hadj, hadjT []float64
	dep              []uint8

	// reached marks the records the output depends on, for the rare
	// backward pass that must leave the others out (backwardReached).
	reached []bool
}

// record is what the backward pass reads: the operands x and y of a
// record and the partials of the record's value with respect to them.
//
// The backward pass updates the adjoints of both operands of every record,
// without testing whether they exist. An absent operand, or a constant one
// (whose value is kept in its partial), is one of the first records of the
// tape, the sinks, whose adjoints are never read. Records take turns over
// the sinks, so that the updates of consecutive unary records do not wait
// for each other.
//
// The bits of x and y above the index hold the op code and the form of
// the record, which only Graph and Check read: so a record is 24 bytes,
// and recording it takes four stores, with the value in a fifth. The op
// code has 8 bits, as many as an op.Op, so every code fits: its low 5 in
// x, its high 3 in y above the 2 bits of the form.
type record struct {
	x, y   uint32
	dx, dy float64
}

const (
	indexBits = 27
	indexMask = 1<<indexBits - 1

	// maxRecords is the number of records a tape can hold.
	maxRecords = indexMask

	// tagBits is the number of bits above the index, in x and in y.
	tagBits = 32 - indexBits
	// formBits is the width of the form, in the low tag bits of y.
	formBits = 2
	formMask = 1<<formBits - 1
	// opBits is the width of the op code: the tag bits of x and the
	// tag bits of y above the form.
	opBits = 2*tagBits - formBits
)

// Every op.Op fits in opBits.
var _ [opBits - 8]struct{} // opBits >= 8, the width of an op.Op

// The bits above the index: the low bits of the op code in x, the form
// and the high bits of the op code in y, from bit yopShift on. The tests
// check that every code and form round-trip through the push functions.
//
// The push functions write the bits of y themselves, as
// uint32(f) | uint32(o)>>tagBits<<yopShift with the form kept already
// shifted to its place, rather than call a function for them: the
// inliner's budget counts such a call, and the operations of arith.go
// (add, mul, addConst, rsub, …) must stay within it so that they inline
// into the exported methods, as they did when the code had 5 bits.
func xbits(o op.Op) uint32 { return uint32(o) << indexBits }

const yopShift = indexBits + formBits

func (r *record) xi() uint32 { return r.x & indexMask }
func (r *record) yi() uint32 { return r.y & indexMask }
func (r *record) op() op.Op {
	return op.Op(r.x>>indexBits | r.y>>yopShift<<tagBits)
}
func (r *record) form() form      { return form(r.y & (formMask << indexBits)) }
func (t *Tape) op(i uint32) op.Op { return t.rec[i].op() }

// sinks is the number of sinks, a power of 2.
const sinks = 16

// isSink reports whether operand i is a sink.
func isSink(i uint32) bool { return i < sinks }

// form says where the operands of a record are. Its values are shifted to
// their place in a record's y.
type form uint32

const (
	vv     form = iota << indexBits // the operands are records (sinks if absent)
	vc                              // the second operand is the constant in dy
	cv                              // the first operand is the constant in dx
	custom                          // a primitive of Tape.Custom, or a link of its chain
)

// link is the op code of the inner records of a custom primitive of more
// than two inputs; the outer record has code op.Call.
const link = op.Invalid

// run says that the records from start on, up to the start of the next
// run, were made in epoch. Records are only ever appended, and Rewind
// starts a new epoch, so epochs grow with the index and a few runs
// describe them all.
type run struct{ start, epoch uint32 }

// Var is a variable on a tape: a tape and the index of the record that
// made it, with the epoch of the tape when it was made, and the value of
// the record, so that the operations need not load it. The zero Var is
// not a variable; make Vars with [Tape.Var], [Tape.Const] and the
// operations of this package.
type Var struct {
	t     *Tape
	i     uint32
	epoch uint32
	v     float64 // the value of the record, which never changes
}

// Mark is a position on a tape, for [Tape.Rewind].
type Mark struct {
	n     uint32 // the number of records
	epoch uint32 // the epoch of the last one
}

// New returns an empty tape.
func New() *Tape {
	const c = 1024 // the initial capacity, more than sinks
	return &Tape{n: sinks, val: make([]float64, c), rec: make([]record, c), runs: []run{{0, 0}}}
}

// Var returns a new input variable of value x.
func (t *Tape) Var(x float64) Var {
	t.room()
	return t.push0(x, op.Var)
}

// Vars returns new input variables of values xs.
func (t *Tape) Vars(xs []float64) []Var {
	vs := make([]Var, len(xs))
	for i, x := range xs {
		vs[i] = t.Var(x)
	}
	return vs
}

// Const returns a constant of value c: a record with no operands, whose
// adjoint nobody reads. The arithmetic methods with a constant operand,
// such as [Var.MulConst], need no such record.
func (t *Tape) Const(c float64) Var {
	t.room()
	return t.push0(c, op.Const)
}

// Len returns the number of records on the tape.
func (t *Tape) Len() int { return t.n - sinks }

// Reset empties the tape and keeps its memory for reuse. Every Var of the
// tape becomes invalid.
func (t *Tape) Reset() { t.Rewind(Mark{n: sinks, epoch: t.epochOf(sinks - 1)}) }

// Mark returns the current position of the tape, for [Tape.Rewind].
func (t *Tape) Mark() Mark {
	return Mark{n: uint32(t.n), epoch: t.epochOf(uint32(t.n) - 1)}
}

// Rewind drops the records made since m was taken and keeps their memory
// for reuse: the Vars made since become invalid, the older ones stay
// valid. With Mark it nests computations, as Stan's nested stacks do:
//
//	m := t.Mark()
//	... record and differentiate an inner computation ...
//	t.Rewind(m)
//
// Rewind panics if the records at m were already dropped by an earlier
// Rewind or Reset.
func (t *Tape) Rewind(m Mark) {
	if m.n < sinks || int(m.n) > t.n || t.epochOf(m.n-1) != m.epoch {
		panic("tape: Rewind to a Mark whose records were already discarded")
	}
	t.n = int(m.n)
	t.epoch++
	t.passed = false
	k := len(t.runs)
	for t.runs[k-1].start >= m.n {
		k--
	}
	t.runs = append(t.runs[:k], run{start: m.n, epoch: t.epoch})
}

// epochOf returns the epoch in which record i was made.
func (t *Tape) epochOf(i uint32) uint32 {
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].start > i })
	return t.runs[k-1].epoch
}

// push appends a record of operands x and y and returns its Var. The
// caller has checked that the tape has room for it.
func (t *Tape) push(v float64, x, y uint32, dx, dy float64, o op.Op, f form) Var {
	i := t.n
	t.val[i] = v
	t.rec[i] = record{x: x | xbits(o), y: y | uint32(f) | uint32(o)>>tagBits<<yopShift, dx: dx, dy: dy}
	t.n = i + 1
	return Var{t: t, i: uint32(i), epoch: t.epoch, v: v}
}

// push1 is push with a sink for the operand y, written out so that it
// inlines.
func (t *Tape) push1(v float64, x uint32, dx, dy float64, o op.Op, f form) Var {
	i := t.n
	t.val[i] = v
	t.rec[i] = record{x: x | xbits(o), y: uint32(i)&(sinks-1) | uint32(f) | uint32(o)>>tagBits<<yopShift, dx: dx, dy: dy}
	t.n = i + 1
	return Var{t: t, i: uint32(i), epoch: t.epoch, v: v}
}

// push0 is push of a leaf, with one sink for both operands, which the
// backward pass then updates once.
func (t *Tape) push0(v float64, o op.Op) Var {
	i := t.n
	s := uint32(i) & (sinks - 1)
	t.val[i] = v
	t.rec[i] = record{x: s | xbits(o), y: s | uint32(o)>>tagBits<<yopShift}
	t.n = i + 1
	return Var{t: t, i: uint32(i), epoch: t.epoch, v: v}
}

// pushc is push with a sink for the operand x, which is the constant c,
// kept in the place of its partial.
func (t *Tape) pushc(v float64, y uint32, c, dy float64, o op.Op) Var {
	i := t.n
	t.val[i] = v
	t.rec[i] = record{x: uint32(i)&(sinks-1) ^ sinks/2 | xbits(o), y: y | uint32(cv) | uint32(o)>>tagBits<<yopShift, dx: c, dy: dy}
	t.n = i + 1
	return Var{t: t, i: uint32(i), epoch: t.epoch, v: v}
}

// sink returns the sink for the first operand of the next record.
func (t *Tape) sink() uint32 { return uint32(t.n)&(sinks-1) ^ sinks/2 }

// room makes room for one more record.
func (t *Tape) room() {
	if t.n == len(t.val) {
		t.grow()
	}
}

// grow doubles the capacity of the tape.
//
//go:noinline
func (t *Tape) grow() {
	n := t.n
	if n >= maxRecords {
		panic(fmt.Sprintf("tape: more than %d records", maxRecords))
	}
	c := min(2*n, maxRecords+1)
	vs := make([]float64, c)
	copy(vs, t.val[:n])
	rs := make([]record, c)
	copy(rs, t.rec[:n])
	t.val, t.rec = vs, rs
}

// Value returns the value of v.
func (v Var) Value() float64 {
	if t := v.t; t != nil && v.epoch == t.epoch {
		return v.v
	}
	_, x := v.load()
	return x
}

// Index returns the index of the record of v on its tape, counted from 0
// since the last Reset, as [NonFiniteError] reports it.
func (v Var) Index() int {
	v.load()
	return int(v.i) - sinks
}

// Every operation checks its operands, so that a Var of another tape or
// a stale Var cannot silently read the wrong record, and checks that the
// tape has room for one more record. The checks have a fast path, inlined
// into the operation, and a slow one, called when the fast one fails,
// which validates the operands (or panics with the reason), grows the
// tape if it is full, and records the operation with the same function
// as the fast path.
//
// A Var made since the last Rewind or Reset, whose epoch is the tape's, is
// valid: its record cannot have been discarded. That is the fast path. An
// older Var is valid if its record is still the one that made it, which
// the epoch in which the record was made tells.

// fast returns the tape and the value of a, and whether a is of the
// tape's current epoch and the tape has room for a record.
func fast(a Var) (*Tape, float64, bool) {
	t := a.t
	if t == nil || a.epoch != t.epoch || uint(t.n) >= uint(len(t.val)) {
		return nil, 0, false
	}
	return t, a.v, true
}

// fast2 returns the tape and the values of a and b, and whether both are
// of one tape and of its current epoch, and the tape has room for a
// record.
func fast2(a, b Var) (*Tape, float64, float64, bool) {
	t := a.t
	if t == nil || b.t != t || a.epoch != b.epoch || a.epoch != t.epoch || uint(t.n) >= uint(len(t.val)) {
		return nil, 0, 0, false
	}
	return t, a.v, b.v, true
}

// slow1 records f of a after the slow checks.
//
//go:noinline
func slow1(a Var, f func(t *Tape, i uint32, x float64) Var) Var {
	t, x := a.load()
	t.room()
	return f(t, a.i, x)
}

// slow2 records f of a and b after the slow checks.
//
//go:noinline
func slow2(a, b Var, f func(t *Tape, i, j uint32, x, y float64) Var) Var {
	t, x, y := load2(a, b)
	t.room()
	return f(t, a.i, b.i, x, y)
}

// slowConst records f of a and the constant c after the slow checks.
//
//go:noinline
func slowConst(a Var, c float64, f func(t *Tape, i uint32, x, c float64) Var) Var {
	t, x := a.load()
	t.room()
	return f(t, a.i, x, c)
}

// load returns the tape and the value of a, and panics if a is not a
// valid Var.
func (a Var) load() (*Tape, float64) {
	if msg := a.invalid(); msg != "" {
		panic(msg)
	}
	return a.t, a.t.val[a.i]
}

// load2 returns the tape and the values of a and b, and panics if they
// are not valid Vars of one tape.
func load2(a, b Var) (*Tape, float64, float64) {
	if a.t != nil && b.t != nil && a.t != b.t {
		panic(twoTapes)
	}
	if msg := a.invalid(); msg != "" {
		panic(msg)
	}
	if msg := b.invalid(); msg != "" {
		panic(msg)
	}
	return a.t, a.t.val[a.i], a.t.val[b.i]
}

// own panics unless v is a valid Var of t.
func (t *Tape) own(v Var) {
	if v.t != nil && v.t != t {
		panic(twoTapes)
	}
	if msg := v.invalid(); msg != "" {
		panic(msg)
	}
}

const twoTapes = "tape: Vars of two different tapes used together"

// invalid says what is wrong with v alone, or returns "" if v is a valid
// Var.
func (v Var) invalid() string {
	t := v.t
	switch {
	case t == nil:
		return "tape: use of the zero Var (make Vars with Tape.Var)"
	case v.i < sinks || int(v.i) >= t.n || t.epochOf(v.i) != v.epoch:
		return fmt.Sprintf("tape: use of Var %d, whose record was discarded by Rewind or Reset", int(v.i)-sinks)
	}
	return ""
}
