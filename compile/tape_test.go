package compile_test

import (
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/tape"
)

// rosenbrockTape is the extended Rosenbrock function written as Go code on
// tape variables.
func rosenbrockTape(x []tape.Var) tape.Var {
	var sum tape.Var
	for i := 0; i+1 < len(x); i += 2 {
		d := x[i+1].Sub(x[i].Mul(x[i]))
		e := x[i].RSub(1)
		term := d.Mul(d).MulConst(100).Add(e.Mul(e))
		if i == 0 {
			sum = term
		} else {
			sum = sum.Add(term)
		}
	}
	return sum
}

// TestTape traces the Rosenbrock function on a tape once, compiles the
// trace and evaluates the program at other points: its control flow does
// not depend on the inputs, so the program is valid everywhere.
func TestTape(t *testing.T) {
	const n = 100
	tp := tape.New()
	xs := tp.Vars(seedtest.RosenbrockStart(n))
	g, fn, err := tp.Graph(rosenbrockTape(xs), xs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.NumInputs() != n || p.Len() != 4*n-1 {
		t.Errorf("%d inputs, %d instructions; want %d, %d", p.NumInputs(), p.Len(), n, 4*n-1)
	}
	grad, want := make([]float64, n), make([]float64, n)
	for k := range 5 {
		x := seedtest.RosenbrockStart(n)
		for i := range x {
			x[i] += 0.1 * float64((i*7+k*3)%11-5)
		}
		v := p.Gradient(grad, x)
		if wantV := seedtest.Rosenbrock(x); !close(v, wantV, 1e-14) {
			t.Errorf("f = %v, want %v", v, wantV)
		}
		seedtest.RosenbrockGrad(want, x)
		// The tape, recording the same Go code at x, gives the same
		// gradient.
		tp.Reset()
		vs := tp.Vars(x)
		onTape := tp.Gradient(nil, rosenbrockTape(vs), vs)
		for i := range grad {
			if !close(grad[i], want[i], 1e-12) || !close(grad[i], onTape[i], 1e-14) {
				t.Fatalf("∂f/∂x%d = %v, want %v (tape: %v)", i, grad[i], want[i], onTape[i])
			}
		}
	}
}

// TestTapeControlFlow shows why a trace is valid only while the control
// flow of the Go code does not depend on the inputs: the trace of
// |x| = (if x > 0 then x else -x) at x = 2 is the identity, and the
// compiled program computes x at every x.
func TestTapeControlFlow(t *testing.T) {
	abs := func(x tape.Var) tape.Var {
		if x.Value() > 0 {
			return x
		}
		return x.Neg()
	}
	tp := tape.New()
	x := tp.Var(2)
	g, fn, err := tp.Graph(abs(x).MulConst(1), []tape.Var{x})
	if err != nil {
		t.Fatal(err)
	}
	p, err := compile.Func(g, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := p.Value([]float64{2}); v != 2 {
		t.Errorf("at 2: %v, want 2", v)
	}
	if v := p.Value([]float64{-3}); v != -3 {
		t.Errorf("at -3: %v, want -3, the value of the branch traced (|-3| is 3)", v)
	}
}
