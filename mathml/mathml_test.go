package mathml_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/mathml"
	"github.com/gobackprop/backprop/sym"
)

// wellFormed fails t unless s is well-formed XML.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
	}
}

// text returns the character data of the MathML s: what a reader sees,
// without the markup.
func text(t *testing.T, s string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		if c, ok := tok.(xml.CharData); ok {
			b.Write(c)
		}
	}
}

func TestString(t *testing.T) {
	for _, tt := range []struct{ src, text string }{
		{"x + y", "x+y"},
		{"x - (y - z)", "x−(y−z)"},
		{"2*x", "2\u2062x"},
		{"2*3", "2⋅3"},
		{"x^2", "x2"},
		{"(x + 1)^2", "(x+1)2"},
		{"(-2)^x", "(−2)x"},
		{"-x", "−x"},
		{"-(x + y)", "−(x+y)"},
		{"x/(y + 1)", "xy+1"},
		{"sin(pi*x)", "sin\u2061(π\u2062x)"},
		{"exp(x) + sqrt(y)", "ex+y"},
		{"abs(x)", "|x|"},
		{"atan2(y, x)", "atan2\u2061(y,x)"},
		{"alpha_1*x12", "α1\u2062x12"},
		{"log(x)", "log\u2061(x)"},
	} {
		p, err := expr.Parse("", tt.src)
		if err != nil {
			t.Fatal(err)
		}
		m := mathml.String(p.Graph, p.Funcs[0].Body)
		wellFormed(t, mathml.Math(m, true))
		if got := text(t, m); got != tt.text {
			t.Errorf("%s: text %q, want %q\n%s", tt.src, got, tt.text, m)
		}
	}
}

// The seed's derivative with respect to x_1, listed with its shared
// subexpressions named, is well-formed and names each helper.
func TestAlignedSeed(t *testing.T) {
	p, err := expr.Parse("", `
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x) = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`)
	if err != nil {
		t.Fatal(err)
	}
	g, f := p.Graph, p.Func("f")
	d := sym.Diff(g, f.Body, f.Params[0])
	l := g.Listing(d, f.Params, nil)
	m := mathml.Aligned(g, l, mathml.Partial("f", "x_1"), d)
	wellFormed(t, mathml.Math(m, true))
	if got := strings.Count(m, "<mtr>"); got != len(l.Helpers)+1 {
		t.Errorf("%d rows, want %d", got, len(l.Helpers)+1)
	}
	for _, want := range []string{"<msub><mi>x</mi><mn>1</mn></msub>", "<mi>π</mi>", "cos"} {
		if !strings.Contains(m, want) {
			t.Errorf("no %s in %s", want, m)
		}
	}
}

// A derivative whose expression is exponential in its DAG stays linear
// when listed.
func TestAlignedLinear(t *testing.T) {
	src := "f_0(x) = sin(x)\n"
	for i := 1; i <= 30; i++ {
		src += "f_" + itoa(i) + "(x) = f_" + itoa(i-1) + "(x)*f_" + itoa(i-1) + "(x) + x\n"
	}
	p, err := expr.Parse("", src)
	if err != nil {
		t.Fatal(err)
	}
	g, f := p.Graph, p.Funcs[len(p.Funcs)-1]
	d := sym.Diff(g, f.Body, f.Params[0])
	m := mathml.Aligned(g, g.Listing(d, f.Params, nil), mathml.Partial(f.Name, "x"), d)
	if len(m) > 1<<20 {
		t.Fatalf("%d bytes", len(m))
	}
	wellFormed(t, m)
}

func itoa(i int) string { return strconv.Itoa(i) }

// Names are escaped: no name of the language holds markup, but the
// printer does not rely on it.
func TestEscape(t *testing.T) {
	g := ir.NewGraph()
	m := mathml.String(g, g.Var("<b>&"))
	if strings.Contains(m, "<b>") {
		t.Errorf("unescaped: %s", m)
	}
	wellFormed(t, m)
}

func ExampleString() {
	p, err := expr.Parse("", "sin(pi*x)/sqrt(x) + x_1^2")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(mathml.String(p.Graph, p.Funcs[0].Body))
	// Output:
	// <mrow><mrow><mfrac><mrow><mrow><mi>sin</mi><mo>&#x2061;</mo><mrow><mo>(</mo><mrow><mi>π</mi><mo>&#x2062;</mo><mi>x</mi></mrow><mo>)</mo></mrow></mrow></mrow><mrow><mrow><msqrt><mi>x</mi></msqrt></mrow></mrow></mfrac></mrow><mo>+</mo><mrow><msup><msub><mi>x</mi><mn>1</mn></msub><mrow><mn>2</mn></mrow></msup></mrow></mrow>
}
