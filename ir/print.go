package ir

import (
	"math"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/op"
)

// String returns node id as text in backprop's language, with the fewest
// parentheses that keep its structure: parsing the text gives back the same
// node. Shared subexpressions are written out each time they are used, so
// the text of a DAG can be much longer than the DAG itself; see
// [Graph.Listing] and [Graph.Program] for text linear in the DAG.
func (g *Graph) String(id ID) string {
	var b strings.Builder
	g.write(&b, id)
	return b.String()
}

// Prec returns the precedence of node id as printed: the operator's, or
// that of unary minus for a negative number.
func (g *Graph) Prec(id ID) int {
	n := &g.nodes[id]
	if n.Op == op.Const && (n.Val < 0 || math.Signbit(n.Val) || math.IsInf(n.Val, 0) || math.IsNaN(n.Val)) {
		return op.PrecNeg
	}
	return n.Op.Info().Prec
}

// NeedParens reports whether argument a of a node printed with operator info
// needs parentheses; right says whether a is the right operand.
func (g *Graph) NeedParens(info *op.Info, a ID, right bool) bool {
	p := g.Prec(a)
	if info.Notation == op.Prefix {
		return p < info.Prec
	}
	if p != info.Prec {
		return p < info.Prec
	}
	return right != info.RightAssoc
}

func (g *Graph) write(b *strings.Builder, id ID) {
	p := printer{g: g, b: b, self: None}
	p.write(id)
}

// printer writes nodes as text; the nodes in names (other than self) are
// written as the text they map to.
type printer struct {
	g     *Graph
	b     *strings.Builder
	names map[ID]string
	self  ID
}

func (p *printer) named(id ID) (string, bool) {
	if p.names == nil || id == p.self {
		return "", false
	}
	s, ok := p.names[id]
	return s, ok
}

func (p *printer) write(id ID) {
	if s, ok := p.named(id); ok {
		p.b.WriteString(s)
		return
	}
	b := p.b
	n := &p.g.nodes[id]
	switch n.Op {
	case op.Const:
		b.WriteString(FormatConst(n.Val))
	case op.Var:
		b.WriteString(n.Name)
	case op.Call:
		b.WriteString(n.Fn.Name)
		p.writeArgs(n.Args...)
	default:
		info := n.Op.Info()
		switch info.Notation {
		case op.Prefix:
			b.WriteString(info.Name)
			p.operand(info, n.X, false)
		case op.Infix:
			p.operand(info, n.X, false)
			if info.Prec == op.PrecAdd {
				b.WriteString(" " + info.Name + " ")
			} else {
				b.WriteString(info.Name)
			}
			p.operand(info, n.Y, true)
		default:
			b.WriteString(info.Name)
			if info.Arity == 1 {
				p.writeArgs(n.X)
			} else {
				p.writeArgs(n.X, n.Y)
			}
		}
	}
}

func (p *printer) writeArgs(args ...ID) {
	p.b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.write(a)
	}
	p.b.WriteByte(')')
}

func (p *printer) operand(info *op.Info, a ID, right bool) {
	if _, ok := p.named(a); !ok && p.g.NeedParens(info, a, right) {
		p.b.WriteByte('(')
		p.write(a)
		p.b.WriteByte(')')
		return
	}
	p.write(a)
}

// FormatConst formats a number so that the parser reads it back exactly:
// the shortest decimal that round-trips, "pi" and "e" (and "-pi", "-e") for those constants,
// and the quotients (0/0), (1/0) and (-1/0) for NaN and the infinities.
func FormatConst(v float64) string {
	switch {
	case v == math.Pi:
		return "pi"
	case v == math.E:
		return "e"
	case v == -math.Pi:
		return "-pi"
	case v == -math.E:
		return "-e"
	case math.IsNaN(v):
		return "(0/0)"
	case math.IsInf(v, 1):
		return "(1/0)"
	case math.IsInf(v, -1):
		return "(-1/0)"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
