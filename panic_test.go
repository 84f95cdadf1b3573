package backprop_test

import (
	"testing"

	"github.com/gobackprop/backprop"
	"github.com/gobackprop/backprop/op"
)

// TestPanics checks that programmer misuse of the root package panics
// with a message that names the method and the problem.
func TestPanics(t *testing.T) {
	p := backprop.MustParse("f(x, y) = x*y\ng(x) = sin(x)")
	q := backprop.MustParse("h(x) = x")
	f, g := p.Func("f"), p.Func("g")
	x, y := p.Var("x"), p.Var("y")
	tests := []struct {
		name string
		call func()
		want string
	}{
		{"Partial past the end", func() { f.Partial(2) }, "backprop: Function.Partial: f has 2 parameters, no parameter 2"},
		{"Partial negative", func() { g.Partial(-1) }, "backprop: Function.Partial: g has 1 parameter, no parameter -1"},
		{"Apply a leaf", func() { p.Apply(op.Var, x) }, "backprop: Program.Apply: var is not a primitive: use Var, Const or Function.Apply"},
		{"Apply a call", func() { p.Apply(op.Call, x) }, "backprop: Program.Apply: call is not a primitive: use Var, Const or Function.Apply"},
		{"Apply an invalid op", func() { p.Apply(op.Invalid, x) }, "backprop: Program.Apply: invalid op 0"},
		{"Apply an op past the table", func() { p.Apply(op.Op(200), x) }, "backprop: Program.Apply: invalid op 200"},
		{"Apply with too few arguments", func() { p.Apply(op.Add, x) }, "backprop: Program.Apply: + expects 2 arguments, got 1"},
		{"Apply with too many arguments", func() { p.Apply(op.Sin, x, y) }, "backprop: Program.Apply: sin expects 1 argument, got 2"},
		{"Apply to another program's expression", func() { p.Apply(op.Sin, q.Var("x")) }, "backprop: Program.Apply: expression of another program"},
		{"Apply to the zero Expr", func() { p.Apply(op.Sin, backprop.Expr{}) }, "backprop: Program.Apply: the zero Expr is not an expression"},
		{"Function.Apply with too few arguments", func() { f.Apply(x) }, "backprop: Function.Apply: f expects 2 arguments, got 1"},
		{"Function.Apply to another program's expression", func() { g.Apply(q.Var("x")) }, "backprop: Function.Apply: expression of another program"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("%s: panic %v, want %q", tt.name, r, tt.want)
				}
			}()
			tt.call()
		}()
	}
}
