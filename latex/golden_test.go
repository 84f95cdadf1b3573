package latex

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/internal/golden"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

func parse(t *testing.T, filename, src string) *ir.Program {
	t.Helper()
	p, err := expr.Parse(filename, src)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// doc writes the functions of p, the target inlined and its derivative
// with respect to each parameter, one equation a line.
func doc(p *ir.Program, title string) string {
	g := p.Graph
	var b strings.Builder
	fmt.Fprintf(&b, "%% %s\n", title)
	for _, fn := range p.Funcs {
		fmt.Fprintln(&b, Definition(g, fn))
	}
	f, _ := p.Target("f")
	b.WriteString("% inlined\n")
	fmt.Fprintf(&b, "%s = %s\n", Signature(g, f), String(g, g.Inline(sym.NewBuilder(g), f.Body)))
	b.WriteString("% derivatives\n")
	for _, x := range f.Params {
		fmt.Fprintln(&b, Derivative(g, f, x, sym.Diff(g, f.Body, x)))
	}
	return b.String()
}

func TestGoldenSeed(t *testing.T) {
	src, err := os.ReadFile("../examples/seed.bp")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "seed.tex", []byte(doc(parse(t, "seed.bp", string(src)), "the seed's section 2.3")))
}

func TestGoldenSection1(t *testing.T) {
	p := parse(t, "section1.bp", `
f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x) = sin(x)
f_3(x) = sqrt(x) + e^x
f(x) = f_1(f_2(x), f_3(x))
`)
	out := doc(p, "the seed's section 1")
	q := parse(t, "eq1.1.bp", "4*(sqrt(x) + e^x)*(2*e^x + 1/sqrt(x)) + (5*sqrt(x) + 5*e^x)*cos(x) + (5*e^x + 5/(2*sqrt(x)))*sin(x) + 6*sin(x)*cos(x)")
	out += "% the seed's Eq. (1.1), written in backprop's language\n" + String(q.Graph, q.Funcs[0].Body) + "\n"
	golden.Check(t, "section1.tex", []byte(out))
}

func TestGoldenAppendix(t *testing.T) {
	p := parse(t, "appendix.bp", `
f1(x, y) = x*y
f2(x, y) = cos(pi*x)/sin(x)
f3(x, y) = ln(x)/y
f(x1, x2) = f1(f2(x1, x2), f3(x1, x2))
`)
	out := doc(p, "the seed's appendix")
	out += "% partials, the labels of the edges of the function-level graph\n"
	g := p.Graph
	for _, fn := range p.Funcs[:3] {
		for i, d := range sym.Partials(g, fn) {
			fmt.Fprintln(&b{&out}, Derivative(g, fn, fn.Params[i], d))
		}
	}
	golden.Check(t, "appendix.tex", []byte(out))
}

// b appends to a string.
type b struct{ s *string }

func (w *b) Write(p []byte) (int, error) { *w.s += string(p); return len(p), nil }

// TestGoldenPrimitives writes the derivative of every primitive applied
// to variables.
func TestGoldenPrimitives(t *testing.T) {
	var out strings.Builder
	out.WriteString("% the partial derivatives of each primitive\n")
	for _, o := range op.All() {
		g := ir.NewGraph()
		x, y := g.Var("x"), g.Var("y")
		wrt := []ir.ID{x}
		if o.Arity() == 2 {
			wrt = append(wrt, y)
		} else {
			y = ir.None
		}
		v := g.Apply(o, x, y)
		lhs := String(g, v)
		if o == op.Neg || o == op.Add || o == op.Sub {
			lhs = `\left(` + lhs + `\right)`
		}
		for _, w := range wrt {
			fmt.Fprintf(&out, `\frac{\partial}{\partial %s} %s = %s`+"\n", Name(g.Node(w).Name), lhs, String(g, sym.Diff(g, v, w)))
		}
	}
	golden.Check(t, "primitives.tex", []byte(out.String()))
}
