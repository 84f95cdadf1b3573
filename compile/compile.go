package compile

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Settings say how an expression is compiled. The zero value, like a nil
// *Settings, is the default.
type Settings struct {
	// Builder, if not nil, rebuilds the expression while the calls of
	// user functions are inlined, with g.Inline(Builder, root) (package
	// sym offers simplifying builders). Its nodes must be nodes of g,
	// which therefore grows: g must not be read by other goroutines
	// meanwhile.
	//
	// When Builder is nil, compile inlines the calls itself, hash-consing
	// the instructions it emits, and leaves g unchanged; the instructions
	// of an inlined body then keep their source spans for the errors of
	// [Program.Check].
	Builder op.Builder
}

// Func compiles the user function fn of g, whose inputs are fn.Params in
// order, as settings say (nil means the defaults). It panics if g or fn is
// nil.
func Func(g *ir.Graph, fn *ir.Func, settings *Settings) (*Program, error) {
	if fn == nil {
		panic("compile: Func: nil function")
	}
	roots := []ir.ID{fn.Body}
	if len(fn.Outputs) > 0 {
		roots = fn.Outputs
	}
	return settings.orDefault().compile(g, roots, fn.Params, fn)
}

// Expr compiles the expression root of g as a function of the variables
// inputs, in order, as settings say (nil means the defaults). Every
// variable that root depends on must be one of inputs; an input may be
// unused. It panics if g is nil.
func Expr(g *ir.Graph, root ir.ID, inputs []ir.ID, settings *Settings) (*Program, error) {
	return settings.orDefault().compile(g, []ir.ID{root}, inputs, nil)
}

// Exprs compiles the expressions roots of g as one program with several
// outputs, in order, as Expr compiles one: their common subexpressions are
// computed once. It panics if g is nil or roots is empty.
func Exprs(g *ir.Graph, roots []ir.ID, inputs []ir.ID, settings *Settings) (*Program, error) {
	if len(roots) == 0 {
		panic("compile: Exprs: no roots")
	}
	return settings.orDefault().compile(g, roots, inputs, nil)
}

// orDefault returns s, or the zero Settings if s is nil.
func (s *Settings) orDefault() *Settings {
	if s == nil {
		return &Settings{}
	}
	return s
}

func (c *Settings) compile(g *ir.Graph, roots []ir.ID, inputs []ir.ID, fn *ir.Func) (*Program, error) {
	if g == nil {
		panic("compile: nil graph")
	}
	for _, root := range roots {
		if !valid(g, root) {
			return nil, fmt.Errorf("compile: root %d is not a node of the graph", root)
		}
	}
	roots = append([]ir.ID(nil), roots...)
	seen := make([]bool, g.Len())
	for i, in := range inputs {
		switch {
		case !valid(g, in):
			return nil, fmt.Errorf("compile: input %d (node %d) is not a node of the graph", i, in)
		case g.Op(in) != op.Var:
			return nil, fmt.Errorf("compile: input %d (node %d) is a %v node, not a variable", i, in, g.Op(in))
		case seen[in]:
			return nil, fmt.Errorf("compile: variable %s is input %d and an earlier input", g.Node(in).Name, i)
		}
		seen[in] = true
	}
	if c.Builder != nil {
		for k, root := range roots {
			if err := recursive(g, root); err != nil {
				return nil, err
			}
			root = g.Inline(c.Builder, root)
			if !valid(g, root) {
				return nil, fmt.Errorf("compile: the builder returned node %d, which is not a node of the graph", root)
			}
			roots[k] = root
		}
	}
	order := g.Topo(roots...)
	l := newLowerer(g, fn, len(inputs)+len(order))
	for _, in := range inputs {
		l.inputs[in] = l.input(in)
	}
	l.dedup = needsDedup(g, order)
	outs, err := l.lowerAll(roots, order, fn, nil)
	if err != nil {
		return nil, err
	}
	return l.program(outs), nil
}

func valid(g *ir.Graph, id ir.ID) bool { return id >= 0 && int(id) < g.Len() }

// needsDedup reports whether lowering the nodes of order may emit the
// same instruction twice: when a call is inlined or a constant
// subexpression folded. A DAG with neither is hash-consed already, and
// lowering it is one to one.
func needsDedup(g *ir.Graph, order []ir.ID) bool {
	for _, id := range order {
		n := g.Node(id)
		if n.Op == op.Call {
			return true
		}
		if n.Op.IsPrimitive() {
			_, cx := g.IsConst(n.X)
			cy := true
			if n.Y != ir.None {
				_, cy = g.IsConst(n.Y)
			}
			if cx && cy {
				return true
			}
		}
	}
	return false
}

// A lowerer lowers a DAG to provisional values, numbered in the order
// they are made: inputs first, then constants and instructions in
// topological order. program renumbers them into slots.
type lowerer struct {
	g      *ir.Graph
	inputs []int32 // the value of each input variable, -1 for other nodes
	nIn    int

	// The provisional values, as parallel slices.
	ops    []op.Op // op.Var for inputs, op.Const for constants
	a, b   []int32 // arguments of instructions; b is -1 for unary ones
	cval   []float64
	origin []ir.ID // the node each value was lowered from
	fn     []int32 // index in funcs of the function whose body holds it

	funcs  []*ir.Func
	fnIdx  map[*ir.Func]int32
	consts map[uint64]int32
	dedup  bool
	instrs map[instrKey]int32
	calls  map[string]int32 // (function, argument values) -> value
	active map[*ir.Func]bool
}

type instrKey struct {
	op   op.Op
	a, b int32
}

// newLowerer returns a lowerer of g, with room for n values, for the body
// of fn (nil for an expression).
func newLowerer(g *ir.Graph, fn *ir.Func, n int) *lowerer {
	l := &lowerer{
		g:      g,
		inputs: make([]int32, g.Len()),
		funcs:  []*ir.Func{fn},
		fnIdx:  map[*ir.Func]int32{fn: 0},
		consts: make(map[uint64]int32),
		instrs: make(map[instrKey]int32),
		calls:  make(map[string]int32),
		active: make(map[*ir.Func]bool),
	}
	for i := range l.inputs {
		l.inputs[i] = -1
	}
	if fn != nil {
		l.active[fn] = true
	}
	l.ops = make([]op.Op, 0, n)
	l.a = make([]int32, 0, n)
	l.b = make([]int32, 0, n)
	l.cval = make([]float64, 0, n)
	l.origin = make([]ir.ID, 0, n)
	l.fn = make([]int32, 0, n)
	return l
}

func (l *lowerer) push(o op.Op, a, b int32, c float64, origin ir.ID, fn int32) int32 {
	id := int32(len(l.ops))
	if int(id) != len(l.ops) || id < 0 {
		panic("compile: more than 2^31-1 values")
	}
	l.ops = append(l.ops, o)
	l.a = append(l.a, a)
	l.b = append(l.b, b)
	l.cval = append(l.cval, c)
	l.origin = append(l.origin, origin)
	l.fn = append(l.fn, fn)
	return id
}

func (l *lowerer) input(v ir.ID) int32 {
	l.nIn++
	return l.push(op.Var, -1, -1, 0, v, 0)
}

func (l *lowerer) constant(c float64, origin ir.ID, fn int32) int32 {
	bits := math.Float64bits(c)
	if math.IsNaN(c) {
		bits = math.Float64bits(math.NaN())
	}
	if id, ok := l.consts[bits]; ok {
		return id
	}
	id := l.push(op.Const, -1, -1, c, origin, fn)
	l.consts[bits] = id
	return id
}

// apply emits the instruction o(a, b), folding it if its arguments are
// constants.
func (l *lowerer) apply(o op.Op, a, b int32, origin ir.ID, fn int32) int32 {
	if l.ops[a] == op.Const && (b < 0 || l.ops[b] == op.Const) {
		y := 0.0
		if b >= 0 {
			y = l.cval[b]
		}
		return l.constant(o.Eval(l.cval[a], y), origin, fn)
	}
	if !l.dedup {
		return l.push(o, a, b, 0, origin, fn)
	}
	k := instrKey{o, a, b}
	if id, ok := l.instrs[k]; ok {
		return id
	}
	id := l.push(o, a, b, 0, origin, fn)
	l.instrs[k] = id
	return id
}

// lower lowers root, whose nodes are order in topological order, the body
// of fn (nil at the top of an Expr), whose parameters are bound to the
// values in bind (nil at the top).
func (l *lowerer) lower(root ir.ID, order []ir.ID, fn *ir.Func, bind map[ir.ID]int32) (int32, error) {
	v, err := l.lowerAll([]ir.ID{root}, order, fn, bind)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// lowerAll is lower for several roots, whose nodes are order.
func (l *lowerer) lowerAll(roots []ir.ID, order []ir.ID, fn *ir.Func, bind map[ir.ID]int32) ([]int32, error) {
	g := l.g
	fi := l.funcIndex(fn)
	img := newImage(g, len(order))
	for _, id := range order {
		n := g.Node(id)
		var v int32
		switch n.Op {
		case op.Const:
			v = l.constant(n.Val, id, fi)
		case op.Var:
			if b, ok := bind[id]; ok {
				v = b
			} else if in := l.inputs[id]; in >= 0 {
				v = in
			} else {
				where := ""
				if fn != nil {
					where = " in " + fn.Name
				}
				return nil, fmt.Errorf("compile: variable %s%s is not an input", n.Name, where)
			}
		case op.Call:
			if n.Fn == nil {
				return nil, fmt.Errorf("compile: node %d calls a nil function", id)
			}
			args := make([]int32, len(n.Args))
			key := make([]byte, 0, 4+4*len(n.Args))
			key = binary.LittleEndian.AppendUint32(key, uint32(l.funcIndex(n.Fn)))
			for i, a := range n.Args {
				args[i] = img.get(a)
				key = binary.LittleEndian.AppendUint32(key, uint32(args[i]))
			}
			if r, ok := l.calls[string(key)]; ok {
				v = r
				break
			}
			if l.active[n.Fn] {
				return nil, fmt.Errorf("compile: %s calls itself", n.Fn.Name)
			}
			if len(n.Fn.Params) != len(args) {
				return nil, fmt.Errorf("compile: %s expects %d arguments, got %d", n.Fn.Name, len(n.Fn.Params), len(args))
			}
			sub := make(map[ir.ID]int32, len(args))
			for i, p := range n.Fn.Params {
				sub[p] = args[i]
			}
			l.active[n.Fn] = true
			r, err := l.lower(n.Fn.Body, g.Topo(n.Fn.Body), n.Fn, sub)
			delete(l.active, n.Fn)
			if err != nil {
				return nil, err
			}
			l.calls[string(key)] = r
			v = r
		default:
			if !n.Op.IsPrimitive() {
				return nil, fmt.Errorf("compile: node %d has invalid operation %v", id, n.Op)
			}
			b := int32(-1)
			if n.Op.Arity() == 2 {
				b = img.get(n.Y)
			}
			v = l.apply(n.Op, img.get(n.X), b, id, fi)
		}
		img.set(id, v)
	}
	outs := make([]int32, len(roots))
	for k, root := range roots {
		outs[k] = img.get(root)
	}
	return outs, nil
}

// funcIndex returns the index of fn in l.funcs, adding it if need be.
func (l *lowerer) funcIndex(fn *ir.Func) int32 {
	i, ok := l.fnIdx[fn]
	if !ok {
		i = int32(len(l.funcs))
		l.funcs = append(l.funcs, fn)
		l.fnIdx[fn] = i
	}
	return i
}

// recursive returns an error if a function called by root calls itself,
// directly or through others.
func recursive(g *ir.Graph, root ir.ID) error {
	state := make(map[*ir.Func]int) // 0 unvisited, 1 on the path, 2 done
	var visit func(root ir.ID) error
	visit = func(root ir.ID) error {
		for _, id := range g.Topo(root) {
			if g.Op(id) != op.Call {
				continue
			}
			fn := g.Node(id).Fn
			if fn == nil {
				return fmt.Errorf("compile: node %d calls a nil function", id)
			}
			switch state[fn] {
			case 1:
				return fmt.Errorf("compile: %s calls itself", fn.Name)
			case 0:
				state[fn] = 1
				if err := visit(fn.Body); err != nil {
					return err
				}
				state[fn] = 2
			}
		}
		return nil
	}
	return visit(root)
}

// image maps the nodes of one body to values: a slice over the whole graph
// when the body is a large part of it, a map otherwise.
type image struct {
	dense  []int32
	sparse map[ir.ID]int32
}

func newImage(g *ir.Graph, n int) image {
	if 4*n >= g.Len() {
		return image{dense: make([]int32, g.Len())}
	}
	return image{sparse: make(map[ir.ID]int32, n)}
}

func (m *image) get(id ir.ID) int32 {
	if m.dense != nil {
		return m.dense[id]
	}
	return m.sparse[id]
}

func (m *image) set(id ir.ID, v int32) {
	if m.dense != nil {
		m.dense[id] = v
		return
	}
	m.sparse[id] = v
}

// program drops the values that out does not depend on (keeping every
// input), schedules the instructions into runs and numbers the slots:
// inputs, then constants, then instructions in schedule order.
func (l *lowerer) program(outs []int32) *Program {
	n := len(l.ops)
	live := make([]bool, n)
	for _, out := range outs {
		live[out] = true
	}
	for i := n - 1; i >= 0; i-- {
		if !live[i] {
			continue
		}
		if a := l.a[i]; a >= 0 {
			live[a] = true
		}
		if b := l.b[i]; b >= 0 {
			live[b] = true
		}
	}
	slot := make([]int32, n)
	nConst := 0
	var instrs []int32 // the live instructions, in topological order
	for i := range n {
		switch {
		case l.ops[i] == op.Var:
			slot[i] = int32(i) // inputs are the first values, in order
		case !live[i]:
		case l.ops[i] == op.Const:
			slot[i] = int32(l.nIn + nConst)
			nConst++
		default:
			instrs = append(instrs, int32(i))
		}
	}
	nSlot := l.nIn + nConst + len(instrs)
	p := &Program{
		nIn:      l.nIn,
		base:     int32(l.nIn + nConst),
		nSlot:    int32(nSlot),
		consts:   make([]float64, nConst),
		code:     make([]instr, 0, len(instrs)),
		names:    make([]string, l.nIn),
		constOps: make([]op.Op, nConst),
		origin:   make([]ir.ID, nSlot),
		fn:       make([]int32, nSlot),
		funcs:    l.funcs,
	}
	// setOrigin records that slot s holds the value i.
	setOrigin := func(s, i int32) {
		id := l.origin[i]
		p.origin[s], p.fn[s] = id, l.fn[i]
		var fn *ir.Func
		if k := l.fn[i]; k >= 0 {
			fn = l.funcs[k]
		}
		if span := l.g.SpanIn(id, fn); span != (ir.Span{}) {
			if p.spans == nil {
				p.spans = make([]ir.Span, nSlot)
			}
			p.spans[s] = span
		}
	}
	for i := range int32(n) {
		switch {
		case l.ops[i] == op.Var:
			setOrigin(slot[i], i)
			p.names[i] = l.g.Node(l.origin[i]).Name
		case live[i] && l.ops[i] == op.Const:
			setOrigin(slot[i], i)
			c := slot[i] - int32(l.nIn)
			p.consts[c], p.constOps[c] = l.cval[i], l.g.Op(l.origin[i])
		}
	}
	s := scheduler{l: l}
	s.schedule(instrs, func(o op.Op, flags uint8, order []int32) {
		r := run{op: o, flags: flags, lo: int32(len(p.code)), d: int32(p.nd)}
		for _, i := range order {
			sl := p.base + int32(len(p.code))
			slot[i] = sl
			setOrigin(sl, i)
			in := instr{a: slot[l.a[i]], b: slot[l.a[i]]}
			if l.b[i] >= 0 {
				in.b = slot[l.b[i]]
			}
			p.code = append(p.code, in)
		}
		r.hi = int32(len(p.code))
		p.nd += stride(o) * len(order)
		p.runs = append(p.runs, r)
	})
	p.outs = make([]int32, len(outs))
	for k, out := range outs {
		p.outs[k] = slot[out]
	}
	p.out = p.outs[0]
	p.pool.New = func() any { return p.NewWorkspace() }
	return p
}

// Flags of a run: which arguments of its instructions are constants,
// whose adjoints and tangents are not needed.
const (
	constA = 1 << iota
	constB
)

// A scheduler orders the instructions into runs of one operation with
// the same constant arguments, as long as it can, so that the loops of a
// Workspace switch on the operation once a run rather than once an
// instruction. It is a list scheduler: it keeps the instructions whose
// arguments are ready in one queue for each kind of run, and empties the
// longest queue into the next run; an instruction made ready by the run
// and of its kind joins the run.
type scheduler struct {
	l *lowerer
}

// schedule calls emit with the instructions of each run, in order.
func (s *scheduler) schedule(instrs []int32, emit func(o op.Op, flags uint8, order []int32)) {
	l := s.l
	// dense[i] is the index in instrs of the value i, or -1.
	dense := make([]int32, len(l.ops))
	for i := range dense {
		dense[i] = -1
	}
	for k, i := range instrs {
		dense[i] = int32(k)
	}
	// The number of arguments of each instruction not yet scheduled, and
	// its users, in compressed rows.
	wait := make([]int32, len(instrs))
	start := make([]int32, len(instrs)+1)
	args := func(i int32) (int32, int32) {
		a, b := dense[l.a[i]], int32(-1)
		if l.b[i] >= 0 {
			b = dense[l.b[i]]
		}
		return a, b
	}
	for k, i := range instrs {
		a, b := args(i)
		for _, x := range [2]int32{a, b} {
			if x >= 0 {
				wait[k]++
				start[x+1]++
			}
		}
	}
	for k := range instrs {
		start[k+1] += start[k]
	}
	users := make([]int32, start[len(instrs)])
	fill := append([]int32(nil), start[:len(instrs)]...)
	for k, i := range instrs {
		a, b := args(i)
		for _, x := range [2]int32{a, b} {
			if x >= 0 {
				users[fill[x]] = int32(k)
				fill[x]++
			}
		}
	}
	kind := func(k int32) uint16 {
		i := instrs[k]
		var flags uint16
		if l.ops[l.a[i]] == op.Const {
			flags |= constA
		}
		if l.b[i] >= 0 && l.ops[l.b[i]] == op.Const {
			flags |= constB
		}
		return uint16(l.ops[i]) | flags<<8
	}
	queues := make([]*queue, 1<<10)
	var kinds []uint16 // the keys of queues, in the order they were made
	push := func(k int32) {
		c := kind(k)
		q := queues[c]
		if q == nil {
			q = new(queue)
			queues[c] = q
			kinds = append(kinds, c)
		}
		q.items = append(q.items, k)
	}
	for k := range instrs {
		if wait[k] == 0 {
			push(int32(k))
		}
	}
	var order []int32
	for done := 0; done < len(instrs); {
		// The longest queue; on a tie, the one whose first instruction
		// comes first.
		var best *queue
		var bestKind uint16
		for _, c := range kinds {
			q := queues[c]
			n := len(q.items) - q.head
			if n == 0 {
				continue
			}
			if m := len(best.pending()); best == nil || n > m || n == m && q.items[q.head] < best.items[best.head] {
				best, bestKind = q, c
			}
		}
		order = order[:0]
		for best.head < len(best.items) {
			k := best.items[best.head]
			best.head++
			order = append(order, instrs[k])
			for _, u := range users[start[k]:start[k+1]] {
				if wait[u]--; wait[u] == 0 {
					push(u)
				}
			}
		}
		best.items, best.head = best.items[:0], 0
		done += len(order)
		emit(op.Op(bestKind&0xff), uint8(bestKind>>8), order)
	}
}

type queue struct {
	items []int32
	head  int
}

func (q *queue) pending() []int32 {
	if q == nil {
		return nil
	}
	return q.items[q.head:]
}
