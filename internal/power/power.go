// Package power holds x^y as every mode of backprop computes it: math.Pow
// bit for bit, in fewer steps. Its source is embedded so that package gen
// writes the very same function into the code it generates, which may
// depend on package math only.
package power

import (
	_ "embed"
	"math"
	"strings"
)

//go:embed power.go
var source string

// Body returns the text of Pow after its name, from the parameters to the
// closing brace and a newline: gen writes it as a function of its own.
func Body() string {
	const head = "\nfunc Pow" // a newline, not the two characters of this literal
	i := strings.Index(source, head) + len(head)
	j := strings.Index(source[i:], "\n}\n") + len("\n}\n")
	return source[i : i+j]
}

// Pow returns x^y: bit for bit what math.Pow(x, y) returns, in less
// than half the time for integer exponents and two thirds of it for the
// others, where |y| ≤ 1024, x is within 2^±60 and the result within
// 2^±900. op.Power, which Pow's Eval and every evaluator that inlines
// op's table call, is this function.
//
// math.Pow splits |y| into an integer part n and a fraction f (moved into
// [-0.5, 0.5] by adding 1 to n), computes a = exp(f·log x), multiplies a
// by the bits of x^n by repeated squaring of x's mantissa, keeping the
// powers of two aside in an integer, and scales the product by them at
// the end (after taking the reciprocal, for y < 0). Scaling by a power of
// two is exact while nothing leaves the normal range, so multiplying x
// itself rounds each product exactly as math.Pow rounds the mantissas':
// Pow does that, and skips math.Pow's Modf, Frexp and Ldexp. In the
// range above, |a| is within 2^±30, and every square and partial product
// of x^n = q lies between 2^-60·min(1, |q|) and 2^60·max(1, |q|), with
// |q| within 2^±931, so none overflows or becomes subnormal (the last
// square, unused, is not taken). Outside that range, and for y = ±0.5
// (which math.Pow computes by Sqrt), Pow calls math.Pow; its other
// special cases need no test here: y = 0, y = 1 and x = 1 give 1, x and 1
// exactly by the loop, and zeros, infinities and NaNs fail the range
// checks. op's TestPowerIsMathPow and FuzzPower pin Pow to math.Pow.
func Pow(x, y float64) float64 {
	ay := math.Abs(y)
	// |x| within 2^±60: its biased exponent is within 60 of 1023.
	if e := math.Float64bits(x) >> 52 & 0x7ff; e-(1023-60) <= 120 && ay <= 1024 && ay != 0.5 {
		n := int64(ay)
		f := ay - float64(n) // exact: math.Modf's fraction
		a := 1.0
		if f != 0 {
			if x < 0 {
				return math.NaN() // a negative base to a non-integer power
			}
			if f > 0.5 {
				f--
				n++
			}
			a = math.Exp(f * math.Log(x))
		}
		for b := x; ; b *= b {
			if n&1 != 0 {
				a *= b
			}
			if n >>= 1; n == 0 {
				break
			}
		}
		if y < 0 {
			a = 1 / a
		}
		// |a| within 2^±900.
		if e := math.Float64bits(a) >> 52 & 0x7ff; e-(1023-900) <= 1800 {
			return a
		}
	}
	return math.Pow(x, y)
}
