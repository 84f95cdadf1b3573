package tape

import (
	"fmt"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Apply records fn, a function of the graph g (parsed from text by package
// expr, or built by hand), applied to args: it evaluates the body of fn in
// topological order with the operations of this package, and the bodies
// of the user functions it calls likewise. Constants of the body cost no
// record: operations on constants are folded, and an operation of a Var
// and a constant records the constant in place, as [Var.MulConst] does.
//
// Apply returns an error if len(args) is not the number of parameters of
// fn, if there are no args (and so no tape), or if a body uses a variable
// that is not a parameter or calls a function recursively. It panics if
// the args are not valid Vars of one tape.
func Apply(g *ir.Graph, fn *ir.Func, args []Var) (Var, error) {
	if g == nil || fn == nil {
		return Var{}, fmt.Errorf("tape: Apply of a nil graph or function")
	}
	if len(args) != len(fn.Params) {
		return Var{}, fmt.Errorf("tape: %s expects %d arguments, got %d", fn.Name, len(fn.Params), len(args))
	}
	if len(args) == 0 {
		return Var{}, fmt.Errorf("tape: %s has no arguments, so no tape to record on", fn.Name)
	}
	t, _ := args[0].load()
	in := make([]value, len(args))
	for k, a := range args {
		t.own(a)
		in[k] = value{v: a, isVar: true}
	}
	ap := applier{g: g, t: t, bodies: make(map[*ir.Func][]ir.ID), active: make(map[*ir.Func]bool)}
	r, err := ap.call(fn, in)
	if err != nil {
		return Var{}, err
	}
	if !r.isVar {
		return t.Const(r.c), nil
	}
	return r.v, nil
}

// value is a Var or a constant.
type value struct {
	v     Var
	c     float64
	isVar bool
}

type applier struct {
	g      *ir.Graph
	t      *Tape
	bodies map[*ir.Func][]ir.ID // the topological order of each body
	active map[*ir.Func]bool    // the functions being applied
}

// call evaluates the body of fn with its parameters bound to args.
func (ap *applier) call(fn *ir.Func, args []value) (value, error) {
	if ap.active[fn] {
		return value{}, fmt.Errorf("tape: %s calls itself", fn.Name)
	}
	ap.active[fn] = true
	defer delete(ap.active, fn)
	g := ap.g
	if fn.Body < 0 || int(fn.Body) >= g.Len() {
		return value{}, fmt.Errorf("tape: the body of %s is not a node of the graph", fn.Name)
	}
	order, ok := ap.bodies[fn]
	if !ok {
		order = g.Topo(fn.Body)
		ap.bodies[fn] = order
	}
	frame := make(map[ir.ID]value, len(order))
	for _, id := range order {
		n := g.Node(id)
		var r value
		switch n.Op {
		case op.Const:
			r = value{c: n.Val}
		case op.Var:
			k := param(fn, id)
			if k < 0 {
				return value{}, fmt.Errorf("tape: %s uses variable %s, which is not one of its parameters", fn.Name, n.Name)
			}
			r = args[k]
		case op.Call:
			if len(n.Args) != len(n.Fn.Params) {
				return value{}, fmt.Errorf("tape: %s expects %d arguments, got %d", n.Fn.Name, len(n.Fn.Params), len(n.Args))
			}
			in := make([]value, len(n.Args))
			for k, a := range n.Args {
				in[k] = frame[a]
			}
			var err error
			if r, err = ap.call(n.Fn, in); err != nil {
				return value{}, err
			}
		default:
			var y value
			if n.Y != ir.None {
				y = frame[n.Y]
			}
			r = apply(n.Op, frame[n.X], y)
		}
		frame[id] = r
	}
	return frame[fn.Body], nil
}

// param returns the position of the parameter id of fn, or -1.
func param(fn *ir.Func, id ir.ID) int {
	for k, p := range fn.Params {
		if p == id {
			return k
		}
	}
	return -1
}

// apply applies the primitive o to x (and y), folding constants.
func apply(o op.Op, x, y value) value {
	if o.Arity() == 1 {
		if !x.isVar {
			return value{c: o.Eval(x.c, 0)}
		}
		return value{v: Primitive(o, x.v, Var{}), isVar: true}
	}
	switch {
	case x.isVar && y.isVar:
		return value{v: Primitive(o, x.v, y.v), isVar: true}
	case x.isVar:
		return value{v: withConstY(o, x.v, y.c), isVar: true}
	case y.isVar:
		return value{v: withConstX(o, x.c, y.v), isVar: true}
	}
	return value{c: o.Eval(x.c, y.c)}
}

// withConstY records o(x, c) for a constant c.
func withConstY(o op.Op, x Var, c float64) Var {
	switch o {
	case op.Add:
		return x.AddConst(c)
	case op.Sub:
		return x.SubConst(c)
	case op.Mul:
		return x.MulConst(c)
	case op.Div:
		return x.DivConst(c)
	case op.Pow:
		return x.PowConst(c)
	}
	return constY(o, x, c)
}

// withConstX records o(c, y) for a constant c. A sum or product keeps
// its constant first, so that Graph writes it back as it was.
func withConstX(o op.Op, c float64, y Var) Var {
	switch o {
	case op.Sub:
		return y.RSub(c)
	case op.Div:
		return y.RDiv(c)
	case op.Pow:
		return y.RPow(c)
	}
	return constX(o, c, y)
}
