package draw

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/dual"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
)

// Explanation is a step-by-step account of one differentiation.
type Explanation struct {
	Mode verify.Mode // verify.Reverse or verify.Forward
	// Output is the name of the output node.
	Output string
	// Inputs are the input variables with their values, in the natural
	// order of their names.
	Inputs []Variable
	// Steps are the nodes in evaluation order (arguments first, the
	// output last), constants left out. In forward mode each carries its
	// derivative with respect to Wrt.
	Steps []Step
	// Backward is the backward pass of reverse mode: the adjoint of each
	// node of Steps, from the output down.
	Backward []Adjoint
	// Partials lists the local partial derivatives used, as formulas.
	Partials []Formula
	// Value is the value of the output.
	Value float64
	// Wrt and Derivative are, in forward mode, the input and the
	// derivative of the output with respect to it.
	Wrt        string
	Derivative float64
	// Direction is, in forward mode along a direction other than the
	// unit vector of one input, the tangent of each input, in the order
	// of Inputs (and Wrt is ""): Derivative is then the directional
	// derivative ∇f·d.
	Direction []float64
}

// Variable is an input variable, its value and the derivative of the
// output with respect to it (its adjoint in the reverse pass).
type Variable struct {
	ID       ir.ID
	Name     string
	Value    float64
	Gradient float64
}

// Step is one node of an explanation.
type Step struct {
	ID ir.ID
	// Name is the node's name in the explanation: an input's name, or the
	// function or operation it applies followed by [k] when several nodes
	// apply it ("f_2[1]", "f_2[2]", "f_3", "mul[4]").
	Name string
	// Def is what the node computes from its arguments, named as in the
	// explanation ("f_2(x_1, f_2[1])"); "" for inputs.
	Def string
	// Expr is the expression the node computes, and At the same with the
	// inputs replaced by their values ("f_3(x)", "f_3(1)"); both are ""
	// when too long to print.
	Expr, At string
	Value    float64
	// Tangent is, in forward mode, the derivative of the node with
	// respect to the input Wrt, DName its name ("f_3'(1)", or
	// "d/dx f_1(f_2(x), f_3(x))"), and Terms the contributions of the
	// arguments whose sum it is; arguments with derivative 0 are left out.
	Tangent float64
	DName   string
	Terms   []Term

	nameTeX, defTeX, exprTeX, atTeX, dTeX string // the same in LaTeX
	prime                                 bool   // DName is f'(a)
}

// Adjoint is one step of the backward pass: the adjoint of a node is the
// sum of the contributions of the nodes that use it.
type Adjoint struct {
	ID    ir.ID
	Name  string
	Value float64
	// Terms are the contributions, one per edge into the node, in the
	// order the backward pass added them.
	Terms []Term

	nameTeX string
}

// Term is one contribution of the chain rule: Factor, the partial
// derivative on an edge, times Weight, the adjoint of the node the edge
// leaves (reverse mode) or the derivative of the argument it reaches
// (forward mode).
type Term struct {
	// Partial names the partial derivative ("∂f_2/∂x"), WeightName the
	// weight ("adj(f_2[2])", "f_3'(1)").
	Partial, WeightName string
	Factor, Weight      float64

	partialTeX, weightTeX string
}

// Product returns Factor·Weight.
func (t Term) Product() float64 { return t.Factor * t.Weight }

// Formula is a local partial derivative: its name applied to the
// parameters of the function or operation ("∂₁f_2(x, y)"), and its
// expression in them.
type Formula struct {
	Name, Text, LaTeX string

	nameTeX string // Name in LaTeX
}

// Explain returns the step-by-step account of the differentiation r
// records: in reverse mode its forward and backward passes, in forward
// mode the values and derivatives of every block from the innermost
// outwards, computed by a forward pass of package dual. settings.Mode and
// settings.Wrt say which; nil settings mean reverse mode. Explain returns an
// error if the mode is neither reverse nor forward, or, in forward mode, if
// settings.Wrt is not an input of r. settings.Direction, if given, is
// the direction of forward mode instead of Wrt's unit vector; a name in it
// that is not an input, a non-finite tangent, or both Wrt and Direction
// given are errors.
func Explain(r *reverse.Result, settings *Settings) (*Explanation, error) {
	var o Settings
	if settings != nil {
		o = *settings
	}
	switch o.Mode {
	case "":
		o.Mode = verify.Reverse
	case verify.Reverse, verify.Forward:
	default:
		return nil, fmt.Errorf("explanations follow reverse or forward mode, not %s", o.Mode)
	}
	d, err := Build(r, &Settings{MaxNodes: -1})
	if err != nil {
		return nil, err
	}
	g := r.Graph
	e := &Explanation{Mode: o.Mode, Value: r.Output()}
	names := stepNames(g, d)
	e.Output = names[d.Output]

	for _, n := range d.Nodes {
		if n.Kind == Input {
			e.Inputs = append(e.Inputs, Variable{ID: n.ID, Name: n.Label, Value: n.Value, Gradient: n.Adjoint})
		}
	}
	slices.SortStableFunc(e.Inputs, func(a, b Variable) int { return naturalCompare(a.Name, b.Name) })

	tex := texNames(g, d, names)
	at, atTeX := atTexts(g, d)
	step := make([]int, len(d.Nodes)) // index in e.Steps, -1 for constants
	for i, n := range d.Nodes {
		step[i] = -1
		if n.Kind == Constant {
			continue
		}
		s := Step{
			ID: n.ID, Name: names[i], Expr: n.Expr, At: at[i], Value: n.Value,
			nameTeX: tex[i], exprTeX: n.LaTeX, atTeX: atTeX[i],
		}
		if n.Kind != Input {
			s.Def, s.defTeX = definition(g, d, i, names, tex)
		}
		step[i] = len(e.Steps)
		e.Steps = append(e.Steps, s)
	}
	e.Partials = formulas(d)

	if o.Mode == verify.Forward {
		if err := e.forward(r, d, step, o.Wrt, o.Direction, o.Stop); err != nil {
			return nil, err
		}
		return e, nil
	}
	e.backward(d, names, tex)
	return e, nil
}

// backward records the backward pass: the adjoints of the nodes from the
// output down, each with its terms in the order reverse.Run adds them
// (users from the last down, arguments in order).
func (e *Explanation) backward(d *Graph, names, tex []string) {
	terms := make([][]Term, len(d.Nodes))
	for i := len(d.Nodes) - 1; i >= 0; i-- {
		for _, ed := range d.EdgesOf(i) {
			if d.Nodes[ed.To].Kind == Constant {
				continue
			}
			terms[ed.To] = append(terms[ed.To], Term{
				Partial: ed.Name(), WeightName: "adj(" + names[i] + ")",
				Factor: ed.Value, Weight: d.Nodes[i].Adjoint,
				partialTeX: ed.nameTeX(), weightTeX: `\operatorname{adj}\left(` + tex[i] + `\right)`,
			})
		}
	}
	for i := len(d.Nodes) - 1; i >= 0; i-- {
		n := &d.Nodes[i]
		if n.Kind == Constant {
			continue
		}
		e.Backward = append(e.Backward, Adjoint{ID: n.ID, Name: names[i], Value: n.Adjoint, Terms: terms[i], nameTeX: tex[i]})
	}
}

// forward fills in the tangents of the steps from a forward pass of
// package dual with the tangent of the input wrt set to 1, or, when
// direction is not nil, with the tangents it gives.
func (e *Explanation) forward(r *reverse.Result, d *Graph, step []int, wrt string, direction map[string]float64, stop ir.Stop) error {
	if len(e.Inputs) == 0 {
		return fmt.Errorf("the expression has no inputs to differentiate by")
	}
	point := make(map[string]float64, len(e.Inputs))
	names := make([]string, len(e.Inputs))
	for i, in := range e.Inputs {
		point[in.Name] = in.Value
		names[i] = in.Name
	}
	notInput := func(name string) error {
		return fmt.Errorf("no input called %q: the inputs are %s", name, strings.Join(names, ", "))
	}
	if direction != nil {
		if wrt != "" {
			return fmt.Errorf("give forward mode either an input to differentiate by or a direction, not both")
		}
		unit := ""
		for name, v := range direction {
			if _, ok := point[name]; !ok {
				return notInput(name)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("the direction's tangent of %s is %v: it must be a number", name, v)
			}
			if v != 0 {
				if unit != "" || v != 1 {
					unit = "-"
				} else {
					unit = name
				}
			}
		}
		if unit != "" && unit != "-" {
			wrt, direction = unit, nil // the unit vector of one input
		}
	}
	tangent := map[string]float64{}
	if direction == nil {
		if wrt == "" {
			wrt = e.Inputs[0].Name
		}
		if _, ok := point[wrt]; !ok {
			return notInput(wrt)
		}
		e.Wrt = wrt
		tangent[wrt] = 1
	} else {
		e.Direction = make([]float64, len(e.Inputs))
		for i, in := range e.Inputs {
			e.Direction[i] = direction[in.Name]
			tangent[in.Name] = direction[in.Name]
		}
	}
	ev := dual.NewEvaluator(r.Graph)
	ev.Stop = stop
	trace, err := ev.Record(r.Root, point, tangent)
	if err != nil {
		return err
	}
	entries := make(map[ir.ID]dual.Entry, len(trace))
	for _, en := range trace {
		entries[en.Node] = en
	}
	g := r.Graph
	for i, n := range d.Nodes {
		if step[i] < 0 {
			continue
		}
		s := &e.Steps[step[i]]
		en, ok := entries[n.ID]
		if !ok {
			return fmt.Errorf("internal error: the forward pass has no entry for node %d", n.ID)
		}
		s.Tangent = en.Tangent
		s.DName, s.dTeX, s.prime = derivativeName(g, d, i, s, e.Wrt)
		for k, ed := range d.EdgesOf(i) {
			j := step[ed.To]
			if j < 0 || k >= len(en.Partials) {
				continue // a constant
			}
			arg := &e.Steps[j]
			if arg.Tangent == 0 {
				continue
			}
			s.Terms = append(s.Terms, Term{
				Partial: ed.Name(), WeightName: arg.DName,
				Factor: en.Partials[k], Weight: arg.Tangent,
				partialTeX: ed.nameTeX(), weightTeX: arg.dTeX,
			})
		}
	}
	e.Derivative = e.Steps[len(e.Steps)-1].Tangent
	return nil
}

// derivativeName names the derivative of step s (node i of d) with
// respect to the input wrt as the seed does, in text and in LaTeX: x' for
// the input, f'(a) for a function of one argument applied to the input
// itself, and d/dx of the expression (or of the step's name, if the
// expression is too long) otherwise. Along a direction (wrt is ""), the
// derivatives are d/dt of f(x + t·d), and only an input is named x'.
func derivativeName(g *ir.Graph, d *Graph, i int, s *Step, wrt string) (text, tex string, prime bool) {
	n := &d.Nodes[i]
	if n.Kind == Input {
		return n.Label + "'", s.nameTeX + `^{\prime}`, false
	}
	if wrt == "" {
		if s.Expr != "" {
			return "d/dt " + s.Expr, `\frac{d}{d t} ` + s.exprTeX, false
		}
		return "d/dt " + s.Name, `\frac{d}{d t} ` + s.nameTeX, false
	}
	if es := d.EdgesOf(i); len(es) == 1 {
		a := &d.Nodes[es[0].To]
		fn := n.Kind == Call || g.Op(n.ID).Info().Notation == op.Function
		if fn && a.Kind == Input && a.Label == wrt {
			head := latex.FuncName(n.Label)
			if n.Kind == Primitive {
				head = `\operatorname{` + n.Label + `}`
			}
			return n.Label + "'(" + num(a.Value) + ")", head + `^{\prime}\left(` + texNumber(a.Value) + `\right)`, true
		}
	}
	ddx := `\frac{d}{d ` + latex.Name(wrt) + `} `
	if s.Expr != "" {
		return "d/d" + wrt + " " + s.Expr, ddx + s.exprTeX, false
	}
	return "d/d" + wrt + " " + s.Name, ddx + s.nameTeX, false
}

// stepNames names the nodes of d: inputs and constants by their labels,
// the others by the function or operation they apply, followed by [k] for
// the k-th of several nodes applying the same one.
func stepNames(g *ir.Graph, d *Graph) []string {
	base := make([]string, len(d.Nodes))
	uses := make(map[string]int)
	for i, n := range d.Nodes {
		base[i] = n.Label
		if n.Kind == Primitive {
			base[i] = g.Op(n.ID).Word()
		}
		if n.Kind == Call || n.Kind == Primitive {
			uses[base[i]]++
		}
	}
	names := make([]string, len(d.Nodes))
	seen := make(map[string]int)
	for i, n := range d.Nodes {
		names[i] = base[i]
		if (n.Kind == Call || n.Kind == Primitive) && uses[base[i]] > 1 {
			seen[base[i]]++
			names[i] += "[" + strconv.Itoa(seen[base[i]]) + "]"
		}
	}
	return names
}

// definition returns what node i computes, with its arguments named, in
// text and in LaTeX: "f_2(x_1, f_2[1])", "mul[1]*x", "sin(add[2])".
func definition(g *ir.Graph, d *Graph, i int, names, tex []string) (string, string) {
	n := &d.Nodes[i]
	var args, targs []string
	for _, e := range d.EdgesOf(i) {
		args = append(args, names[e.To])
		targs = append(targs, tex[e.To])
	}
	call := func(name, texName string) (string, string) {
		return name + "(" + strings.Join(args, ", ") + ")", texName + `\left(` + strings.Join(targs, ", ") + `\right)`
	}
	if n.Kind == Call {
		return call(n.Label, latex.FuncName(n.Label))
	}
	o := g.Op(n.ID)
	info := o.Info()
	switch o {
	case op.Neg:
		return "-" + args[0], "-" + targs[0]
	case op.Add:
		return args[0] + " + " + args[1], targs[0] + " + " + targs[1]
	case op.Sub:
		return args[0] + " - " + args[1], targs[0] + " - " + targs[1]
	case op.Mul:
		return args[0] + "*" + args[1], targs[0] + ` \cdot ` + targs[1]
	case op.Div:
		return args[0] + "/" + args[1], `\frac{` + targs[0] + `}{` + targs[1] + `}`
	case op.Pow:
		return args[0] + "^" + args[1], "{" + targs[0] + "}^{" + targs[1] + "}"
	case op.Sqrt:
		return call(info.Name, `\sqrt`)
	}
	if info.TeX != "" {
		return call(info.Name, info.TeX)
	}
	return call(info.Name, `\operatorname{`+info.Name+`}`)
}

// texNames returns the names of the nodes of d in LaTeX.
func texNames(g *ir.Graph, d *Graph, names []string) []string {
	tex := make([]string, len(d.Nodes))
	for i, n := range d.Nodes {
		base, k, _ := strings.Cut(names[i], "[")
		if k != "" {
			k = "[" + k
		}
		switch n.Kind {
		case Input:
			tex[i] = latex.Name(base)
		case Constant:
			tex[i] = latex.String(g, n.ID)
		default:
			tex[i] = latex.FuncName(base) + k
		}
	}
	return tex
}

// formulas returns the distinct local partial derivatives on the edges of
// d that are not into constants, in order of first use.
func formulas(d *Graph) []Formula {
	var fs []Formula
	seen := make(map[string]bool)
	for _, e := range d.Edges {
		if d.Nodes[e.To].Kind == Constant || e.Partial == "" {
			continue
		}
		name := e.Signature()
		if seen[name] {
			continue
		}
		seen[name] = true
		fs = append(fs, Formula{Name: name, Text: e.Partial, LaTeX: e.LaTeX, nameTeX: e.signatureTeX()})
	}
	return fs
}

// atTexts returns the text of each node of d with the inputs replaced by
// their values ("f_2(3, 2)"), and its LaTeX, or "" when it would be too
// long. The expressions are rebuilt on a scratch graph, so the graph of
// the result is only read.
func atTexts(g *ir.Graph, d *Graph) (texts, tex []string) {
	s := ir.NewGraph()
	img := make(map[ir.ID]ir.ID, len(d.Nodes))
	order := make([]ir.ID, len(d.Nodes))
	for i, n := range d.Nodes {
		src := g.Node(n.ID)
		var id ir.ID
		switch n.Kind {
		case Input:
			id = s.Const(n.Value)
		case Constant:
			id = s.Const(src.Val)
		case Call:
			args := make([]ir.ID, len(src.Args))
			for k, a := range src.Args {
				args[k] = img[a]
			}
			id = s.Call(src.Fn, args...)
		default:
			y := ir.None
			if src.Y != ir.None {
				y = img[src.Y]
			}
			id = s.Apply(src.Op, img[src.X], y)
		}
		img[n.ID] = id
		order[i] = id
	}
	// Distinct nodes of d can become one node of s (x*y and y*x at
	// x = y); exprTexts only needs arguments before users, which order
	// keeps.
	texts = exprTexts(s, order, maxExprLen)
	tex = make([]string, len(texts))
	for i, t := range texts {
		tex[i] = latexOf(s, order[i], t)
	}
	return texts, tex
}
