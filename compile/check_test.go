package compile_test

import (
	"errors"
	"math"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// TestCheck checks the first non-finite value or adjoint that Check
// reports, and where it says the node was written.
func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		src  string
		x    []float64
		grad bool // whether to pass a dst

		pass string  // "" for no error
		node string  // the source text of the node
		fn   string  // the function whose body holds it
		op   op.Op   // its operation
		val  float64 // the non-finite value or adjoint
		args []float64
	}{
		{name: "finite", src: "f(x) = log(x)", x: []float64{2}, grad: true},
		{
			name: "forward in a body",
			src:  "g(a) = 2*log(a)\nf(x) = g(x) + x",
			x:    []float64{-1}, grad: true,
			pass: "forward", node: "log(a)", fn: "g", op: op.Log, val: math.NaN(), args: []float64{-1},
		},
		{
			name: "forward without gradient",
			src:  "f(x, y) = x + y/x",
			x:    []float64{0, 1},
			pass: "forward", node: "y/x", fn: "f", op: op.Div, val: math.Inf(1), args: []float64{1, 0},
		},
		{
			name: "input",
			src:  "f(x, y) = x + y",
			x:    []float64{1, math.Inf(-1)},
			pass: "forward", node: "y", fn: "f", op: op.Var, val: math.Inf(-1),
		},
		{
			name: "backward",
			src:  "f(x) = sqrt(x) + 1",
			x:    []float64{0}, grad: true,
			pass: "backward", node: "x", fn: "f", op: op.Var, val: math.Inf(1),
		},
		{
			name: "backward from the result",
			src:  "h(a) = a^3\nf(x) = h(sqrt(x)) * 0 + x",
			x:    []float64{0}, grad: true,
			pass: "backward", node: "x", fn: "f", op: op.Var, val: math.NaN(),
		},
		{
			name: "backward in a body",
			src:  "h(a) = 1 - a\nf(x) = sqrt(h(x)) + x",
			x:    []float64{1}, grad: true,
			pass: "backward", node: "1 - a", fn: "h", op: op.Sub, val: math.Inf(1), args: []float64{1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog, fn := parse(t, tt.src)
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				t.Fatal(err)
			}
			var dst []float64
			if tt.grad {
				dst = make([]float64, p.NumInputs())
			}
			want := p.Value(tt.x)
			got, err := p.Check(dst, tt.x)
			if !identical(got, want) {
				t.Errorf("Check returned %v, want the value %v", got, want)
			}
			if tt.grad {
				grad := make([]float64, p.NumInputs())
				p.Gradient(grad, tt.x)
				for i := range grad {
					if !identical(dst[i], grad[i]) {
						t.Errorf("Check's gradient %v, want Gradient's %v", dst, grad)
					}
				}
			}
			if tt.pass == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var nf *ir.NonFiniteError
			if !errors.As(err, &nf) {
				t.Fatalf("Check: error %v, want a *ir.NonFiniteError", err)
			}
			span := prog.Source[nf.Span.Start:nf.Span.End]
			fname := ""
			if nf.Func != nil {
				fname = nf.Func.Name
			}
			if nf.Pass != tt.pass || span != tt.node || fname != tt.fn || nf.Op != tt.op || !identical(nf.Value, tt.val) {
				t.Errorf("Check: %s pass, node %q in %s, op %v, value %v; want %s, %q in %s, %v, %v\n(%v)",
					nf.Pass, span, fname, nf.Op, nf.Value, tt.pass, tt.node, tt.fn, tt.op, tt.val, err)
			}
			if len(nf.Args) != len(tt.args) {
				t.Fatalf("arguments %v, want %v", nf.Args, tt.args)
			}
			for i := range nf.Args {
				if !identical(nf.Args[i], tt.args[i]) {
					t.Errorf("arguments %v, want %v", nf.Args, tt.args)
				}
			}
			if prog.Graph.Node(nf.Node).Op != tt.op {
				t.Errorf("node %d is a %v, want %v", nf.Node, prog.Graph.Node(nf.Node).Op, tt.op)
			}
		})
	}
}

// TestCheckConstant checks that a constant folded to NaN is reported as a
// value of the forward pass, at the node that was folded.
func TestCheckConstant(t *testing.T) {
	g := ir.NewGraph()
	x := g.Var("x")
	bad := g.Apply(op.Log, g.Const(-1), ir.None)
	p, err := compile.Expr(g, g.Apply(op.Add, x, bad), []ir.ID{x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Check(make([]float64, 1), []float64{1})
	var nf *ir.NonFiniteError
	if !errors.As(err, &nf) || nf.Node != bad || nf.Op != op.Log || nf.Pass != "forward" || nf.Func != nil {
		t.Errorf("Check: %v, want the forward value of node %d", err, bad)
	}
}
