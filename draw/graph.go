package draw

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
)

// DefaultMaxNodes is the largest graph Build accepts when Settings.MaxNodes
// is zero. Graphviz lays out a thousand nodes in about a second; beyond a
// few thousand the picture is neither quick to make nor readable.
const DefaultMaxNodes = 2000

// DefaultMaxLayout is the largest number of nodes plus edges that SVG and
// PNG lay out when Settings.MaxLayout is zero. Graphviz's layout is
// super-linear. Measured (one core, go-graphviz in WebAssembly) on sums of
// sin(k*x)*cos(x + k) at primitive level: 850 nodes and edges take 0.45 s
// as SVG and 3.4 s as PNG, 1,190 take 1.5 s as SVG, 1,440 take 4.4 s and
// 1,700 take 15 s; the seed's report of an 800-node graph ran for minutes.
// DOT and JSON have no such limit.
const DefaultMaxLayout = 1000

// DefaultDigits is the number of significant digits of the numbers in the
// labels of a drawing when Settings.Digits is zero.
const DefaultDigits = 6

// maxExprLen is the longest expression text a node or an edge keeps.
// Longer ones (the text of a DAG can be exponentially longer than the DAG)
// are left empty.
const maxExprLen = 160

// Settings configure Build and Explain. The zero value, like a nil
// *Settings, means the defaults: drawings of at most DefaultMaxNodes
// nodes with DefaultDigits digits, explanations of reverse mode.
type Settings struct {
	// MaxNodes is the largest number of nodes Build accepts: 0 means
	// DefaultMaxNodes, a negative number means no limit. Explain has no
	// limit.
	MaxNodes int
	// MaxLayout is the largest number of nodes plus edges that SVG and
	// PNG lay out (they return a *LayoutError beyond it): 0 means
	// DefaultMaxLayout, a negative number means no limit.
	MaxLayout int
	// Digits is the number of significant digits of the numbers drawn in
	// DOT, SVG and PNG labels: 0 means DefaultDigits. JSON always has
	// every digit.
	Digits int

	// Mode is the mode an explanation follows: verify.Reverse (or "") or
	// verify.Forward. Build ignores it.
	Mode verify.Mode
	// Wrt is the input forward mode differentiates by; "" means the first
	// input in the natural order of the names (x_1 before x_2 before
	// x_10). Build ignores it.
	Wrt string
	// Direction, if not nil, is forward mode's direction instead of the
	// unit vector of Wrt: the tangent of each input by name, 0 for the
	// inputs it leaves out. The derivative explained is then the
	// directional derivative ∇f·d, the derivative of f(x + t·d) at t = 0.
	// A Direction that is the unit vector of one input is Wrt = that
	// input. Build ignores it.
	Direction map[string]float64
	// Stop, if not nil, is called every ir.StopEvery nodes of forward
	// mode's pass in Explain, which then ends with ir.ErrStopped when it
	// returns true; see ir.Stop. Build ignores it.
	Stop ir.Stop
}

// Kind says what a node of a drawing is.
type Kind uint8

const (
	// Input is a variable.
	Input Kind = iota
	// Constant is a number.
	Constant
	// Call is an application of a user function.
	Call
	// Primitive is a primitive operation of package op.
	Primitive
)

var kindNames = [...]string{Input: "input", Constant: "const", Call: "call", Primitive: "op"}

// String returns the name of the kind as JSON writes it: input, const,
// call or op.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Node is a node of a drawing: a node of the expression DAG with the
// numbers of the reverse pass.
type Node struct {
	ID   ir.ID // the node in the graph of the reverse.Result
	Kind Kind
	// Label is the variable name, the number, the called function's name
	// or the operation's name ("x_1", "3", "f_2", "sin", "*").
	Label string
	// Expr is the expression the node computes, as text, or "" when that
	// text would be longer than a line or two. LaTeX is the same in
	// LaTeX.
	Expr    string
	LaTeX   string
	Value   float64
	Adjoint float64
	// Level is 0 for inputs and constants and 1 + the largest level of
	// the node's arguments for the others: the height of the node above
	// the inputs.
	Level int
}

// Edge goes from a node to one of its arguments (from the user to the
// used, as the seed draws them) and carries the partial derivative of the
// node with respect to that argument.
type Edge struct {
	From, To int // indices in Graph.Nodes
	Arg      int // the argument position, from 0
	// Of is what is differentiated: the function's name for a call ("f_2"),
	// the operation applied to its parameters for a primitive ("sin(x)",
	// "(x*y)", "(x^2)" when the argument y is the constant 2).
	Of string
	// Param is the name of the parameter: the function's parameter for a
	// call, "x" or "y" for a primitive.
	Param string
	// Partial is the partial derivative as text in the parameters of the
	// function or operation ("y*x^(y - 1)" for ∂(x^y)/∂x), "" if too long.
	// LaTeX is the same in LaTeX.
	Partial string
	LaTeX   string
	// Value is the partial derivative at the point of the pass: the
	// reverse.Result's Partial.
	Value float64

	ofTeX string // Of in LaTeX
	// fn names the function or operation differentiated ("f_2", "mul")
	// and args its parameters as Partial writes them ("x", "y", or the
	// number of a constant argument); see Name and Signature.
	fn, fnTeX     string
	args, argsTeX []string
}

// Graph is an expression graph ready to be drawn, independent of any
// renderer: the nodes reachable from the output, each once, in evaluation
// order (every node after its arguments, the output last), and one edge
// per argument of each node.
type Graph struct {
	Nodes []Node
	Edges []Edge
	// Output is the index of the output node in Nodes (the last one).
	Output int

	digits    int
	maxLayout int   // the limit of SVG and PNG on len(Nodes)+len(Edges); negative: none
	first     []int // the edges of node i are Edges[first[i]:first[i+1]]
}

// TooLargeError is returned by Build for a graph with more nodes than the
// limit of its Settings.
type TooLargeError struct {
	Nodes, Limit int
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the graph has %d nodes, more than the limit of %d: "+
		"draw it at function level (--level functions) or raise the node limit", e.Nodes, e.Limit)
}

// LayoutError is returned by SVG and PNG for a graph with more nodes plus
// edges than the layout limit of its Settings: Graphviz would take too
// long and too much memory to lay it out. DOT and JSON write any graph.
type LayoutError struct {
	Nodes, Edges, Limit int
}

func (e *LayoutError) Error() string {
	return fmt.Sprintf("the graph has %d nodes and %d edges; SVG and PNG layout is limited to %d nodes and edges together",
		e.Nodes, e.Edges, e.Limit)
}

// Build returns the drawing of the expression graph of r, as settings say;
// nil settings mean the defaults. It returns a *TooLargeError if the graph
// has more nodes than settings.MaxNodes.
//
// Build only reads r.Graph, so several goroutines may build drawings of
// results over the same graph at once.
func Build(r *reverse.Result, settings *Settings) (*Graph, error) {
	var o Settings
	if settings != nil {
		o = *settings
	}
	limit := o.MaxNodes
	if limit == 0 {
		limit = DefaultMaxNodes
	}
	if limit > 0 && len(r.Nodes) > limit {
		return nil, &TooLargeError{Nodes: len(r.Nodes), Limit: limit}
	}
	if o.Digits <= 0 {
		o.Digits = DefaultDigits
	}
	if o.MaxLayout == 0 {
		o.MaxLayout = DefaultMaxLayout
	}
	g := r.Graph
	d := &Graph{
		Nodes:     make([]Node, len(r.Nodes)),
		Output:    len(r.Nodes) - 1,
		digits:    o.Digits,
		maxLayout: o.MaxLayout,
		first:     make([]int, len(r.Nodes)+1),
	}
	texts := exprTexts(g, r.Nodes, maxExprLen)
	sy := newSymbolic(g)
	for i, id := range r.Nodes {
		n := g.Node(id)
		level := 0
		for k := range n.Arity() {
			j, _ := r.Index(n.Arg(k))
			level = max(level, d.Nodes[j].Level+1)
		}
		d.Nodes[i] = Node{
			ID: id, Kind: kindOf(n), Label: Label(g, id), Expr: texts[i], LaTeX: latexOf(g, id, texts[i]),
			Value: r.Values[i], Adjoint: r.Adjoints[i], Level: level,
		}
		d.first[i] = len(d.Edges)
		partials := sy.partials(n)
		for k := range n.Arity() {
			j, _ := r.Index(n.Arg(k))
			d.Edges = append(d.Edges, Edge{
				From: i, To: j, Arg: k,
				Of:      partials[k].of,
				ofTeX:   partials[k].ofTeX,
				Param:   partials[k].param,
				fn:      partials[k].fn,
				fnTeX:   partials[k].fnTeX,
				args:    partials[k].args,
				argsTeX: partials[k].argsTeX,
				Partial: partials[k].text,
				LaTeX:   partials[k].latex,
				Value:   r.Partial(i, k),
			})
		}
	}
	d.first[len(r.Nodes)] = len(d.Edges)
	return d, nil
}

// EdgesOf returns the edges from node i to its arguments, in argument
// order.
func (d *Graph) EdgesOf(i int) []Edge { return d.Edges[d.first[i]:d.first[i+1]] }

func kindOf(n *ir.Node) Kind {
	switch n.Op {
	case op.Var:
		return Input
	case op.Const:
		return Constant
	case op.Call:
		return Call
	}
	return Primitive
}

// Label returns the short name of node id of g as drawn: the variable's
// name, the number, the called function's name or the operation's name.
func Label(g *ir.Graph, id ir.ID) string {
	n := g.Node(id)
	switch n.Op {
	case op.Var:
		return n.Name
	case op.Const:
		return ir.FormatConst(n.Val)
	case op.Call:
		return n.Fn.Name
	}
	return n.Op.String()
}

// exprTexts returns the text of each node of order (a topological order)
// as ir's printer writes it, or "" for those whose text could be longer
// than limit bytes. The text of a DAG writes shared nodes out at each use,
// so it can be exponentially longer than the DAG: an upper bound of the
// length, computed in one pass, decides which nodes to print.
func exprTexts(g *ir.Graph, order []ir.ID, limit int) []string {
	bound := make(map[ir.ID]int, len(order))
	texts := make([]string, len(order))
	for i, id := range order {
		n := g.Node(id)
		// The label and two parentheses or spaces, and each argument with
		// two more: enough for f(a, b), (a) + (b), -(a) and (-1).
		b := len(Label(g, id)) + 2
		for k := range n.Arity() {
			b += bound[n.Arg(k)] + 2
			if b > limit {
				b = limit + 1 // saturate
			}
		}
		bound[id] = b
		if b <= limit {
			texts[i] = g.String(id)
		}
	}
	return texts
}

// format formats v with the given number of significant digits, and the
// non-finite numbers as NaN, +Inf and -Inf.
func format(v float64, digits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', digits, 64)
}
