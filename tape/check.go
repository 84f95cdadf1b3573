package tape

import (
	"math"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/op"
)

// NonFiniteError reports the first record whose value, in the forward
// pass, or adjoint, in the backward pass, is NaN or ±Inf.
type NonFiniteError struct {
	// Record is the index of the record, as returned by [Var.Index].
	Record int
	// Op is the operation of the record: a primitive, op.Var for an input,
	// op.Const for a constant, op.Call for a primitive of [Tape.Custom].
	Op op.Op
	// Value is the non-finite value or adjoint.
	Value float64
	// Args are the values of the operands of the record, constants
	// included.
	Args []float64
	// Pass is "forward" or "backward".
	Pass string
}

// Error describes the record: its index, operation and operands, and the
// value or adjoint that is not finite.
func (e *NonFiniteError) Error() string {
	var b strings.Builder
	what := "value"
	if e.Pass == "backward" {
		what = "adjoint"
	}
	b.WriteString("tape: " + e.Pass + " pass: " + what + " of record " + strconv.Itoa(e.Record) + " (")
	switch e.Op {
	case op.Var:
		b.WriteString("input")
	case op.Const:
		b.WriteString("constant")
	case op.Call:
		b.WriteString("custom")
	default:
		b.WriteString(e.Op.String())
	}
	for i, a := range e.Args {
		if i == 0 {
			b.WriteString(" of ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(strconv.FormatFloat(a, 'g', -1, 64))
	}
	b.WriteString(") is " + strconv.FormatFloat(e.Value, 'g', -1, 64))
	return b.String()
}

// Check is the opt-in check for NaN and ±Inf: it returns a
// *NonFiniteError for the first record out depends on whose value is not
// finite, in evaluation order; if there is none, it runs [Tape.Backward]
// from out and returns a *NonFiniteError for the first such record whose
// adjoint is not finite, in the order of the backward pass; if there is
// none, nil. Records out does not depend on are not checked. Check costs
// a pass over the tape and an allocation; it is meant for finding where a
// NaN came from, not for every gradient.
func (t *Tape) Check(out Var) error {
	t.own(out)
	reach := t.reach(out.i)
	for i := uint32(sinks); i <= out.i; i++ {
		if reach[i] && t.op(i) != link && !finite(t.val[i]) {
			return t.nonFinite(i, t.val[i], "forward")
		}
	}
	t.backward(out.i, sinks, sinks)
	for i := out.i; i >= sinks; i-- {
		if reach[i] && t.op(i) != link && !finite(t.adj[i]) {
			return t.nonFinite(i, t.adj[i], "backward")
		}
	}
	return nil
}

// reach returns which records out depends on.
func (t *Tape) reach(out uint32) []bool {
	reach := make([]bool, out+1)
	reach[out] = true
	for i := out; i >= sinks; i-- {
		if reach[i] {
			r := &t.rec[i]
			reach[r.xi()] = true
			reach[r.yi()] = true
		}
	}
	return reach
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (t *Tape) nonFinite(i uint32, v float64, pass string) *NonFiniteError {
	return &NonFiniteError{Record: int(i) - sinks, Op: t.op(i), Value: v, Args: t.args(i), Pass: pass}
}

// args returns the values of the operands of record i.
func (t *Tape) args(i uint32) []float64 {
	r := t.rec[i]
	switch r.form() {
	case custom:
		return t.customInputs(i)
	case vc:
		return []float64{t.val[r.xi()], r.dy}
	case cv:
		return []float64{r.dx, t.val[r.yi()]}
	}
	switch r.op() {
	case op.Var, op.Const:
		return nil
	}
	if r.op().Arity() == 1 {
		return []float64{t.val[r.xi()]}
	}
	return []float64{t.val[r.xi()], t.val[r.yi()]}
}
