package tape

import (
	"fmt"

	"github.com/gobackprop/backprop/op"
)

// Custom records a primitive of the caller's: a Var of the given value
// whose partial derivative with respect to inputs[i] is partials[i]. It is
// the escape hatch for functions with a better derivative than the one
// the tape would record, such as a solver's result or a fused kernel. It
// panics if len(partials) != len(inputs) or an input is not a Var of t.
//
// A primitive of n > 2 inputs takes n-1 records, which the backward pass
// runs through with no special case. [Tape.Graph] cannot convert a custom
// primitive, having no formula for it.
func (t *Tape) Custom(value float64, inputs []Var, partials []float64) Var {
	if len(partials) != len(inputs) {
		panic(fmt.Sprintf("tape: Custom: %d inputs but %d partials", len(inputs), len(partials)))
	}
	for _, in := range inputs {
		t.own(in)
	}
	switch len(inputs) {
	case 0:
		t.room()
		s := t.sink()
		return t.push(value, s, s^sinks/2, 0, 0, op.Call, custom)
	case 1:
		t.room()
		return t.push1(value, inputs[0].i, partials[0], 0, op.Call, custom)
	}
	// A chain of links: link 1 is (inputs[0], inputs[1]), link k is
	// (link k-1, inputs[k]) with partial 1 for the link, the last one is
	// the result. The adjoint of the result reaches every link unchanged.
	prev, d := inputs[0].i, partials[0]
	last := len(inputs) - 1
	for k := 1; k < last; k++ {
		t.room()
		prev = t.push(value, prev, inputs[k].i, d, partials[k], link, custom).i
		d = 1
	}
	t.room()
	return t.push(value, prev, inputs[last].i, d, partials[last], op.Call, custom)
}

// customInputs returns the values of the inputs of the custom primitive
// of record i, following its chain of links.
func (t *Tape) customInputs(i uint32) []float64 {
	var rev []float64
	for {
		r := &t.rec[i]
		if !isSink(r.yi()) {
			rev = append(rev, t.val[r.yi()])
		}
		if isSink(r.xi()) {
			break
		}
		if t.op(r.xi()) != link {
			rev = append(rev, t.val[r.xi()])
			break
		}
		i = r.xi()
	}
	args := make([]float64, len(rev))
	for k, v := range rev {
		args[len(rev)-1-k] = v
	}
	return args
}
