// Package compile lowers an expression DAG, once, to a flat program of
// instructions over numbered slots, which then computes values, gradients
// and directional derivatives many times with no allocation: the gradient
// an optimisation loop calls a million times.
//
//	p, err := compile.Func(prog.Graph, fn, nil) // once
//	w := p.NewWorkspace()
//	for … {
//		v := w.Gradient(grad, x) // many times
//	}
//
// # Compiling
//
// [Func] compiles a user function, whose inputs are its parameters in
// order; [Expr] compiles any node of a graph as a function of the
// variables it is given. Compiling
//
//   - inlines the calls of user functions, sharing identical calls and
//     hash-consing the instructions of the inlined bodies, so that common
//     subexpressions are computed once (the graph is hash-consed already);
//   - folds the primitives whose arguments are all constants, with the
//     table's [op.Info.Eval];
//   - drops everything the result does not depend on, but keeps every
//     input, used or not;
//   - lays out the slots: the inputs, then the constants, then one slot per
//     instruction, in an order where each instruction comes after the
//     instructions that compute its arguments;
//   - schedules the instructions in runs of one operation, as long as the
//     dependencies allow (a list scheduler: seven runs for the extended
//     Rosenbrock function, whatever its size), so that the evaluation loops
//     dispatch on the operation once a run instead of once an instruction.
//
// [Settings] with a Builder (such as package sym's simplifying builders)
// rebuild the expression through it while inlining; nil or zero Settings
// leave the graph unchanged. [Program.String] lists the slots and the node
// each comes from.
//
// # Evaluating
//
// [Program.Value] runs the forward pass; [Program.Gradient] the forward
// pass, which also stores the local partials that cannot be recomputed
// cheaply (those of pow, sin, cos, sinh, cosh and expm1), and the backward
// pass, one reverse loop over the instructions that adds each adjoint,
// times its local partials, into the adjoints of the arguments;
// [Program.JVP] the forward pass and a tangent pass. Constants are not
// differentiated: their adjoints and tangents are never computed, so that
// x^2 has the derivative 2x at x = 0 and x = -1, even though the partial
// of pow in its exponent, x^2·log(x), is NaN there.
//
// A Program is immutable and safe for concurrent use: its methods take a
// [Workspace] (the values, partials and adjoints of one evaluation) from a
// sync.Pool and give it back. For the tightest loops, a goroutine can hold
// a Workspace of its own from [Program.NewWorkspace], whose methods are the
// same without the pool. [Program.GradientBatch] spreads many points over
// runtime.GOMAXPROCS goroutines. Once warm, no evaluation allocates.
//
// Slices follow gonum: the destination comes first, and slices of the
// wrong length are programmer errors that panic with a message starting
// with "compile: ".
//
// # Semantics and exactness
//
// Package op's table is the single source of truth. The evaluation loops
// inline the table's formulas, for speed, and the tests check them bit for
// bit against [op.Info.Eval] and [op.Info.Partials], for every primitive,
// at special and random points, with constant and variable arguments,
// against central differences, and on random expressions against a plain
// reverse mode over the DAG. Values are those of [ir.Evaluator] bit for
// bit; adjoints differ from another reverse mode's only by the order in
// which the contributions of a node's several users are added. A program
// gives the same bits every time it is run, with or without the pool.
// Conventions at kinks (abs'(0) = 0 and others) and domain errors (log(-1)
// is NaN) are the table's.
//
// # Checking
//
// [Program.Check] is Gradient followed by a scan of the values and
// adjoints: it returns the first non-finite value in evaluation order, or
// else the first non-finite adjoint in the order of the backward pass, as
// an *[ir.NonFiniteError] that names the node the slot was compiled from,
// the function whose body holds it and where it was written in the source.
// Checking costs a pass over the slots; the hot loops never check.
//
// # Programs recorded from Go code
//
// A program compiled from a recording of Go code (package tape's
// Tape.Graph) is valid only while the control flow of the Go code does not
// depend on the inputs: the recording holds the branches taken and the
// number of loop iterations run at the point where it was made, and the
// program replays them at every point. The extended Rosenbrock function, a
// loop over a fixed number of variables, compiles once for all points;
// |x| written as "if x > 0 { x } else { -x }" and recorded at x = 2
// compiles to the identity, which is wrong for x < 0. Write such functions
// with the primitives (abs, max, relu, step), or record again when the
// branches change.
//
// # Performance
//
// On the extended Rosenbrock function (one node per scalar operation,
// four instructions per variable, seven runs), a gradient costs about
// 2.3 ns per instruction up to 10^5 variables, about 20 times a plain Go
// loop that only evaluates the function, and 3–4 ns per instruction at
// 10^6 variables, where the passes are bound by memory bandwidth (some 100
// bytes move per instruction). The gradient of the seed's function of
// section 2.3 takes about 0.25 µs. These are medians of -count 5 on a
// shared two-core AMD EPYC; run go test -bench . for a given machine.
package compile
