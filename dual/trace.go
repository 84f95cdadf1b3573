package dual

import (
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Entry is what a forward pass computed at one node: its value, its tangent,
// and the local partial derivatives that took the tangents of its
// arguments to its own.
type Entry struct {
	Node    ir.ID   // the node
	Value   float64 // its value (the primal)
	Tangent float64 // its derivative in the direction of the pass
	// Partials holds the partial derivative of the node with respect to
	// each of its arguments, in argument order, at the arguments' values:
	// from op's table for a primitive, and for a call of a user function
	// by one forward pass through the function's body per parameter, with
	// that parameter's tangent set to 1. It is nil for constants and
	// variables.
	Partials []float64
}

// Trace is the record of a forward pass at the level of user functions:
// one Entry per node reachable from the root, in evaluation order (every
// node after its arguments, the root last). A call of a user function is
// one entry, a block in the seed's words, whose tangent is
//
//	Σ_i Partials[i] · (tangent of argument i)
//
// A term whose argument does not depend on the variables of the pass is
// left out; the others are added in IEEE arithmetic, as in [JVP]. The
// arguments of entry s are the nodes g.Node(s.Node).Arg(i), whose entries
// come earlier in the trace. (The type is not called Step: that is the
// Heaviside step function of the table.)
type Trace []Entry

// Record runs a forward pass from root as [JVP] does and returns its trace.
// It is [Evaluator.Record] on a new Evaluator.
func Record(g *ir.Graph, root ir.ID, point, tangent map[string]float64) (Trace, error) {
	return NewEvaluator(g).Record(root, point, tangent)
}

// Record runs a forward pass from root, with the variables bound by name as
// described at [JVP], and returns its trace. The tangent of the last entry
// is the derivative JVP returns, up to rounding: a call's tangent is summed
// from its partials instead of being carried through its body.
func (e *Evaluator) Record(root ir.ID, point, tangent map[string]float64) (Trace, error) {
	c := e.root(root)
	partials := make(map[int][]float64)
	rec := func(i int, callee *code, in []Number, inVaries []bool) (Number, error) {
		// in and inVaries are the callee's argument buffers, which each
		// call overwrites.
		args := append([]Number(nil), in...)
		argVaries := append([]bool(nil), inVaries...)
		n := len(args)
		seeded := make([]Number, n)
		one := make([]bool, n)
		p := make([]float64, n)
		var v Number
		for j := range n {
			for k, a := range args {
				seeded[k] = Const(a.Primal)
			}
			seeded[j].Tangent, one[j] = 1, true
			r, err := e.call(callee, seeded, one)
			one[j] = false
			if err != nil {
				return r, err
			}
			v.Primal, p[j] = r.Primal, r.Tangent
		}
		if n == 0 {
			r, err := e.call(callee, nil, nil)
			if err != nil {
				return r, err
			}
			v.Primal = r.Primal
		}
		for j, a := range args {
			if argVaries[j] {
				v.Tangent += p[j] * a.Tangent
			}
		}
		partials[i] = p
		return v, nil
	}
	if _, err := e.run(c, bindNames(point, tangent), rec); err != nil {
		return nil, err
	}
	t := make(Trace, len(c.ins))
	for i := range c.ins {
		in := &c.ins[i]
		v := c.frame[i]
		s := Entry{Node: c.ids[i], Value: v.Primal, Tangent: v.Tangent}
		switch {
		case in.op == op.Call:
			s.Partials = partials[i]
		case in.op.IsPrimitive():
			x := c.frame[in.x].Primal
			var y float64
			if in.y >= 0 {
				y = c.frame[in.y].Primal
			}
			dx, dy := in.op.Partials(x, y, v.Primal)
			if in.y >= 0 {
				s.Partials = []float64{dx, dy}
			} else {
				s.Partials = []float64{dx}
			}
		}
		t[i] = s
	}
	return t, nil
}

// Lookup returns the entry of node id, and whether the trace has one. It
// searches the trace from the end.
func (t Trace) Lookup(id ir.ID) (Entry, bool) {
	for i := len(t) - 1; i >= 0; i-- {
		if t[i].Node == id {
			return t[i], true
		}
	}
	return Entry{}, false
}
