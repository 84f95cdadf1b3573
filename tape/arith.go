package tape

import (
	"math"

	"github.com/gobackprop/backprop/op"
)

// The arithmetic of Vars. Each operation has the same shape: the fast
// check of its operands, inlined, then the function that records it,
// which the slow path (validating the operands and growing the tape)
// calls too. The values and partials are those of package op's table for
// the same primitive, written out inline; the tests check them against
// the table bit for bit.

// Add returns a + b.
func (a Var) Add(b Var) Var {
	if t, x, y, ok := fast2(a, b); ok {
		return add(t, a.i, b.i, x, y)
	}
	return slow2(a, b, add)
}

func add(t *Tape, i, j uint32, x, y float64) Var {
	return t.push(x+y, i, j, 1, 1, op.Add, vv)
}

// Sub returns a - b.
func (a Var) Sub(b Var) Var {
	if t, x, y, ok := fast2(a, b); ok {
		return sub(t, a.i, b.i, x, y)
	}
	return slow2(a, b, sub)
}

func sub(t *Tape, i, j uint32, x, y float64) Var {
	return t.push(x-y, i, j, 1, -1, op.Sub, vv)
}

// Mul returns a * b.
func (a Var) Mul(b Var) Var {
	if t, x, y, ok := fast2(a, b); ok {
		return mul(t, a.i, b.i, x, y)
	}
	return slow2(a, b, mul)
}

func mul(t *Tape, i, j uint32, x, y float64) Var {
	return t.push(x*y, i, j, y, x, op.Mul, vv)
}

// Div returns a / b.
func (a Var) Div(b Var) Var {
	if t, x, y, ok := fast2(a, b); ok {
		return div(t, a.i, b.i, x, y)
	}
	return slow2(a, b, div)
}

func div(t *Tape, i, j uint32, x, y float64) Var {
	v := x / y
	return t.push(v, i, j, 1/y, -v/y, op.Div, vv)
}

// Neg returns -a.
func (a Var) Neg() Var {
	if t, x, ok := fast(a); ok {
		return neg(t, a.i, x)
	}
	return slow1(a, neg)
}

func neg(t *Tape, i uint32, x float64) Var { return t.push1(-x, i, -1, 0, op.Neg, vv) }

// AddConst returns a + c.
func (a Var) AddConst(c float64) Var {
	if t, x, ok := fast(a); ok {
		return addConst(t, a.i, x, c)
	}
	return slowConst(a, c, addConst)
}

func addConst(t *Tape, i uint32, x, c float64) Var {
	return t.push1(x+c, i, 1, c, op.Add, vc)
}

// SubConst returns a - c.
func (a Var) SubConst(c float64) Var {
	if t, x, ok := fast(a); ok {
		return subConst(t, a.i, x, c)
	}
	return slowConst(a, c, subConst)
}

func subConst(t *Tape, i uint32, x, c float64) Var {
	return t.push1(x-c, i, 1, c, op.Sub, vc)
}

// RSub returns c - a: the subtraction with reversed operands.
func (a Var) RSub(c float64) Var {
	if t, x, ok := fast(a); ok {
		return rsub(t, a.i, x, c)
	}
	return slowConst(a, c, rsub)
}

func rsub(t *Tape, i uint32, x, c float64) Var {
	return t.pushc(c-x, i, c, -1, op.Sub)
}

// MulConst returns a * c.
func (a Var) MulConst(c float64) Var {
	if t, x, ok := fast(a); ok {
		return mulConst(t, a.i, x, c)
	}
	return slowConst(a, c, mulConst)
}

func mulConst(t *Tape, i uint32, x, c float64) Var {
	return t.push1(x*c, i, c, c, op.Mul, vc)
}

// DivConst returns a / c.
func (a Var) DivConst(c float64) Var {
	if t, x, ok := fast(a); ok {
		return divConst(t, a.i, x, c)
	}
	return slowConst(a, c, divConst)
}

func divConst(t *Tape, i uint32, x, c float64) Var {
	return t.push1(x/c, i, 1/c, c, op.Div, vc)
}

// RDiv returns c / a: the division with reversed operands.
func (a Var) RDiv(c float64) Var {
	if t, x, ok := fast(a); ok {
		return rdiv(t, a.i, x, c)
	}
	return slowConst(a, c, rdiv)
}

func rdiv(t *Tape, i uint32, x, c float64) Var {
	v := c / x
	return t.pushc(v, i, c, -v/x, op.Div)
}

// PowConst returns a^c. Its derivative is c·a^(c-1), and 0 when c is 0.
func (a Var) PowConst(c float64) Var {
	if t, x, ok := fast(a); ok {
		return powConst(t, a.i, x, c)
	}
	return slowConst(a, c, powConst)
}

func powConst(t *Tape, i uint32, x, c float64) Var {
	return t.push1(op.Power(x, c), i, op.PowDx(x, c), c, op.Pow, vc)
}

// RPow returns c^a: the power with reversed operands. Its derivative is
// c^a·log(c), NaN for c < 0 and for c = 0.
func (a Var) RPow(c float64) Var {
	if t, x, ok := fast(a); ok {
		return rpow(t, a.i, x, c)
	}
	return slowConst(a, c, rpow)
}

func rpow(t *Tape, i uint32, x, c float64) Var {
	v := op.Power(c, x)
	return t.pushc(v, i, c, v*math.Log(c), op.Pow)
}
