package compile

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// An instr is one instruction: the operation of its run applied to the
// slots a and b (b is a for unary operations). Its result goes to the slot
// base+i, where i is its index in the code.
type instr struct{ a, b int32 }

// A run is a sequence of instructions of one operation, code[lo:hi], whose
// arguments are constants in the same places (flags). The local partials
// that the backward pass cannot recompute cheaply from the values are
// stored from d on in a Workspace's partials, stride(op) of them an
// instruction.
type run struct {
	op     op.Op
	flags  uint8
	lo, hi int32
	d      int32
}

// stride returns the number of local partials stored for one instruction
// of a run: those that need another costly function of the arguments.
func stride(o op.Op) int {
	switch o {
	case op.Pow:
		return 2
	case op.Sin, op.Cos, op.Sinh, op.Cosh, op.Expm1:
		return 1
	}
	return 0
}

// A Program is an expression compiled to a flat list of instructions over
// numbered slots: the inputs, then the constants, then one slot per
// instruction, in an order where every instruction comes after the
// instructions that compute its arguments. The instructions are grouped in
// runs of one operation.
//
// A Program is immutable and safe for concurrent use. Its methods take
// their scratch memory from a pool of workspaces; a [Workspace] gives a
// goroutine a workspace of its own for the tightest loops. A Program does
// not refer to the graph it was compiled from, which may change or be
// dropped afterwards.
type Program struct {
	code   []instr
	runs   []run
	consts []float64
	nIn    int
	base   int32   // the slot of the first instruction
	nSlot  int32   // the number of slots
	out    int32   // the slot of the result, outs[0]
	outs   []int32 // the slots of the results of a program with several
	nd     int     // the number of stored partials

	// Where each slot comes from, for the errors of Check and for
	// String. A Program does not keep its graph.
	names    []string  // the name of each input
	constOps []op.Op   // the operation of the node of each constant
	origin   []ir.ID   // the node of each slot
	spans    []ir.Span // the source span of each slot, nil if none has one
	fn       []int32   // the index in funcs of the function whose body holds it
	funcs    []*ir.Func

	pool sync.Pool
}

// NumInputs returns the number of inputs of p.
func (p *Program) NumInputs() int { return p.nIn }

// Len returns the number of instructions of p.
func (p *Program) Len() int { return len(p.code) }

// NumConsts returns the number of constants of p.
func (p *Program) NumConsts() int { return len(p.consts) }

// Inputs returns the names of the inputs of p, in order.
func (p *Program) Inputs() []string {
	return append([]string(nil), p.names...)
}

// Value returns the value of p at x. It panics if len(x) is not
// p.NumInputs().
func (p *Program) Value(x []float64) float64 {
	w := p.get()
	v := w.Value(x)
	p.pool.Put(w)
	return v
}

// Gradient stores the gradient of p at x in dst and returns the value of
// p at x. It panics if len(dst) or len(x) is not p.NumInputs().
func (p *Program) Gradient(dst, x []float64) float64 {
	w := p.get()
	v := w.Gradient(dst, x)
	p.pool.Put(w)
	return v
}

// JVP returns the value of p at x and its directional derivative along v,
// the Jacobian-vector product ∇p(x)·v, computed in forward mode. It panics
// if len(x) or len(v) is not p.NumInputs().
func (p *Program) JVP(x, v []float64) (value, tangent float64) {
	w := p.get()
	value, tangent = w.JVP(x, v)
	p.pool.Put(w)
	return value, tangent
}

// Check is Gradient, or Value when dst is nil, followed by a check that
// every value of the forward pass and every adjoint of the backward pass is
// finite. It returns the value, and stores the gradient in dst, as
// Gradient would; its error, a *ir.NonFiniteError, reports the first
// non-finite value in the program's evaluation order (inputs, constants,
// instructions), or else the first non-finite adjoint in the order of the
// backward pass (from the result to the inputs), with the node the slot
// was compiled from, the function whose body holds it and its source span.
// Constants are checked but have no adjoints. It panics if len(x), or
// len(dst) when dst is not nil, is not p.NumInputs().
func (p *Program) Check(dst, x []float64) (float64, error) {
	w := p.get()
	v, err := w.Check(dst, x)
	p.pool.Put(w)
	return v, err
}

// GradientBatch stores in dst[i] the gradient of p at xs[i], and in
// values[i] its value, spreading the points over runtime.GOMAXPROCS(0)
// goroutines. values may be nil. It panics if len(dst), or len(values)
// when values is not nil, is not len(xs), or if a dst[i] or xs[i] does not
// have p.NumInputs() elements.
func (p *Program) GradientBatch(dst [][]float64, xs [][]float64, values []float64) {
	if len(dst) != len(xs) {
		panic(fmt.Sprintf("compile: GradientBatch: dst has length %d, want %d (len(xs))", len(dst), len(xs)))
	}
	if values != nil && len(values) != len(xs) {
		panic(fmt.Sprintf("compile: GradientBatch: values has length %d, want %d (len(xs))", len(values), len(xs)))
	}
	for i := range xs {
		if len(xs[i]) != p.nIn {
			panic(fmt.Sprintf("compile: GradientBatch: xs[%d] has length %d, want %d inputs", i, len(xs[i]), p.nIn))
		}
		if len(dst[i]) != p.nIn {
			panic(fmt.Sprintf("compile: GradientBatch: dst[%d] has length %d, want %d inputs", i, len(dst[i]), p.nIn))
		}
	}
	run := func(lo, hi int) {
		w := p.get()
		for i := lo; i < hi; i++ {
			v := w.Gradient(dst[i], xs[i])
			if values != nil {
				values[i] = v
			}
		}
		p.pool.Put(w)
	}
	k := min(runtime.GOMAXPROCS(0), len(xs))
	if k <= 1 {
		run(0, len(xs))
		return
	}
	var wg sync.WaitGroup
	for j := range k {
		lo, hi := j*len(xs)/k, (j+1)*len(xs)/k
		wg.Go(func() { run(lo, hi) })
	}
	wg.Wait()
}

func (p *Program) get() *Workspace { return p.pool.Get().(*Workspace) }

// A Workspace holds the scratch memory of one evaluation of a Program: the
// values, local partials, adjoints and tangents of its slots. Its methods
// are those of the Program, without the pool; a Workspace is not safe for
// concurrent use, so give each goroutine its own.
type Workspace struct {
	p   *Program
	val []float64 // the value of each slot
	adj []float64 // the adjoint of each slot
	d   []float64 // the stored local partials
	tan []float64 // the tangent of each slot, made by the first JVP

	// Made by the first HVP: the tangent of each adjoint, and the first
	// and second local partials of the instructions of the runs the
	// second-order passes do not write out, five an instruction (nsec of
	// them in the last HVP).
	adjT, sec []float64
	nsec      int
	// hadj holds the adjoints of an HVP. Unlike adj, which the other
	// backward passes clear first, it is all zero between HVPs: the
	// backward pass zeroes each adjoint and its tangent once it has read
	// them, which saves a sweep over two arrays of a large program.
	hadj []float64
	// dep marks the slots whose tangent in an HVP is not a structural
	// zero: those that depend on an input whose direction is not 0.
	dep []bool
	// live marks the slots on a path to the outputs of a VJP.
	live []bool
	// generic makes the second-order passes call the table for every
	// operation, for the test that pins their written-out cases to it.
	generic bool
}

// NewWorkspace returns a new workspace for evaluating p.
func (p *Program) NewWorkspace() *Workspace {
	w := &Workspace{
		p:   p,
		val: make([]float64, p.nSlot),
		adj: make([]float64, p.nSlot),
		d:   make([]float64, p.nd),
	}
	copy(w.val[p.nIn:], p.consts)
	return w
}

// Program returns the program w evaluates.
func (w *Workspace) Program() *Program { return w.p }

func (w *Workspace) load(x []float64) {
	if len(x) != w.p.nIn {
		panic(fmt.Sprintf("compile: x has length %d, want %d inputs", len(x), w.p.nIn))
	}
	copy(w.val, x)
}

// Value returns the value of the program at x. It panics if len(x) is not
// the number of inputs.
func (w *Workspace) Value(x []float64) float64 {
	w.load(x)
	w.forward(false)
	return w.val[w.p.out]
}

// Gradient stores the gradient of the program at x in dst and returns its
// value. A partial derivative is NaN where the value is NaN or where the
// chain rule is not finite, as [op.Derivative] says. It panics if len(dst) or len(x) is not the number of inputs.
func (w *Workspace) Gradient(dst, x []float64) float64 {
	if len(dst) != w.p.nIn {
		panic(fmt.Sprintf("compile: dst has length %d, want %d inputs", len(dst), w.p.nIn))
	}
	v := w.adjoints(dst, x)
	op.Gradient(v, dst)
	return v
}

// adjoints stores the adjoints of the inputs at x in dst, as the backward
// pass leaves them, and returns the value.
func (w *Workspace) adjoints(dst, x []float64) float64 {
	w.load(x)
	w.forward(true)
	w.backward()
	copy(dst, w.adj[:w.p.nIn])
	return w.val[w.p.out]
}

// JVP returns the value of the program at x and its directional derivative
// along v. It panics if len(x) or len(v) is not the number of inputs.
func (w *Workspace) JVP(x, v []float64) (value, tangent float64) {
	if len(v) != w.p.nIn {
		panic(fmt.Sprintf("compile: JVP: v has length %d, want %d inputs", len(v), w.p.nIn))
	}
	w.load(x)
	if w.tan == nil {
		w.tan = make([]float64, len(w.val)) // constants stay 0
	}
	copy(w.tan, v)
	w.forward(false)
	w.tangents()
	value = w.val[w.p.out]
	return value, op.Derivative(value, w.tan[w.p.out])
}
