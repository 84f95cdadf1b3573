package expr

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Parse parses and lowers a program: the definitions in src become
// functions of one hash-consed expression DAG. Errors are returned as an
// ErrorList (up to MaxErrors) in source order: all syntax errors if there
// are any, otherwise all errors found while lowering (unknown names, wrong
// numbers of arguments, recursion, …).
func Parse(filename, src string) (*ir.Program, error) {
	f, err := ParseFile(filename, src)
	if err != nil {
		return nil, err
	}
	return Lower(f)
}

// Lower builds the program of a parsed file on a new graph. It reports
// duplicate and reserved names, unknown functions and variables, wrong
// numbers of arguments and recursive definitions.
func Lower(f *File) (*ir.Program, error) {
	return LowerInto(ir.NewGraph(), f)
}

// LowerInto is Lower on an existing graph g, so that several programs can
// share nodes.
func LowerInto(g *ir.Graph, f *File) (*ir.Program, error) {
	return lower(&ir.Program{Graph: g, Filename: f.Filename, Source: f.Src}, f)
}

// Extend parses src and adds its definitions to prog: they may call the
// functions prog already defines, on the same graph. On error prog is
// unchanged. A bare expression in src is an error.
func Extend(prog *ir.Program, filename, src string) error {
	f, err := ParseFile(filename, src)
	if err != nil {
		return err
	}
	if f.Expr != nil {
		return ErrorList{errorAt(filename, src, int(f.Expr.Pos()), "expected a definition such as f(x) = x^2, found an expression")}
	}
	ext, err := lower(&ir.Program{Graph: prog.Graph, Funcs: prog.Funcs}, f)
	if err != nil {
		return err
	}
	prog.Funcs = ext.Funcs
	return nil
}

func lower(prog *ir.Program, f *File) (_ *ir.Program, err error) {
	l := &lowerer{file: f, g: prog.Graph, funcs: make(map[string]*ir.Func), calls: make(map[*ir.Func][]callSite), declared: make(map[*ir.Func]bool)}
	known := len(prog.Funcs)
	for _, fn := range prog.Funcs {
		l.funcs[fn.Name] = fn
	}
	prog.Funcs = append([]*ir.Func(nil), prog.Funcs...)
	// Declare every function first, so that bodies may call definitions
	// that come later in the text.
	var defs []*Def
	for _, d := range f.Defs {
		if fn := l.declare(d); fn != nil {
			prog.Funcs = append(prog.Funcs, fn)
			defs = append(defs, d)
		}
	}
	for i, d := range defs {
		fn := prog.Funcs[known+i]
		l.current, l.params = fn, make(map[string]ir.ID)
		for j, p := range d.Params {
			l.params[p.Name] = fn.Params[j]
		}
		fn.Body = l.results(fn, d.Body)
	}
	if f.Expr != nil {
		// f, or main, or a main_N the program does not define.
		name := "f"
		if l.funcs[name] != nil {
			name = "main"
		}
		for i := 2; l.funcs[name] != nil; i++ {
			name = fmt.Sprintf("main_%d", i)
		}
		fn := &ir.Func{Name: name, Span: ir.Span{Start: int(f.Expr.Pos()), End: int(f.Expr.End())}}
		l.current, l.params, l.free = fn, make(map[string]ir.ID), fn
		if t, ok := f.Expr.(*Tuple); ok {
			fn.Outputs = make([]ir.ID, len(t.Elems))
		}
		fn.Body = l.results(fn, f.Expr)
		prog.Funcs = append(prog.Funcs, fn)
	}
	l.checkRecursion(prog.Funcs)
	if err := l.errors(); err != nil {
		return nil, err
	}
	return prog, nil
}

type callSite struct {
	callee *ir.Func
	at     Pos
}

type lowerer struct {
	file  *File
	g     *ir.Graph
	errs  []pending // the first MaxErrors errors in source order
	found int       // the number of errors found
	funcs map[string]*ir.Func
	calls map[*ir.Func][]callSite
	// declared holds the functions defined in this file (not earlier).
	declared map[*ir.Func]bool

	current *ir.Func
	params  map[string]ir.ID
	free    *ir.Func // the bare expression, whose free variables become parameters
}

// pending is an error found while lowering, before its position is
// worked out.
type pending struct {
	off int
	msg string
}

// errorAt records an error at pos. Lowering finds errors phase by phase
// (names, then bodies, then recursion), not in source order, so it goes
// through the whole program and keeps the MaxErrors errors that come
// first in the source; positions are worked out for those only.
func (l *lowerer) errorAt(pos Pos, format string, args ...any) {
	l.found++
	off := int(pos)
	i := sort.Search(len(l.errs), func(i int) bool { return l.errs[i].off > off })
	if i >= MaxErrors {
		return
	}
	l.errs = slices.Insert(l.errs, i, pending{off, fmt.Sprintf(format, args...)})
	if len(l.errs) > MaxErrors {
		l.errs = l.errs[:MaxErrors]
	}
}

// skip reports whether an error at pos would not be kept, and counts it if
// so: callers whose message is costly to make (a suggestion, a list of
// names) call it first, so that a program with many errors is lowered in
// linear time.
func (l *lowerer) skip(pos Pos) bool {
	if len(l.errs) < MaxErrors || int(pos) < l.errs[MaxErrors-1].off {
		return false
	}
	l.found++
	return true
}

// errors returns the errors kept, with their positions, and a last error
// that says how many more were found; nil if there are none.
func (l *lowerer) errors() error {
	if l.found == 0 {
		return nil
	}
	list := make(ErrorList, len(l.errs))
	for i, e := range l.errs {
		list[i] = errorAt(l.file.Filename, l.file.Src, e.off, "%s", e.msg)
	}
	if l.found > len(list) {
		list = append(list, &Error{Msg: fmt.Sprintf("too many errors (%d in all; the first %d are shown)", l.found, len(list))})
	}
	return list
}

func isConstName(name string) bool { return name == "pi" || name == "e" }

// reserved returns why name cannot name a function or parameter, or "".
func reserved(name string) string {
	if isConstName(name) {
		return name + " is a constant"
	}
	if _, ok := op.Lookup(name); ok {
		return name + " is a built-in function"
	}
	return ""
}

func (l *lowerer) declare(d *Def) *ir.Func {
	name := d.Name.Name
	if why := reserved(name); why != "" {
		l.errorAt(d.Name.At, "cannot define %s: %s", name, why)
		return nil
	}
	if prev := l.funcs[name]; prev != nil {
		if l.skip(d.Name.At) {
			return nil
		}
		if prev.Span.End <= len(l.file.Src) && l.declared[prev] {
			l.errorAt(d.Name.At, "%s is defined twice (first at %s)", name, position(l.file.Filename, l.file.Src, prev.Span.Start))
		} else {
			l.errorAt(d.Name.At, "%s is already defined", name)
		}
		return nil
	}
	fn := &ir.Func{Name: name, Span: ir.Span{Start: int(d.Name.Pos()), End: int(d.Body.End())}}
	seen := make(map[string]bool)
	for _, p := range d.Params {
		switch why := reserved(p.Name); {
		case why != "":
			l.errorAt(p.At, "cannot use %s as a parameter of %s: %s", p.Name, name, why)
		case seen[p.Name]:
			l.errorAt(p.At, "parameter %s of %s is named twice", p.Name, name)
		}
		seen[p.Name] = true
		id := l.g.Var(p.Name)
		l.g.SetSpan(id, ir.Span{Start: int(p.At), End: int(p.End())})
		fn.Params = append(fn.Params, id)
	}
	if t, ok := d.Body.(*Tuple); ok {
		fn.Outputs = make([]ir.ID, len(t.Elems))
	}
	l.funcs[name] = fn
	l.declared[fn] = true
	return fn
}

// results lowers the body of fn: one expression, or a tuple whose
// elements become fn.Outputs, the first of them fn.Body.
func (l *lowerer) results(fn *ir.Func, body Expr) ir.ID {
	t, ok := body.(*Tuple)
	if !ok {
		return l.expr(body)
	}
	for i, x := range t.Elems {
		fn.Outputs[i] = l.expr(x)
	}
	return fn.Outputs[0]
}

func (l *lowerer) span(x Expr, id ir.ID) ir.ID {
	l.g.SetSpan(id, ir.Span{Start: int(x.Pos()), End: int(x.End())})
	return id
}

// expr lowers x. After an error it returns a placeholder constant, so that
// lowering goes on and finds further errors.
func (l *lowerer) expr(x Expr) ir.ID {
	switch x := x.(type) {
	case *Number:
		return l.span(x, l.g.Const(x.Value))
	case *Paren:
		return l.expr(x.X)
	case *Unary:
		operand := x.X
		for {
			p, ok := operand.(*Paren)
			if !ok {
				break
			}
			operand = p.X
		}
		// A negated number is a number: -(2) and -2 are the same node, as
		// the printer writes negative constants.
		if n, ok := operand.(*Number); ok {
			return l.span(x, l.g.Const(-n.Value))
		}
		if id, ok := operand.(*Ident); ok && isConstName(id.Name) {
			return l.span(x, l.g.Const(-l.g.Node(l.ident(id)).Val)) // -pi and -e are numbers, as ir.FormatConst prints them
		}
		return l.span(x, l.g.Apply(op.Neg, l.expr(x.X), ir.None))
	case *Binary:
		a := l.expr(x.X)
		b := l.expr(x.Y)
		return l.span(x, l.g.Apply(x.Op, a, b))
	case *Ident:
		return l.span(x, l.ident(x))
	case *CallExpr:
		return l.span(x, l.call(x))
	case *Tuple:
		l.errorAt(x.Lparen, "a tuple (%s) can only be the whole body of a definition", plural(len(x.Elems), "value"))
		for _, e := range x.Elems {
			l.expr(e)
		}
		return l.g.Const(0)
	}
	panic(fmt.Sprintf("expr: unexpected expression %T", x))
}

func (l *lowerer) ident(x *Ident) ir.ID {
	switch x.Name {
	case "pi":
		return l.g.Const(math.Pi)
	case "e":
		return l.g.Const(math.E)
	}
	if id, ok := l.params[x.Name]; ok {
		return id
	}
	if fn := l.funcs[x.Name]; fn != nil {
		l.errorAt(x.At, "%s is a function of %s: call it as %s(…)", x.Name, plural(len(fn.Params), "argument"), x.Name)
		return l.g.Const(0)
	}
	if _, ok := op.Lookup(x.Name); ok {
		l.errorAt(x.At, "%s is a built-in function: call it as %s(…)", x.Name, x.Name)
		return l.g.Const(0)
	}
	if l.free != nil {
		id := l.g.Var(x.Name)
		l.params[x.Name] = id
		l.free.Params = append(l.free.Params, id)
		return id
	}
	if !l.skip(x.At) {
		l.errorAt(x.At, "undefined variable %s in %s (its parameters are %s)", x.Name, l.current.Name, l.paramList())
	}
	return l.g.Const(0)
}

func (l *lowerer) paramList() string {
	names := l.current.ParamNames(l.g)
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (l *lowerer) call(x *CallExpr) ir.ID {
	name := x.Fun.Name
	args := make([]ir.ID, len(x.Args))
	for i, a := range x.Args {
		args[i] = l.expr(a)
	}
	if o, ok := op.Lookup(name); ok {
		if len(args) != o.Arity() {
			l.errorAt(x.Fun.At, "%s: expected %s, got %d", name, plural(o.Arity(), "argument"), len(args))
			return l.g.Const(0)
		}
		y := ir.None
		if o.Arity() == 2 {
			y = args[1]
		}
		return l.g.Apply(o, args[0], y)
	}
	fn := l.funcs[name]
	if fn == nil {
		switch {
		case isConstName(name):
			l.errorAt(x.Fun.At, "%s is a constant, not a function", name)
		case l.isParam(name):
			l.errorAt(x.Fun.At, "%s is a variable, not a function", name)
		default:
			if !l.skip(x.Fun.At) {
				l.errorAt(x.Fun.At, "undefined function %s%s", name, l.suggest(name))
			}
		}
		return l.g.Const(0)
	}
	if len(args) != len(fn.Params) {
		l.errorAt(x.Fun.At, "%s: expected %s, got %d", name, plural(len(fn.Params), "argument"), len(args))
		return l.g.Const(0)
	}
	if len(fn.Outputs) > 0 {
		l.errorAt(x.Fun.At, "%s returns a tuple of %s and cannot be called in an expression", name, plural(len(fn.Outputs), "value"))
		return l.g.Const(0)
	}
	l.calls[l.current] = append(l.calls[l.current], callSite{callee: fn, at: x.Fun.At})
	return l.g.Call(fn, args...)
}

func (l *lowerer) isParam(name string) bool {
	_, ok := l.params[name]
	return ok
}

// suggest proposes a defined or built-in function whose name is close to
// name.
func (l *lowerer) suggest(name string) string {
	best, dist := "", 3
	try := func(c string) {
		if strings.EqualFold(c, name) {
			best, dist = c, -1 // a difference of case wins
			return
		}
		if d := editDistance(name, c); d < dist || d == dist && c < best {
			best, dist = c, d
		}
	}
	for c := range l.funcs {
		try(c)
	}
	for _, o := range op.All() {
		if o.Info().Notation == op.Function {
			try(o.String())
		}
	}
	try("ln")
	try("pow")
	if best == "" || dist > len(name)/2 {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkRecursion reports each cycle of calls once, at the call that closes
// it.
func (l *lowerer) checkRecursion(funcs []*ir.Func) {
	state := make(map[*ir.Func]int) // 0 unvisited, 1 on the path, 2 done
	reported := make(map[string]bool)
	var path []*ir.Func
	var visit func(fn *ir.Func)
	visit = func(fn *ir.Func) {
		state[fn] = 1
		path = append(path, fn)
		for _, c := range l.calls[fn] {
			switch state[c.callee] {
			case 0:
				visit(c.callee)
			case 1:
				var names []string
				for i := len(path) - 1; i >= 0; i-- {
					if path[i] == c.callee {
						for _, p := range path[i:] {
							names = append(names, p.Name)
						}
						break
					}
				}
				names = append(names, c.callee.Name)
				cycle := strings.Join(names, " calls ")
				if reported[cycle] {
					continue
				}
				reported[cycle] = true
				l.errorAt(c.at, "recursive definition: %s (backprop functions cannot call themselves)", strings.Join(names, " calls "))
			}
		}
		path = path[:len(path)-1]
		state[fn] = 2
	}
	for _, fn := range funcs {
		if state[fn] == 0 {
			visit(fn)
		}
	}
}
