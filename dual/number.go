package dual

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/op"
)

// Number is a dual number Primal + Tangent·ε with ε² = 0: a value together
// with its derivative in one direction. Arithmetic on Numbers carries the
// tangent along by the chain rule, which is forward-mode differentiation.
type Number struct {
	Primal  float64 // the value
	Tangent float64 // the directional derivative of the value
}

// Const returns the Number of a constant c: its tangent is 0.
func Const(c float64) Number { return Number{Primal: c} }

// Var returns the Number of the variable x differentiated against: its
// tangent is 1.
func Var(x float64) Number { return Number{Primal: x, Tangent: 1} }

// String formats x as "primal+tangentε".
func (x Number) String() string {
	return fmt.Sprintf("%g%+gε", x.Primal, x.Tangent)
}

// Apply applies the primitive o to x, or to x and y when o is binary (y is
// ignored for unary primitives). The primal is o's [op.Info.Eval] and the
// tangent is ∂o/∂x·ẋ + ∂o/∂y·ẏ with the partials of [op.Info.Partials],
// where a term whose tangent ẋ or ẏ is zero is left out (see the package
// documentation on symbolic zeros). Apply is the definition of every
// function of this package; the named ones compute the same bits faster.
//
// Apply panics if o is not a primitive.
func Apply(o op.Op, x, y Number) Number {
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("dual: Apply of non-primitive %v", o))
	}
	info := o.Info()
	if info.Arity == 1 {
		y = Number{}
	}
	v := info.Eval(x.Primal, y.Primal)
	if x.Tangent == 0 && y.Tangent == 0 {
		return Number{Primal: v}
	}
	dx, dy := info.Partials(x.Primal, y.Primal, v)
	return Number{Primal: v, Tangent: chain(dx, x.Tangent, dy, y.Tangent)}
}

// chain returns dx·xt + dy·yt, leaving out a term whose tangent is zero, so
// that an infinite or NaN partial with respect to a constant argument does
// not poison the result.
func chain(dx, xt, dy, yt float64) float64 {
	switch {
	case xt == 0 && yt == 0:
		return 0
	case xt == 0:
		return dy * yt
	case yt == 0:
		return dx * xt
	}
	return dx*xt + dy*yt
}

// The named functions below compute exactly what Apply computes (the tests
// compare their bits over a grid that includes kinks, zeros, infinities and
// NaN); they only skip the indirect calls through the table and the
// partials whose tangent is zero.

// Neg returns -x.
func Neg(x Number) Number { return Number{-x.Primal, chain(-1, x.Tangent, 0, 0)} }

// Add returns x + y.
func Add(x, y Number) Number {
	return Number{x.Primal + y.Primal, chain(1, x.Tangent, 1, y.Tangent)}
}

// Sub returns x - y.
func Sub(x, y Number) Number {
	return Number{x.Primal - y.Primal, chain(1, x.Tangent, -1, y.Tangent)}
}

// Mul returns x * y.
func Mul(x, y Number) Number {
	return Number{x.Primal * y.Primal, chain(y.Primal, x.Tangent, x.Primal, y.Tangent)}
}

// Div returns x / y.
func Div(x, y Number) Number {
	v := x.Primal / y.Primal
	if x.Tangent == 0 && y.Tangent == 0 {
		return Number{Primal: v}
	}
	return Number{v, chain(1/y.Primal, x.Tangent, -v/y.Primal, y.Tangent)}
}

// Pow returns x^y.
//
// Special cases are:
//
//	∂(x^y)/∂x = y·x^(y-1), NaN at x == 0, y == 0 (0·Inf)
//	∂(x^y)/∂y = x^y·log(x), NaN for x < 0 and for x == 0
//
// but a partial is only used when its tangent is not zero, so Pow of a
// negative x to a constant y has a finite tangent.
func Pow(x, y Number) Number {
	v := op.Power(x.Primal, y.Primal)
	var dx, dy float64 // computed only when chain uses them
	if x.Tangent != 0 {
		dx = op.PowDx(x.Primal, y.Primal)
	}
	if y.Tangent != 0 {
		dy = v * math.Log(x.Primal)
	}
	return Number{v, chain(dx, x.Tangent, dy, y.Tangent)}
}

// unary returns the Number of value v whose derivative with respect to x
// is d(), evaluating d only when x's tangent is not zero.
func unary(x Number, v float64, d func() float64) Number {
	if x.Tangent == 0 {
		return Number{Primal: v}
	}
	return Number{v, d() * x.Tangent}
}

// Exp returns e^x.
func Exp(x Number) Number {
	v := math.Exp(x.Primal)
	return unary(x, v, func() float64 { return v })
}

// Log returns the natural logarithm of x.
func Log(x Number) Number {
	return unary(x, math.Log(x.Primal), func() float64 { return 1 / x.Primal })
}

// Sqrt returns the square root of x. Its tangent is +Inf at 0 when x's
// tangent is positive.
func Sqrt(x Number) Number {
	v := math.Sqrt(x.Primal)
	return unary(x, v, func() float64 { return 0.5 / v })
}

// Sin returns the sine of x.
func Sin(x Number) Number {
	return unary(x, math.Sin(x.Primal), func() float64 { return math.Cos(x.Primal) })
}

// Cos returns the cosine of x.
func Cos(x Number) Number {
	return unary(x, math.Cos(x.Primal), func() float64 { return -math.Sin(x.Primal) })
}

// Tan returns the tangent of x.
func Tan(x Number) Number {
	v := math.Tan(x.Primal)
	return unary(x, v, func() float64 { return 1 + v*v })
}

// Asin returns the inverse sine of x.
func Asin(x Number) Number {
	return unary(x, math.Asin(x.Primal), func() float64 { return 1 / math.Sqrt(1-x.Primal*x.Primal) })
}

// Acos returns the inverse cosine of x.
func Acos(x Number) Number {
	return unary(x, math.Acos(x.Primal), func() float64 { return -1 / math.Sqrt(1-x.Primal*x.Primal) })
}

// Atan returns the inverse tangent of x.
func Atan(x Number) Number {
	return unary(x, math.Atan(x.Primal), func() float64 { return 1 / (1 + x.Primal*x.Primal) })
}

// Atan2 returns atan2(y, x), the angle of the point (x, y).
func Atan2(y, x Number) Number {
	v := math.Atan2(y.Primal, x.Primal)
	if y.Tangent == 0 && x.Tangent == 0 {
		return Number{Primal: v}
	}
	r := x.Primal*x.Primal + y.Primal*y.Primal
	return Number{v, chain(x.Primal/r, y.Tangent, -y.Primal/r, x.Tangent)}
}

// Sinh returns the hyperbolic sine of x.
func Sinh(x Number) Number {
	return unary(x, math.Sinh(x.Primal), func() float64 { return math.Cosh(x.Primal) })
}

// Cosh returns the hyperbolic cosine of x.
func Cosh(x Number) Number {
	return unary(x, math.Cosh(x.Primal), func() float64 { return math.Sinh(x.Primal) })
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(x Number) Number {
	v := math.Tanh(x.Primal)
	return unary(x, v, func() float64 { return op.TanhDx(x.Primal) })
}

// Abs returns the absolute value of x.
//
// Special case is:
//
//	abs'(0) = sign(0) = 0
func Abs(x Number) Number {
	return unary(x, math.Abs(x.Primal), func() float64 { return op.SignFunc(x.Primal) })
}

// Min returns the smaller of x and y.
//
// Special case is:
//
//	on a tie x == y the tangent is x's: ∂min/∂x = 1, ∂min/∂y = 0
func Min(x, y Number) Number {
	v := op.MinFunc(x.Primal, y.Primal)
	if x.Tangent == 0 && y.Tangent == 0 {
		return Number{Primal: v}
	}
	s := op.StepFunc(x.Primal - y.Primal)
	return Number{v, chain(1-s, x.Tangent, s, y.Tangent)}
}

// Max returns the larger of x and y.
//
// Special case is:
//
//	on a tie x == y the tangent is x's: ∂max/∂x = 1, ∂max/∂y = 0
func Max(x, y Number) Number {
	v := op.MaxFunc(x.Primal, y.Primal)
	if x.Tangent == 0 && y.Tangent == 0 {
		return Number{Primal: v}
	}
	s := op.StepFunc(y.Primal - x.Primal)
	return Number{v, chain(1-s, x.Tangent, s, y.Tangent)}
}

// Log1p returns log(1+x), accurate for small x.
func Log1p(x Number) Number {
	return unary(x, math.Log1p(x.Primal), func() float64 { return 1 / (1 + x.Primal) })
}

// Expm1 returns e^x - 1, accurate for small x.
func Expm1(x Number) Number {
	return unary(x, math.Expm1(x.Primal), func() float64 { return math.Exp(x.Primal) })
}

// Sigmoid returns the logistic function 1/(1+e^-x).
func Sigmoid(x Number) Number {
	v := op.SigmoidFunc(x.Primal)
	return unary(x, v, func() float64 { return op.SigmoidDx(x.Primal, v) })
}

// Relu returns max(x, 0).
//
// Special case is:
//
//	relu'(0) = step(0) = 0
func Relu(x Number) Number {
	return unary(x, op.ReluFunc(x.Primal), func() float64 { return op.StepFunc(x.Primal) })
}

// Step returns the Heaviside step of x: 1 for x > 0, else 0. Its tangent
// is 0 everywhere, including at the jump.
func Step(x Number) Number {
	return unary(x, op.StepFunc(x.Primal), func() float64 { return 0 })
}

// Sign returns the sign of x: -1, 0 or 1. Its tangent is 0 everywhere,
// including at the jump.
func Sign(x Number) Number {
	return unary(x, op.SignFunc(x.Primal), func() float64 { return 0 })
}
