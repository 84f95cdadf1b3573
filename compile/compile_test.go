package compile_test

import (
	"strings"
	"testing"

	"github.com/gobackprop/backprop/internal/golden"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// parse parses src and returns its graph and its last function.
func parse(t testing.TB, src string) (*ir.Program, *ir.Func) {
	t.Helper()
	prog, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := prog.Target("")
	if err != nil {
		t.Fatal(err)
	}
	return prog, fn
}

// TestListing compares the listings of the seed's programs with the
// golden files testdata/*.golden; go test -update rewrites them.
func TestListing(t *testing.T) {
	for i, tt := range seedTests {
		name := strings.ReplaceAll(tt.Name, " ", "_")
		t.Run(name, func(t *testing.T) {
			got := seedProgram(t, i).String()
			golden.Check(t, name+".golden", []byte(got))
		})
	}
}

// TestShape checks the number of inputs, constants and instructions of
// compiled programs: calls inlined and shared, constants folded and dead
// code dropped.
func TestShape(t *testing.T) {
	tests := []struct {
		name, src            string
		inputs, consts, code int
	}{
		{"identity", "f(x) = x", 1, 0, 0},
		{"constant", "f(x) = 3", 1, 1, 0},
		{"folded", "f(x) = x*(2+3)", 1, 1, 1},
		{"folded call", "g(a) = a^2\nf(x) = x + g(3)", 1, 1, 1},
		{"unused argument", "g(a, b) = a\nf(x, y) = g(x, sin(y))", 2, 0, 0},
		{"shared call", "g(a) = sin(a)*a\nf(x) = g(x) + g(x)", 1, 0, 3},
		{"shared inlined bodies", "g(a) = sin(a)\nh(a) = sin(a)\nf(x) = g(x) * h(x)", 1, 0, 2},
		{"nested calls", "g(a) = a*a\nh(a) = g(g(a))\nf(x) = h(x) + g(x)", 1, 0, 3},
		{"unused input", "f(x, y) = x + 1", 2, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog, fn := parse(t, tt.src)
			n := prog.Graph.Len()
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				t.Fatal(err)
			}
			if prog.Graph.Len() != n {
				t.Errorf("compile.Func added %d nodes to the graph", prog.Graph.Len()-n)
			}
			if p.NumInputs() != tt.inputs || p.NumConsts() != tt.consts || p.Len() != tt.code {
				t.Errorf("%d inputs, %d constants, %d instructions; want %d, %d, %d\n%s",
					p.NumInputs(), p.NumConsts(), p.Len(), tt.inputs, tt.consts, tt.code, p)
			}
		})
	}
}

// TestBuilder checks that compiling with a builder (here the graph itself,
// through ir.Graph.Inline) gives the same values and gradients.
func TestBuilder(t *testing.T) {
	for i, tt := range seedTests {
		t.Run(tt.Name, func(t *testing.T) {
			p := seedProgram(t, i)
			src := tt.Src
			prog, fn := parse(t, src)
			q, err := compile.Func(prog.Graph, fn, &compile.Settings{Builder: prog.Graph})
			if err != nil {
				t.Fatal(err)
			}
			if q.Len() != p.Len() {
				t.Errorf("%d instructions with the builder, %d without", q.Len(), p.Len())
			}
			g1, g2 := make([]float64, p.NumInputs()), make([]float64, q.NumInputs())
			v1, v2 := p.Gradient(g1, tt.X), q.Gradient(g2, tt.X)
			if v1 != v2 {
				t.Errorf("value %v with the builder, %v without", v2, v1)
			}
			for j := range g1 {
				if !close(g1[j], g2[j], 1e-15) {
					t.Errorf("∂f/∂x%d = %v with the builder, %v without", j+1, g2[j], g1[j])
				}
			}
		})
	}
}

// TestErrors checks the errors of Func and Expr.
func TestErrors(t *testing.T) {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	sum := g.Apply(op.Add, x, y)
	two := g.Const(2)

	// A function that calls itself, which the parser would have refused.
	rec := &ir.Func{Name: "r", Params: []ir.ID{x}}
	rec.Body = g.Apply(op.Sin, g.Call(rec, x), ir.None)
	callsRec := g.Apply(op.Mul, g.Call(rec, y), x)

	tests := []struct {
		name   string
		root   ir.ID
		inputs []ir.ID
		want   string
	}{
		{"not an input", sum, []ir.ID{x}, "compile: variable y is not an input"},
		{"not a variable", sum, []ir.ID{x, two}, "compile: input 1 (node 3) is a const node, not a variable"},
		{"twice", sum, []ir.ID{x, y, x}, "compile: variable x is input 2 and an earlier input"},
		{"root out of range", 1000, []ir.ID{x}, "compile: root 1000 is not a node of the graph"},
		{"input out of range", sum, []ir.ID{-1}, "compile: input 0 (node -1) is not a node of the graph"},
		{"recursive", callsRec, []ir.ID{x, y}, "compile: r calls itself"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []*compile.Settings{nil, {Builder: g}} {
				p, err := compile.Expr(g, tt.root, tt.inputs, c)
				if err == nil || err.Error() != tt.want {
					t.Errorf("Builder %v: got %v, %v; want error %q", c != nil, p, err, tt.want)
				}
			}
		})
	}
}

// TestPanics checks that misuse panics with a message naming the package
// and the cause.
func TestPanics(t *testing.T) {
	prog, fn := parse(t, "f(x, y) = x*y")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := p.NewWorkspace()
	two, three := make([]float64, 2), make([]float64, 3)
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"Value", func() { p.Value(three) }, "compile: x has length 3, want 2 inputs"},
		{"Gradient x", func() { p.Gradient(two, three) }, "compile: x has length 3, want 2 inputs"},
		{"Gradient dst", func() { p.Gradient(three, two) }, "compile: dst has length 3, want 2 inputs"},
		{"Workspace Gradient", func() { w.Gradient(nil, two) }, "compile: dst has length 0, want 2 inputs"},
		{"JVP", func() { p.JVP(two, three) }, "compile: JVP: v has length 3, want 2 inputs"},
		{"Check", func() { p.Check(three, two) }, "compile: dst has length 3, want 2 inputs"},
		{"Batch", func() { p.GradientBatch(make([][]float64, 1), nil, nil) }, "compile: GradientBatch: dst has length 1, want 0 (len(xs))"},
		{"Batch values", func() { p.GradientBatch(nil, nil, two) }, "compile: GradientBatch: values has length 2, want 0 (len(xs))"},
		{"Batch point", func() { p.GradientBatch([][]float64{two, two}, [][]float64{two, three}, nil) }, "compile: GradientBatch: xs[1] has length 3, want 2 inputs"},
		{"nil graph", func() { compile.Expr(nil, 0, nil, nil) }, "compile: nil graph"},
		{"nil function", func() { compile.Func(prog.Graph, nil, nil) }, "compile: Func: nil function"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("panic %v, want %q", r, tt.want)
				}
			}()
			tt.f()
		})
	}
}

// TestInputs checks the names and order of the inputs.
func TestInputs(t *testing.T) {
	prog, fn := parse(t, "f(b, a, c) = a - b*c")
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(p.Inputs(), " "); got != "b a c" {
		t.Errorf("Inputs() = %s, want b a c", got)
	}
	grad := make([]float64, 3)
	if v := p.Gradient(grad, []float64{2, 10, 3}); v != 4 || grad[0] != -3 || grad[1] != 1 || grad[2] != -2 {
		t.Errorf("f(2, 10, 3) = %v, ∇f = %v; want 4, [-3 1 -2]", v, grad)
	}
}
