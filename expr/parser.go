package expr

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gobackprop/backprop/op"
)

type token int

const (
	tEOF token = iota
	tNewline
	tIdent
	tNumber
	tAdd
	tSub
	tMul
	tDiv
	tPow // ^ or **
	tLparen
	tRparen
	tComma
	tAssign
	tIllegal
)

var tokenNames = [...]string{
	tEOF: "end of input", tNewline: "end of line", tIdent: "name", tNumber: "number",
	tAdd: "+", tSub: "-", tMul: "*", tDiv: "/", tPow: "^", tLparen: "(", tRparen: ")",
	tComma: ",", tAssign: "=", tIllegal: "illegal character",
}

// binary operators by token, with their precedence from the op table.
var binops = map[token]op.Op{tAdd: op.Add, tSub: op.Sub, tMul: op.Mul, tDiv: op.Div}

// MaxDepth is how deeply parentheses, calls and powers may nest in an
// expression; deeper input is reported as an error instead of exhausting
// the stack.
const MaxDepth = 10000

type parser struct {
	filename string
	src      string
	errs     ErrorList

	// the current token
	tok   token
	pos   Pos
	lit   string
	next  int // offset of the byte after the current token
	depth int
}

// bailout is panicked to stop parsing after MaxErrors errors or at too deep
// nesting; parse recovers it.
type bailout struct{}

// ParseFile parses a program: a list of definitions, one a line (or
// separated by ';'), with '#' comments, optionally followed by a bare
// expression. It reports every syntax error it finds, up to MaxErrors, as
// an ErrorList.
//
// A UTF-8 byte-order mark (U+FEFF) at the start of src, which some editors
// write, is skipped: the File's Src is the text after it, and positions
// count from there.
func ParseFile(filename, src string) (f *File, err error) {
	src = strings.TrimPrefix(src, bom)
	p := &parser{filename: filename, src: src}
	f = &File{Filename: filename, Src: src}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
		}
		sortErrors(p.errs)
		err = p.errs.Err()
	}()
	p.advance()
	for {
		for p.tok == tNewline {
			p.advance()
		}
		if p.tok == tEOF {
			break
		}
		if f.Expr != nil {
			// Reported here, before the errors of the statement after
			// it, so that errors are found in source order.
			p.errorAt(f.Expr.Pos(), "a bare expression must be the last statement of a program")
			f.Expr = nil
		}
		start := len(p.errs)
		def, e := p.statement()
		if len(p.errs) > start {
			p.skipLine()
			continue
		}
		if def != nil {
			f.Defs = append(f.Defs, def)
		} else {
			f.Expr = e
		}
		if p.tok != tNewline && p.tok != tEOF {
			p.errorExpected("end of line")
			p.skipLine()
		}
	}
	if len(f.Defs) == 0 && f.Expr == nil && len(p.errs) == 0 {
		p.errorAt(Pos(len(src)), "the program is empty: write a definition such as f(x) = x^2, or an expression")
	}
	return f, nil
}

// ParseExpr parses a single expression.
func ParseExpr(src string) (Expr, error) {
	f, err := ParseFile("", src)
	if err != nil {
		return nil, err
	}
	if len(f.Defs) > 0 || f.Expr == nil {
		return nil, errorAt("", src, 0, "expected an expression, found a definition")
	}
	return f.Expr, nil
}

func (p *parser) errorAt(pos Pos, format string, args ...any) {
	p.errs = append(p.errs, errorAt(p.filename, p.src, int(pos), format, args...))
	if len(p.errs) >= MaxErrors {
		p.errs = append(p.errs, &Error{Msg: fmt.Sprintf("too many errors (stopped after %d)", MaxErrors)})
		panic(bailout{})
	}
}

func (p *parser) describe() string {
	switch p.tok {
	case tIdent, tNumber:
		return fmt.Sprintf("%s %s", tokenNames[p.tok], p.lit)
	case tIllegal:
		return fmt.Sprintf("illegal character %q", p.lit)
	case tEOF, tNewline:
		return tokenNames[p.tok]
	}
	return fmt.Sprintf("'%s'", p.lit)
}

func (p *parser) errorExpected(what string) {
	p.errorAt(p.pos, "expected %s, found %s%s", what, p.describe(), p.hint())
}

// bom is the UTF-8 byte-order mark.
const bom = "\ufeff"

// illegalHints says what to write instead of characters that look like
// operators (or spaces) but are not, as typeset mathematics has them.
var illegalHints = map[rune]string{
	'×':      "a multiplication sign: write * to multiply",
	'·':      "a middle dot: write * to multiply",
	'⋅':      "a dot operator: write * to multiply",
	'∗':      "an asterisk operator: write * to multiply",
	'−':      "a minus sign: write - to subtract or negate",
	'–':      "an en dash: write - to subtract or negate",
	'÷':      "a division sign: write / to divide",
	'∕':      "a division slash: write / to divide",
	'²':      "a superscript: write ^2",
	'³':      "a superscript: write ^3",
	'\u00a0': "a no-break space: write a plain space",
	'\ufeff': "a byte-order mark, skipped only at the start of a program: delete it",
}

// hint returns, for an illegal character with a known hint, " (U+XXXX,
// hint)", else "".
func (p *parser) hint() string {
	if p.tok != tIllegal {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(p.lit)
	if h, ok := illegalHints[r]; ok {
		return fmt.Sprintf(" (%U, %s)", r, h)
	}
	return ""
}

// numberHint returns a message for a number written in a notation
// backprop does not read: the number num (such as "0") followed by the
// name name (such as "x10"), which together read 0x10, 0b101, 0o17 or
// 1_000. It returns "" for other juxtapositions, such as 2x.
func numberHint(num, name string) string {
	if num == "0" && len(name) > 1 {
		bases := map[byte]struct {
			base int
			what string
		}{'x': {16, "hexadecimal"}, 'X': {16, "hexadecimal"}, 'b': {2, "binary"}, 'B': {2, "binary"}, 'o': {8, "octal"}, 'O': {8, "octal"}}
		if b, ok := bases[name[0]]; ok {
			digits := strings.ReplaceAll(name[1:], "_", "")
			if v, err := strconv.ParseUint(digits, b.base, 64); err == nil {
				return fmt.Sprintf("%s numbers are not supported: write %d for %s%s", b.what, v, num, name)
			} else if errors.Is(err, strconv.ErrRange) {
				return fmt.Sprintf("%s numbers are not supported: write %s%s in decimal", b.what, num, name)
			}
		}
	}
	if name[0] == '_' && strings.Trim(name, "_0123456789") == "" {
		return fmt.Sprintf("digit separators are not supported: write %s for %s%s", num+strings.ReplaceAll(name, "_", ""), num, name)
	}
	return ""
}

// skipLine skips to the start of the next statement.
func (p *parser) skipLine() {
	for p.tok != tNewline && p.tok != tEOF {
		p.advance()
	}
}

// advance scans the next token.
func (p *parser) advance() {
	src := p.src
	i := p.next
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i += 2 // line continuation
			continue
		case c == '\\' && i+2 < len(src) && src[i+1] == '\r' && src[i+2] == '\n':
			i += 3
			continue
		case c == '\n' && p.continues():
			i++
			continue
		}
		break
	}
	p.pos = Pos(i)
	if i >= len(src) {
		p.tok, p.lit, p.next = tEOF, "", i
		return
	}
	c := src[i]
	start := i
	switch {
	case c == '\n' || c == ';':
		p.tok = tNewline
		i++
	case isLetter(c) || c >= utf8.RuneSelf && startsIdent(src[i:]):
		for i < len(src) {
			r, w := utf8.DecodeRuneInString(src[i:])
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			i += w
		}
		p.tok = tIdent
	case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
		i = p.scanNumber(i)
		p.tok = tNumber
	default:
		i++
		switch c {
		case '+':
			p.tok = tAdd
		case '-':
			p.tok = tSub
		case '*':
			p.tok = tMul
			if i < len(src) && src[i] == '*' {
				p.tok = tPow
				i++
			}
		case '/':
			p.tok = tDiv
		case '^':
			p.tok = tPow
		case '(':
			p.tok = tLparen
		case ')':
			p.tok = tRparen
		case ',':
			p.tok = tComma
		case '=':
			p.tok = tAssign
		default:
			_, w := utf8.DecodeRuneInString(src[start:])
			i = start + w
			p.tok = tIllegal
		}
	}
	p.lit = src[start:i]
	p.next = i
}

// continues reports whether the current token cannot end a statement, so
// that a newline after it continues the statement on the next line.
func (p *parser) continues() bool {
	switch p.tok {
	case tAdd, tSub, tMul, tDiv, tPow, tComma, tAssign, tLparen:
		return p.next > 0
	}
	return false
}

func isLetter(c byte) bool { return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func startsIdent(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r)
}

func (p *parser) scanNumber(i int) int {
	src := p.src
	for i < len(src) && isDigit(src[i]) {
		i++
	}
	if i < len(src) && src[i] == '.' {
		i++
		for i < len(src) && isDigit(src[i]) {
			i++
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if j < len(src) && isDigit(src[j]) {
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			i = j
		}
		// otherwise the e is not part of the number: 2e is 2 followed by e.
	}
	return i
}

func (p *parser) expect(t token) Pos {
	pos := p.pos
	if p.tok != t {
		p.errorExpected("'" + tokenNames[t] + "'")
		panic(errSyntax)
	}
	p.advance()
	return pos
}

// errSyntax is panicked inside a statement after its first syntax error; statement
// recovers it and the parser resumes at the next line.
var errSyntax = errors.New("syntax error")

// statement parses a definition or an expression.
func (p *parser) statement() (def *Def, e Expr) {
	defer func() {
		if r := recover(); r != nil {
			if r != errSyntax {
				panic(r)
			}
			def, e = nil, nil
		}
	}()
	e = p.expr()
	if p.tok != tAssign {
		return nil, e
	}
	// e was the head of a definition: name(params...)
	assign := p.pos
	p.advance()
	call, ok := e.(*CallExpr)
	if !ok {
		if id, isIdent := e.(*Ident); isIdent {
			p.errorAt(id.At, "a definition needs parameters: write %s(x) = …", id.Name)
		} else {
			p.errorAt(assign, "expected a definition name(parameters) = expression before '='")
		}
		panic(errSyntax)
	}
	def = &Def{Name: call.Fun}
	for _, a := range call.Args {
		id, ok := a.(*Ident)
		if !ok {
			p.errorAt(a.Pos(), "a parameter must be a name")
			panic(errSyntax)
		}
		def.Params = append(def.Params, id)
	}
	def.Body = p.expr()
	return def, nil
}

func (p *parser) enter() {
	p.depth++
	if p.depth > MaxDepth {
		p.errorAt(p.pos, "expression nested too deeply (more than %d levels)", MaxDepth)
		panic(bailout{})
	}
}

func (p *parser) leave() { p.depth-- }

// expr parses a sum by precedence climbing.
func (p *parser) expr() Expr { return p.binary(op.PrecAdd) }

func (p *parser) binary(prec int) Expr {
	x := p.unary()
	for {
		o, ok := binops[p.tok]
		if !ok || o.Info().Prec < prec {
			return x
		}
		pos := p.pos
		p.advance()
		y := p.binary(o.Info().Prec + 1)
		x = &Binary{Start: x.Pos(), X: x, OpPos: pos, Op: o, Y: y, To: y.End()}
	}
}

func (p *parser) unary() Expr {
	switch p.tok {
	case tSub:
		p.enter()
		defer p.leave()
		pos := p.pos
		p.advance()
		x := p.unary()
		return &Unary{OpPos: pos, Op: op.Neg, X: x, To: x.End()}
	case tAdd:
		p.enter()
		defer p.leave()
		p.advance()
		return p.unary()
	}
	return p.power()
}

// power parses a primary expression and its exponent, which may itself be
// a (signed) power: 2^x^2 is 2^(x^2), 2^-x is 2^(-x).
func (p *parser) power() Expr {
	x := p.primary()
	if p.tok != tPow {
		return x
	}
	p.enter()
	defer p.leave()
	pos := p.pos
	p.advance()
	y := p.unary()
	return &Binary{Start: x.Pos(), X: x, OpPos: pos, Op: op.Pow, Y: y, To: y.End()}
}

func (p *parser) primary() Expr {
	switch p.tok {
	case tNumber:
		x := &Number{At: p.pos, To: Pos(p.next), Text: p.lit}
		v, err := strconv.ParseFloat(p.lit, 64)
		if err != nil || math.IsInf(v, 0) {
			p.errorAt(p.pos, "number %s is out of range", p.lit)
			panic(errSyntax)
		}
		x.Value = v
		p.advance()
		if p.tok == tIdent && p.pos == x.To {
			if msg := numberHint(x.Text, p.lit); msg != "" {
				p.errorAt(x.At, "%s", msg)
				panic(errSyntax)
			}
		}
		if p.tok == tIdent || p.tok == tLparen {
			p.errorAt(p.pos, "expected an operator after number %s, found %s (write 2*x, not 2x)", x.Text, p.describe())
			panic(errSyntax)
		}
		return x
	case tIdent:
		id := &Ident{At: p.pos, Name: p.lit}
		p.advance()
		if p.tok != tLparen {
			return id
		}
		p.enter()
		defer p.leave()
		p.advance()
		call := &CallExpr{Fun: id}
		if p.tok != tRparen {
			for {
				call.Args = append(call.Args, p.expr())
				if p.tok != tComma {
					break
				}
				p.advance()
			}
		}
		if p.tok != tRparen {
			p.errorExpected("',' or ')' in the arguments of " + id.Name)
			panic(errSyntax)
		}
		call.Rparen = p.pos
		p.advance()
		return call
	case tLparen:
		p.enter()
		defer p.leave()
		lp := p.pos
		p.advance()
		x := p.expr()
		if p.tok == tComma {
			t := &Tuple{Lparen: lp, Elems: []Expr{x}}
			for p.tok == tComma {
				p.advance()
				t.Elems = append(t.Elems, p.expr())
			}
			if p.tok != tRparen {
				p.errorExpected("',' or ')' in a tuple")
				panic(errSyntax)
			}
			t.Rparen = p.pos
			p.advance()
			return t
		}
		rp := p.expect(tRparen)
		return &Paren{Lparen: lp, Rparen: rp, X: x}
	}
	p.errorExpected("an expression")
	panic(errSyntax)
}
