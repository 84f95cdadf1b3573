package ir_test

import (
	"errors"
	"math"
	"testing"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

func TestHashConsing(t *testing.T) {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	a := g.Apply(op.Mul, x, y)
	if b := g.Apply(op.Mul, x, y); a != b {
		t.Errorf("x*y built twice: %d and %d", a, b)
	}
	if c := g.Apply(op.Mul, y, x); c == a {
		t.Error("y*x merged with x*y: raw graphs must keep the structure written")
	}
	two1, two2 := g.Const(2), g.Const(2)
	nan1, nan2 := g.Const(math.NaN()), g.Const(math.NaN())
	if g.Var("x") != x || two1 != two2 || nan1 != nan2 {
		t.Error("leaves not shared")
	}
	if g.Const(0) == g.Const(math.Copysign(0, -1)) {
		t.Error("0 and -0 merged")
	}
	if s := g.Apply(op.Sin, x, y); g.Node(s).Y != ir.None || s != g.Apply(op.Sin, x, ir.None) {
		t.Error("unary Apply keeps its ignored second argument")
	}
	fn := &ir.Func{Name: "f", Params: []ir.ID{x}, Body: g.Apply(op.Exp, x, ir.None)}
	fy1, fy2 := g.Call(fn, y), g.Call(fn, y)
	if fy1 != fy2 || fy1 == g.Call(fn, x) {
		t.Error("calls not hash-consed by function and arguments")
	}
}

func TestTopoDeep(t *testing.T) {
	g := ir.NewGraph()
	x := g.Var("x")
	n := x
	const depth = 1_000_000
	for i := range depth {
		if i%2 == 0 {
			n = g.Apply(op.Sin, n, ir.None)
		} else {
			n = g.Apply(op.Add, n, x)
		}
	}
	order := g.Topo(n)
	if len(order) != depth+1 || order[0] != x || order[len(order)-1] != n {
		t.Fatalf("topological order of a chain: %d nodes, first %d, last %d", len(order), order[0], order[len(order)-1])
	}
	v, err := ir.NewEvaluator(g).Eval(n, map[string]float64{"x": 0.5})
	if err != nil {
		t.Fatal(err)
	}
	want := 0.5
	for i := range depth {
		if i%2 == 0 {
			want = math.Sin(want)
		} else {
			want += 0.5
		}
	}
	if v != want {
		t.Errorf("value %v, want %v", v, want)
	}
}

func seedProgram() (*ir.Graph, *ir.Func) {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	pi := g.Const(math.Pi)
	f1 := &ir.Func{Name: "f_1", Params: []ir.ID{x, y}, Body: g.Apply(op.Add,
		g.Apply(op.Sin, g.Apply(op.Mul, pi, x), ir.None), g.Apply(op.Cos, g.Apply(op.Mul, pi, y), ir.None))}
	f2 := &ir.Func{Name: "f_2", Params: []ir.ID{x, y}, Body: g.Apply(op.Pow, x, y)}
	f3 := &ir.Func{Name: "f_3", Params: []ir.ID{x}, Body: g.Apply(op.Log, x, ir.None)}
	x1, x2 := g.Var("x_1"), g.Var("x_2")
	body := g.Call(f1, g.Call(f2, x1, g.Call(f2, x2, x1)), g.Call(f3, x1))
	return g, &ir.Func{Name: "f", Params: []ir.ID{x1, x2}, Body: body}
}

func TestEvalCallsAndInline(t *testing.T) {
	g, f := seedProgram()
	ev := ir.NewEvaluator(g)
	v, err := ev.Apply(f, []float64{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	want := math.Sin(math.Pi*512) + math.Cos(math.Pi*math.Log(2))
	if v != want {
		t.Errorf("f(2, 3) = %v, want %v", v, want)
	}
	if got := g.String(f.Body); got != "f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))" {
		t.Errorf("String = %q", got)
	}
	in := g.Inline(g, f.Body)
	if got := g.String(in); got != "sin(pi*x_1^x_2^x_1) + cos(pi*log(x_1))" {
		t.Errorf("inlined: %q", got)
	}
	w, err := ev.Eval(in, map[string]float64{"x_1": 2, "x_2": 3})
	if err != nil || w != v {
		t.Errorf("inlined value %v (%v), want %v", w, err, v)
	}
	if _, err := ev.Apply(f, []float64{2}); err == nil {
		t.Error("wrong number of arguments accepted")
	}
	if _, err := ev.Eval(f.Body, map[string]float64{"x_1": 2}); err == nil {
		t.Error("missing variable accepted")
	}
}

// TestInlineAll checks that inlining several roots at once gives what
// inlining each does, for roots that share a call and one without.
func TestInlineAll(t *testing.T) {
	g, f := seedProgram()
	x1 := f.Params[0]
	roots := []ir.ID{f.Body, g.Apply(op.Neg, f.Body, ir.None), x1}
	got := g.InlineAll(g, roots...)
	for i, r := range roots {
		if want := g.Inline(g, r); got[i] != want {
			t.Errorf("root %d: InlineAll gives %s, Inline %s", i, g.String(got[i]), g.String(want))
		}
	}
}

func TestSubst(t *testing.T) {
	g := ir.NewGraph()
	x, y := g.Var("x"), g.Var("y")
	e := g.Apply(op.Mul, g.Apply(op.Sin, x, ir.None), x)
	s := g.Subst(g, e, map[ir.ID]ir.ID{x: g.Apply(op.Add, y, g.Const(1))})
	if got := g.String(s); got != "sin(y + 1)*(y + 1)" {
		t.Errorf("Subst: %q", got)
	}
}

func TestCheck(t *testing.T) {
	g := ir.NewGraph()
	x := g.Var("x")
	l := g.Apply(op.Log, x, ir.None)
	g.SetSpan(l, ir.Span{Start: 4, End: 10})
	root := g.Apply(op.Add, l, g.Const(1))
	ev := ir.NewEvaluator(g)
	if v, err := ev.Eval(root, map[string]float64{"x": -1}); err != nil || !math.IsNaN(v) {
		t.Errorf("unchecked: %v, %v; want NaN and no error", v, err)
	}
	ev.Check = true
	_, err := ev.Eval(root, map[string]float64{"x": -1})
	var nf *ir.NonFiniteError
	if !errors.As(err, &nf) || nf.Node != l || nf.Pass != "forward" || nf.Span != (ir.Span{Start: 4, End: 10}) || nf.Args[0] != -1 {
		t.Fatalf("got %#v", err)
	}
	if got := nf.Error(); got != "forward pass: value of node 1 (log of -1) is NaN" {
		t.Errorf("message %q", got)
	}
}

func TestFormatConst(t *testing.T) {
	for v, want := range map[float64]string{
		2: "2", 0.5: "0.5", 1e-3: "0.001", 1e21: "1e+21", math.Pi: "pi", -math.E: "-e",
		math.Inf(1): "(1/0)", math.Inf(-1): "(-1/0)", -2.5: "-2.5",
	} {
		if got := ir.FormatConst(v); got != want {
			t.Errorf("FormatConst(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestProgramTarget(t *testing.T) {
	g, f := seedProgram()
	p := &ir.Program{Graph: g, Funcs: []*ir.Func{f}}
	if fn, err := p.Target(""); err != nil || fn != f {
		t.Errorf("Target(\"\") = %v, %v", fn, err)
	}
	if _, err := p.Target("g"); err == nil {
		t.Error("Target of an unknown name")
	}
	if _, err := (&ir.Program{}).Target(""); err == nil {
		t.Error("Target of an empty program")
	}
}
