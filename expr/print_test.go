package expr_test

import (
	"os"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// roundTrip parses the bare expression src, prints it, parses the text
// back into the same graph and prints it again. It returns the first text
// and reports an error if the second parse is not the very same node or
// the second text differs from the first.
func roundTrip(t *testing.T, src string) string {
	t.Helper()
	p := mustParse(t, src)
	g := p.Graph
	fn := p.Funcs[len(p.Funcs)-1]
	text := g.String(fn.Body)
	f, err := expr.ParseFile("printed.bp", text)
	if err != nil {
		t.Errorf("%q prints as %q, which does not parse: %v", src, text, err)
		return text
	}
	q, err := expr.LowerInto(g, f)
	if err != nil {
		t.Errorf("%q prints as %q, which does not lower: %v", src, text, err)
		return text
	}
	back := q.Funcs[len(q.Funcs)-1].Body
	if back != fn.Body {
		t.Errorf("%q prints as %q, which parses to another node: %s, not %s", src, text, sexpr(g, back), sexpr(g, fn.Body))
	}
	if again := g.String(back); again != text {
		t.Errorf("%q prints as %q, then as %q", src, text, again)
	}
	return text
}

// TestPrintRoundTrip checks that printing writes the fewest parentheses
// the structure needs, and that print → parse gives back the very same
// node of the graph (so print → parse → print is idempotent).
func TestPrintRoundTrip(t *testing.T) {
	tests := []struct{ src, want string }{
		{"x", "x"},
		{"(x)", "x"},

		// Unary minus in every position.
		{"-x", "-x"},
		{"--x", "--x"},
		{"-(-x)", "--x"},
		{"-(-(-x))", "---x"},
		{"-x - -y", "-x - -y"},
		{"x*-y", "x*-y"},
		{"-x*y", "-x*y"},
		{"-(x*y)", "-(x*y)"},
		{"-(x + y)", "-(x + y)"},
		{"-(x - y)", "-(x - y)"},
		{"-(x/y)", "-(x/y)"},
		{"x/-y", "x/-y"},
		{"x - -y", "x - -y"},
		{"x + -y", "x + -y"},
		{"-x^2", "-x^2"},
		{"(-x)^2", "(-x)^2"},
		{"2^-x", "2^(-x)"},
		{"2^-x^2", "2^(-x^2)"},
		{"-sin(x)", "-sin(x)"},
		{"sin(-x)", "sin(-x)"},
		{"-sin(x)^2", "-sin(x)^2"},
		{"atan2(-y, -x)", "atan2(-y, -x)"},

		// Negative numbers.
		{"-2", "-2"},
		{"-(-2)", "--2"},
		{"--2", "--2"},
		{"x^-2", "x^(-2)"},
		{"x^(-2)", "x^(-2)"},
		{"(-2)^x", "(-2)^x"},
		{"-2^x", "-2^x"},
		{"x + -1", "x + -1"},
		{"-1 + x", "-1 + x"},
		{"x*-1", "x*-1"},
		{"x - -1", "x - -1"},
		{"-0", "-0"},
		{"x - -0", "x - -0"},
		{"x^-0", "x^(-0)"},
		{"-1.5e-300*x", "-1.5e-300*x"},

		// Nested powers.
		{"2^x^y", "2^x^y"},
		{"(2^x)^y", "(2^x)^y"},
		{"x^y^z^w", "x^y^z^w"},
		{"((x^y)^z)^w", "((x^y)^z)^w"},
		{"x^(y^z)^w", "x^(y^z)^w"},
		{"x^y*z", "x^y*z"},
		{"x^(y*z)", "x^(y*z)"},
		{"(x*y)^z", "(x*y)^z"},
		{"x**y**z", "x^y^z"},
		{"pow(pow(x, y), z)", "(x^y)^z"},

		// Associativity.
		{"x - y - z", "x - y - z"},
		{"x - (y - z)", "x - (y - z)"},
		{"x + (y + z)", "x + (y + z)"},
		{"(x + y) + z", "x + y + z"},
		{"x - (y + z)", "x - (y + z)"},
		{"x/y/z", "x/y/z"},
		{"x/(y/z)", "x/(y/z)"},
		{"x*(y*z)", "x*(y*z)"},
		{"x*y/z", "x*y/z"},
		{"x/(y*z)", "x/(y*z)"},
		{"(x + y)*z", "(x + y)*z"},
		{"x*(y - z)", "x*(y - z)"},
		{"x + y*z", "x + y*z"},

		// pi and e.
		{"pi*x", "pi*x"},
		{"e^x", "e^x"},
		{"e^-x", "e^(-x)"},
		{"-pi", "-pi"},
		{"-e", "-e"},
		{"x^-pi", "x^(-pi)"},
		{"2*pi", "2*pi"},
		{"3.141592653589793", "pi"},
		{"2.718281828459045", "e"},
		{"-3.141592653589793", "-pi"},

		// Numbers.
		{"1e300", "1e+300"},
		{"1e-300*x", "1e-300*x"},
		{"0.1 + 0.2", "0.1 + 0.2"},
		{"1/3", "1/3"},
		{"5e-324", "5e-324"},
		{"0.30000000000000004", "0.30000000000000004"},
		{"123456789012345678901234567890", "1.2345678901234568e+29"},
		{"x^0.5", "x^0.5"},
		{".5", "0.5"},

		// Synonyms.
		{"ln(x)", "log(x)"},
		{"pow(x, y)", "x^y"},
	}
	for _, tc := range tests {
		if got := roundTrip(t, tc.src); got != tc.want {
			t.Errorf("%q prints as %q, want %q", tc.src, got, tc.want)
		}
	}
}

// TestPrintRoundTripNegatedNumbers checks print → parse for a negated
// number written in parentheses, which the parser does not fold into a
// negative number.
func TestPrintRoundTripNegatedNumbers(t *testing.T) {
	for _, src := range []string{"-(2)", "-(pi)", "2^-(3)", "x - -(1)", "--(2)"} {
		roundTrip(t, src)
	}
}

// TestPrintBuiltins checks print → parse for every built-in, alone and
// under the operators.
func TestPrintBuiltins(t *testing.T) {
	for _, o := range op.All() {
		if o.Info().Notation != op.Function {
			continue
		}
		name := o.String()
		call, nest := name+"(x)", name+"(-"+name+"(x))"
		if o.Arity() == 2 {
			call, nest = name+"(x, y)", name+"(-x, "+name+"(x^2, -y))"
		}
		for _, form := range []string{"@", "-@", "@^2", "2^@", "-@^-2", "(@)*(@ - 1)", "@/-@"} {
			roundTrip(t, strings.ReplaceAll(form, "@", call))
		}
		roundTrip(t, nest)
	}
}

// TestPrintProgramRoundTrip checks print → parse → print on whole programs
// with user functions: the programs parsed from the printed text are
// structurally equal to the originals and print the same.
func TestPrintProgramRoundTrip(t *testing.T) {
	seed, err := os.ReadFile("../examples/seed.bp")
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		string(seed),
		seedSection1,
		seedAppendix,
		"g(x) = x^2\nf(x, y) = g(x)*g(y) - g(x - y)\nf(2, y) + -g(3)",
		"c() = 2\nf(x) = c()*x",
		"f(x) = g(x) + 1\ng(x) = x^2",
		"g(x) = x\nf(g) = g + g(g)",
		"f(x) = x\nmain(x) = 2*x\nf(1) + main(1)",
		"f(α, β) = atan2(-α, β)^-2\nα*f(α, 2)",
	} {
		f, err := expr.ParseFile("", src)
		if err != nil {
			t.Fatal(err)
		}
		p := mustParse(t, src)
		text := printProgram(p, f.Expr != nil)
		q, err := expr.Parse("printed.bp", text)
		if err != nil {
			t.Errorf("%q prints as\n%s\nwhich does not parse: %v", src, text, err)
			continue
		}
		if ok, why := sameProgram(p, q); !ok {
			t.Errorf("%q prints as\n%s\nwhich parses to another program: %s", src, text, why)
		}
		if again := printProgram(q, f.Expr != nil); again != text {
			t.Errorf("%q prints as\n%s\nthen as\n%s", src, text, again)
		}
	}
}

// TestSameStructure checks the structural-equality helper itself: it must
// tell apart what the printer could confuse.
func TestSameStructure(t *testing.T) {
	parse := func(src string) (*ir.Graph, ir.ID) {
		p := mustParse(t, src)
		return p.Graph, p.Funcs[len(p.Funcs)-1].Body
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"x + 1", "x + 1", true},
		{"x + 1", "(x) + (1)", true},
		{"x + 1", "1 + x", false},
		{"x + 1", "y + 1", false},
		{"x - y", "x + -y", false},
		{"-2", "-(2)", true}, // a negated number is a number
		{"-2", "-(1+1)", false},
		{"0", "-0", false},
		{"sin(x)", "cos(x)", false},
		{"g(x) = x\ng(y)", "g(x) = x\ng(y)", true},
		{"g(x) = x\ng(y)", "g(z) = z\ng(y)", false},
		{"g(x) = x\ng(y)", "g(x) = -x\ng(y)", false},
		{"g(x) = x\ng(y)", "h(x) = x\nh(y)", false},
	}
	for _, tc := range tests {
		ga, a := parse(tc.a)
		gb, b := parse(tc.b)
		if got := sameStructure(ga, a, gb, b); got != tc.want {
			t.Errorf("sameStructure(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
