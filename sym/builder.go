package sym

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// fuel is how many levels deep the rewrites of one Apply may nest: a rule
// that rewrites a node into new nodes builds them with one unit of fuel
// less, and with no fuel left nodes are built as they are. This bounds the
// work of one Apply by a constant whatever the arguments look like.
const fuel = 4

// A Builder builds nodes on a graph through smart constructors that
// simplify as they build. It implements [op.Builder], so the symbolic
// rules of the primitive table build simplified partial derivatives with
// it.
//
// The rewrites, each applied when the node is built and looking only at
// its arguments and their direct arguments, are:
//
//   - constant folding, when every argument is a constant and the result is
//     finite (no Inf or NaN constant is ever created);
//   - identities: x+0, 0+x, x-0, x·1, 1·x, x/1, x^1 → x; 0-x → -x;
//     x^0, 1^x → 1; x·(-1), x/(-1) → -x;
//   - cancellations: x-x → 0, x/x → 1, x·0, 0·x, 0/x → 0,
//     (x+y)-y → x, (x-y)+y → x, (x·y)/y → x, (x/y)·y → x and their mirror
//     images (these assume that x and y are finite, and non-zero for
//     division, as SymPy does);
//   - signs: --x → x; x+(-y) → x-y; x-(-y) → x+y; (-x)·y, x·(-y) → -(x·y);
//     (-x)/y, x/(-y) → -(x/y); -(x-y) → y-x; -(c·x) → (-c)·x; negative
//     constants and coefficients move to the operator: x+(-2) → x-2,
//     x+(-2)·y → x-2·y;
//   - like terms and powers: x+x → 2·x; c1·x + c2·x → (c1+c2)·x; x·x →
//     x^2; x^a·x^b → x^(a+b) and x·x^a → x^(a+1) for constant a, b;
//     x^a/x → x^(a-1); (x^a)^b → x^(a·b) for constant a and integer b;
//     sqrt(x)^a → x^(a/2); exp(x)^a → exp(a·x); x^(-1) → 1/x;
//     sqrt(x^2) → abs(x);
//   - the named constants pi and e are not negated: -pi and -(pi·x) stay
//     negations, so that they print as pi, not as -3.141592653589793;
//   - constants gather on the left of products: c1·(c2·x) → (c1·c2)·x,
//     (c·x)·y and x·(c·y) → c·(x·y), c1·(c2/x) → (c1·c2)/x, x·(1/y) → x/y;
//   - inverses and symmetries: exp(log(x)) → x, log(exp(x)) → x,
//     sin(-x) → -sin(x) (and the other odd functions), cos(-x) → cos(x),
//     abs(-x) → abs(x), abs(abs(x)) → abs(x), min(x, x), max(x, x) → x.
//
// Commutative operations put their constant argument first in products
// (2·x, as SymPy prints them) and last in sums (x + 1, as SymPy prints
// them).
//
// Some rewrites change the value where the original is not finite; see the
// package documentation.
type Builder struct {
	g *ir.Graph
}

var _ op.Builder = (*Builder)(nil)

// NewBuilder returns a simplifying builder of nodes on g.
func NewBuilder(g *ir.Graph) *Builder {
	if g == nil {
		panic("sym: NewBuilder of a nil graph")
	}
	return &Builder{g: g}
}

// Graph returns the graph b builds on.
func (b *Builder) Graph() *ir.Graph { return b.g }

// Const returns the node of the number c.
func (b *Builder) Const(c float64) ir.ID { return b.g.Const(c) }

// Var returns the node of the variable called name.
func (b *Builder) Var(name string) ir.ID { return b.g.Var(name) }

// Apply returns a node equal to the primitive o applied to x, or to x and
// y when o is binary (y is ignored for unary primitives), simplified by
// the rewrites listed on [Builder]. It panics if o is not a primitive or
// an argument is not a node of the graph.
func (b *Builder) Apply(o op.Op, x, y ir.ID) ir.ID {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("sym: Apply of non-primitive %v", o))
	}
	return b.apply(o, x, y, fuel)
}

// pat is a node seen by the rewrite rules: its operation, arguments and,
// for constants, value.
type pat struct {
	op   op.Op
	x, y ir.ID
	c    float64
}

func (b *Builder) at(id ir.ID) pat {
	n := b.g.Node(id)
	return pat{op: n.Op, x: n.X, y: n.Y, c: n.Val}
}

// is reports whether p is the constant c.
func (p pat) is(c float64) bool { return p.op == op.Const && p.c == c }

// isInt reports whether p is an integer constant.
func (p pat) isInt() bool { return p.op == op.Const && p.c == math.Trunc(p.c) && !math.IsInf(p.c, 0) }

// negConst reports whether p is a negative constant.
func (p pat) negConst() bool { return p.op == op.Const && p.c < 0 }

// coef reports whether p is a product c·z with a constant c, and returns c
// and z.
func (b *Builder) coef(p pat) (float64, ir.ID, bool) {
	if p.op != op.Mul {
		return 0, ir.None, false
	}
	if c, ok := b.isConst(p.x); ok {
		return c, p.y, true
	}
	return 0, ir.None, false
}

// cconst returns the node of c if c is finite.
func (b *Builder) cconst(c float64) (ir.ID, bool) {
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return ir.None, false
	}
	return b.g.Const(c), true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// apply builds o(x, y) with at most f levels of nested rewrites.
func (b *Builder) apply(o op.Op, x, y ir.ID, f int) ir.ID {
	unary := o.Arity() == 1
	if unary {
		y = ir.None
	}
	if f <= 0 {
		return b.g.Apply(o, x, y)
	}
	px := b.at(x)
	var py pat
	if !unary {
		py = b.at(y)
	}
	// Constant folding.
	if px.op == op.Const && (unary || py.op == op.Const) {
		if o == op.Neg && named(px.c) {
			return b.g.Apply(o, x, y) // -pi, not -3.141592653589793
		}
		if v := o.Eval(px.c, py.c); finite(v) {
			return b.g.Const(v)
		}
		return b.g.Apply(o, x, y)
	}
	f--
	r := ir.None
	switch o {
	case op.Neg:
		r = b.neg(x, px, f)
	case op.Add:
		r = b.add(x, y, px, py, f)
	case op.Sub:
		r = b.sub(x, y, px, py, f)
	case op.Mul:
		r = b.mul(x, y, px, py, f)
	case op.Div:
		r = b.div(x, y, px, py, f)
	case op.Pow:
		r = b.pow(x, y, px, py, f)
	case op.Min, op.Max:
		if x == y {
			r = x
		}
	default:
		r = b.unary(o, x, px, f)
	}
	if r != ir.None {
		return r
	}
	// Both arguments are not constants here (they would have been folded),
	// so at most one is.
	switch {
	case o == op.Add && px.op == op.Const:
		x, y = y, x // constants last in sums
	case o == op.Mul && py.op == op.Const:
		x, y = y, x // constants first in products
	}
	return b.g.Apply(o, x, y)
}

func (b *Builder) neg(x ir.ID, px pat, f int) ir.ID {
	switch px.op {
	case op.Neg: // --x → x
		return px.x
	case op.Sub: // -(x-y) → y-x
		return b.apply(op.Sub, px.y, px.x, f)
	case op.Mul: // -(c·x) → (-c)·x
		if c, z, ok := b.coef(px); ok && !named(c) {
			return b.apply(op.Mul, b.g.Const(-c), z, f)
		}
	case op.Div: // -(c/x) → (-c)/x
		if c, ok := b.isConst(px.x); ok && !named(c) {
			return b.apply(op.Div, b.g.Const(-c), px.y, f)
		}
	}
	return ir.None
}

func (b *Builder) add(x, y ir.ID, px, py pat, f int) ir.ID {
	if px.op == op.Const && py.op != op.Const {
		x, y, px, py = y, x, py, px // constants last
	}
	switch {
	case py.is(0):
		return x
	case x == y: // x+x → 2·x
		return b.apply(op.Mul, b.g.Const(2), x, f)
	case py.op == op.Neg: // x+(-y) → x-y
		return b.apply(op.Sub, x, py.x, f)
	case px.op == op.Neg: // (-x)+y → y-x
		return b.apply(op.Sub, y, px.x, f)
	case py.negConst(): // x+(-c) → x-c
		return b.apply(op.Sub, x, b.g.Const(-py.c), f)
	case px.op == op.Sub && px.y == y: // (x-y)+y → x
		return px.x
	case py.op == op.Sub && py.y == x: // x+(y-x) → y
		return py.x
	}
	if py.op == op.Const {
		// (z+c2)+c → z+(c2+c), (z-c2)+c → z+(c-c2)
		if px.op == op.Add {
			if c2, ok := b.isConst(px.y); ok {
				if s, ok := b.cconst(c2 + py.c); ok {
					return b.apply(op.Add, px.x, s, f)
				}
			}
		}
		if px.op == op.Sub {
			if c2, ok := b.isConst(px.y); ok {
				if s, ok := b.cconst(py.c - c2); ok {
					return b.apply(op.Add, px.x, s, f)
				}
			}
		}
		return ir.None
	}
	// Like terms: c1·z + c2·z, c·z + z, z + c·z.
	cx, zx, okx := b.coef(px)
	cy, zy, oky := b.coef(py)
	if !okx {
		cx, zx = 1, x
	}
	if !oky {
		cy, zy = 1, y
	}
	if (okx || oky) && zx == zy {
		if s, ok := b.cconst(cx + cy); ok {
			return b.apply(op.Mul, s, zx, f)
		}
	}
	// Negative coefficients: x + (-c)·z → x - c·z.
	if oky && cy < 0 {
		return b.apply(op.Sub, x, b.apply(op.Mul, b.g.Const(-cy), zy, f), f)
	}
	if okx && cx < 0 {
		return b.apply(op.Sub, y, b.apply(op.Mul, b.g.Const(-cx), zx, f), f)
	}
	return ir.None
}

func (b *Builder) sub(x, y ir.ID, px, py pat, f int) ir.ID {
	switch {
	case py.is(0): // x-0 → x
		return x
	case px.is(0): // 0-y → -y
		return b.apply(op.Neg, y, ir.None, f)
	case x == y: // x-x → 0
		return b.g.Const(0)
	case py.op == op.Neg: // x-(-y) → x+y
		return b.apply(op.Add, x, py.x, f)
	case py.negConst(): // x-(-c) → x+c
		return b.apply(op.Add, x, b.g.Const(-py.c), f)
	case px.op == op.Add && px.y == y: // (x+y)-y → x
		return px.x
	case px.op == op.Add && px.x == y: // (y+x)-y → x
		return px.y
	case py.op == op.Add && py.x == x: // x-(x+y) → -y
		return b.apply(op.Neg, py.y, ir.None, f)
	case py.op == op.Add && py.y == x: // x-(y+x) → -y
		return b.apply(op.Neg, py.x, ir.None, f)
	case px.op == op.Sub && px.x == y: // (y-z)-y → -z
		return b.apply(op.Neg, px.y, ir.None, f)
	case py.op == op.Sub && py.x == x: // x-(x-z) → z
		return py.y
	}
	if py.op == op.Const {
		// (z+c2)-c → z+(c2-c), (z-c2)-c → z-(c2+c)
		if c2, ok := b.isConst(px.y); ok && (px.op == op.Add || px.op == op.Sub) {
			s := c2 - py.c
			if px.op == op.Sub {
				s = -c2 - py.c
			}
			if s, ok := b.cconst(s); ok {
				return b.apply(op.Add, px.x, s, f)
			}
		}
		return ir.None
	}
	cx, zx, okx := b.coef(px)
	cy, zy, oky := b.coef(py)
	if !okx {
		cx, zx = 1, x
	}
	if !oky {
		cy, zy = 1, y
	}
	if (okx || oky) && zx == zy && px.op != op.Const {
		if s, ok := b.cconst(cx - cy); ok {
			return b.apply(op.Mul, s, zx, f)
		}
	}
	if oky && cy < 0 { // x - (-c)·z → x + c·z
		return b.apply(op.Add, x, b.apply(op.Mul, b.g.Const(-cy), zy, f), f)
	}
	return ir.None
}

func (b *Builder) mul(x, y ir.ID, px, py pat, f int) ir.ID {
	if py.op == op.Const && px.op != op.Const {
		x, y, px, py = y, x, py, px // constants first
	}
	if px.op == op.Const {
		c := px.c
		switch {
		case c == 0: // 0·y → 0, assuming y finite
			return x
		case c == 1:
			return y
		case c == -1:
			return b.apply(op.Neg, y, ir.None, f)
		}
		switch py.op {
		case op.Mul: // c·(c2·z) → (c·c2)·z
			if c2, z, ok := b.coef(py); ok {
				if k, ok := b.cconst(c * c2); ok {
					return b.apply(op.Mul, k, z, f)
				}
			}
		case op.Neg: // c·(-z) → (-c)·z
			if named(c) {
				return b.apply(op.Neg, b.apply(op.Mul, x, py.x, f), ir.None, f)
			}
			return b.apply(op.Mul, b.g.Const(-c), py.x, f)
		case op.Div: // c·(c2/z) → (c·c2)/z
			if c2, ok := b.isConst(py.x); ok {
				if k, ok := b.cconst(c * c2); ok {
					return b.apply(op.Div, k, py.y, f)
				}
			}
		}
		return ir.None
	}
	switch {
	case px.op == op.Neg: // (-x)·y → -(x·y)
		return b.apply(op.Neg, b.apply(op.Mul, px.x, y, f), ir.None, f)
	case py.op == op.Neg: // x·(-y) → -(x·y)
		return b.apply(op.Neg, b.apply(op.Mul, x, py.x, f), ir.None, f)
	case x == y: // x·x → x^2
		return b.apply(op.Pow, x, b.g.Const(2), f)
	}
	if c, z, ok := b.coef(px); ok { // (c·z)·y → c·(z·y)
		return b.apply(op.Mul, b.g.Const(c), b.apply(op.Mul, z, y, f), f)
	}
	if c, z, ok := b.coef(py); ok { // x·(c·z) → c·(x·z)
		return b.apply(op.Mul, b.g.Const(c), b.apply(op.Mul, x, z, f), f)
	}
	// Powers of the same base with constant exponents.
	bx, ex, okx := b.power(x, px)
	by, ey, oky := b.power(y, py)
	if (okx || oky) && bx == by {
		if k, ok := b.cconst(ex + ey); ok {
			return b.apply(op.Pow, bx, k, f)
		}
	}
	switch {
	case py.op == op.Div && b.at(py.x).is(1): // x·(1/z) → x/z
		return b.apply(op.Div, x, py.y, f)
	case px.op == op.Div && b.at(px.x).is(1): // (1/z)·y → y/z
		return b.apply(op.Div, y, px.y, f)
	case px.op == op.Div && px.y == y: // (z/y)·y → z
		return px.x
	case py.op == op.Div && py.y == x: // x·(z/x) → z
		return py.x
	}
	return ir.None
}

// power returns p as base^exponent with a constant exponent: z^c, or z^1
// for any other node.
func (b *Builder) power(id ir.ID, p pat) (ir.ID, float64, bool) {
	if p.op == op.Pow {
		if c, ok := b.isConst(p.y); ok {
			return p.x, c, true
		}
	}
	return id, 1, false
}

func (b *Builder) div(x, y ir.ID, px, py pat, f int) ir.ID {
	switch {
	case py.is(1): // x/1 → x
		return x
	case py.is(-1): // x/(-1) → -x
		return b.apply(op.Neg, x, ir.None, f)
	case px.is(0): // 0/y → 0, assuming y finite and non-zero
		return x
	case x == y: // x/x → 1
		return b.g.Const(1)
	case px.op == op.Neg: // (-x)/y → -(x/y)
		return b.apply(op.Neg, b.apply(op.Div, px.x, y, f), ir.None, f)
	case py.op == op.Neg: // x/(-y) → -(x/y)
		return b.apply(op.Neg, b.apply(op.Div, x, py.x, f), ir.None, f)
	case px.op == op.Mul && px.y == y: // (z·y)/y → z
		return px.x
	case px.op == op.Mul && px.x == y: // (y·z)/y → z
		return px.y
	case py.op == op.Div && b.at(py.x).is(1): // x/(1/z) → x·z
		return b.apply(op.Mul, x, py.y, f)
	}
	if px.op == op.Pow && px.x == y { // z^c/z → z^(c-1)
		if c, ok := b.isConst(px.y); ok {
			return b.apply(op.Pow, y, b.g.Const(c-1), f)
		}
	}
	return ir.None
}

func (b *Builder) pow(x, y ir.ID, px, py pat, f int) ir.ID {
	switch {
	case py.is(0), px.is(1): // x^0 → 1, 1^y → 1 (also for NaN, as math.Pow)
		return b.g.Const(1)
	case py.is(1): // x^1 → x
		return x
	case py.is(-1): // x^(-1) → 1/x
		return b.apply(op.Div, b.g.Const(1), x, f)
	}
	// x^0.5 stays a power: math.Pow(-Inf, 0.5) is +Inf where sqrt(-Inf)
	// is NaN, and a rewrite may remove a NaN but never add one.
	if py.op != op.Const {
		return ir.None
	}
	switch px.op {
	case op.Pow: // (z^a)^b → z^(a·b) for an integer b
		if a, ok := b.isConst(px.y); ok && py.isInt() {
			if k, ok := b.cconst(a * py.c); ok {
				return b.apply(op.Pow, px.x, k, f)
			}
		}
	case op.Sqrt: // sqrt(z)^c → z^(c/2)
		return b.apply(op.Pow, px.x, b.g.Const(py.c/2), f)
	case op.Exp: // exp(z)^c → exp(c·z)
		return b.apply(op.Exp, b.apply(op.Mul, y, px.x, f), ir.None, f)
	}
	return ir.None
}

// odd and even are the unary primitives with f(-x) = -f(x) and
// f(-x) = f(x).
func odd(o op.Op) bool {
	switch o {
	case op.Sin, op.Tan, op.Asin, op.Atan, op.Sinh, op.Tanh, op.Sign:
		return true
	}
	return false
}

func even(o op.Op) bool { return o == op.Cos || o == op.Cosh || o == op.Abs }

func (b *Builder) unary(o op.Op, x ir.ID, px pat, f int) ir.ID {
	if px.op == op.Neg {
		switch {
		case odd(o):
			return b.apply(op.Neg, b.apply(o, px.x, ir.None, f), ir.None, f)
		case even(o):
			return b.apply(o, px.x, ir.None, f)
		}
	}
	switch o {
	case op.Exp:
		if px.op == op.Log { // exp(log(z)) → z
			return px.x
		}
	case op.Log:
		if px.op == op.Exp { // log(exp(z)) → z
			return px.x
		}
	case op.Sqrt:
		if px.op == op.Pow && b.at(px.y).is(2) { // sqrt(z^2) → abs(z)
			return b.apply(op.Abs, px.x, ir.None, f)
		}
	case op.Abs:
		switch px.op {
		case op.Abs, op.Exp, op.Sqrt: // already non-negative
			return x
		case op.Pow:
			if p := b.at(px.y); p.isInt() && math.Mod(p.c, 2) == 0 {
				return x
			}
		}
	}
	return ir.None
}

// isConst reports whether id is a constant node, and its value; None is
// not.
func (b *Builder) isConst(id ir.ID) (float64, bool) {
	if id == ir.None {
		return 0, false
	}
	return b.g.IsConst(id)
}

// named reports whether c is one of the constants that have a name in
// the text of an expression, pi and e. Their negations are kept as
// negations (-(pi·x), not -3.141592653589793·x), because -pi has no
// name.
func named(c float64) bool { return c == math.Pi || c == math.E }
