package tape

import (
	"errors"
	"fmt"
	"github.com/gobackprop/backprop/internal/golden"
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/op"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name   string
		f      func(*Tape) Var
		record int
		op     op.Op
		pass   string
	}{
		{"log of a negative", func(t *Tape) Var {
			x := t.Var(-1)
			return Log(x).Add(x)
		}, 1, op.Log, "forward"},
		{"sqrt at 0: finite value, infinite slope", func(t *Tape) Var {
			x := t.Var(0)
			return Sqrt(x).MulConst(2)
		}, 0, op.Var, "backward"},
		{"division by a constant 0", func(t *Tape) Var {
			x := t.Var(1)
			return Exp(x.DivConst(0))
		}, 1, op.Div, "forward"},
		{"0 - ∞", func(t *Tape) Var {
			x := t.Var(1e308)
			return x.Mul(x).RSub(0)
		}, 1, op.Mul, "forward"},
		{"custom", func(t *Tape) Var {
			x, y, z := t.Var(1), t.Var(2), t.Var(3)
			return t.Custom(math.NaN(), []Var{x, y, z}, []float64{1, 1, 1}).Add(x)
		}, 4, op.Call, "forward"},
		{"custom partial", func(t *Tape) Var {
			x, y := t.Var(1), t.Var(2)
			return t.Custom(1, []Var{x, y}, []float64{math.Inf(1), 1}).Mul(y)
		}, 0, op.Var, "backward"},
		{"not reached", func(t *Tape) Var {
			x := t.Var(-1)
			Log(x) // NaN, but out does not depend on it
			return x.MulConst(2)
		}, -1, 0, ""},
	}
	var b strings.Builder
	for _, tt := range tests {
		tp := New()
		err := tp.Check(tt.f(tp))
		fmt.Fprintf(&b, "%s: %v\n", tt.name, err)
		if tt.record < 0 {
			if err != nil {
				t.Errorf("%s: %v, want nil", tt.name, err)
			}
			continue
		}
		var nf *NonFiniteError
		if !errors.As(err, &nf) {
			t.Errorf("%s: error %v, want a *NonFiniteError", tt.name, err)
			continue
		}
		if nf.Record != tt.record || nf.Op != tt.op || nf.Pass != tt.pass {
			t.Errorf("%s: record %d (%v) in the %s pass, want record %d (%v) in the %s pass",
				tt.name, nf.Record, nf.Op, nf.Pass, tt.record, tt.op, tt.pass)
		}
	}
	golden.Check(t, "check.golden", []byte(b.String()))
}
