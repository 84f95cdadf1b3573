package latex

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// String returns node id of g in LaTeX. It does not change g.
func String(g *ir.Graph, id ir.ID) string {
	p := printer{g: g}
	return p.sum(id)
}

// Signature returns the left-hand side of the definition of fn:
// f_{1}\left(x, y\right).
func Signature(g *ir.Graph, fn *ir.Func) string {
	args := make([]string, len(fn.Params))
	for i, name := range fn.ParamNames(g) {
		args[i] = Name(name)
	}
	return FuncName(fn.Name) + `\left(` + strings.Join(args, ", ") + `\right)`
}

// Definition returns the definition of fn, its signature equal to its
// body: f_{3}\left(x\right) = \log{\left(x \right)}.
func Definition(g *ir.Graph, fn *ir.Func) string {
	return Signature(g, fn) + " = " + String(g, fn.Body)
}

// Derivative returns the equation that says that d is the derivative of
// fn with respect to its parameter wrt, in the seed's notation:
//
//	\frac{\partial}{\partial x_{1}} f\left(x_{1}, x_{2}\right) = …
//
// or \frac{d}{d x} f\left(x\right) = … for a function of one parameter.
// It does not check that d is that derivative.
func Derivative(g *ir.Graph, fn *ir.Func, wrt, d ir.ID) string {
	x := Name(g.Node(wrt).Name)
	head := `\frac{\partial}{\partial ` + x + `} `
	if len(fn.Params) == 1 {
		head = `\frac{d}{d ` + x + `} `
	}
	return head + Signature(g, fn) + " = " + String(g, d)
}

type printer struct {
	g *ir.Graph
	// names are the LaTeX names of the helpers of a listing, written
	// instead of the nodes, except self, the one being defined.
	names map[ir.ID]string
	self  ir.ID
}

// name returns the name id is written as, if it is a helper.
func (p *printer) name(id ir.ID) (string, bool) {
	if p.names == nil || id == p.self {
		return "", false
	}
	s, ok := p.names[id]
	return s, ok
}

// Aligned returns root, an expression in the variables of fn, and the
// helpers of listing l as an aligned environment of definitions, the
// helpers (written without their arguments, as t_{1}) first and lhs = root
// last:
//
//	\begin{aligned} t_{1} &= … \\ lhs &= … \end{aligned}
//
// Each line has the length of the helper's text in the listing, so the
// whole is linear in the size of the DAG. With no helpers it is lhs = root
// on one line.
func Aligned(g *ir.Graph, l *ir.Listing, lhs string, root ir.ID) string {
	if len(l.Helpers) == 0 {
		return lhs + " = " + String(g, root)
	}
	p := printer{g: g, names: make(map[ir.ID]string, len(l.Helpers)), self: ir.None}
	for i, id := range l.Helpers {
		p.names[id] = Name(l.Names[i])
	}
	var b strings.Builder
	b.WriteString(`\begin{aligned} `)
	for _, id := range l.Helpers {
		p.self = id
		b.WriteString(p.names[id] + " &= " + p.sum(id) + ` \\ `)
	}
	p.self = ir.None
	b.WriteString(lhs + " &= " + p.sum(root) + ` \end{aligned}`)
	return b.String()
}

// term is one signed term of a sum.
type term struct {
	neg bool
	tex string
}

// sum prints id as a whole expression: a sum of signed terms.
func (p *printer) sum(id ir.ID) string {
	var ts []term
	p.terms(id, false, &ts)
	var b strings.Builder
	for i, t := range ts {
		switch {
		case i == 0 && t.neg && isNumber(t.tex) && len(ts) == 1:
			b.WriteString("-") // a negative number: -2, not - 2
		case i == 0 && t.neg:
			b.WriteString("- ")
		case i > 0 && t.neg:
			b.WriteString(" - ")
		case i > 0:
			b.WriteString(" + ")
		}
		b.WriteString(t.tex)
	}
	return b.String()
}

// terms appends the terms of id, negated if neg, to ts.
func (p *printer) terms(id ir.ID, neg bool, ts *[]term) {
	if s, ok := p.name(id); ok {
		*ts = append(*ts, term{neg: neg, tex: s})
		return
	}
	n := p.g.Node(id)
	switch n.Op {
	case op.Add:
		p.terms(n.X, neg, ts)
		p.terms(n.Y, neg, ts)
	case op.Sub:
		p.terms(n.X, neg, ts)
		p.terms(n.Y, !neg, ts)
	case op.Neg:
		p.terms(n.X, !neg, ts)
	default:
		sign, tex := p.product(id)
		*ts = append(*ts, term{neg: neg != sign, tex: tex})
	}
}

// A factor of a product: a node, or a number (a negative constant whose
// sign went to the product).
type factor struct {
	id    ir.ID
	num   float64
	isNum bool
	// pow is the exponent of a constant power of the node (which is then
	// its base); 0 if none.
	pow float64
}

// factors appends the factors of id to num (or den, when inverted), and
// flips neg for each negative sign it meets.
func (p *printer) factors(id ir.ID, num, den *[]factor, neg *bool) {
	if _, ok := p.name(id); ok {
		*num = append(*num, factor{id: id})
		return
	}
	n := p.g.Node(id)
	switch n.Op {
	case op.Mul:
		p.factors(n.X, num, den, neg)
		p.factors(n.Y, num, den, neg)
		return
	case op.Div:
		p.factors(n.X, num, den, neg)
		p.factors(n.Y, den, num, neg)
		return
	case op.Neg:
		*neg = !*neg
		p.factors(n.X, num, den, neg)
		return
	case op.Const:
		if n.Val < 0 || math.Signbit(n.Val) {
			*neg = !*neg
			*num = append(*num, factor{isNum: true, num: -n.Val})
			return
		}
		*num = append(*num, factor{isNum: true, num: n.Val})
		return
	case op.Pow:
		// A constant power is a factor with an exponent, so that equal
		// bases merge, and a negative one goes to the other side.
		c, ok := p.g.IsConst(n.Y)
		switch {
		case !ok || math.IsInf(c, 0) || math.IsNaN(c) || c == 0 || c == 1:
		case c == -1:
			*den = append(*den, factor{id: n.X})
			return
		case c < 0:
			*den = append(*den, factor{id: n.X, pow: -c})
			return
		default:
			*num = append(*num, factor{id: n.X, pow: c})
			return
		}
	}
	*num = append(*num, factor{id: id})
}

// product prints id as a product or quotient: its sign, and the LaTeX of
// its absolute value.
func (p *printer) product(id ir.ID) (neg bool, tex string) {
	var num, den []factor
	p.factors(id, &num, &den, &neg)
	num, den = merge(num), merge(den)
	if len(den) == 0 {
		return neg, p.join(num)
	}
	return neg, `\frac{` + p.join(num) + `}{` + p.join(den) + `}`
}

// merge gathers the repeated factors of a product into powers (x x is
// x^{2}) and drops factors 1.
func merge(fs []factor) []factor {
	out := fs[:0:0]
	for _, f := range fs {
		if f.isNum {
			if f.num != 1 {
				out = append(out, f)
			}
			continue
		}
		k := 1.0
		if f.pow != 0 {
			k = f.pow
		}
		i := slices.IndexFunc(out, func(o factor) bool { return !o.isNum && o.id == f.id })
		if i < 0 {
			out = append(out, f)
			continue
		}
		if out[i].pow == 0 {
			out[i].pow = 1
		}
		out[i].pow += k
	}
	return out
}

// kind orders the factors of a product as SymPy does: numbers, then
// symbols and powers, then sums, then functions.
func (p *printer) kind(f factor) int {
	if f.isNum {
		return 0
	}
	if f.pow != 0 {
		if p.folds(f.id) && f.pow == math.Trunc(f.pow) {
			return 3
		}
		return 1
	}
	if _, ok := p.name(f.id); ok {
		return 1
	}
	switch n := p.g.Node(f.id); n.Op {
	case op.Const:
		return 0
	case op.Var, op.Pow, op.Sqrt:
		if n.Op == op.Pow && p.folds(n.X) && posInt(p.g, n.Y) {
			return 3 // \sin^{2}{…} is a function
		}
		return 1
	case op.Add, op.Sub:
		return 2
	}
	return 3
}

// join prints factors as a product.
func (p *printer) join(fs []factor) string {
	switch len(fs) {
	case 0:
		return "1"
	case 1:
		// One factor needs no parentheses, even a sum: \frac{a + b}{c}.
		if f := fs[0]; !f.isNum && f.pow == 0 {
			if _, ok := p.name(f.id); ok {
				break
			}
			if o := p.g.Op(f.id); o == op.Add || o == op.Sub {
				return p.sum(f.id)
			}
		}
	}
	fs = slices.Clone(fs)
	slices.SortStableFunc(fs, func(a, b factor) int {
		if d := p.kind(a) - p.kind(b); d != 0 {
			return d
		}
		return strings.Compare(p.varName(a), p.varName(b))
	})
	var b strings.Builder
	for i, f := range fs {
		s := p.factor(f)
		if i > 0 {
			if startsWithDigit(s) {
				b.WriteString(` \cdot `)
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// varName returns the name of the variable that f is or is a power of,
// by which SymPy orders symbols and powers; "\x7f" (after every name) if
// none.
func (p *printer) varName(f factor) string {
	if f.isNum {
		return ""
	}
	if s, ok := p.name(f.id); ok {
		return s
	}
	n := p.g.Node(f.id)
	if n.Op == op.Pow && f.pow == 0 {
		n = p.g.Node(n.X)
	}
	if n.Op == op.Var {
		return n.Name
	}
	return "\x7f"
}

func (p *printer) factor(f factor) string {
	switch {
	case f.isNum:
		return number(f.num)
	case f.pow != 0:
		return p.power(f.id, number(f.pow), f.pow == math.Trunc(f.pow))
	}
	if s, ok := p.name(f.id); ok {
		return s
	}
	switch p.g.Op(f.id) {
	case op.Add, op.Sub:
		return `\left(` + p.sum(f.id) + `\right)`
	}
	return p.atom(f.id)
}

// base prints id as the base of a power, in parentheses unless it is a
// variable, a non-negative number or a function application in braces.
func (p *printer) base(id ir.ID) string {
	if s, ok := p.name(id); ok {
		return s
	}
	n := p.g.Node(id)
	switch n.Op {
	case op.Var, op.Call:
		return p.atom(id)
	case op.Const:
		if !(n.Val < 0 || math.Signbit(n.Val)) {
			return p.atom(id)
		}
	case op.Abs:
		return p.atom(id)
	default:
		if n.Op.IsPrimitive() && n.Op.Info().Notation == op.Function && n.Op != op.Exp && n.Op != op.Sqrt {
			return p.atom(id)
		}
	}
	return `\left(` + p.sum(id) + `\right)`
}

// folds reports whether a power of id prints with the exponent on the
// function's name, as \sin^{2}{\left(x \right)}: id applies a unary
// function with a LaTeX command other than \log.
func (p *printer) folds(id ir.ID) bool {
	if _, ok := p.name(id); ok {
		return false
	}
	o := p.g.Op(id)
	return o.IsPrimitive() && o.Arity() == 1 && o.Info().TeX != "" && o != op.Log
}

// posInt reports whether id is a positive integer constant.
func posInt(g *ir.Graph, id ir.ID) bool {
	c, ok := g.IsConst(id)
	return ok && c > 0 && c == math.Trunc(c) && !math.IsInf(c, 0)
}

// power prints base^{exp}; intExp says whether the exponent is a
// positive integer, which a function folds onto its name.
func (p *printer) power(base ir.ID, exp string, intExp bool) string {
	if intExp && p.folds(base) {
		fn := p.g.Node(base)
		return fn.Op.Info().TeX + "^{" + exp + `}{\left(` + p.sum(fn.X) + ` \right)}`
	}
	return p.base(base) + "^{" + exp + "}"
}

// atom prints a node that is not a sum: a leaf, a function application
// or a power.
func (p *printer) atom(id ir.ID) string {
	if s, ok := p.name(id); ok {
		return s
	}
	n := p.g.Node(id)
	switch n.Op {
	case op.Const:
		return number(n.Val)
	case op.Var:
		return Name(n.Name)
	case op.Call:
		args := make([]string, len(n.Args))
		for i, a := range n.Args {
			args[i] = p.sum(a)
		}
		return FuncName(n.Fn.Name) + `\left(` + strings.Join(args, ", ") + `\right)`
	case op.Exp:
		return "e^{" + p.sum(n.X) + "}"
	case op.Sqrt:
		return `\sqrt{` + p.sum(n.X) + "}"
	case op.Abs:
		return `\left|` + p.sum(n.X) + `\right|`
	case op.Pow:
		return p.power(n.X, p.sum(n.Y), posInt(p.g, n.Y))
	case op.Add, op.Sub, op.Mul, op.Div, op.Neg:
		return `\left(` + p.sum(id) + `\right)`
	}
	info := n.Op.Info()
	name := info.TeX
	if name == "" {
		name = `\operatorname{` + info.Name + `}`
	}
	args := p.sum(n.X)
	if info.Arity == 2 {
		args += ", " + p.sum(n.Y)
	}
	return name + `{\left(` + args + ` \right)}`
}

func startsWithDigit(s string) bool {
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.')
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// number prints a non-negative number (the sign is printed by the sum or
// the product): \pi and e by name, 10^{21} and 1.5 \cdot 10^{-7} for
// large and small magnitudes, \infty and \mathrm{NaN}.
func number(v float64) string {
	switch {
	case v == math.Pi:
		return `\pi`
	case v == math.E:
		return "e"
	case math.IsNaN(v):
		return `\mathrm{NaN}`
	case math.IsInf(v, 0):
		if v < 0 {
			return `-\infty`
		}
		return `\infty`
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	m, e, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	exp, _ := strconv.Atoi(e)
	pow := "10^{" + strconv.Itoa(exp) + "}"
	if m == "1" {
		return pow
	}
	return m + ` \cdot ` + pow
}

// Name returns the LaTeX of a variable name: x → x, x_1 and x1 → x_{1},
// alpha → \alpha, rate_0 → \mathrm{rate}_{0}.
func Name(name string) string { return name2(name, `\mathrm`) }

// FuncName returns the LaTeX of a function name: f_1 and f1 → f_{1},
// loss → \operatorname{loss}.
func FuncName(name string) string { return name2(name, `\operatorname`) }

func name2(name, upright string) string {
	base, parts, ok := SplitName(name)
	if !ok {
		return upright + "{" + strings.ReplaceAll(name, "_", `\_`) + "}"
	}
	tex := word(base, upright)
	if parts == nil {
		return tex
	}
	for i, s := range parts {
		parts[i] = word(s, `\mathrm`)
	}
	return tex + "_{" + strings.Join(parts, " ") + "}"
}

// SplitName splits a variable or function name into the base and the
// subscripts that the printers (this package and package mathml) typeset:
// x → x and none, x_1 and x1 → x and 1 (trailing digits are a subscript),
// rate_0_k → rate and 0, k. It returns ok false for a name that does not
// split cleanly (_x, x__1, the empty name), which is printed whole.
func SplitName(name string) (base string, subs []string, ok bool) {
	base, sub, cut := strings.Cut(name, "_")
	if !cut {
		i := len(name)
		for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
			i--
		}
		if i > 0 && i < len(name) {
			base, sub, cut = name[:i], name[i:], true
		}
	}
	if base == "" {
		return "", nil, false
	}
	if !cut {
		return base, nil, true
	}
	subs = strings.Split(sub, "_")
	if slices.Contains(subs, "") {
		return "", nil, false
	}
	return base, subs, true
}

// word prints one part of a name: a single letter, a number or a Greek
// letter as itself, a longer word upright.
func word(s, upright string) string {
	if utf8.RuneCountInString(s) == 1 {
		return s
	}
	if isGreek(s) {
		return `\` + s
	}
	digits := true
	for _, r := range s {
		if !unicode.IsDigit(r) {
			digits = false
		}
	}
	if digits {
		return s
	}
	return upright + "{" + s + "}"
}

func isGreek(s string) bool {
	_, ok := greek[s]
	return ok
}

// Greek returns the letter that a Greek letter's name (alpha, Omega, as
// in LaTeX) stands for, and whether s is one.
func Greek(s string) (string, bool) {
	g, ok := greek[s]
	return g, ok
}

// greek maps the names of the Greek letters that LaTeX has a command for
// to the letters.
var greek = map[string]string{
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
	"zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
	"lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
	"tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
	"Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
	"Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}
