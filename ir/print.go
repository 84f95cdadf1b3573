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
// the text of a DAG can be much longer than the DAG itself.
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
	n := &g.nodes[id]
	switch n.Op {
	case op.Const:
		b.WriteString(FormatConst(n.Val))
	case op.Var:
		b.WriteString(n.Name)
	case op.Call:
		b.WriteString(n.Fn.Name)
		g.writeArgs(b, n.Args...)
	default:
		info := n.Op.Info()
		switch info.Notation {
		case op.Prefix:
			b.WriteString(info.Name)
			g.operand(b, info, n.X, false)
		case op.Infix:
			g.operand(b, info, n.X, false)
			if info.Prec == op.PrecAdd {
				b.WriteString(" " + info.Name + " ")
			} else {
				b.WriteString(info.Name)
			}
			g.operand(b, info, n.Y, true)
		default:
			b.WriteString(info.Name)
			if info.Arity == 1 {
				g.writeArgs(b, n.X)
			} else {
				g.writeArgs(b, n.X, n.Y)
			}
		}
	}
}

func (g *Graph) writeArgs(b *strings.Builder, args ...ID) {
	b.WriteByte('(')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		g.write(b, a)
	}
	b.WriteByte(')')
}

func (g *Graph) operand(b *strings.Builder, info *op.Info, a ID, right bool) {
	if g.NeedParens(info, a, right) {
		b.WriteByte('(')
		g.write(b, a)
		b.WriteByte(')')
		return
	}
	g.write(b, a)
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
