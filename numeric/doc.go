// Package numeric estimates derivatives by finite differences, the oracle
// that backprop's tests hold every automatic-differentiation mode against.
//
// The differences are computed by gonum's diff/fd; this package chooses
// defaults suited to checking derivatives and adds [FuncGradient], which
// differentiates a user function of an expression graph.
//
// # Accuracy
//
// The zero [Settings] (or nil, except for [FuncGradient], where nil means
// [Adaptive]) mean central differences,
//
//	f'(x) ≈ (f(x+h) - f(x-h)) / 2h,   h = 6e-6,
//
// two evaluations per input, whose error is about h²/6·|f⁽³⁾| from the
// formula plus ε·|f|/h from rounding (ε = 2.2e-16): for smooth functions
// whose values and derivatives are of order 1 near x, about 1e-11 to 1e-9
// relative, the ≈1e-8 usually quoted being a safe bound. [FivePoint] is
// the fourth-order stencil
//
//	f'(x) ≈ (f(x-2h) - 8f(x-h) + 8f(x+h) - f(x+2h)) / 12h,   h = 1e-3,
//
// four evaluations per input, with error h⁴/30·|f⁽⁵⁾| + 1.5·ε·|f|/h: about
// 1e-12 relative on the same functions. [Forward] and [Backward] use one
// extra evaluation per input and are accurate to about 1e-8 at best.
//
// On the seed document's functions, the relative errors measured are:
//
//	                            central   five-point   forward
//	section 1, f'(1)            1.4e-11   2.9e-13      1.0e-8
//	appendix, ∇f(2, 3)          1.7e-10   2.6e-12      7.5e-8
//	section 2.3, ∇f(2, 3)       2.0e-3    1.0          9.6e-8
//	section 2.3, h = 1e-8       1.2e-8
//
// The function of section 2.3, sin(π·x_1^(x_2^x_1)) + cos(π·ln x_1), varies
// on a scale of 1e-4 near (2, 3), where its gradient is about 2e4: the
// default steps straddle several of its oscillations.
//
// The step h is absolute, as in gonum: for inputs far from magnitude 1, or
// functions that vary on another scale, set Settings.Step, to about
// |x|·6e-6 for central differences. Near a kink, a pole or the edge of a
// function's domain, finite differences mix both sides and mean nothing;
// automatic differentiation gives the derivative documented by package op.
package numeric
