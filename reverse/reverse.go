package reverse

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Level is the granularity of the nodes of a pass.
type Level int

const (
	// Functions keeps calls of user functions as single nodes.
	Functions Level = iota
	// Primitives inlines every call, so that every node is a primitive.
	Primitives
)

func (l Level) String() string {
	if l == Primitives {
		return "primitives"
	}
	return "functions"
}

// Settings configure a pass. The zero value, like a nil *Settings, means
// function level without checks.
type Settings struct {
	Level Level
	// Check stops the pass at the first node whose value (forward pass) or
	// adjoint (backward pass) is NaN or ±Inf and returns an
	// *ir.NonFiniteError naming it.
	Check bool
	// Stop, if not nil, is called every ir.StopEvery nodes of the forward
	// pass; the pass ends with ir.ErrStopped when it returns true.
	Stop ir.Stop
}

// Result holds the numbers of one forward and backward pass.
type Result struct {
	Graph *ir.Graph
	Root  ir.ID
	// Nodes lists the nodes reachable from Root in evaluation order:
	// every node after its arguments, Root last.
	Nodes []ir.ID
	// Values[i] and Adjoints[i] are the value of Nodes[i] and the partial
	// derivative of Root with respect to it.
	Values   []float64
	Adjoints []float64

	partials []float64 // the edge partials of node i start at offsets[i]
	offsets  []int32
	index    map[ir.ID]int
}

// Index returns the position of node id in r.Nodes.
func (r *Result) Index(id ir.ID) (int, bool) {
	i, ok := r.index[id]
	return i, ok
}

// Value returns the value of node id, NaN if the pass did not reach it.
func (r *Result) Value(id ir.ID) float64 {
	if i, ok := r.index[id]; ok {
		return r.Values[i]
	}
	return math.NaN()
}

// Adjoint returns ∂Root/∂id, 0 if the pass did not reach id.
func (r *Result) Adjoint(id ir.ID) float64 {
	if i, ok := r.index[id]; ok {
		return r.Adjoints[i]
	}
	return 0
}

// Partial returns the label of the edge from Nodes[i] to its k-th
// argument: the partial derivative of the node with respect to that
// argument, at the values of the pass.
func (r *Result) Partial(i, k int) float64 {
	return r.partials[int(r.offsets[i])+k]
}

// Output returns the value of Root.
func (r *Result) Output() float64 { return r.Values[len(r.Values)-1] }

// Gradient returns the adjoints of the given variable nodes: the gradient
// of Root with respect to them. A variable Root does not depend on has
// gradient 0. If dst is nil a new slice is allocated, otherwise the
// gradient is stored in dst.
//
// Gradient panics if dst is not nil and len(dst) != len(vars).
func (r *Result) Gradient(dst []float64, vars []ir.ID) []float64 {
	if dst == nil {
		dst = make([]float64, len(vars))
	} else if len(dst) != len(vars) {
		panic(fmt.Sprintf("reverse: Result.Gradient: dst has length %d, want %d", len(dst), len(vars)))
	}
	for i, v := range vars {
		dst[i] = r.Adjoint(v)
	}
	return dst
}

// Run evaluates root with each variable bound by name in env, then
// backpropagates from root. At Primitives level, Result.Root is the
// inlined root, a different node of the same graph (which Run extends).
// A nil settings means function level without checks.
func Run(g *ir.Graph, root ir.ID, env map[string]float64, settings *Settings) (*Result, error) {
	var opts Settings
	if settings != nil {
		opts = *settings
	}
	if opts.Level == Primitives {
		root = g.Inline(g, root)
	}
	p := &pass{g: g, check: opts.Check, stop: opts.Stop, bodies: make(map[*ir.Func][]ir.ID), params: make(map[*ir.Func]map[ir.ID]int)}
	return p.run(root, g.Topo(root), nil, func(id ir.ID) (float64, error) {
		name := g.Node(id).Name
		v, ok := env[name]
		if !ok {
			return 0, fmt.Errorf("no value for variable %s", name)
		}
		return v, nil
	})
}

// Gradient evaluates fn at x and returns its value and its gradient with
// respect to its parameters, the pass configured by settings (nil means
// function level without checks). If dst is nil a new slice is allocated
// for the gradient, otherwise it is stored in dst. A partial derivative is
// NaN where the value is NaN or where the chain rule is not finite, as
// [op.Derivative] says; [Run]'s Result holds the raw adjoints.
//
// Gradient panics if dst is not nil and len(dst) != len(x).
func Gradient(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, settings *Settings) (float64, []float64, error) {
	if dst != nil && len(dst) != len(x) {
		panic(fmt.Sprintf("reverse: Gradient: dst has length %d, want %d", len(dst), len(x)))
	}
	if len(x) != len(fn.Params) {
		return math.NaN(), nil, fmt.Errorf("%s: expected %d arguments, got %d", fn.Name, len(fn.Params), len(x))
	}
	r, err := Run(g, fn.Body, fn.Bind(g, x), settings)
	if err != nil {
		return math.NaN(), nil, err
	}
	v := r.Output()
	return v, op.Gradient(v, r.Gradient(dst, fn.Params)), nil
}

type pass struct {
	g      *ir.Graph
	check  bool
	stop   ir.Stop
	ticks  int // nodes since stop was last called
	bodies map[*ir.Func][]ir.ID
	params map[*ir.Func]map[ir.ID]int
}

// run does the forward and backward pass over order, whose last node is
// root; in is the function whose body it is (nil at the top), and bind
// gives the values of variables.
func (p *pass) run(root ir.ID, order []ir.ID, in *ir.Func, bind func(ir.ID) (float64, error)) (*Result, error) {
	g := p.g
	r := &Result{
		Graph: g, Root: root, Nodes: order,
		Values:   make([]float64, len(order)),
		Adjoints: make([]float64, len(order)),
		offsets:  make([]int32, len(order)+1),
		index:    make(map[ir.ID]int, len(order)),
	}
	for i, id := range order {
		r.index[id] = i
	}
	for i, id := range order {
		if p.stop != nil {
			if err := p.stop.Poll(&p.ticks); err != nil {
				return nil, err
			}
		}
		n := g.Node(id)
		r.offsets[i] = int32(len(r.partials))
		var v float64
		switch n.Op {
		case op.Const:
			v = n.Val
		case op.Var:
			var err error
			if v, err = bind(id); err != nil {
				return nil, err
			}
		case op.Call:
			args := make([]float64, len(n.Args))
			for k, a := range n.Args {
				args[k] = r.Values[r.index[a]]
			}
			sub, err := p.call(n.Fn, args)
			if err != nil {
				return nil, err
			}
			v = sub.Output()
			r.partials = append(r.partials, sub.Gradient(nil, n.Fn.Params)...)
		default:
			x := r.Values[r.index[n.X]]
			var y float64
			if n.Y != ir.None {
				y = r.Values[r.index[n.Y]]
			}
			v = n.Op.Eval(x, y)
			dx, dy := n.Op.Partials(x, y, v)
			r.partials = append(r.partials, dx)
			if n.Y != ir.None {
				r.partials = append(r.partials, dy)
			}
		}
		r.Values[i] = v
		if p.check && !finite(v) {
			return nil, p.nonFinite(r, i, in, v, "forward")
		}
	}
	r.offsets[len(order)] = int32(len(r.partials))

	last := len(order) - 1
	r.Adjoints[last] = 1
	for i := last; i >= 0; i-- {
		a := r.Adjoints[i]
		if p.check && !finite(a) {
			return nil, p.nonFinite(r, i, in, a, "backward")
		}
		n := g.Node(order[i])
		for k := range n.Arity() {
			arg := n.Arg(k)
			if g.Op(arg) == op.Const {
				continue // constants need no adjoint (and x^2 at x = 0 would give 2 a NaN one)
			}
			j := r.index[arg]
			r.Adjoints[j] += a * r.Partial(i, k)
		}
	}
	return r, nil
}

// call runs a nested pass over the body of fn at args. The gradient of the
// nested result with respect to fn's parameters gives the partials of the
// call.
func (p *pass) call(fn *ir.Func, args []float64) (*Result, error) {
	order, ok := p.bodies[fn]
	if !ok {
		order = p.g.Topo(fn.Body)
		p.bodies[fn] = order
	}
	params := p.params[fn]
	if params == nil {
		params = make(map[ir.ID]int, len(fn.Params))
		for k, q := range fn.Params {
			params[q] = k
		}
		p.params[fn] = params
	}
	return p.run(fn.Body, order, fn, func(id ir.ID) (float64, error) {
		if k, ok := params[id]; ok {
			return args[k], nil
		}
		return 0, fmt.Errorf("%s: no value for variable %s", fn.Name, p.g.Node(id).Name)
	})
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (p *pass) nonFinite(r *Result, i int, in *ir.Func, v float64, pass string) error {
	id := r.Nodes[i]
	n := p.g.Node(id)
	err := &ir.NonFiniteError{Node: id, Op: n.Op, Name: n.Name, Value: v, Pass: pass, Span: p.g.SpanIn(id, in), Func: in}
	if n.Fn != nil {
		err.Name = n.Fn.Name
	}
	for k := range n.Arity() {
		err.Args = append(err.Args, r.Value(n.Arg(k)))
	}
	return err
}
