// Package tape is reverse-mode automatic differentiation for Go code, in
// the design of Stan Math: users write ordinary Go, with if and for, on
// tape variables, and get exact gradients (define-by-run).
//
//	t := tape.New()
//	x := t.Var(2)
//	y := t.Var(3)
//	f := tape.Sin(x.Mul(y)).Add(tape.Log(x))
//	grad := t.Gradient(nil, f, []tape.Var{x, y}) // [∂f/∂x ∂f/∂y]
//
// # The tape
//
// Every operation on a [Var] appends one record to its [Tape]: the value,
// the indices of at most two operands and the local partial derivatives of
// the result with respect to them, computed in the forward pass, plus the
// [op.Op] code of the operation. Records are appended in evaluation order,
// so the tape is already topologically sorted: the backward pass is one
// reverse for loop that adds each record's adjoint, times its partials,
// into the adjoints of its operands, with no sort, closure, map, interface
// or goroutine per record.
//
// Values and adjoints live in two flat []float64; the operands and
// partials of a record, which the backward pass reads together, in one
// 24-byte struct per record, whose spare high bits of the operand indices
// keep the op code. So a record costs 32 bytes, 40 with its adjoint, and
// five stores. [Tape.Reset] and [Tape.Rewind] keep all capacity, so once
// a tape has seen a computation of some size, repeating it costs no
// allocation per operation and none per gradient. A tape holds up to
// 2^27-1 records.
//
// The backward pass needs no test for absent operands: an absent or
// constant operand points at one of a few sink records whose adjoints are
// never read. It keeps the adjoint of the record just below the current
// one in a register when the current one uses it, as in any chain of
// operations, instead of a store and an immediate reload.
//
// A Var is a small value (a tape pointer, a record index, the tape's
// epoch when it was made and the record's value: 24 bytes): pass it and
// copy it freely. Every operation checks that its Vars belong to one tape
// and are not stale; for Vars made since the last Rewind or Reset, the
// common case, that is a comparison of epochs, inlined.
//
// # Values and partials
//
// Package op's table is the single source of truth for what a primitive
// means. The functions of this package ([Sin], [Pow], [Atan2], [Max], …)
// compute values and partials with the table's formulas written inline,
// for speed; the tests check them bit for bit against [op.Info.Eval] and
// [op.Info.Partials], and against central differences. In particular the
// conventions at kinks are the table's: abs'(0) = 0, relu'(0) = 0, and on
// a tie max and min pass the derivative to their first argument. Domain
// errors follow IEEE 754 and package math: Log(x) of a negative x is NaN.
//
// # Constants
//
// A constant does not need a record. The constant forms of the arithmetic
// ([Var.AddConst], [Var.SubConst], [Var.RSub], [Var.MulConst],
// [Var.DivConst], [Var.RDiv], [Var.PowConst], [Var.RPow]) record one
// operation with one operand, keeping the constant in the record so that
// [Tape.Graph] can write it back. [Tape.Const] makes a constant Var (a
// record with no operands) for the other functions.
//
// # Gradients
//
// [Tape.Gradient] runs the backward pass from an output and gathers the
// adjoints of the requested inputs, gonum-style with dst first;
// [Tape.Backward] and [Tape.Adjoint] give access to every adjoint; the
// [Grad] function and the [Tape.Grad] method wrap a whole evaluation. A
// backward pass only visits the records from the output down to the
// earliest input asked for, so the gradient of a small computation at the
// end of a long tape is cheap. Gradients are bit for bit the same from run
// to run.
//
// Nested gradients work as Stan's nested stacks: take a [Mark], record and
// differentiate an inner computation, and [Tape.Rewind] to the mark, which
// drops the inner records and keeps their memory for reuse.
//
// [Tape.Custom] records a primitive of any arity whose value and partials
// the caller computed, for functions better differentiated by hand.
//
// [Tape.HVP] multiplies the Hessian by a vector, forward over reverse over
// the recording, exactly and at the cost of a few gradients.
//
// # Text and graphs
//
// [Apply] evaluates a function parsed from text (an [ir.Func] of an
// [ir.Graph]) on tape Vars. [Tape.Graph] goes the other way: it converts
// the records an output depends on into an expression DAG, so that a
// computation traced once from Go can be compiled and run many times. The
// DAG records the branches the trace took.
//
// # Misuse
//
// Programmer errors panic with a message starting with "tape: ": a Var of
// one tape used with a Var of another, the zero Var, a Var whose record was
// discarded by [Tape.Rewind] or [Tape.Reset] (it is detected even after
// the tape has grown again), a dst of the wrong length. Numeric trouble is
// not an error: NaN and ±Inf propagate as in package math, and
// [Tape.Check] finds the first record whose value or adjoint is not finite.
//
// # Concurrency
//
// A Tape, and the Vars on it, must be used by one goroutine at a time.
// Independent tapes share nothing, so one tape per goroutine runs in
// parallel without locks.
package tape
