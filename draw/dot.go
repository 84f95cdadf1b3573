package draw

import (
	"bufio"
	"io"
	"slices"
	"strconv"
	"strings"
)

// compactNodes is the size above which DOT leaves the symbolic partials
// out of the edge labels, to keep large drawings legible.
const compactNodes = 300

// Fill colours of the header cells of the nodes.
const (
	colorInput  = "#cfe2f3"
	colorCall   = "#fff2cc"
	colorOp     = "#eeeeee"
	colorOutput = "#d9ead3"
)

// Name returns the name of the partial derivative e carries, by the
// position of the argument and the function or operation: "∂₂f_2" is the
// partial derivative of f_2 with respect to its second argument, "∂₁mul"
// that of a product with respect to its first. The notation names no
// parameter, so that it cannot be read as a derivative with respect to a
// variable of the user's that has the same name (the x of f_2(x, y) is not
// the program's x).
func (e *Edge) Name() string { return "∂" + subscript(e.Arg+1) + e.fn }

// Signature returns Name applied to the parameters in which Partial is
// written: "∂₂f_2(x, y)", "∂₁pow(x, 2)", the left-hand side of the
// formula Partial.
func (e *Edge) Signature() string { return e.Name() + "(" + strings.Join(e.args, ", ") + ")" }

// nameTeX returns Name in LaTeX.
func (e *Edge) nameTeX() string {
	return `\partial_{` + strconv.Itoa(e.Arg+1) + `} ` + e.fnTeX
}

// signatureTeX returns Signature in LaTeX.
func (e *Edge) signatureTeX() string {
	return e.nameTeX() + `\left(` + strings.Join(e.argsTeX, ", ") + `\right)`
}

// subscript writes n with subscript digits.
func subscript(n int) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(n) {
		b.WriteRune('₀' + (c - '0'))
	}
	return b.String()
}

// DOT writes the graph in the DOT language of Graphviz, laid out like the
// seed's figure 2.1: the inputs on one rank at the bottom, the output at
// the top, each node with its name, value and adjoint, each edge with its
// partial derivative, as text and as a number, and an arrow from the node
// to its argument. Constants are drawn small and their edges dashed and
// unlabelled, since no derivative flows into them. In graphs of more than
// a few hundred nodes the edge labels keep only the number, placed beside
// the edge rather than on it, which keeps the layout fast.
//
// The output is a function of the graph alone: the same graph gives the
// same bytes.
func (d *Graph) DOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
	}
	p("digraph backprop {\n",
		"\trankdir=BT;\n",
		"\tgraph [fontname=\"DejaVu Sans\", nodesep=0.35, ranksep=0.55];\n",
		"\tnode [shape=plain, fontname=\"DejaVu Sans\", fontsize=11];\n",
		"\tedge [fontname=\"DejaVu Sans\", fontsize=10, dir=back, arrowsize=0.7];\n")
	for i := range d.Nodes {
		n := &d.Nodes[i]
		if n.Kind == Constant && i != d.Output {
			continue // drawn at each use, below
		}
		p("\t", dotID(n), " [label=", d.nodeLabel(i))
		if n.Expr != "" {
			p(", tooltip=", quote(n.Expr))
		}
		p("];\n")
	}
	compact := len(d.Nodes) > compactNodes
	for _, e := range d.Edges {
		from, to := &d.Nodes[e.From], &d.Nodes[e.To]
		// Written from the argument to the node that uses it so that
		// rankdir=BT puts the output at the top; dir=back draws the arrow
		// from the node to its argument.
		if to.Kind == Constant {
			// A constant is drawn next to each node that uses it, rather
			// than once with edges across the whole picture.
			c := dotID(from) + "_" + strconv.Itoa(e.Arg)
			p("\t", c, " [label=", d.nodeLabel(e.To), "];\n")
			p("\t", c, " -> ", dotID(from), " [style=dashed, color=gray60];\n")
			continue
		}
		p("\t", dotID(to), " -> ", dotID(from))
		switch {
		case compact:
			// An external label is placed after the layout: a label
			// proper is a node of the layout, and routing the edges
			// around a thousand of them takes dot minutes.
			p(" [xlabel=", quote(format(e.Value, d.digits)), "];\n")
		case e.Partial != "":
			p(" [label=", quote(e.Signature()+" = "+e.Partial+"\n= "+format(e.Value, d.digits)), "];\n")
		default:
			p(" [label=", quote(e.Name()+"\n= "+format(e.Value, d.digits)), "];\n")
		}
	}
	var inputs []*Node
	for i := range d.Nodes {
		if d.Nodes[i].Kind == Input {
			inputs = append(inputs, &d.Nodes[i])
		}
	}
	if len(inputs) > 0 {
		// The inputs on the bottom rank. Their order, like the order of
		// the arguments of a node, is left to dot's crossing
		// minimization: forcing either adds crossings to the seed's
		// figure.
		slices.SortStableFunc(inputs, func(a, b *Node) int { return naturalCompare(a.Label, b.Label) })
		p("\t{rank=min;")
		for _, n := range inputs {
			p(" ", dotID(n), ";")
		}
		p("}\n")
	}
	if len(d.Nodes) > 0 && d.Nodes[d.Output].Kind != Input {
		p("\t{rank=max; ", dotID(&d.Nodes[d.Output]), ";}\n")
	}
	p("}\n")
	return bw.Flush()
}

func dotID(n *Node) string { return "n" + strconv.Itoa(int(n.ID)) }

// nodeLabel returns the HTML-like label of node i: a table with the
// node's name on a coloured header, its value and its adjoint.
func (d *Graph) nodeLabel(i int) string {
	n := &d.Nodes[i]
	if n.Kind == Constant {
		return "<<FONT COLOR=\"gray35\">" + html(n.Label) + "</FONT>>"
	}
	color := colorOp
	switch {
	case i == d.Output:
		color = colorOutput
	case n.Kind == Input:
		color = colorInput
	case n.Kind == Call:
		color = colorCall
	}
	var b strings.Builder
	b.WriteString(`<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">`)
	b.WriteString(`<TR><TD BGCOLOR="` + color + `"><B>` + html(n.Label) + `</B></TD></TR>`)
	b.WriteString(`<TR><TD>value ` + html(format(n.Value, d.digits)) + `</TD></TR>`)
	b.WriteString(`<TR><TD>adjoint ` + html(format(n.Adjoint, d.digits)) + `</TD></TR>`)
	b.WriteString(`</TABLE>>`)
	return b.String()
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

func html(s string) string { return htmlEscaper.Replace(s) }

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// quote returns s as a DOT string; a newline becomes a centred line break.
func quote(s string) string { return `"` + quoteEscaper.Replace(s) + `"` }

// naturalCompare compares strings with runs of digits compared as
// numbers, so that x_2 comes before x_10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

// digits returns the length of the run of ASCII digits that starts s.
func digits(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
