package op

import (
	"fmt"
	"math"
)

// Op identifies a primitive operation. The zero value is Invalid.
type Op uint8

// The operations. Const, Var and Call are the leaves and the user-function
// application of an expression DAG; the rest are primitives with a fixed
// arity of one or two.
const (
	Invalid Op = iota
	Const      // a number
	Var        // a named input variable
	Call       // an application of a user-defined function

	Neg // -x
	Add // x + y
	Sub // x - y
	Mul // x * y
	Div // x / y
	Pow // x ^ y

	Exp
	Log
	Sqrt
	Sin
	Cos
	Tan
	Asin
	Acos
	Atan
	Atan2
	Sinh
	Cosh
	Tanh
	Abs
	Min
	Max
	Log1p
	Expm1
	Sigmoid
	Relu
	Step
	Sign

	numOps
)

// Notation says how an operation is written in text.
type Notation uint8

const (
	// Function notation: name(x) or name(x, y).
	Function Notation = iota
	// Prefix notation: -x.
	Prefix
	// Infix notation: x + y.
	Infix
	// Leaf: a constant, a variable.
	Leaf
)

// Precedence levels of the operators, lowest first. Function calls and
// leaves bind tightest.
const (
	PrecAdd  = 1 // + -
	PrecMul  = 2 // * /
	PrecNeg  = 3 // unary -
	PrecPow  = 4 // ^, right-associative, binds tighter than unary minus
	PrecAtom = 5 // calls, numbers, names, parenthesised expressions
)

// A Builder builds expressions for the symbolic rules of the table. Package
// ir's graphs and package sym's simplifying builders implement it. Nodes are
// referred to by their int32 index.
type Builder interface {
	// Const returns the node of the number c.
	Const(c float64) int32
	// Apply returns the node of o applied to x, or to x and y when o is
	// binary (y is ignored for unary operations).
	Apply(o Op, x, y int32) int32
}

// Info is the table entry of an operation.
type Info struct {
	// Name is the name of the operation in text: "+" for Add, "sin" for Sin.
	Name string
	// Arity is 1 or 2 for primitives, 0 for leaves and -1 for Call.
	Arity int
	// Notation, Prec and RightAssoc say how the operation is written.
	Notation   Notation
	Prec       int
	RightAssoc bool
	// Commutative operations give the same value with their arguments swapped.
	Commutative bool

	// Eval evaluates the operation; y is ignored by unary operations.
	Eval func(x, y float64) float64
	// Partials returns the local partial derivatives ∂v/∂x and ∂v/∂y at
	// (x, y), given the value v = Eval(x, y); dy is 0 for unary operations.
	Partials func(x, y, v float64) (dx, dy float64)
	// Rule builds the local partial derivatives as expressions of the
	// argument nodes x, y and the node v of the operation itself; dy is
	// -1 for unary operations.
	Rule func(b Builder, x, y, v int32) (dx, dy int32)

	// Partials2 returns the second partial derivatives ∂²v/∂x², ∂²v/∂x∂y
	// and ∂²v/∂y² at (x, y), given the value v = Eval(x, y); dxy and dyy
	// are 0 for unary operations. Hessians and Hessian-vector products
	// (forward over reverse) read them, and a test pins them to the
	// derivatives of Rule taken by package sym.
	Partials2 func(x, y, v float64) (dxx, dxy, dyy float64)
	// Curvature says which second partials are not identically zero
	// (CurvXX, CurvXY, CurvYY): the structure that finds the sparsity of
	// a Hessian. The piecewise linear operations (abs, min, max, relu,
	// step, sign) have none, their second derivative being 0 wherever it
	// exists.
	Curvature Curvature

	// TeX is the LaTeX command of a function-notation operation, such as
	// `\sin`; operations printed in a form of their own (sqrt, exp, abs,
	// the operators) leave it empty and are handled by package latex.
	TeX string

	// Doc is a one-line description, and Convention says what the
	// derivative is at points where the operation is not differentiable.
	Doc        string
	Convention string
}

// Curvature is a set of the second partial derivatives of an operation
// that are not identically zero.
type Curvature uint8

// The second partials of a Curvature.
const (
	CurvXX Curvature = 1 << iota // ∂²v/∂x²
	CurvXY                       // ∂²v/∂x∂y
	CurvYY                       // ∂²v/∂y²
)

// Info returns the table entry of o. It panics if o is not an operation.
func (o Op) Info() *Info {
	if o == Invalid || o >= numOps {
		panic(fmt.Sprintf("op: invalid operation %d", uint8(o)))
	}
	return &table[o]
}

// Valid reports whether o is one of the operations above.
func (o Op) Valid() bool { return o != Invalid && o < numOps }

// String returns the name of o.
func (o Op) String() string {
	if !o.Valid() {
		return fmt.Sprintf("op(%d)", uint8(o))
	}
	return table[o].Name
}

// Word returns the name of o as a word, for listings and node names where
// an operator sign would be hard to read: "add", "sub", "mul", "div",
// "pow" and "neg" for the operators, the name otherwise.
func (o Op) Word() string {
	switch o {
	case Neg:
		return "neg"
	case Add:
		return "add"
	case Sub:
		return "sub"
	case Mul:
		return "mul"
	case Div:
		return "div"
	case Pow:
		return "pow"
	}
	return o.String()
}

// Arity returns the number of arguments of o: 1 or 2 for primitives, 0
// for leaves and -1 for Call.
func (o Op) Arity() int { return o.Info().Arity }

// IsPrimitive reports whether o is an operation with a numeric rule, that
// is neither a leaf nor a call.
func (o Op) IsPrimitive() bool { return o.Valid() && o > Call }

// Eval evaluates the primitive o on x (and y for binary operations).
func (o Op) Eval(x, y float64) float64 { return table[o].Eval(x, y) }

// Partials returns the local partial derivatives of the primitive o at
// (x, y) whose value is v.
func (o Op) Partials(x, y, v float64) (dx, dy float64) { return table[o].Partials(x, y, v) }

// Partials2 returns the second partial derivatives of the primitive o at
// (x, y) whose value is v.
func (o Op) Partials2(x, y, v float64) (dxx, dxy, dyy float64) {
	return table[o].Partials2(x, y, v)
}

// All returns the primitive operations in table order.
func All() []Op {
	ops := make([]Op, 0, numOps)
	for o := Neg; o < numOps; o++ {
		ops = append(ops, o)
	}
	return ops
}

// Lookup returns the function-notation primitive called name ("sin",
// "atan2"), with "ln" a synonym of "log" and "pow" of "^".
func Lookup(name string) (Op, bool) {
	switch name {
	case "ln":
		return Log, true
	case "pow":
		return Pow, true
	}
	o, ok := byName[name]
	return o, ok
}

var byName = func() map[string]Op {
	m := make(map[string]Op)
	for o := Neg; o < numOps; o++ {
		if table[o].Notation == Function {
			m[table[o].Name] = o
		}
	}
	return m
}()

// StepFunc is the Heaviside step function with step(0) = 0 and
// step(NaN) = NaN.
func StepFunc(x float64) float64 {
	if x > 0 {
		return 1
	}
	if x <= 0 {
		return 0
	}
	return x // NaN
}

// SignFunc is the sign function with sign(0) = 0 and sign(NaN) = NaN.
func SignFunc(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x // ±0 or NaN
}

// SigmoidFunc is the logistic function 1/(1+exp(-x)), computed without
// overflow for large |x|.
func SigmoidFunc(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	z := math.Exp(x)
	return z / (1 + z)
}

// ReluFunc is max(x, 0), with relu(NaN) = NaN.
func ReluFunc(x float64) float64 {
	if x > 0 {
		return x
	}
	if x <= 0 {
		return 0
	}
	return x
}

// MaxFunc returns the larger of x and y, and x on a tie or when either is
// NaN (NaN propagates).
func MaxFunc(x, y float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN()
	}
	if y > x {
		return y
	}
	return x
}

// MinFunc returns the smaller of x and y, and x on a tie; NaN propagates.
func MinFunc(x, y float64) float64 {
	if math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN()
	}
	if y < x {
		return y
	}
	return x
}

func unary(f func(float64) float64) func(x, y float64) float64 {
	return func(x, _ float64) float64 { return f(x) }
}

// none is the dy of a unary rule.
const none = -1

var table = [numOps]Info{
	Const: {Name: "const", Notation: Leaf, Prec: PrecAtom, Doc: "a number"},
	Var:   {Name: "var", Notation: Leaf, Prec: PrecAtom, Doc: "an input variable"},
	Call:  {Name: "call", Arity: -1, Notation: Function, Prec: PrecAtom, Doc: "an application of a user function"},

	Neg: {
		Name: "-", Arity: 1, Notation: Prefix, Prec: PrecNeg,
		Eval:      func(x, _ float64) float64 { return -x },
		Partials2: zero2,
		Partials:  func(_, _, _ float64) (float64, float64) { return -1, 0 },
		Rule:      func(b Builder, x, _, _ int32) (int32, int32) { return b.Const(-1), none },
		Doc:       "negation",
	},
	Add: {
		Name: "+", Arity: 2, Notation: Infix, Prec: PrecAdd, Commutative: true,
		Eval:      func(x, y float64) float64 { return x + y },
		Partials2: zero2,
		Partials:  func(_, _, _ float64) (float64, float64) { return 1, 1 },
		Rule:      func(b Builder, _, _, _ int32) (int32, int32) { return b.Const(1), b.Const(1) },
		Doc:       "addition",
	},
	Sub: {
		Name: "-", Arity: 2, Notation: Infix, Prec: PrecAdd,
		Eval:      func(x, y float64) float64 { return x - y },
		Partials2: zero2,
		Partials:  func(_, _, _ float64) (float64, float64) { return 1, -1 },
		Rule:      func(b Builder, _, _, _ int32) (int32, int32) { return b.Const(1), b.Const(-1) },
		Doc:       "subtraction",
	},
	Mul: {
		Name: "*", Arity: 2, Notation: Infix, Prec: PrecMul, Commutative: true,
		Eval:      func(x, y float64) float64 { return x * y },
		Partials2: func(_, _, _ float64) (float64, float64, float64) { return 0, 1, 0 },
		Curvature: CurvXY,
		Partials:  func(x, y, _ float64) (float64, float64) { return y, x },
		Rule:      func(_ Builder, x, y, _ int32) (int32, int32) { return y, x },
		Doc:       "multiplication",
	},
	Div: {
		Name: "/", Arity: 2, Notation: Infix, Prec: PrecMul,
		Eval:      func(x, y float64) float64 { return x / y },
		Partials2: func(_, y, v float64) (float64, float64, float64) { return 0, -1 / (y * y), 2 * v / (y * y) },
		Curvature: CurvXY | CurvYY,
		Partials:  func(_, y, v float64) (float64, float64) { return 1 / y, -v / y },
		Rule: func(b Builder, _, y, v int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), y), b.Apply(Neg, b.Apply(Div, v, y), none)
		},
		Doc: "division",
	},
	Pow: {
		Name: "^", Arity: 2, Notation: Infix, Prec: PrecPow, RightAssoc: true,
		Eval:      Power,
		Partials2: powPartials2,
		Curvature: CurvXX | CurvXY | CurvYY,
		Partials: func(x, y, v float64) (float64, float64) {
			return PowDx(x, y), v * math.Log(x)
		},
		Rule: func(b Builder, x, y, v int32) (int32, int32) {
			dx := b.Apply(Mul, y, b.Apply(Pow, x, b.Apply(Sub, y, b.Const(1))))
			return dx, b.Apply(Mul, v, b.Apply(Log, x, none))
		},
		Doc: "power x^y, also written x**y and pow(x, y)",
		Convention: "∂x = y·x^(y-1) and ∂y = x^y·log(x), with no special case: " +
			"through x^y at x = 0 the derivative is finite only for a constant exponent y ≥ 1 (0^0 has 0·0^(-1) = NaN), " +
			"and at x < 0 only for a constant exponent (∂y is NaN there), so (-2)^3 is differentiable in x",
	},

	Exp: {
		Name: "exp", Arity: 1, Prec: PrecAtom, Eval: unary(math.Exp),
		Partials2: func(_, _, v float64) (float64, float64, float64) { return v, 0, 0 },
		Curvature: CurvXX,
		Partials:  func(_, _, v float64) (float64, float64) { return v, 0 },
		Rule:      func(_ Builder, _, _, v int32) (int32, int32) { return v, none },
		Doc:       "exponential e^x",
	},
	Log: {
		Name: "log", Arity: 1, Prec: PrecAtom, Eval: unary(math.Log), TeX: `\log`,
		Partials2:  func(x, _, _ float64) (float64, float64, float64) { return -1 / (x * x), 0, 0 },
		Curvature:  CurvXX,
		Partials:   func(x, _, _ float64) (float64, float64) { return 1 / x, 0 },
		Rule:       func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Div, b.Const(1), x), none },
		Doc:        "natural logarithm, also written ln",
		Convention: "log'(x) = 1/x; log(0) = -Inf and log'(0) = +Inf, so a derivative through log at 0 is NaN, as it is for x < 0 where log is NaN",
	},
	Sqrt: {
		Name: "sqrt", Arity: 1, Prec: PrecAtom, Eval: unary(math.Sqrt),
		Partials2: func(_, _, v float64) (float64, float64, float64) { return -0.25 / (v * v * v), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(_, _, v float64) (float64, float64) { return 0.5 / v, 0 },
		Rule: func(b Builder, _, _, v int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), b.Apply(Mul, b.Const(2), v)), none
		},
		Doc:        "square root",
		Convention: "sqrt'(x) = 1/(2·sqrt(x)); sqrt'(0) = +Inf, so a derivative through sqrt at 0 is NaN (the slope is vertical), as it is for x < 0 where sqrt is NaN",
	},
	Sin: {
		Name: "sin", Arity: 1, Prec: PrecAtom, Eval: unary(math.Sin), TeX: `\sin`,
		Partials2: func(_, _, v float64) (float64, float64, float64) { return -v, 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return math.Cos(x), 0 },
		Rule:      func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Cos, x, none), none },
		Doc:       "sine",
	},
	Cos: {
		Name: "cos", Arity: 1, Prec: PrecAtom, Eval: unary(math.Cos), TeX: `\cos`,
		Partials2: func(_, _, v float64) (float64, float64, float64) { return -v, 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return -math.Sin(x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Neg, b.Apply(Sin, x, none), none), none
		},
		Doc: "cosine",
	},
	Tan: {
		Name: "tan", Arity: 1, Prec: PrecAtom, Eval: unary(math.Tan), TeX: `\tan`,
		Partials2: func(_, _, v float64) (float64, float64, float64) { return 2 * v * (1 + v*v), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(_, _, v float64) (float64, float64) { return 1 + v*v, 0 },
		Rule: func(b Builder, _, _, v int32) (int32, int32) {
			return b.Apply(Add, b.Const(1), b.Apply(Pow, v, b.Const(2))), none
		},
		Doc: "tangent",
	},
	Asin: {
		Name: "asin", Arity: 1, Prec: PrecAtom, Eval: unary(math.Asin), TeX: `\operatorname{asin}`,
		Partials2: func(x, _, _ float64) (float64, float64, float64) { return x * Power(1-x*x, -1.5), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return 1 / math.Sqrt(1-x*x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), sqrt1mx2(b, x)), none
		},
		Doc: "inverse sine",
	},
	Acos: {
		Name: "acos", Arity: 1, Prec: PrecAtom, Eval: unary(math.Acos), TeX: `\operatorname{acos}`,
		Partials2: func(x, _, _ float64) (float64, float64, float64) { return -x * Power(1-x*x, -1.5), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return -1 / math.Sqrt(1-x*x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Neg, b.Apply(Div, b.Const(1), sqrt1mx2(b, x)), none), none
		},
		Doc: "inverse cosine",
	},
	Atan: {
		Name: "atan", Arity: 1, Prec: PrecAtom, Eval: unary(math.Atan), TeX: `\operatorname{atan}`,
		Partials2: func(x, _, _ float64) (float64, float64, float64) {
			r := 1 + x*x
			return -2 * x / (r * r), 0, 0
		},
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return 1 / (1 + x*x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), b.Apply(Add, b.Const(1), b.Apply(Pow, x, b.Const(2)))), none
		},
		Doc: "inverse tangent",
	},
	Atan2: {
		Name: "atan2", Arity: 2, Prec: PrecAtom, Eval: math.Atan2, TeX: `\operatorname{atan_2}`,
		Partials2: func(y, x, _ float64) (float64, float64, float64) {
			r := x*x + y*y
			r2 := r * r
			return -2 * x * y / r2, (y*y - x*x) / r2, 2 * x * y / r2
		},
		Curvature: CurvXX | CurvXY | CurvYY,
		Partials: func(y, x, _ float64) (float64, float64) {
			r := x*x + y*y
			return x / r, -y / r
		},
		Rule: func(b Builder, y, x, _ int32) (int32, int32) {
			r := b.Apply(Add, b.Apply(Pow, x, b.Const(2)), b.Apply(Pow, y, b.Const(2)))
			return b.Apply(Div, x, r), b.Apply(Neg, b.Apply(Div, y, r), none)
		},
		Doc: "atan2(y, x), the angle of the point (x, y)",
		Convention: "∂/∂y = x/(x²+y²), ∂/∂x = -y/(x²+y²); both are 0/0 = NaN at the origin, so a derivative through atan2(0, 0) is NaN; " +
			"on the cut y = 0, x < 0, where the angle jumps from π to -π, they are the formulas' values, the derivative from above",
	},
	Sinh: {
		Name: "sinh", Arity: 1, Prec: PrecAtom, Eval: unary(math.Sinh), TeX: `\sinh`,
		Partials2: func(_, _, v float64) (float64, float64, float64) { return v, 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return math.Cosh(x), 0 },
		Rule:      func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Cosh, x, none), none },
		Doc:       "hyperbolic sine",
	},
	Cosh: {
		Name: "cosh", Arity: 1, Prec: PrecAtom, Eval: unary(math.Cosh), TeX: `\cosh`,
		Partials2: func(_, _, v float64) (float64, float64, float64) { return v, 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return math.Sinh(x), 0 },
		Rule:      func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Sinh, x, none), none },
		Doc:       "hyperbolic cosine",
	},
	Tanh: {
		Name: "tanh", Arity: 1, Prec: PrecAtom, Eval: unary(math.Tanh), TeX: `\tanh`,
		Partials2: func(x, _, v float64) (float64, float64, float64) { return -2 * v * TanhDx(x), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return TanhDx(x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), b.Apply(Pow, b.Apply(Cosh, x, none), b.Const(2))), none
		},
		Doc:        "hyperbolic tangent",
		Convention: "tanh'(x) = 1/cosh(x)², not 1 - tanh(x)², which loses every digit to cancellation in the tails",
	},
	Abs: {
		Name: "abs", Arity: 1, Prec: PrecAtom, Eval: unary(math.Abs),
		Partials2:  zero2,
		Partials:   func(x, _, _ float64) (float64, float64) { return SignFunc(x), 0 },
		Rule:       func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Sign, x, none), none },
		Doc:        "absolute value",
		Convention: "abs'(0) = sign(0) = 0",
	},
	Min: {
		Name: "min", Arity: 2, Prec: PrecAtom, Eval: MinFunc, TeX: `\min`,
		Partials2: zero2,
		Partials: func(x, y, _ float64) (float64, float64) {
			s := StepFunc(x - y)
			return 1 - s, s
		},
		Rule: func(b Builder, x, y, _ int32) (int32, int32) {
			s := b.Apply(Step, b.Apply(Sub, x, y), none)
			return b.Apply(Sub, b.Const(1), s), s
		},
		Doc:        "the smaller of two numbers",
		Convention: "on a tie the derivative goes to the first argument: ∂min/∂x = 1 - step(x-y), ∂min/∂y = step(x-y)",
	},
	Max: {
		Name: "max", Arity: 2, Prec: PrecAtom, Eval: MaxFunc, TeX: `\max`,
		Partials2: zero2,
		Partials: func(x, y, _ float64) (float64, float64) {
			s := StepFunc(y - x)
			return 1 - s, s
		},
		Rule: func(b Builder, x, y, _ int32) (int32, int32) {
			s := b.Apply(Step, b.Apply(Sub, y, x), none)
			return b.Apply(Sub, b.Const(1), s), s
		},
		Doc:        "the larger of two numbers",
		Convention: "on a tie the derivative goes to the first argument: ∂max/∂x = 1 - step(y-x), ∂max/∂y = step(y-x)",
	},
	Log1p: {
		Name: "log1p", Arity: 1, Prec: PrecAtom, Eval: unary(math.Log1p), TeX: `\operatorname{log1p}`,
		Partials2: func(x, _, _ float64) (float64, float64, float64) {
			r := 1 + x
			return -1 / (r * r), 0, 0
		},
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return 1 / (1 + x), 0 },
		Rule: func(b Builder, x, _, _ int32) (int32, int32) {
			return b.Apply(Div, b.Const(1), b.Apply(Add, b.Const(1), x)), none
		},
		Doc: "log(1+x), accurate for small x",
	},
	Expm1: {
		Name: "expm1", Arity: 1, Prec: PrecAtom, Eval: unary(math.Expm1), TeX: `\operatorname{expm1}`,
		Partials2: func(x, _, _ float64) (float64, float64, float64) { return math.Exp(x), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, _ float64) (float64, float64) { return math.Exp(x), 0 },
		Rule:      func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Exp, x, none), none },
		Doc:       "exp(x)-1, accurate for small x",
	},
	Sigmoid: {
		Name: "sigmoid", Arity: 1, Prec: PrecAtom, Eval: unary(SigmoidFunc), TeX: `\sigma`,
		Partials2: func(x, _, v float64) (float64, float64, float64) { return -SigmoidDx(x, v) * math.Tanh(x/2), 0, 0 },
		Curvature: CurvXX,
		Partials:  func(x, _, v float64) (float64, float64) { return SigmoidDx(x, v), 0 },
		Rule: func(b Builder, x, _, v int32) (int32, int32) {
			return b.Apply(Mul, v, b.Apply(Sigmoid, b.Apply(Neg, x, none), none)), none
		},
		Doc:        "the logistic function 1/(1+exp(-x))",
		Convention: "sigmoid'(x) = sigmoid(x)·sigmoid(-x), not sigmoid(x)·(1 - sigmoid(x)), which loses every digit to cancellation for large x",
	},
	Relu: {
		Name: "relu", Arity: 1, Prec: PrecAtom, Eval: unary(ReluFunc), TeX: `\operatorname{relu}`,
		Partials2:  zero2,
		Partials:   func(x, _, _ float64) (float64, float64) { return StepFunc(x), 0 },
		Rule:       func(b Builder, x, _, _ int32) (int32, int32) { return b.Apply(Step, x, none), none },
		Doc:        "max(x, 0)",
		Convention: "relu'(0) = step(0) = 0",
	},
	Step: {
		Name: "step", Arity: 1, Prec: PrecAtom, Eval: unary(StepFunc), TeX: `\theta`,
		Partials2:  zero2,
		Partials:   func(_, _, _ float64) (float64, float64) { return 0, 0 },
		Rule:       func(b Builder, _, _, _ int32) (int32, int32) { return b.Const(0), none },
		Doc:        "the Heaviside step: 1 for x > 0, else 0",
		Convention: "step' = 0 everywhere, including at the jump",
	},
	Sign: {
		Name: "sign", Arity: 1, Prec: PrecAtom, Eval: unary(SignFunc), TeX: `\operatorname{sign}`,
		Partials2:  zero2,
		Partials:   func(_, _, _ float64) (float64, float64) { return 0, 0 },
		Rule:       func(b Builder, _, _, _ int32) (int32, int32) { return b.Const(0), none },
		Doc:        "the sign: -1, 0 or 1",
		Convention: "sign' = 0 everywhere, including at the jump",
	},
}

// zero2 is Partials2 of the operations without curvature.
func zero2(_, _, _ float64) (float64, float64, float64) { return 0, 0, 0 }

// powPartials2 returns the second partials of x^y = v, with no special
// case, as the symbolic rule evaluates them: ∂²x = y·(y-1)·x^(y-2),
// ∂x∂y = x^(y-1)·(1 + y·log(x)), ∂²y = v·log(x)². So at x = 0 the second
// derivative in x is finite only for a constant exponent y ≥ 2 (for y = 1
// it is 1·0·0^(-1) = NaN, as for y = 0 the first derivative is).
func powPartials2(x, y, v float64) (float64, float64, float64) {
	l := math.Log(x)
	p := Power(x, y-1)
	return y * (y - 1) * Power(x, y-2), p * (1 + y*l), v * l * l
}

// PowDx is ∂(x^y)/∂x = y·x^(y-1), with no special case: at x = 0 and
// y = 0 it is 0·Inf = NaN, as the symbolic rule evaluates it. Pow's
// Partials use it; it is exported, like TanhDx and SigmoidDx, for
// evaluators that inline the table's formulas for speed (their tests pin
// them to the table bit for bit).
func PowDx(x, y float64) float64 { return y * Power(x, y-1) }

// TanhDx is tanh'(x) = 1/cosh(x)², accurate in the tails where
// 1 - tanh(x)² cancels to nothing (at x = 10 that form is wrong in the
// eighth digit, at x = 20 it is 0).
func TanhDx(x float64) float64 {
	c := math.Cosh(x)
	return 1 / (c * c)
}

// SigmoidDx is sigmoid'(x) = sigmoid(x)·sigmoid(-x), given v = sigmoid(x):
// accurate in the tails where v·(1 - v) cancels.
func SigmoidDx(x, v float64) float64 { return v * SigmoidFunc(-x) }

// sqrt1mx2 builds sqrt(1 - x^2).
func sqrt1mx2(b Builder, x int32) int32 {
	return b.Apply(Sqrt, b.Apply(Sub, b.Const(1), b.Apply(Pow, x, b.Const(2))), none)
}
