// Package autograd is reverse-mode differentiation over the arrays of
// package tensor, define-by-run as package tape is for scalars: ordinary
// Go code calls array operations on [Var]s, each operation appends one
// record to a [Tape], and [Tape.Backward] walks the records once in
// reverse, accumulating into every record an adjoint array of its value's
// shape.
//
//	t := autograd.New[float64]()
//	w := t.Var(tensor.RandNormal[float64](r, 784, 10))
//	x := t.Const(batch)
//	loss := autograd.Mean(autograd.SoftmaxCrossEntropy(autograd.MatMul(x, w), labels), nil, false)
//	t.Backward(loss)
//	g := t.Grad(w) // 784×10, the shape of w
//
// # The table of array primitives
//
// Every operation is one array primitive, and every primitive is one entry
// of one table (rules.go), as in JAX: its forward rule, which computes the
// value with package tensor, and its VJP rule, which maps the cotangent of
// the output to cotangents of the inputs, side by side. The element-wise
// primitives are one entry for all of package op's table: the forward rule
// is [tensor.Apply] and the VJP multiplies the cotangent by op's
// [op.Info.Partials] at every element, so a primitive added to op's table
// is differentiable on arrays with no change here. Broadcasting's VJP
// sums the cotangent over the broadcast axes, back to each input's shape.
//
// # Ownership
//
// Values and adjoints are arrays owned by the tape until [Tape.Reset]:
// [Var.Value] and [Tape.Grad] return them (Grad a contiguous one), and
// callers must not write to them while the tape is in use. [Tape.Var] and
// [Tape.Const] keep the array they are given, without copying. Operations
// never write to their arguments; a backward pass allocates its adjoints.
// Reusing buffers between steps (an arena rewound per step) is left for
// later.
//
// # Misuse
//
// Vars of two tapes in one operation, the zero Var, a Var made before the
// last Reset, and a Backward from a Var that is not a scalar panic with a
// message starting with "autograd: ". Shape errors are package tensor's
// panics.
//
// A Tape, and its Vars, must be used by one goroutine at a time.
package autograd
