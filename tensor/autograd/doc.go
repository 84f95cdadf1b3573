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
// # Convolutions
//
// [Conv2D], [MaxPool2D] and [AddBias] are the primitives of a
// convolutional network, in PyTorch's NCHW layout (batch × channels ×
// height × width), computed by package tensor: the convolution by im2col
// and one matrix product over the whole batch, its VJP by the product of
// the cotangent with those columns (for the kernels) and col2im (for the
// input, only when the input is not a Const). The record keeps the
// columns in its slot of the arena, and max-pooling keeps the position of
// each window's maximum (the first of equal maxima, as in PyTorch), to
// which its VJP gives the window's whole cotangent. All three have JVP
// rules ([Conv2DDual], [MaxPool2DDual], [AddBiasDual]).
//
// # Ownership
//
// Values and adjoints are arrays owned by the tape. A value ([Var.Value])
// is valid until the next [Tape.Reset]; an adjoint ([Tape.Grad]) until
// the next [Tape.Backward] or Reset. After that the tape writes the next
// step's arrays into the same memory: copy what must outlive the step.
// Callers must not write to them while they are valid. [Tape.Var] and
// [Tape.Const] keep the array they are given, without copying, and the
// tape never writes to it, so parameters can be updated in place between
// steps. Operations never write to their arguments.
//
// # Memory: an arena rewound per step
//
// As package tape keeps its capacity across Reset, this tape keeps, for
// each position in its list of records, the arrays that the record at
// that position wrote: its value, its adjoint and scratch space. A
// training step records the same operations at the same positions every
// time, so each finds buffers of the right shapes and writes into them
// (through package tensor's dst-first functions, such as
// [tensor.MatMulTo]); a buffer of the wrong shape is replaced. Once warm,
// a step of a network of matrix products, bias additions, ReLU, softmax
// cross-entropy and a mean allocates nothing (TestMLPStepAllocs; package
// gemm allocates nothing per product either), nor do the convolution's
// primitives (TestCNNStepAllocs in package nn; a reshape allocates its
// view's header). The other primitives
// compute through the table's allocating rules.
//
// [Tape.Const] leaves are not differentiated: no adjoint is computed for
// what depends on constants only (the input batch's cotangent would cost
// a matrix product), and their Grad is zeros.
//
// # Forward mode
//
// The table's entries also have a JVP rule, for the element-wise
// primitives (reading op's Partials), matmul (ȧ·b + a·ḃ) and the
// convolution's primitives: [JVP]
// pushes tangents through a function of [Dual] arrays, whose results the
// tests compare with the VJPs (⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩) and with central
// differences.
//
// # Drawing
//
// [Tape.Graph] returns the records an output depends on, each with its
// operation and shape, and the names given to parameters; draw.Ops
// renders them as DOT, SVG or PNG, one node per operation, as torchviz
// draws a PyTorch graph: the seed's figure 2.1 for a network.
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
