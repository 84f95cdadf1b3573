// Package op is the table of primitive operations: the single place where
// backprop says what each primitive means.
//
// Every primitive (add, mul, pow, sin, log, …) is one entry of the table,
// read with [Op.Info]. An entry holds
//
//   - how the primitive is written in text: its name, arity, and for
//     operators their precedence and associativity;
//   - how it is evaluated on float64 ([Info.Eval]);
//   - its local partial derivatives as numbers ([Info.Partials]), which
//     forward mode, reverse mode, the tape and compiled programs use;
//   - its local partial derivatives as expressions ([Info.Rule]), which
//     symbolic differentiation uses;
//   - how it is printed in LaTeX ([Info.TeX]);
//   - its convention at points where it is not differentiable.
//
// Every other package reads this table, so adding a primitive is one entry
// here and one row in the tests, which check the numeric partials against
// the symbolic rule and against central differences.
//
// # Conventions at non-differentiable points
//
// backprop follows the usual subgradient choices of JAX and PyTorch:
//
//   - abs'(0) = 0 (the derivative is sign(x), and sign(0) = 0);
//   - relu'(0) = 0 (the derivative is step(x), and step(0) = 0);
//   - on a tie, max(x, y) and min(x, y) pass the whole derivative to their
//     first argument: ∂max/∂x = 1 and ∂max/∂y = 0 when x == y;
//   - step and sign have derivative 0 everywhere (including at 0, where
//     they jump).
//
// Domain errors follow IEEE 754 and package math: log(-1) is NaN, 1/0 is
// +Inf. Finding where a NaN first appeared is the job of the checking
// options of the evaluators, not of this table.
package op
