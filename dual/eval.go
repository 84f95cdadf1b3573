package dual

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// JVP returns the value of node root of g and its derivative in the
// direction tangent (the Jacobian-vector product), with each variable bound
// by name: the variable x has value point[x] and tangent tangent[x]. A
// variable missing from point is an error; one missing from tangent has
// tangent 0. Calls of user functions are evaluated in forward mode without
// inlining them.
//
// JVP is [Evaluator.JVP] on a new Evaluator; reuse an Evaluator to evaluate
// the same functions many times. Binding by name costs two map lookups per
// variable, which dominate on functions of many variables;
// [Evaluator.FuncJVP] binds the parameters of a function by position.
func JVP(g *ir.Graph, root ir.ID, point, tangent map[string]float64) (value, derivative float64, err error) {
	return NewEvaluator(g).JVP(root, point, tangent)
}

// Gradient returns the gradient of fn at x, computed by len(x) forward
// passes, each with the tangent of one parameter set to 1. If dst is nil a
// new slice is allocated, otherwise the gradient is stored in dst.
// Evaluation errors, and a point whose length is not the number of
// parameters of fn, are returned as errors.
//
// Gradient panics if dst is not nil and its length is not len(x).
//
// Gradient is [Evaluator.Gradient] on a new Evaluator.
func Gradient(dst []float64, g *ir.Graph, fn *ir.Func, x []float64) ([]float64, error) {
	return NewEvaluator(g).Gradient(dst, fn, x)
}

// An Evaluator runs forward-mode differentiation over the nodes of one
// graph. It compiles each function body it meets once, into a slice of
// instructions in evaluation order with its arguments as slot indices, and
// keeps the frame of each function for reuse, so that many evaluations of
// the same program allocate nothing after the first.
//
// An Evaluator is not safe for concurrent use; use one per goroutine. The
// zero value is not ready for use; call [NewEvaluator].
type Evaluator struct {
	g *ir.Graph
	// Check makes evaluation stop at the first node whose value or tangent
	// is not finite. A non-finite value is reported as an
	// *ir.NonFiniteError with Pass "forward"; a non-finite tangent of a
	// finite value as a *TangentError, which wraps one.
	Check bool
	// Stop, if not nil, is called every ir.StopEvery nodes; evaluation
	// ends with ir.ErrStopped when it returns true.
	Stop  ir.Stop
	ticks int

	bodies map[*ir.Func]*code
	slot   []int32 // scratch for compile: the slot of each node, -1 if none
	top    *code   // the last root compiled, reused while the root is the same
}

// NewEvaluator returns an Evaluator of g.
func NewEvaluator(g *ir.Graph) *Evaluator {
	return &Evaluator{g: g, bodies: make(map[*ir.Func]*code)}
}

// TangentError reports the first node whose tangent is NaN or ±Inf while
// its value is finite, such as sqrt(x) at x = 0. It wraps the
// *ir.NonFiniteError describing the node, whose Value is the tangent.
type TangentError struct {
	*ir.NonFiniteError
	// Primal is the (finite) value of the node.
	Primal float64
}

// Error describes the node, its arguments, its value and its tangent.
func (e *TangentError) Error() string {
	n := e.NonFiniteError
	name := n.Op.String()
	if n.Name != "" {
		name = n.Name
	}
	s := fmt.Sprintf("forward pass: tangent of node %d (%s", n.Node, name)
	if len(n.Args) > 0 {
		s += " of"
		for i, a := range n.Args {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprint(" ", a)
		}
	}
	s += fmt.Sprint(", value ", e.Primal, ") is ", n.Value)
	if n.Func != nil {
		s += " in the body of " + n.Func.Name
	}
	return s
}

// Unwrap returns the *ir.NonFiniteError of the node.
func (e *TangentError) Unwrap() error { return e.NonFiniteError }

// code is a compiled expression: the nodes reachable from a root in
// evaluation order, the root last.
type code struct {
	fn   *ir.Func // the function whose body this is; nil for a root
	ids  []ir.ID  // the node of each slot
	ins  []instr
	args []Number // the arguments of the current call, by parameter
	// varies[j] says whether argument j of the current call depends on
	// the variables differentiated against; see [code.varies].
	argVaries []bool
	// frame holds the slots of the current call, and varies whether each
	// slot depends on the variables differentiated against: a slot that
	// does not has a structurally zero tangent, and its terms are left
	// out of the chain rule. A function is never active twice at once
	// (recursion is an error), so one frame each is enough.
	frame  []Number
	varies []bool
	active bool
}

type instr struct {
	op    op.Op
	x, y  int32   // slots of the arguments of a primitive; y is -1 for unary ones
	param int32   // for a Var in a body: the index of its parameter, -1 if free
	val   float64 // for a Const
	name  string  // for a Var
	fn    *ir.Func
	args  []int32 // for a Call: the slots of its arguments
	// callee is the compiled body of fn, set at the first call: compiling
	// it in compile would loop on a recursive function.
	callee *code
}

// compile compiles the nodes reachable from root; fn is the function whose
// body root is, or nil.
func (e *Evaluator) compile(root ir.ID, fn *ir.Func) *code {
	g := e.g
	if len(e.slot) < g.Len() {
		e.slot = make([]int32, g.Len())
		for i := range e.slot {
			e.slot[i] = -1
		}
	}
	order := g.Topo(root)
	c := &code{fn: fn, ids: order, ins: make([]instr, len(order)),
		frame: make([]Number, len(order)), varies: make([]bool, len(order))}
	var params map[ir.ID]int32 // the index of each parameter
	if fn != nil {
		c.args = make([]Number, len(fn.Params))
		c.argVaries = make([]bool, len(fn.Params))
		params = make(map[ir.ID]int32, len(fn.Params))
		for j, p := range fn.Params {
			if _, dup := params[p]; !dup {
				params[p] = int32(j)
			}
		}
	}
	for i, id := range order {
		e.slot[id] = int32(i)
	}
	for i, id := range order {
		n := g.Node(id)
		in := &c.ins[i]
		in.op, in.x, in.y, in.param = n.Op, -1, -1, -1
		switch n.Op {
		case op.Const:
			in.val = n.Val
		case op.Var:
			in.name = n.Name
			if j, ok := params[id]; ok {
				in.param = j
			}
		case op.Call:
			in.fn = n.Fn
			in.args = make([]int32, len(n.Args))
			for j, a := range n.Args {
				in.args[j] = e.slot[a]
			}
		default:
			in.x = e.slot[n.X]
			if n.Y != ir.None {
				in.y = e.slot[n.Y]
			}
		}
	}
	for _, id := range order {
		e.slot[id] = -1
	}
	return c
}

// body returns the compiled body of fn.
func (e *Evaluator) body(fn *ir.Func) *code {
	c, ok := e.bodies[fn]
	if !ok {
		c = e.compile(fn.Body, fn)
		e.bodies[fn] = c
	}
	return c
}

// JVP returns the value of root and its derivative in the direction
// tangent, with the variables bound by name as described at [JVP].
func (e *Evaluator) JVP(root ir.ID, point, tangent map[string]float64) (value, derivative float64, err error) {
	r, err := e.run(e.root(root), bindNames(point, tangent), nil)
	return r.Primal, op.Derivative(r.Primal, r.Tangent), err
}

// root returns the compiled code of root. The nodes reachable from a node
// never change (nodes are immutable and only appended), so the code of the
// last root is kept.
func (e *Evaluator) root(root ir.ID) *code {
	if e.top == nil || e.top.ids[len(e.top.ids)-1] != root {
		e.top = e.compile(root, nil)
	}
	return e.top
}

// bindNames binds variables by name; a variable varies if its tangent is
// not zero.
func bindNames(point, tangent map[string]float64) func(in *instr) (Number, bool, error) {
	return func(in *instr) (Number, bool, error) {
		v, ok := point[in.name]
		if !ok {
			return Number{}, false, fmt.Errorf("no value for variable %s", in.name)
		}
		t := tangent[in.name]
		return Number{v, t}, t != 0, nil
	}
}

// FuncJVP returns the value of fn at x and its derivative in the direction
// v. It returns an error if x or v does not have one element per parameter
// of fn, or if evaluation fails.
func (e *Evaluator) FuncJVP(fn *ir.Func, x, v []float64) (value, derivative float64, err error) {
	if len(x) != len(fn.Params) || len(v) != len(fn.Params) {
		return math.NaN(), math.NaN(), fmt.Errorf("%s expects %d arguments, got %d values and %d tangents",
			fn.Name, len(fn.Params), len(x), len(v))
	}
	c := e.body(fn)
	if c.active {
		return math.NaN(), math.NaN(), fmt.Errorf("recursive call of %s", fn.Name)
	}
	for i := range x {
		c.args[i] = Number{x[i], v[i]}
		c.argVaries[i] = v[i] != 0
	}
	r, err := e.call(c, c.args, c.argVaries)
	return r.Primal, op.Derivative(r.Primal, r.Tangent), err
}

// Gradient returns the gradient of fn at x by len(x) forward passes; see
// [Gradient].
func (e *Evaluator) Gradient(dst []float64, fn *ir.Func, x []float64) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(x))
	} else if len(dst) != len(x) {
		panic(fmt.Sprintf("dual: Gradient: dst has length %d, want %d", len(dst), len(x)))
	}
	if len(x) != len(fn.Params) {
		return dst, fmt.Errorf("%s expects %d arguments, got %d", fn.Name, len(fn.Params), len(x))
	}
	c := e.body(fn)
	args := make([]Number, len(x))
	varies := make([]bool, len(x))
	for i := range x {
		args[i] = Const(x[i])
	}
	value := math.NaN()
	for i := range x {
		args[i].Tangent, varies[i] = 1, true
		r, err := e.call(c, args, varies)
		args[i].Tangent, varies[i] = 0, false
		if err != nil {
			return dst, err
		}
		value, dst[i] = r.Primal, r.Tangent
	}
	op.Gradient(value, dst)
	return dst, nil
}

// call evaluates the compiled body c of a function at args, of which
// those with varies[j] depend on the variables differentiated against.
func (e *Evaluator) call(c *code, args []Number, varies []bool) (Number, error) {
	if c.active {
		return Number{Primal: math.NaN(), Tangent: math.NaN()}, fmt.Errorf("recursive call of %s", c.fn.Name)
	}
	c.active = true
	copy(c.args, args)
	copy(c.argVaries, varies)
	r, err := e.run(c, c.bindParams, nil)
	c.active = false
	return r, err
}

// bindParams binds the parameters of the function c is the body of to the
// arguments of the current call.
func (c *code) bindParams(in *instr) (Number, bool, error) {
	if in.param < 0 {
		return Number{}, false, fmt.Errorf("%s: no value for variable %s", c.fn.Name, in.name)
	}
	return c.args[in.param], c.argVaries[in.param], nil
}

// A recorder evaluates a call node of slot i in place of the plain forward
// pass; see Trace. args holds the Numbers of the call's arguments.
type recorder func(i int, callee *code, args []Number, varies []bool) (Number, error)

// run evaluates the instructions of c in order and returns the value of the
// last. bind gives the Numbers of variables and whether they vary. Only
// Trace passes a recorder, and only at the top level.
//
// The chain rule runs in IEEE arithmetic over the arguments that vary: a
// term is left out only when its argument does not depend on the
// variables differentiated against (a constant, another input), never
// because its tangent happens to be zero, so that 0·Inf is NaN here as it
// is in reverse mode (see [op.Derivative]).
func (e *Evaluator) run(c *code, bind func(*instr) (Number, bool, error), rec recorder) (Number, error) {
	nan := Number{Primal: math.NaN(), Tangent: math.NaN()}
	frame, varies := c.frame, c.varies
	for i := range c.ins {
		if e.Stop != nil {
			if err := e.Stop.Poll(&e.ticks); err != nil {
				return nan, err
			}
		}
		in := &c.ins[i]
		var v Number
		var vary bool
		switch in.op {
		case op.Const:
			v = Number{Primal: in.val}
		case op.Var:
			var err error
			if v, vary, err = bind(in); err != nil {
				return nan, err
			}
		case op.Call:
			if in.callee == nil {
				in.callee = e.body(in.fn)
			}
			callee := in.callee
			if callee.active {
				return nan, fmt.Errorf("recursive call of %s", callee.fn.Name)
			}
			for j, a := range in.args {
				callee.args[j] = frame[a]
				callee.argVaries[j] = varies[a]
				vary = vary || varies[a]
			}
			var err error
			if rec != nil {
				v, err = rec(i, callee, callee.args, callee.argVaries)
			} else {
				v, err = e.call(callee, callee.args, callee.argVaries)
			}
			if err != nil {
				return nan, err
			}
		default:
			vx, vy := varies[in.x], in.y >= 0 && varies[in.y]
			vary = vx || vy
			x := frame[in.x]
			var y Number
			if in.y >= 0 {
				y = frame[in.y]
			}
			v = applyVarying(in.op, x, y, vx, vy)
		}
		if e.Check && !(finite(v.Primal) && finite(v.Tangent)) {
			return nan, e.nonFinite(c, i, v)
		}
		frame[i], varies[i] = v, vary
	}
	return frame[len(frame)-1], nil
}

// applyVarying applies the primitive o to x and y, of which vx and vy say
// whether they vary: the tangent is the sum of ∂o/∂x·ẋ and ∂o/∂y·ẏ over
// the arguments that vary, in IEEE arithmetic.
func applyVarying(o op.Op, x, y Number, vx, vy bool) Number {
	info := o.Info()
	v := info.Eval(x.Primal, y.Primal)
	if !vx && !vy {
		return Number{Primal: v}
	}
	dx, dy := info.Partials(x.Primal, y.Primal, v)
	switch {
	case vx && vy:
		return Number{v, dx*x.Tangent + dy*y.Tangent}
	case vx:
		return Number{v, dx * x.Tangent}
	}
	return Number{v, dy * y.Tangent}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (e *Evaluator) nonFinite(c *code, i int, v Number) error {
	id := c.ids[i]
	n := e.g.Node(id)
	nf := &ir.NonFiniteError{Node: id, Op: n.Op, Name: n.Name, Value: v.Primal, Pass: "forward", Span: e.g.SpanIn(id, c.fn), Func: c.fn}
	if n.Fn != nil {
		nf.Name = n.Fn.Name
	}
	in := &c.ins[i]
	switch {
	case in.op == op.Call:
		for _, a := range in.args {
			nf.Args = append(nf.Args, c.frame[a].Primal)
		}
	case in.x >= 0:
		nf.Args = append(nf.Args, c.frame[in.x].Primal)
		if in.y >= 0 {
			nf.Args = append(nf.Args, c.frame[in.y].Primal)
		}
	}
	if finite(v.Primal) {
		nf.Value = v.Tangent
		return &TangentError{NonFiniteError: nf, Primal: v.Primal}
	}
	return nf
}
