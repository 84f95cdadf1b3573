package compile

import (
	"fmt"
	"testing"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// TestSchedule checks that the instructions of the extended Rosenbrock
// function form a few runs, whatever the number of variables, and that
// every instruction comes after its arguments.
func TestSchedule(t *testing.T) {
	for _, n := range []int{2, 4, 10, 1000} {
		g := ir.NewGraph()
		in := make([]ir.ID, n)
		for i := range in {
			in[i] = g.Var(fmt.Sprint("x", i))
		}
		sum := ir.None
		for i := 0; i+1 < n; i += 2 {
			a := g.Apply(op.Sub, in[i+1], g.Apply(op.Mul, in[i], in[i]))
			b := g.Apply(op.Sub, g.Const(1), in[i])
			term := g.Apply(op.Add, g.Apply(op.Mul, g.Const(100), g.Apply(op.Mul, a, a)), g.Apply(op.Mul, b, b))
			if sum == ir.None {
				sum = term
			} else {
				sum = g.Apply(op.Add, sum, term)
			}
		}
		p, err := Expr(g, sum, in, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Runs of x0², x1-x0², (x1-x0²)², 100(x1-x0²)², 1-x0,
		// (1-x0)², and the terms and their sum.
		if want := min(7, 4*n-1); len(p.runs) != want {
			t.Errorf("n = %d: %d runs, want %d", n, len(p.runs), want)
		}
		for k, r := range p.runs {
			if r.lo >= r.hi || k > 0 && r.lo != p.runs[k-1].hi {
				t.Errorf("n = %d: run %d is [%d, %d)", n, k, r.lo, r.hi)
			}
			for i := r.lo; i < r.hi; i++ {
				s := p.base + i
				if in := p.code[i]; in.a >= s || in.b >= s {
					t.Errorf("n = %d: instruction of slot %d reads slots %d and %d", n, s, in.a, in.b)
				}
			}
		}
	}
}
