package tape

import (
	"fmt"
	"github.com/gobackprop/backprop/internal/golden"
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
)

// traces are Go functions to trace into graphs, for the golden file and
// the round trips.
var traces = []struct {
	name string
	f    func(*Tape, []Var) Var
	x    []float64
}{
	{"seed", seed, []float64{2, 3}},
	{"section1", seedSection1, []float64{1}},
	{"appendix", seedAppendix, []float64{2, 3}},
	{"rosenbrock", rosenbrock, []float64{1.2, 1, 1.2, 1}},
	{"branches", func(t *Tape, x []Var) Var {
		// Go control flow: the trace keeps the branch taken.
		s := x[0]
		for i := 0; i < 3; i++ {
			if s.Value() > 1 {
				s = s.DivConst(2)
			} else {
				s = Max(s.Mul(x[1]), Tanh(s)).RPow(2)
			}
		}
		return Atan2(s, x[1].RSub(1)).Add(Sigmoid(x[0]).SubConst(0.5))
	}, []float64{0.7, 1.9}},
}

// TestGraph traces Go functions into graphs, writes them in the golden
// file, evaluates them at other points with package ir, and parses their
// text back and applies it on a tape, which gives the same values and
// gradients as the Go code, bit for bit.
func TestGraph(t *testing.T) {
	var b strings.Builder
	for _, tr := range traces {
		tp := New()
		xs := tp.Vars(tr.x)
		out := tr.f(tp, xs)
		g, fn, err := tp.Graph(out, xs)
		if err != nil {
			t.Fatalf("%s: %v", tr.name, err)
		}
		text := g.String(fn.Body)
		fmt.Fprintf(&b, "%s(%s) = %s\n", tr.name, strings.Join(fn.ParamNames(g), ", "), text)

		// The graph at the traced point, and elsewhere for the functions
		// without branches.
		ev := ir.NewEvaluator(g)
		at := [][]float64{tr.x}
		if tr.name != "branches" {
			y := make([]float64, len(tr.x))
			for i := range y {
				y[i] = tr.x[i] + 0.25*float64(i+1)
			}
			at = append(at, y)
		}
		for _, x := range at {
			got, err := ev.Apply(fn, x)
			want, _ := New().Grad(nil, tr.f, x)
			if err != nil || !same(got, want) {
				t.Errorf("%s: the graph at %v = %v (%v), the Go code gives %v", tr.name, x, got, err, want)
			}
		}

		// Print, parse, apply.
		src := fmt.Sprintf("%s(%s) = %s\n", tr.name, strings.Join(fn.ParamNames(g), ", "), text)
		prog, err := expr.Parse(tr.name, src)
		if err != nil {
			t.Errorf("%s: the printed graph does not parse: %v\n%s", tr.name, err, src)
			continue
		}
		tp2 := New()
		xs2 := tp2.Vars(tr.x)
		out2, err := Apply(prog.Graph, prog.Funcs[0], xs2)
		if err != nil {
			t.Errorf("%s: %v", tr.name, err)
			continue
		}
		g1 := tp.Gradient(nil, out, xs)
		g2 := tp2.Gradient(nil, out2, xs2)
		if !same(out.Value(), out2.Value()) {
			t.Errorf("%s: reparsed value %v, want %v", tr.name, out2.Value(), out.Value())
		}
		for i := range g1 {
			if !same(g1[i], g2[i]) {
				t.Errorf("%s: reparsed ∂f/∂x%d = %v, want %v", tr.name, i, g2[i], g1[i])
			}
		}
	}
	golden.Check(t, "graph.golden", []byte(b.String()))
}

func TestGraphNames(t *testing.T) {
	tp := New()
	x, y := tp.Var(1), tp.Var(2)
	c := tp.Var(10) // not an input: a constant of the function
	mid := x.Mul(y)
	out := Exp(mid).Add(c).MulConst(3)
	g, fn, err := tp.Graph(out, []Var{x, y}, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.String(fn.Body), "(exp(a*b) + 10)*3"; got != want {
		t.Errorf("graph %q, want %q", got, want)
	}
	// An intermediate Var as an input cuts the trace there.
	g, fn, err = tp.Graph(out, []Var{mid})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := g.String(fn.Body), "(exp(x0) + 10)*3"; got != want {
		t.Errorf("graph cut at x*y: %q, want %q", got, want)
	}
	// An input out does not depend on is still a parameter.
	_, fn, err = tp.Graph(x.AddConst(1), []Var{x, y})
	if err != nil || len(fn.Params) != 2 {
		t.Errorf("Graph with an unused input: %v, %d parameters", err, len(fn.Params))
	}
}

func TestGraphErrors(t *testing.T) {
	tp := New()
	x, y := tp.Var(1), tp.Var(2)
	cu := tp.Custom(5, []Var{x, y}, []float64{1, 1})
	tests := []struct {
		name   string
		out    Var
		inputs []Var
		names  []string
		want   string
	}{
		{"custom", cu.Add(x), []Var{x, y}, nil, "record 2 is a custom primitive"},
		{"names", x.Add(y), []Var{x, y}, []string{"a"}, "1 names for 2 inputs"},
		{"twice", x.Add(y), []Var{x, x}, nil, "inputs 0 and 1 are the same Var"},
		{"same name", x.Add(y), []Var{x, y}, []string{"a", "a"}, "inputs 0 and 1 are both named a"},
		{"bad name", x.Add(y), []Var{x, y}, []string{"a", "2b"}, `"2b" is not a name`},
		{"empty name", x.Add(y), []Var{x, y}, []string{"", "b"}, `"" is not a name`},
		{"builtin", x.Add(y), []Var{x, y}, []string{"sin", "b"}, "sin is a built-in name"},
		{"constant", x.Add(y), []Var{x, y}, []string{"a", "pi"}, "pi is a built-in name"},
	}
	for _, tt := range tests {
		_, _, err := tp.Graph(tt.out, tt.inputs, tt.names...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.want)
		}
	}
	// A custom primitive the output does not depend on is no obstacle.
	if _, _, err := tp.Graph(x.Mul(y), []Var{x, y}); err != nil {
		t.Errorf("Graph of a record after a custom one: %v", err)
	}
}

// TestGraphTraceOnce is "trace once, run many times": the graph of one
// trace evaluated at many points agrees with the Go code.
func TestGraphTraceOnce(t *testing.T) {
	tp := New()
	xs := tp.Vars([]float64{2, 3})
	g, fn, err := tp.Graph(seed(tp, xs), xs)
	if err != nil {
		t.Fatal(err)
	}
	ev := ir.NewEvaluator(g)
	for _, x := range [][]float64{{2, 3}, {1.5, 0.5}, {3, 1}, {0.5, 2}} {
		got, err := ev.Apply(fn, x)
		want, _ := Grad(nil, seed, x)
		if err != nil || !same(got, want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("at %v: graph %v (%v), Go %v", x, got, err, want)
		}
	}
}
