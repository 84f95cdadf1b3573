package tape

import (
	"fmt"
	"strconv"
	"unicode"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// Graph converts the recording of out into an expression DAG: it returns a
// new graph and a function on it, called f, whose parameters are the
// inputs and whose body computes out from them with the operations the
// tape recorded. The parameters are named by names, or x0, x1, … when
// names is empty. This is "trace once, run many times": the function can
// be printed, differentiated symbolically or compiled.
//
// The trace records the branches the Go code took, and the values of the
// Vars that are not among inputs become constants of the function. An
// input need not be a leaf of the tape: the trace is cut there. Graph
// returns an error if out depends on a primitive of [Tape.Custom], if
// len(names) is neither 0 nor len(inputs), if a name is not an identifier
// of backprop's language or is used twice, or if an input is given twice.
// It panics if out or an input is not a valid Var of t.
func (t *Tape) Graph(out Var, inputs []Var, names ...string) (*ir.Graph, *ir.Func, error) {
	t.own(out)
	for _, in := range inputs {
		t.own(in)
	}
	if len(names) == 0 {
		names = make([]string, len(inputs))
		for k := range names {
			names[k] = "x" + strconv.Itoa(k)
		}
	} else if len(names) != len(inputs) {
		return nil, nil, fmt.Errorf("tape: Graph: %d names for %d inputs", len(names), len(inputs))
	}
	seen := make(map[string]int, len(names))
	for k, name := range names {
		if err := checkName(name); err != nil {
			return nil, nil, err
		}
		if j, ok := seen[name]; ok {
			return nil, nil, fmt.Errorf("tape: Graph: inputs %d and %d are both named %s", j, k, name)
		}
		seen[name] = k
	}

	// input[i] is 1 + the position of record i among the inputs, or 0.
	input := make(map[uint32]int, len(inputs))
	for k, in := range inputs {
		if j, ok := input[in.i]; ok {
			return nil, nil, fmt.Errorf("tape: Graph: inputs %d and %d are the same Var", j, k)
		}
		input[in.i] = k
	}

	// The records out depends on, not looking past the inputs.
	reach := make([]bool, out.i+1)
	reach[out.i] = true
	for i := out.i; i >= sinks; i-- {
		if _, ok := input[i]; ok || !reach[i] {
			continue
		}
		r := &t.rec[i]
		reach[r.xi()] = true
		reach[r.yi()] = true
	}

	g := ir.NewGraph()
	fn := &ir.Func{Name: "f", Params: make([]ir.ID, len(inputs))}
	for k, name := range names {
		fn.Params[k] = g.Var(name)
	}
	img := make([]ir.ID, out.i+1)
	for i := uint32(sinks); i <= out.i; i++ {
		if !reach[i] {
			continue
		}
		if k, ok := input[i]; ok {
			img[i] = fn.Params[k]
			continue
		}
		r := &t.rec[i]
		switch {
		case r.form() == custom:
			return nil, nil, fmt.Errorf("tape: Graph: record %d is a custom primitive, which has no formula", int(i)-sinks)
		case r.op() == op.Var || r.op() == op.Const:
			img[i] = g.Const(t.val[i])
		case r.form() == vc:
			img[i] = g.Apply(r.op(), img[r.xi()], g.Const(r.dy))
		case r.form() == cv:
			img[i] = g.Apply(r.op(), g.Const(r.dx), img[r.yi()])
		case r.op().Arity() == 1:
			img[i] = g.Apply(r.op(), img[r.xi()], ir.None)
		default:
			img[i] = g.Apply(r.op(), img[r.xi()], img[r.yi()])
		}
	}
	fn.Body = img[out.i]
	return g, fn, nil
}

// checkName reports whether name can name a variable in backprop's
// language: an identifier that is not a constant or a built-in function.
func checkName(name string) error {
	ok := name != ""
	for k, c := range name {
		if !(c == '_' || unicode.IsLetter(c) || k > 0 && unicode.IsDigit(c)) {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("tape: Graph: %q is not a name", name)
	}
	if _, builtin := op.Lookup(name); builtin || name == "pi" || name == "e" {
		return fmt.Errorf("tape: Graph: %s is a built-in name and cannot name an input", name)
	}
	return nil
}
