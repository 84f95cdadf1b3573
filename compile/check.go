package compile

import (
	"fmt"
	"math"
	"sort"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Check is Gradient, or Value when dst is nil, followed by the check of
// [Program.Check].
func (w *Workspace) Check(dst, x []float64) (float64, error) {
	p := w.p
	var v float64
	if dst == nil {
		v = w.Value(x)
	} else {
		v = w.Gradient(dst, x)
	}
	// Slots are evaluated in order, so the first non-finite slot is the
	// first non-finite value.
	for s := range p.nSlot {
		if !finite(w.val[s]) {
			return v, w.nonFinite(s, w.val[s], "forward")
		}
	}
	if dst == nil {
		return v, nil
	}
	// The adjoint of a slot is complete once the backward pass has gone
	// past every instruction after it: from the last slot to the first.
	for s := p.nSlot - 1; s >= 0; s-- {
		if s >= int32(p.nIn) && s < p.base {
			continue // a constant
		}
		if !finite(w.adj[s]) {
			return v, w.nonFinite(s, w.adj[s], "backward")
		}
	}
	return v, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// nonFinite returns the error for slot s, whose value or adjoint is v.
func (w *Workspace) nonFinite(s int32, v float64, pass string) *ir.NonFiniteError {
	p := w.p
	err := &ir.NonFiniteError{
		Node:  p.origin[s],
		Value: v,
		Pass:  pass,
		Func:  p.funcs[p.fn[s]],
	}
	if p.spans != nil {
		err.Span = p.spans[s]
	}
	switch {
	case s < int32(p.nIn):
		err.Op, err.Name = op.Var, p.names[s]
	case s < p.base:
		err.Op = p.constOps[s-int32(p.nIn)]
	default:
		o, in := p.instr(s)
		err.Op = o
		err.Args = append(err.Args, w.val[in.a])
		if o.Arity() == 2 {
			err.Args = append(err.Args, w.val[in.b])
		}
	}
	return err
}

// String returns a listing of p, one slot a line: the inputs, the
// constants and the instructions, with their arguments' slots and the node
// (and the function whose body holds it) each was compiled from.
func (p *Program) String() string {
	var b []byte
	for s := range p.nSlot {
		var what, args string
		switch {
		case s < int32(p.nIn):
			what, args = "input", p.names[s]
		case s < p.base:
			what, args = "const", ir.FormatConst(p.consts[s-int32(p.nIn)])
		default:
			o, in := p.instr(s)
			what, args = o.Word(), fmt.Sprint(in.a)
			if o.Arity() == 2 {
				args += fmt.Sprint(" ", in.b)
			}
		}
		b = fmt.Appendf(b, "%4d  %-7s %-10s  # node %d", s, what, args, p.origin[s])
		if fn := p.funcs[p.fn[s]]; fn != nil && s >= int32(p.nIn) {
			b = fmt.Appendf(b, " of %s", fn.Name)
		}
		if s == p.out {
			b = append(b, ", the result"...)
		}
		b = append(b, '\n')
	}
	return string(b)
}

// instr returns the instruction of slot s and its operation.
func (p *Program) instr(s int32) (op.Op, instr) {
	i := s - p.base
	k := sort.Search(len(p.runs), func(k int) bool { return p.runs[k].hi > i })
	return p.runs[k].op, p.code[i]
}
