package ir_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/sym"
)

// nested returns the program of depth nested calls of g(y) = sin(y)*cos(y)
// + y, whose derivative written out in full doubles in length at each
// level.
func nested(depth int) string {
	var b strings.Builder
	b.WriteString("g_0(y) = sin(y)*cos(y) + y\n")
	for i := 1; i < depth; i++ {
		fmt.Fprintf(&b, "g_%d(y) = g_%d(sin(y)*cos(y) + y)\n", i, i-1)
	}
	fmt.Fprintf(&b, "f(x) = g_%d(x)\n", depth-1)
	return b.String()
}

// product returns f(x) = sin(x + 1)*…*sin(x + n), whose derivative
// written out in full is quadratic in n.
func product(n int) string {
	fs := make([]string, n)
	for k := range fs {
		fs[k] = fmt.Sprintf("sin(x + %d)", k+1)
	}
	return "f(x) = " + strings.Join(fs, "*") + "\n"
}

// derivative parses src and returns its graph, its last function and the
// derivative of that function with respect to its first parameter.
func derivative(t testing.TB, src string) (*ir.Graph, *ir.Func, ir.ID) {
	t.Helper()
	prog, err := expr.Parse("test.bp", src)
	if err != nil {
		t.Fatal(err)
	}
	fn := prog.Funcs[len(prog.Funcs)-1]
	return prog.Graph, fn, sym.Diff(prog.Graph, fn.Body, fn.Params[0])
}

func TestProgramRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		helpers bool // whether the listing names subexpressions
	}{
		{"seed", "f_1(x, y) = sin(pi*x) + cos(pi*y)\nf_2(x, y) = x^y\nf_3(x) = ln(x)\nf(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))\n", false},
		{"small", "f(x) = 3*x^2 + 5*x", false},
		{"two variables", "u(x, y) = x*y + sin(x)*cos(y) + exp(x*y)\nf(x, y, z) = sin(u(x, y))*cos(u(x, y)) + y*z", true},
		{"nested 14", nested(14), true},
		{"product 2000", product(2000), true},
		{"nested 300", nested(300), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, fn, d := derivative(t, tt.src)
			l := g.Listing(d, fn.Params, nil)
			if got := len(l.Helpers) > 0; got != tt.helpers {
				t.Fatalf("listing names %d subexpressions, want some: %v", len(l.Helpers), tt.helpers)
			}
			text := g.Program(l, "df", fn.Params, d)
			if !tt.helpers && text != "df"+paramText(g, fn)+" = "+g.String(d)+"\n" {
				t.Errorf("a listing without helpers is not the one-liner:\n%s", text)
			}
			// Parsed into the same graph and inlined, the program's last
			// function is the derivative node itself.
			back, err := expr.Parse("listing.bp", text)
			if err != nil {
				t.Fatalf("the listing does not parse: %v\n%s", err, text)
			}
			f, err := expr.ParseFile("listing.bp", text)
			if err != nil {
				t.Fatal(err)
			}
			same, err := expr.LowerInto(g, f)
			if err != nil {
				t.Fatal(err)
			}
			last := same.Funcs[len(same.Funcs)-1]
			if got := g.Inline(g, last.Body); got != d {
				t.Errorf("inlined listing is node %d, want the derivative %d", got, d)
			}
			// Evaluated on its own graph, it has the derivative's value.
			x := make([]float64, len(fn.Params))
			for i := range x {
				x[i] = 0.3 + 0.1*float64(i)
			}
			want, err := ir.NewEvaluator(g).Eval(d, fn.Bind(g, x))
			if err != nil {
				t.Fatal(err)
			}
			bf := back.Funcs[len(back.Funcs)-1]
			got, err := ir.NewEvaluator(back.Graph).Eval(back.Graph.Inline(back.Graph, bf.Body), bf.Bind(back.Graph, x))
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("listing evaluates to %v, derivative to %v", got, want)
			}
			// Linear size: a bounded number of characters per node.
			if n := sym.Count(g, d); len(text) > 64*n {
				t.Errorf("listing has %d characters for %d nodes", len(text), n)
			}
		})
	}
}

func paramText(g *ir.Graph, fn *ir.Func) string {
	return "(" + strings.Join(fn.ParamNames(g), ", ") + ")"
}

// TestProgramMemory checks that listing the derivatives that used to
// expand exponentially (14 nested levels: 4 GB) or quadratically (a
// 2,000-factor product) allocates a few megabytes.
func TestProgramMemory(t *testing.T) {
	for _, tt := range []struct {
		name    string
		src     string
		ceiling uint64 // bytes allocated, parsing included
	}{
		{"nested 14", nested(14), 4 << 20},
		{"nested 1000", nested(1000), 64 << 20},
		{"product 2000", product(2000), 64 << 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			g, fn, d := derivative(t, tt.src)
			text := g.Program(g.Listing(d, fn.Params, nil), "df", fn.Params, d)
			runtime.ReadMemStats(&after)
			if a := after.TotalAlloc - before.TotalAlloc; a > tt.ceiling {
				t.Errorf("listing %d characters allocated %d bytes, want at most %d", len(text), a, tt.ceiling)
			}
		})
	}
}

func BenchmarkProgram(b *testing.B) {
	for _, bb := range []struct {
		name string
		src  string
	}{{"nested14", nested(14)}, {"nested1000", nested(1000)}, {"product2000", product(2000)}} {
		b.Run(bb.name, func(b *testing.B) {
			g, fn, d := derivative(b, bb.src)
			b.ReportAllocs()
			for b.Loop() {
				g.Program(g.Listing(d, fn.Params, nil), "df", fn.Params, d)
			}
		})
	}
}
