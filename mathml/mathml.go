// Package mathml prints expressions of the DAG as presentation MathML, which
// browsers render natively: the closed-form derivatives of the explorer
// (backprop serve) are typeset with it.
//
// It reads the same operator table (package op) as the text printer of
// package ir and as package latex: the precedence and associativity of an
// operator decide its parentheses, and a function-notation primitive is
// written with its name. Quotients are fractions (mfrac), powers
// superscripts (msup), square roots radicals (msqrt), exp(x) is e^x and
// abs(x) is |x|; names are split into a base and a subscript as package
// latex splits them (x_1, x1 → x with subscript 1; alpha → α).
//
// Every name and number is escaped, so the output is safe to insert into an
// HTML page as markup. String writes every use of a shared node out in
// full, so it can be exponentially longer than the DAG; Aligned names the
// large shared subexpressions of an ir.Listing and stays linear in it.
package mathml

import (
	"html"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/op"
)

// String returns node id of g as the MathML content of an mrow (without
// the enclosing math element). It does not change g.
func String(g *ir.Graph, id ir.ID) string {
	p := printer{g: g, self: ir.None}
	p.write(id)
	return p.b.String()
}

// Math wraps content in a math element, displayed as a block if block.
func Math(content string, block bool) string {
	if block {
		return `<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">` + content + `</math>`
	}
	return `<math xmlns="http://www.w3.org/1998/Math/MathML">` + content + `</math>`
}

// Partial returns the MathML of ∂f/∂x for the function name f and the
// variable name x, as a fraction.
func Partial(f, x string) string {
	return `<mfrac><mrow><mo>∂</mo>` + FuncName(f) + `</mrow><mrow><mo>∂</mo>` + Name(x) + `</mrow></mfrac>`
}

// Aligned returns root and the helpers of listing l as a table of
// definitions, one a row: each helper (named as l names it) equal to its
// expression, then lhs equal to root, lhs being MathML already. Each row
// has the length of the helper's definition, so the whole is linear in
// the DAG. With no helpers it is one row.
func Aligned(g *ir.Graph, l *ir.Listing, lhs string, root ir.ID) string {
	p := printer{g: g, self: ir.None}
	if len(l.Helpers) > 0 {
		p.names = make(map[ir.ID]string, len(l.Helpers))
		for i, id := range l.Helpers {
			p.names[id] = Name(l.Names[i])
		}
	}
	row := func(lhs string, id ir.ID) {
		p.b.WriteString(`<mtr><mtd columnalign="right">` + lhs + `</mtd><mtd columnalign="left"><mrow><mo>=</mo>`)
		p.self = id
		p.write(id)
		p.self = ir.None
		p.b.WriteString(`</mrow></mtd></mtr>`)
	}
	p.b.WriteString(`<mtable>`)
	for _, id := range l.Helpers {
		row(p.names[id], id)
	}
	row(lhs, root)
	p.b.WriteString(`</mtable>`)
	return p.b.String()
}

type printer struct {
	g *ir.Graph
	b strings.Builder
	// names are the MathML names of the helpers of a listing, written
	// instead of the nodes, except self, the one being defined.
	names map[ir.ID]string
	self  ir.ID
}

func (p *printer) named(id ir.ID) (string, bool) {
	if p.names == nil || id == p.self {
		return "", false
	}
	s, ok := p.names[id]
	return s, ok
}

func (p *printer) mo(s string) { p.b.WriteString("<mo>" + s + "</mo>") }

func (p *printer) write(id ir.ID) {
	if s, ok := p.named(id); ok {
		p.b.WriteString(s)
		return
	}
	n := p.g.Node(id)
	switch n.Op {
	case op.Const:
		p.b.WriteString(number(n.Val))
		return
	case op.Var:
		p.b.WriteString(Name(n.Name))
		return
	case op.Call:
		p.b.WriteString("<mrow>" + FuncName(n.Fn.Name) + "<mo>&#x2061;</mo>")
		p.args(n.Args...)
		p.b.WriteString("</mrow>")
		return
	}
	info := n.Op.Info()
	p.b.WriteString("<mrow>")
	defer p.b.WriteString("</mrow>")
	switch n.Op {
	case op.Div:
		p.b.WriteString("<mfrac>")
		p.group(n.X)
		p.group(n.Y)
		p.b.WriteString("</mfrac>")
	case op.Pow:
		p.b.WriteString("<msup>")
		p.base(n.X)
		p.group(n.Y)
		p.b.WriteString("</msup>")
	case op.Sqrt:
		p.b.WriteString("<msqrt>")
		p.write(n.X)
		p.b.WriteString("</msqrt>")
	case op.Exp:
		p.b.WriteString("<msup><mi>e</mi>")
		p.group(n.X)
		p.b.WriteString("</msup>")
	case op.Abs:
		p.b.WriteString(`<mo fence="true">|</mo>`)
		p.write(n.X)
		p.b.WriteString(`<mo fence="true">|</mo>`)
	default:
		switch info.Notation {
		case op.Prefix:
			p.mo(opText(info.Name))
			p.operand(info, n.X, false)
		case op.Infix:
			p.operand(info, n.X, false)
			if n.Op == op.Mul {
				// Juxtaposed, as in print, but with a dot between
				// numbers, where juxtaposition would read as digits.
				if p.startsNumber(n.Y) {
					p.mo("⋅")
				} else {
					p.mo("&#x2062;")
				}
			} else {
				p.mo(opText(info.Name))
			}
			p.operand(info, n.Y, true)
		default:
			name := info.Name
			if w, ok := strings.CutPrefix(info.TeX, `\`); ok && isWord(w) {
				name = w // \sinh: sinh; \operatorname{…}: the name
			}
			p.b.WriteString("<mi>" + html.EscapeString(name) + "</mi><mo>&#x2061;</mo>")
			if info.Arity == 1 {
				p.args(n.X)
			} else {
				p.args(n.X, n.Y)
			}
		}
	}
}

// group writes id as one element: an mrow.
func (p *printer) group(id ir.ID) {
	p.b.WriteString("<mrow>")
	p.write(id)
	p.b.WriteString("</mrow>")
}

// base writes the base of a power: in parentheses unless a name, a
// non-negative number or a call.
func (p *printer) base(id ir.ID) {
	if _, ok := p.named(id); ok {
		p.write(id)
		return
	}
	n := p.g.Node(id)
	switch {
	case n.Op == op.Var, n.Op == op.Call,
		n.Op == op.Const && !math.Signbit(n.Val) && !math.IsNaN(n.Val) && !math.IsInf(n.Val, 0):
		p.write(id)
	default:
		p.paren(id)
	}
}

func (p *printer) paren(id ir.ID) {
	p.b.WriteString(`<mrow><mo>(</mo>`)
	p.write(id)
	p.b.WriteString(`<mo>)</mo></mrow>`)
}

func (p *printer) args(args ...ir.ID) {
	p.b.WriteString(`<mrow><mo>(</mo>`)
	for i, a := range args {
		if i > 0 {
			p.mo(",")
		}
		p.write(a)
	}
	p.b.WriteString(`<mo>)</mo></mrow>`)
}

// operand writes argument a of an operator with info, in parentheses when
// the text printer would put it in parentheses. Fractions, powers and roots
// are visibly grouped already and need none.
func (p *printer) operand(info *op.Info, a ir.ID, right bool) {
	if _, ok := p.named(a); ok {
		p.write(a)
		return
	}
	switch p.g.Op(a) {
	case op.Div, op.Pow, op.Sqrt, op.Exp, op.Abs:
		if !(info.Notation == op.Prefix && p.g.Op(a) == op.Div) {
			p.write(a)
			return
		}
	}
	if p.g.NeedParens(info, a, right) {
		p.paren(a)
		return
	}
	p.write(a)
}

// startsNumber reports whether id, printed, starts with a digit.
func (p *printer) startsNumber(id ir.ID) bool {
	for {
		if _, ok := p.named(id); ok {
			return false
		}
		n := p.g.Node(id)
		switch n.Op {
		case op.Const:
			return n.Val != math.Pi && n.Val != math.E && !math.IsNaN(n.Val) && !math.IsInf(n.Val, 0) && !math.Signbit(n.Val)
		case op.Mul:
			if p.g.NeedParens(n.Op.Info(), n.X, false) {
				return false
			}
			id = n.X
		case op.Pow:
			id = n.X
		default:
			return false
		}
	}
}

// opText is the MathML operator of an operator's name: a true minus
// sign, a middle dot for *.
func opText(name string) string {
	switch name {
	case "-":
		return "−"
	case "*":
		return "⋅"
	}
	return html.EscapeString(name)
}

// number returns the MathML of a constant: π and e as letters, a negative
// number with a minus sign, NaN and the infinities as words and ∞.
func number(v float64) string {
	switch {
	case v == math.Pi:
		return "<mi>π</mi>"
	case v == math.E:
		return "<mi>e</mi>"
	case math.IsNaN(v):
		return "<mi>NaN</mi>"
	case math.IsInf(v, 1):
		return "<mi>∞</mi>"
	case math.IsInf(v, -1):
		return "<mrow><mo>−</mo><mi>∞</mi></mrow>"
	case math.Signbit(v):
		return "<mrow><mo>−</mo>" + number(-v) + "</mrow>"
	}
	return "<mn>" + strconv.FormatFloat(v, 'g', -1, 64) + "</mn>"
}

// FuncName returns the MathML of a function name, as Name.
func FuncName(name string) string { return Name(name) }

// Name returns the MathML of a variable name: x → x, x_1 and x1 → x with
// subscript 1, alpha → α, rate_0 → rate (upright) with subscript 0.
func Name(name string) string {
	base, parts, ok := latex.SplitName(name)
	if !ok {
		return "<mi>" + html.EscapeString(name) + "</mi>"
	}
	m := word(base)
	if parts == nil {
		return m
	}
	for i, s := range parts {
		parts[i] = word(s)
	}
	s := parts[0]
	if len(parts) > 1 {
		s = "<mrow>" + strings.Join(parts, "<mo>,</mo>") + "</mrow>"
	}
	return "<msub>" + m + s + "</msub>"
}

func isWord(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return s != ""
}

// word returns one part of a name: a number as mn, a Greek letter's name
// as the letter, anything else as mi (which MathML renders italic when it
// is one letter, upright when longer).
func word(s string) string {
	if g, ok := latex.Greek(s); ok {
		return "<mi>" + g + "</mi>"
	}
	digits := s != ""
	for _, r := range s {
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if digits {
		return "<mn>" + s + "</mn>"
	}
	return "<mi>" + html.EscapeString(s) + "</mi>"
}
