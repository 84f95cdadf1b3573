package tape

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/op"
)

// The primitives of package op as functions of Vars, in the shape of the
// arithmetic methods. Values and partials are the table's, written out
// inline and checked against the table by the tests; the special cases of
// the values are those of package math.

// Neg returns -x.
func Neg(x Var) Var { return x.Neg() }

// Add returns x + y.
func Add(x, y Var) Var { return x.Add(y) }

// Sub returns x - y.
func Sub(x, y Var) Var { return x.Sub(y) }

// Mul returns x * y.
func Mul(x, y Var) Var { return x.Mul(y) }

// Div returns x / y.
func Div(x, y Var) Var { return x.Div(y) }

// Pow returns x^y. Its partials are y·x^(y-1) (0 when y is 0) and
// x^y·log(x), which is NaN for x < 0 and for x = 0: use [Var.PowConst]
// for a constant exponent.
func Pow(x, y Var) Var {
	if t, a, b, ok := fast2(x, y); ok {
		return pow(t, x.i, y.i, a, b)
	}
	return slow2(x, y, pow)
}

func pow(t *Tape, i, j uint32, x, y float64) Var {
	v := op.Power(x, y)
	return t.push(v, i, j, op.PowDx(x, y), v*math.Log(x), op.Pow, vv)
}

// Atan2 returns the angle of the point (x, y), as math.Atan2(y, x) does.
func Atan2(y, x Var) Var {
	if t, a, b, ok := fast2(y, x); ok {
		return atan2(t, y.i, x.i, a, b)
	}
	return slow2(y, x, atan2)
}

func atan2(t *Tape, i, j uint32, x, y float64) Var {
	r := y*y + x*x
	return t.push(math.Atan2(x, y), i, j, y/r, -x/r, op.Atan2, vv)
}

// Min returns the smaller of x and y, x on a tie; NaN propagates. On a
// tie the derivative goes to x.
func Min(x, y Var) Var {
	if t, a, b, ok := fast2(x, y); ok {
		return min2(t, x.i, y.i, a, b)
	}
	return slow2(x, y, min2)
}

func min2(t *Tape, i, j uint32, x, y float64) Var {
	s := op.StepFunc(x - y)
	return t.push(op.MinFunc(x, y), i, j, 1-s, s, op.Min, vv)
}

// Max returns the larger of x and y, x on a tie; NaN propagates. On a
// tie the derivative goes to x.
func Max(x, y Var) Var {
	if t, a, b, ok := fast2(x, y); ok {
		return max2(t, x.i, y.i, a, b)
	}
	return slow2(x, y, max2)
}

func max2(t *Tape, i, j uint32, x, y float64) Var {
	s := op.StepFunc(y - x)
	return t.push(op.MaxFunc(x, y), i, j, 1-s, s, op.Max, vv)
}

// Exp returns e^x.
func Exp(x Var) Var {
	if t, a, ok := fast(x); ok {
		return exp(t, x.i, a)
	}
	return slow1(x, exp)
}

func exp(t *Tape, i uint32, x float64) Var {
	v := math.Exp(x)
	return t.push1(v, i, v, 0, op.Exp, vv)
}

// Log returns the natural logarithm of x.
func Log(x Var) Var {
	if t, a, ok := fast(x); ok {
		return log(t, x.i, a)
	}
	return slow1(x, log)
}

func log(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Log(x), i, 1/x, 0, op.Log, vv)
}

// Sqrt returns the square root of x.
func Sqrt(x Var) Var {
	if t, a, ok := fast(x); ok {
		return sqrt(t, x.i, a)
	}
	return slow1(x, sqrt)
}

func sqrt(t *Tape, i uint32, x float64) Var {
	v := math.Sqrt(x)
	return t.push1(v, i, 0.5/v, 0, op.Sqrt, vv)
}

// Sin returns the sine of x.
func Sin(x Var) Var {
	if t, a, ok := fast(x); ok {
		return sin(t, x.i, a)
	}
	return slow1(x, sin)
}

func sin(t *Tape, i uint32, x float64) Var {
	s, c := math.Sincos(x) // the bits of math.Sin and math.Cos, as the tests check
	return t.push1(s, i, c, 0, op.Sin, vv)
}

// Cos returns the cosine of x.
func Cos(x Var) Var {
	if t, a, ok := fast(x); ok {
		return cos(t, x.i, a)
	}
	return slow1(x, cos)
}

func cos(t *Tape, i uint32, x float64) Var {
	s, c := math.Sincos(x)
	return t.push1(c, i, -s, 0, op.Cos, vv)
}

// Tan returns the tangent of x.
func Tan(x Var) Var {
	if t, a, ok := fast(x); ok {
		return tan(t, x.i, a)
	}
	return slow1(x, tan)
}

func tan(t *Tape, i uint32, x float64) Var {
	v := math.Tan(x)
	return t.push1(v, i, 1+v*v, 0, op.Tan, vv)
}

// Asin returns the inverse sine of x.
func Asin(x Var) Var {
	if t, a, ok := fast(x); ok {
		return asin(t, x.i, a)
	}
	return slow1(x, asin)
}

func asin(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Asin(x), i, 1/math.Sqrt(1-x*x), 0, op.Asin, vv)
}

// Acos returns the inverse cosine of x.
func Acos(x Var) Var {
	if t, a, ok := fast(x); ok {
		return acos(t, x.i, a)
	}
	return slow1(x, acos)
}

func acos(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Acos(x), i, -1/math.Sqrt(1-x*x), 0, op.Acos, vv)
}

// Atan returns the inverse tangent of x.
func Atan(x Var) Var {
	if t, a, ok := fast(x); ok {
		return atan(t, x.i, a)
	}
	return slow1(x, atan)
}

func atan(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Atan(x), i, 1/(1+x*x), 0, op.Atan, vv)
}

// Sinh returns the hyperbolic sine of x.
func Sinh(x Var) Var {
	if t, a, ok := fast(x); ok {
		return sinh(t, x.i, a)
	}
	return slow1(x, sinh)
}

func sinh(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Sinh(x), i, math.Cosh(x), 0, op.Sinh, vv)
}

// Cosh returns the hyperbolic cosine of x.
func Cosh(x Var) Var {
	if t, a, ok := fast(x); ok {
		return cosh(t, x.i, a)
	}
	return slow1(x, cosh)
}

func cosh(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Cosh(x), i, math.Sinh(x), 0, op.Cosh, vv)
}

// Tanh returns the hyperbolic tangent of x.
func Tanh(x Var) Var {
	if t, a, ok := fast(x); ok {
		return tanh(t, x.i, a)
	}
	return slow1(x, tanh)
}

func tanh(t *Tape, i uint32, x float64) Var {
	v := math.Tanh(x)
	return t.push1(v, i, op.TanhDx(x), 0, op.Tanh, vv)
}

// Abs returns the absolute value of x. Its derivative is sign(x), 0 at 0.
func Abs(x Var) Var {
	if t, a, ok := fast(x); ok {
		return abs(t, x.i, a)
	}
	return slow1(x, abs)
}

func abs(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Abs(x), i, op.SignFunc(x), 0, op.Abs, vv)
}

// Log1p returns log(1+x), accurate for small x.
func Log1p(x Var) Var {
	if t, a, ok := fast(x); ok {
		return log1p(t, x.i, a)
	}
	return slow1(x, log1p)
}

func log1p(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Log1p(x), i, 1/(1+x), 0, op.Log1p, vv)
}

// Expm1 returns e^x - 1, accurate for small x.
func Expm1(x Var) Var {
	if t, a, ok := fast(x); ok {
		return expm1(t, x.i, a)
	}
	return slow1(x, expm1)
}

func expm1(t *Tape, i uint32, x float64) Var {
	return t.push1(math.Expm1(x), i, math.Exp(x), 0, op.Expm1, vv)
}

// Sigmoid returns the logistic function 1/(1+e^-x).
func Sigmoid(x Var) Var {
	if t, a, ok := fast(x); ok {
		return sigmoid(t, x.i, a)
	}
	return slow1(x, sigmoid)
}

func sigmoid(t *Tape, i uint32, x float64) Var {
	v := op.SigmoidFunc(x)
	return t.push1(v, i, op.SigmoidDx(x, v), 0, op.Sigmoid, vv)
}

// Relu returns max(x, 0). Its derivative is step(x), 0 at 0.
func Relu(x Var) Var {
	if t, a, ok := fast(x); ok {
		return relu(t, x.i, a)
	}
	return slow1(x, relu)
}

func relu(t *Tape, i uint32, x float64) Var {
	return t.push1(op.ReluFunc(x), i, op.StepFunc(x), 0, op.Relu, vv)
}

// Step returns the Heaviside step of x: 1 for x > 0, else 0. Its
// derivative is 0 everywhere.
func Step(x Var) Var {
	if t, a, ok := fast(x); ok {
		return step(t, x.i, a)
	}
	return slow1(x, step)
}

func step(t *Tape, i uint32, x float64) Var {
	return t.push1(op.StepFunc(x), i, 0, 0, op.Step, vv)
}

// Sign returns the sign of x: -1, 0 or 1. Its derivative is 0 everywhere.
func Sign(x Var) Var {
	if t, a, ok := fast(x); ok {
		return sign(t, x.i, a)
	}
	return slow1(x, sign)
}

func sign(t *Tape, i uint32, x float64) Var {
	return t.push1(op.SignFunc(x), i, 0, 0, op.Sign, vv)
}

// Primitive applies the primitive o to x, or to x and y when o is binary;
// y is ignored by unary primitives and may be the zero Var. It is the
// function of this package for o, such as [Sin] for op.Sin. It panics if
// o is not a primitive.
func Primitive(o op.Op, x, y Var) Var {
	switch o {
	case op.Neg:
		return x.Neg()
	case op.Add:
		return x.Add(y)
	case op.Sub:
		return x.Sub(y)
	case op.Mul:
		return x.Mul(y)
	case op.Div:
		return x.Div(y)
	case op.Pow:
		return Pow(x, y)
	case op.Exp:
		return Exp(x)
	case op.Log:
		return Log(x)
	case op.Sqrt:
		return Sqrt(x)
	case op.Sin:
		return Sin(x)
	case op.Cos:
		return Cos(x)
	case op.Tan:
		return Tan(x)
	case op.Asin:
		return Asin(x)
	case op.Acos:
		return Acos(x)
	case op.Atan:
		return Atan(x)
	case op.Atan2:
		return Atan2(x, y)
	case op.Sinh:
		return Sinh(x)
	case op.Cosh:
		return Cosh(x)
	case op.Tanh:
		return Tanh(x)
	case op.Abs:
		return Abs(x)
	case op.Min:
		return Min(x, y)
	case op.Max:
		return Max(x, y)
	case op.Log1p:
		return Log1p(x)
	case op.Expm1:
		return Expm1(x)
	case op.Sigmoid:
		return Sigmoid(x)
	case op.Relu:
		return Relu(x)
	case op.Step:
		return Step(x)
	case op.Sign:
		return Sign(x)
	}
	if !o.IsPrimitive() {
		panic(fmt.Sprintf("tape: Primitive of %v, which is not a primitive", o))
	}
	return table(o, x, y)
}

// table records the primitive o of x (and y) with the value and partials
// of package op's table, for primitives this package does not write out.
func table(o op.Op, x, y Var) Var {
	if o.Arity() == 1 {
		t, a := x.load()
		v := o.Eval(a, 0)
		d, _ := o.Partials(a, 0, v)
		t.room()
		return t.push1(v, x.i, d, 0, o, vv)
	}
	t, a, b := load2(x, y)
	v := o.Eval(a, b)
	dx, dy := o.Partials(a, b, v)
	t.room()
	return t.push(v, x.i, y.i, dx, dy, o, vv)
}

// constY records the binary primitive o of x and the constant c, with
// the value and partial of package op's table.
func constY(o op.Op, x Var, c float64) Var {
	t, a := x.load()
	v := o.Eval(a, c)
	dx, _ := o.Partials(a, c, v)
	t.room()
	return t.push1(v, x.i, dx, c, o, vc)
}

// constX records the binary primitive o of the constant c and y, with the
// value and partial of package op's table.
func constX(o op.Op, c float64, y Var) Var {
	t, b := y.load()
	v := o.Eval(c, b)
	_, dy := o.Partials(c, b, v)
	t.room()
	return t.pushc(v, y.i, c, dy, o)
}
