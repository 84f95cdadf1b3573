package op

import "math"

// Derivative returns d, a derivative of a function whose value is v, as
// every mode of backprop reports it:
//
//   - NaN where v is NaN: a derivative fails exactly where the function
//     fails (Stan Math's rule), even a partial that the chain rule alone
//     would give as a number (∂(sqrt(x) + y)/∂y at x = -1);
//   - NaN where d is ±Inf or NaN: the chain rule met a local partial that
//     is not finite (sqrt and log at 0, x/x at 0, atan2 at the origin),
//     so the function has no finite derivative there, and forward and
//     reverse accumulation, which add the same terms in different orders,
//     could not agree on the sign of an infinity or on Inf - Inf;
//   - d otherwise.
//
// The chain rule itself runs in IEEE arithmetic: a zero factor does not
// hide an infinite or NaN one (0·Inf is NaN), so whether d is finite does
// not depend on the order of accumulation. Only arguments that do not
// depend on the variable at all (constants, other inputs) are left out,
// which is why x^3 has a derivative at x = -2 although ∂(x^y)/∂y is NaN
// there.
func Derivative(v, d float64) float64 {
	if math.IsNaN(v) || math.IsNaN(d) || math.IsInf(d, 0) {
		return math.NaN()
	}
	return d
}

// Gradient applies [Derivative] to every element of grad, the gradient of
// a function whose value is v, in place, and returns grad.
func Gradient(v float64, grad []float64) []float64 {
	if !math.IsNaN(v) && allFinite(grad) {
		return grad // the common case, checked without a branch per element
	}
	nan := math.IsNaN(v)
	for i, d := range grad {
		if nan || math.IsNaN(d) || math.IsInf(d, 0) {
			grad[i] = math.NaN()
		}
	}
	return grad
}

// allFinite reports whether no element of xs is ±Inf or NaN: x - x is 0
// for a finite x and NaN otherwise, and a sum of such terms is 0 exactly
// when all are. Four sums keep four additions in flight.
func allFinite(xs []float64) bool {
	var s0, s1, s2, s3 float64
	for len(xs) >= 4 {
		s0 += xs[0] - xs[0]
		s1 += xs[1] - xs[1]
		s2 += xs[2] - xs[2]
		s3 += xs[3] - xs[3]
		xs = xs[4:]
	}
	for _, x := range xs {
		s0 += x - x
	}
	return s0+s1+s2+s3 == 0
}
