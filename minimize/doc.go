// Package minimize adapts backprop's programs to gonum's optimisers: it
// turns a compiled program, or Go code on a [tape.Tape], into an
// [optimize.Problem] whose Func, Grad and Hess are exact, so that any
// method of package gonum.org/v1/gonum/optimize (BFGS, LBFGS, Newton,
// gradient descent, …) can minimise it.
//
//	p, _ := compile.Func(prog.Graph, fn, nil)
//	res, err := optimize.Minimize(minimize.Problem(p), x0, nil, &optimize.BFGS{})
//
// # Derivatives
//
// For a [compile.Program], Func is [compile.Program.Value], Grad is
// [compile.Program.Gradient] and Hess is [hessian.Hessian.Dense]: one
// Hessian-vector product (forward over reverse) per colour of the
// Hessian's sparsity, worked out once when the Problem is made. Entries
// follow the table's conventions: NaN where the value is NaN or a partial
// on the chain is not finite.
//
// For Go code on a tape ([Tape]), every call records the code again at
// its point, so branches that depend on the inputs are always the right
// ones; Hess compiles the recording at its point and differentiates that,
// which is exact at the point but costs a compilation per call.
//
// # Recording the path
//
// [Path] is an [optimize.Recorder] that keeps the point, value and
// gradient norm at the start and at every major iteration: the path a
// method took, for printing and plotting.
package minimize
