package ir

import (
	"errors"
	"fmt"
	"math"

	"github.com/gobackprop/backprop/op"
)

// Topo returns the nodes reachable from roots in topological order: every
// node comes after its arguments. It follows the arguments of calls but
// not the bodies of the functions they call. It uses an explicit stack,
// so arbitrarily deep expressions do not overflow the goroutine stack.
func (g *Graph) Topo(roots ...ID) []ID {
	seen := make([]bool, len(g.nodes))
	var order []ID
	type frame struct {
		id   ID
		next int
	}
	var stack []frame
	for _, r := range roots {
		if seen[r] {
			continue
		}
		seen[r] = true
		stack = append(stack, frame{id: r})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			n := &g.nodes[top.id]
			if top.next < n.Arity() {
				a := n.Arg(top.next)
				top.next++
				if !seen[a] {
					seen[a] = true
					stack = append(stack, frame{id: a})
				}
				continue
			}
			order = append(order, top.id)
			stack = stack[:len(stack)-1]
		}
	}
	return order
}

// Users returns, for each node reachable from root, the nodes reachable
// from root that take it as an argument (once per argument position), in
// topological order. Function bodies are not entered.
func (g *Graph) Users(order []ID) map[ID][]ID {
	users := make(map[ID][]ID, len(order))
	for _, id := range order {
		n := &g.nodes[id]
		for i := range n.Arity() {
			a := n.Arg(i)
			users[a] = append(users[a], id)
		}
	}
	return users
}

// NonFiniteError reports the first node whose value (in the forward pass)
// or adjoint (in the backward pass) is NaN or ±Inf.
type NonFiniteError struct {
	Node  ID
	Op    op.Op
	Name  string    // the variable name or called function, if any
	Value float64   // the non-finite value
	Args  []float64 // the values of the node's arguments
	Pass  string    // "forward" or "backward"
	Span  Span      // where the node was written, if known
	// Func is the user function whose body holds the node, or nil if the
	// node is in the expression being evaluated.
	Func *Func
}

func (e *NonFiniteError) Error() string {
	what := "value"
	if e.Pass == "backward" {
		what = "adjoint"
	}
	name := e.Op.String()
	if e.Name != "" {
		name = e.Name
	}
	s := fmt.Sprintf("%s pass: %s of node %d (%s", e.Pass, what, e.Node, name)
	if len(e.Args) > 0 {
		s += " of"
		for i, a := range e.Args {
			if i > 0 {
				s += ","
			}
			s += " " + formatFloat(a)
		}
	}
	s += ") is " + formatFloat(e.Value)
	if e.Func != nil {
		s += " in the body of " + e.Func.Name
	}
	return s
}

// ErrStopped is the error of an evaluation ended early because its Stop
// function said so.
var ErrStopped = errors.New("the evaluation was stopped before it ended")

// StopEvery is how many nodes an evaluation with a Stop function computes
// between two calls of it: often enough that a pass ends within
// microseconds of being told to, rarely enough that the calls cost nothing
// measurable.
const StopEvery = 1024

// A Stop tells a long evaluation to end early: evaluators that have one
// call it every StopEvery nodes and end with ErrStopped when it returns
// true. A server's is typically func() bool { return ctx.Err() != nil }.
// A nil Stop never stops.
type Stop func() bool

// Poll counts one more node of an evaluation and, every StopEvery nodes,
// calls stop: it returns ErrStopped when stop says so, nil otherwise and
// always when stop is nil. *ticks is the evaluation's count.
func (stop Stop) Poll(ticks *int) error {
	if stop == nil {
		return nil
	}
	if *ticks++; *ticks < StopEvery {
		return nil
	}
	*ticks = 0
	if stop() {
		return ErrStopped
	}
	return nil
}

// Evaluator evaluates nodes of one graph. It caches the evaluation order of
// each function body it meets, so reuse one Evaluator for many
// evaluations of the same program. The zero value is not ready for use;
// call [NewEvaluator].
type Evaluator struct {
	g *Graph
	// Check makes evaluation stop at the first node whose value is not
	// finite and return a *NonFiniteError.
	Check bool
	// Stop, if not nil, is called every StopEvery nodes; evaluation ends
	// with ErrStopped when it returns true.
	Stop   Stop
	ticks  int
	bodies map[*Func]*body
}

// body is the cached evaluation order of a function body and the position
// of each parameter.
type body struct {
	order  []ID
	params map[ID]int
}

// NewEvaluator returns an Evaluator of g.
func NewEvaluator(g *Graph) *Evaluator {
	return &Evaluator{g: g, bodies: make(map[*Func]*body)}
}

// Eval returns the value of root with each variable bound by name in env.
func (e *Evaluator) Eval(root ID, env map[string]float64) (float64, error) {
	vals, err := e.EvalAll(root, env)
	if err != nil {
		return math.NaN(), err
	}
	return vals[root], nil
}

// EvalAll evaluates every node reachable from root and returns the values
// in a slice indexed by node ID; nodes not reached are NaN.
func (e *Evaluator) EvalAll(root ID, env map[string]float64) ([]float64, error) {
	g := e.g
	vals := make([]float64, len(g.nodes))
	for i := range vals {
		vals[i] = math.NaN()
	}
	order := g.Topo(root)
	err := e.run(order, nil, func(id ID) float64 { return vals[id] },
		func(id ID, v float64) { vals[id] = v },
		func(id ID) (float64, error) {
			name := g.nodes[id].Name
			v, ok := env[name]
			if !ok {
				return 0, fmt.Errorf("no value for variable %s", name)
			}
			return v, nil
		})
	return vals, err
}

// Apply evaluates fn at args.
func (e *Evaluator) Apply(fn *Func, args []float64) (float64, error) {
	if len(args) != len(fn.Params) {
		return math.NaN(), fmt.Errorf("%s expects %d arguments, got %d", fn.Name, len(fn.Params), len(args))
	}
	return e.call(fn, args)
}

func (e *Evaluator) body(fn *Func) *body {
	b, ok := e.bodies[fn]
	if !ok {
		b = &body{order: e.g.Topo(fn.Body), params: make(map[ID]int, len(fn.Params))}
		for i, p := range fn.Params {
			b.params[p] = i
		}
		e.bodies[fn] = b
	}
	return b
}

// call evaluates the body of fn with its parameters bound to args.
func (e *Evaluator) call(fn *Func, args []float64) (float64, error) {
	b := e.body(fn)
	frame := make(map[ID]float64, len(b.order))
	err := e.run(b.order, fn,
		func(id ID) float64 { return frame[id] },
		func(id ID, v float64) { frame[id] = v },
		func(id ID) (float64, error) {
			if i, ok := b.params[id]; ok {
				return args[i], nil
			}
			return 0, fmt.Errorf("%s: no value for variable %s", fn.Name, e.g.nodes[id].Name)
		})
	if err != nil {
		return math.NaN(), err
	}
	return frame[fn.Body], nil
}

func (e *Evaluator) run(order []ID, in *Func, get func(ID) float64, set func(ID, float64), bind func(ID) (float64, error)) error {
	g := e.g
	var args []float64
	for _, id := range order {
		if e.Stop != nil {
			if err := e.Stop.Poll(&e.ticks); err != nil {
				return err
			}
		}
		n := &g.nodes[id]
		var v float64
		switch n.Op {
		case op.Const:
			v = n.Val
		case op.Var:
			var err error
			if v, err = bind(id); err != nil {
				return err
			}
		case op.Call:
			args = args[:0]
			for _, a := range n.Args {
				args = append(args, get(a))
			}
			var err error
			if v, err = e.call(n.Fn, append([]float64(nil), args...)); err != nil {
				return err
			}
		default:
			x := get(n.X)
			var y float64
			if n.Y != None {
				y = get(n.Y)
			}
			v = n.Op.Eval(x, y)
		}
		if e.Check && (math.IsNaN(v) || math.IsInf(v, 0)) {
			return e.nonFinite(id, in, v, get)
		}
		set(id, v)
	}
	return nil
}

func (e *Evaluator) nonFinite(id ID, in *Func, v float64, get func(ID) float64) error {
	n := &e.g.nodes[id]
	err := &NonFiniteError{Node: id, Op: n.Op, Name: n.Name, Value: v, Pass: "forward", Span: e.g.SpanIn(id, in), Func: in}
	if n.Fn != nil {
		err.Name = n.Fn.Name
	}
	for i := range n.Arity() {
		err.Args = append(err.Args, get(n.Arg(i)))
	}
	return err
}

func formatFloat(v float64) string {
	return fmt.Sprint(v)
}
