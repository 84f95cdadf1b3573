// Package dual implements forward-mode automatic differentiation: dual
// numbers for Go code, and Jacobian-vector products over backprop's
// expression DAG.
//
// # Dual numbers
//
// A [Number] is a primal value and a tangent, its derivative in one chosen
// direction (JAX's words; other texts say real and dual part). Seeding the
// tangent of one input with 1 and of the others with 0 and evaluating a
// function on Numbers gives the function's value and its partial
// derivative with respect to that input, in one pass, at about twice the
// cost of evaluating the function:
//
//	x := dual.Var(1)                   // x = 1, dx = 1
//	f := dual.Add(dual.Sin(x), dual.Mul(x, x))
//	// f.Primal = sin(1) + 1, f.Tangent = cos(1) + 2
//
// Every primitive of package op has a function here (Add, Mul, Pow, Sin,
// Atan2, Max, Relu, …), and [Apply] applies any primitive by its op.Op.
//
// # One table
//
// What every primitive means is said once, by op's table: [Apply] takes the
// primal from [op.Info.Eval] and the tangent from [op.Info.Partials], and the
// named functions, which inline the same formulas for speed, are tested to
// give the same bits as Apply on a grid that includes zeros, kinks,
// infinities and NaN. So the derivative at a kink is the one op documents:
// abs'(0) = 0, relu'(0) = 0, max and min pass a tie to their first argument,
// step and sign have derivative 0.
//
// This is why backprop does not use gonum's num/dual. Its semantics differ
// from the table's at exactly the points a user asks about: its Abs has
// derivative 1 at +0, its Pow is exp(p·log(d)), which is NaN for a negative
// base even with a constant exponent, its PowReal moves bases near 0 to
// ±1e-15, and its Sqrt has an infinite tangent at 0 even in a constant
// direction; and it has no Atan2, Min, Max, Log1p, Expm1, Sigmoid, Relu,
// Step or Sign. Forward mode, reverse mode, the tape and symbolic
// differentiation must agree everywhere, so they all read one table.
//
// # Zeros
//
// The tangent of a binary primitive is ∂v/∂x·ẋ + ∂v/∂y·ẏ. Over an
// expression graph ([JVP], [Evaluator]), a term is left out exactly when
// its argument does not depend on the variables differentiated against (a
// constant, an input whose tangent is 0): that is structural, like JAX's
// symbolic zeros, and keeps a partial that is infinite or NaN with respect
// to an argument that does not vary from poisoning the result, so x^2 at
// x = -3 has derivative -6 although ∂(x^y)/∂y = x^y·log(x) is NaN there.
// Every other term is multiplied in IEEE arithmetic, also when its tangent
// happens to be zero: sqrt(x^2) at 0 has tangent Inf·0 = NaN, as reverse
// mode finds, so that every mode agrees on where a derivative is NaN (see
// op.Derivative, which JVP and Gradient apply to their result).
//
// A Number carries no record of what it depends on, so the functions on
// Numbers ([Apply], [Add], [Sqrt], …) treat a zero tangent as a symbolic
// zero instead: there sqrt(x·x) at x = 0 has tangent 0, and sqrt of a
// constant 0 has tangent 0. A partial is still used whenever its tangent
// is not zero, so sqrt(x) at x = 0 with ẋ = 1 has tangent +Inf.
//
// # Expression graphs
//
// [JVP] evaluates a node of an ir.Graph and its directional derivative in
// one pass over the topological order; calls of user functions are not
// inlined but evaluated in forward mode, their bodies run with the
// parameters bound to the arguments' Numbers. The depth of Go recursion is
// the depth of function nesting, never the depth of an expression, so a
// chain of a million operations is evaluated in linear time without
// exhausting the stack. [Gradient] computes a gradient by one pass per
// input; reverse mode (package tape and compile) needs one pass in all,
// which is why it is preferred when there are many inputs.
//
// An [Evaluator] compiles each function body once and reuses its buffers;
// its Check option stops at the first non-finite value or tangent.
//
// # Traces
//
// [Record] returns the [Trace] of a forward pass at the level of user
// functions, for step-by-step explanations: for each node its value, its
// tangent and its partials with respect to its arguments, a call being one
// block as in section 1 of the seed document, where f(x) = f_1(f_2(x),
// f_3(x)) at x = 1 goes through the blocks f_2(1) = 0.841470984807897,
// f_2'(1) = 0.54030230586814, f_3(1) = 3.71828182845905,
// f_3'(1) = 3.21828182845905 and ends with f'(1) = 122.045158140265.
package dual
