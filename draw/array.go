package draw

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/goccy/go-graphviz"

	"github.com/gobackprop/backprop/tensor/autograd"
)

// Ops is the graph of an array computation recorded on a tape of package
// tensor/autograd, as [autograd.Tape.Graph] returns it: one node per
// operation, labelled with its operation and the shape of its value, and
// one per leaf, labelled with its name if it has one, as PyTorch users
// draw theirs with torchviz.
//
//	g := &draw.Ops{Nodes: t.Graph(loss, map[string]autograd.Var[float32]{"w1": w1, "b1": b1})}
//	err := g.SVG(ctx, w)
type Ops struct {
	Nodes []autograd.Node
}

// DOT writes the graph in the DOT language of Graphviz, laid out like the
// seed's figure 2.1: the leaves at the bottom (named parameters in blue,
// other leaves, the data, in white), the output at the top, an arrow from
// each operation to its arguments. The output is a function of the graph
// alone.
func (g *Ops) DOT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
	}
	p("digraph backprop {\n",
		"\trankdir=BT;\n",
		"\tgraph [fontname=\"DejaVu Sans\", nodesep=0.3, ranksep=0.4];\n",
		"\tnode [shape=plain, fontname=\"DejaVu Sans\", fontsize=11];\n",
		"\tedge [dir=back, arrowsize=0.7, color=gray40];\n")
	last := len(g.Nodes) - 1
	var leaves []string
	for i, n := range g.Nodes {
		id := "n" + strconv.Itoa(i)
		color, head := colorOp, n.Op
		switch {
		case i == last:
			color = colorOutput
		case n.Op == "" && n.Name != "":
			color = colorInput
		case n.Op == "":
			color = "white"
		}
		if n.Op == "" {
			head = n.Name
			leaves = append(leaves, id)
		}
		var b strings.Builder
		b.WriteString(`<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">`)
		if head != "" {
			b.WriteString(`<TR><TD BGCOLOR="` + color + `"><B>` + html(head) + `</B></TD></TR>`)
			b.WriteString(`<TR><TD>` + shapeText(n.Shape) + `</TD></TR>`)
		} else {
			b.WriteString(`<TR><TD BGCOLOR="` + color + `">` + shapeText(n.Shape) + `</TD></TR>`)
		}
		b.WriteString(`</TABLE>>`)
		p("\t", id, " [label=", b.String(), "];\n")
	}
	for i, n := range g.Nodes {
		for _, a := range n.Args {
			p("\tn", strconv.Itoa(a), " -> n", strconv.Itoa(i), ";\n")
		}
	}
	if len(leaves) > 0 {
		p("\t{rank=min; ", strings.Join(leaves, "; "), ";}\n")
	}
	if last > 0 && g.Nodes[last].Op != "" {
		p("\t{rank=max; n", strconv.Itoa(last), ";}\n")
	}
	p("}\n")
	return bw.Flush()
}

// shapeText writes a shape as 64×128, a scalar as "scalar".
func shapeText(s []int) string {
	if len(s) == 0 {
		return "scalar"
	}
	d := make([]string, len(s))
	for i, n := range s {
		d[i] = strconv.Itoa(n)
	}
	return strings.Join(d, "×")
}

// SVG writes the graph as SVG, laid out by Graphviz's dot in-process, as
// [Graph.SVG] does.
func (g *Ops) SVG(ctx context.Context, w io.Writer) error { return g.render(ctx, w, graphviz.SVG) }

// PNG writes the graph as a PNG image, as [Graph.PNG] does.
func (g *Ops) PNG(ctx context.Context, w io.Writer) error { return g.render(ctx, w, graphviz.PNG) }

func (g *Ops) render(ctx context.Context, w io.Writer, format graphviz.Format) error {
	edges := 0
	for _, n := range g.Nodes {
		edges += len(n.Args)
	}
	if len(g.Nodes)+edges > DefaultMaxLayout {
		return &LayoutError{Nodes: len(g.Nodes), Edges: edges, Limit: DefaultMaxLayout}
	}
	var dot, out bytes.Buffer
	if err := g.DOT(&dot); err != nil {
		return err
	}
	if err := renderDOT(ctx, dot.Bytes(), format, &out); err != nil {
		return fmt.Errorf("rendering %s: %w", format, err)
	}
	_, err := w.Write(out.Bytes())
	return err
}
