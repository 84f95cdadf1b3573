package expr_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
)

// TestPrecedence checks how operators group, on bare expressions whose
// free variables become the parameters of f in order of first appearance.
func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		// Powers bind tighter than unary minus, and are right-associative.
		{"-x^2", "f(x) = (neg (^ x 2))"},
		{"2^x^2", "f(x) = (^ 2 (^ x 2))"},
		{"x^y^z", "f(x, y, z) = (^ x (^ y z))"},
		{"(x^y)^z", "f(x, y, z) = (^ (^ x y) z)"},
		{"2^-x", "f(x) = (^ 2 (neg x))"},
		{"2^-x^2", "f(x) = (^ 2 (neg (^ x 2)))"},
		{"2^+x", "f(x) = (^ 2 x)"},
		{"x^-2", "f(x) = (^ x -2)"},
		{"-2^2", "f() = (neg (^ 2 2))"},
		{"(-2)^2", "f() = (^ -2 2)"},
		{"-x^-y", "f(x, y) = (neg (^ x (neg y)))"},
		{"-sin(x)^2", "f(x) = (neg (^ (sin x) 2))"},
		{"x^2*y", "f(x, y) = (* (^ x 2) y)"},
		{"2*x^2", "f(x) = (* 2 (^ x 2))"},
		{"x^y*z", "f(x, y, z) = (* (^ x y) z)"},
		{"x^(y*z)", "f(x, y, z) = (^ x (* y z))"},

		// ** is ^, and pow(x, y) is x^y.
		{"x**2", "f(x) = (^ x 2)"},
		{"x**y**z", "f(x, y, z) = (^ x (^ y z))"},
		{"x**-y", "f(x, y) = (^ x (neg y))"},
		{"pow(x, y)", "f(x, y) = (^ x y)"},
		{"pow(x, y)^z", "f(x, y, z) = (^ (^ x y) z)"},

		// + - * / are left-associative, * / bind tighter than + -.
		{"a-b-c", "f(a, b, c) = (- (- a b) c)"},
		{"a/b/c", "f(a, b, c) = (/ (/ a b) c)"},
		{"a-b+c", "f(a, b, c) = (+ (- a b) c)"},
		{"a+b-c", "f(a, b, c) = (- (+ a b) c)"},
		{"a*b/c*d", "f(a, b, c, d) = (* (/ (* a b) c) d)"},
		{"a+b*c", "f(a, b, c) = (+ a (* b c))"},
		{"a*b+c", "f(a, b, c) = (+ (* a b) c)"},
		{"a+b*c^d", "f(a, b, c, d) = (+ a (* b (^ c d)))"},
		{"(a+b)*c", "f(a, b, c) = (* (+ a b) c)"},
		{"a-(b-c)", "f(a, b, c) = (- a (- b c))"},
		{"a/(b*c)", "f(a, b, c) = (/ a (* b c))"},

		// Unary minus and plus.
		{"+x", "f(x) = x"},
		{"+-x", "f(x) = (neg x)"},
		{"-+x", "f(x) = (neg x)"},
		{"--x", "f(x) = (neg (neg x))"},
		{"- - x", "f(x) = (neg (neg x))"},
		{"-x*y", "f(x, y) = (* (neg x) y)"},
		{"-x-y", "f(x, y) = (- (neg x) y)"},
		{"x*-y", "f(x, y) = (* x (neg y))"},
		{"x/-y", "f(x, y) = (/ x (neg y))"},
		{"x - -y", "f(x, y) = (- x (neg y))"},
		{"x--y", "f(x, y) = (- x (neg y))"},
		{"-(x+y)", "f(x, y) = (neg (+ x y))"},
		{"-2", "f() = -2"},
		{"- 2", "f() = -2"},
		{"-+2", "f() = -2"},
		{"--2", "f() = (neg -2)"},
		{"-2*x", "f(x) = (* -2 x)"},

		// Constants.
		{"pi*x", "f(x) = (* pi x)"},
		{"e^x", "f(x) = (^ e x)"},
		{"-pi", "f() = -pi"},
		{"-e*x", "f(x) = (* -e x)"},
		{"2*pi", "f() = (* 2 pi)"},

		// Built-ins and synonyms.
		{"ln(x)", "f(x) = (log x)"},
		{"log(x)", "f(x) = (log x)"},
		{"atan2(y, x)", "f(y, x) = (atan2 y x)"},
		{"max(x, -y)", "f(x, y) = (max x (neg y))"},
		{"sin(cos(x))^2", "f(x) = (^ (sin (cos x)) 2)"},
		{"sqrt(x)+e^x", "f(x) = (+ (sqrt x) (^ e x))"},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		if got := strings.TrimSuffix(dump(p), "\n"); got != tc.want {
			t.Errorf("Parse(%q) = %s, want %s", tc.src, got, tc.want)
		}
	}
}

// TestNumbers checks the numbers the scanner accepts and their values.
// Note that 2e is not a number: it is 2 followed by the name e, an error
// (see the catalogue in errors_test.go); 2e+1 is 20.
func TestNumbers(t *testing.T) {
	tests := []struct {
		src  string
		want float64
	}{
		{"2", 2},
		{"0.5", 0.5},
		{"1e-3", 0.001},
		{"1E-3", 0.001},
		{".5", 0.5},
		{"1.", 1},
		{"1.5e+2", 150},
		{"2E3", 2000},
		{"2.e3", 2000},
		{".5e1", 5},
		{"007", 7},
		{"2e+1", 20},
		{"0.1", 0.1},
		{"3.141592653589793", math.Pi},
		{"1.7976931348623157e308", math.MaxFloat64},
		{"4.9e-324", math.SmallestNonzeroFloat64},
		{"1e-400", 0}, // underflow gives 0, as strconv.ParseFloat does; overflow is an error
		{"123456789012345678901234567890", 123456789012345678901234567890},
		{"-2", -2},
		{"-0", math.Copysign(0, -1)},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		fn := p.Funcs[0]
		v, ok := p.Graph.IsConst(fn.Body)
		if !ok || math.Float64bits(v) != math.Float64bits(tc.want) {
			t.Errorf("Parse(%q) = %s, want the number %v", tc.src, dump(p), tc.want)
		}
	}
}

// TestPrograms checks whole programs: comments, separators, line
// continuation, calls of later definitions, synonyms and bare expressions.
func TestPrograms(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"comments",
			"# header\nf(x) = x^2 # trailing\n  # indented\ng(x) = f(x) + 1 # end",
			"f(x) = (^ x 2)\ng(x) = (+ (f x) 1)\n"},
		{"semicolons",
			"f(x) = x; g(x) = 2*x; g(3)",
			"f(x) = x\ng(x) = (* 2 x)\nmain() = (g 3)\n"},
		{"blank lines and stray separators",
			"\n\n;f(x) = x;;\n\n;g(y) = y;\n",
			"f(x) = x\ng(y) = y\n"},
		{"continuation after an operator",
			"f(x) = x +\n  1",
			"f(x) = (+ x 1)\n"},
		{"continuation after every operator",
			"f(x) = x *\n x /\n x -\n x ^\n x **\n x +\n 1",
			"f(x) = (+ (- (/ (* x x) x) (^ x (^ x x))) 1)\n"},
		{"continuation after =",
			"f(x) =\n  x^2",
			"f(x) = (^ x 2)\n"},
		{"continuation after a comma",
			"f(x,\n  y) = atan2(x,\n  y)",
			"f(x, y) = (atan2 x y)\n"},
		{"continuation after (",
			"f(x) = sin(\n  x)",
			"f(x) = (sin x)\n"},
		{"continuation across comments and blank lines",
			"f(x) = x + # more below\n\n  # still more\n  1",
			"f(x) = (+ x 1)\n"},
		{"backslash continuation",
			"f(x) = x \\\n  + 1",
			"f(x) = (+ x 1)\n"},
		{"backslash continuation with CRLF line ends",
			"f(x) = x \\\r\n  + 1\r\n",
			"f(x) = (+ x 1)\n"},
		{"an operator at the start of a line starts a new statement",
			"f(x) = x\n- 1",
			"f(x) = x\nmain() = -1\n"},
		{"CRLF line ends",
			"f(x) = x\r\ng(x) = f(x)\r\n",
			"f(x) = x\ng(x) = (f x)\n"},
		{"calls of later definitions",
			"f(x) = g(x) + 1\ng(x) = h(x)^2\nh(x) = 2*x",
			"f(x) = (+ (g x) 1)\ng(x) = (^ (h x) 2)\nh(x) = (* 2 x)\n"},
		{"definitions without parameters",
			"c() = 2\nf(x) = c()*x",
			"c() = 2\nf(x) = (* (c) x)\n"},
		{"ln is log and pow is ^",
			"f(x, y) = ln(x) + pow(x, y)",
			"f(x, y) = (+ (log x) (^ x y))\n"},
		{"free variables in order of first appearance",
			"y*x + z - x",
			"f(y, x, z) = (- (+ (* y x) z) x)\n"},
		{"free variables inside calls",
			"g(a, b) = a - b\ng(v, u) + w",
			"g(a, b) = (- a b)\nf(v, u, w) = (+ (g v u) w)\n"},
		{"the bare expression is main when f is defined",
			"f(x) = x^2\nf(b) + a",
			"f(x) = (^ x 2)\nmain(b, a) = (+ (f b) a)\n"},
		{"a bare expression without variables",
			"f(x) = x^2\nf(3)",
			"f(x) = (^ x 2)\nmain() = (f 3)\n"},
		{"unicode and underscored names",
			"f(α, β_1) = α*β_1\ncafé(x_1) = f(x_1, x_1)",
			"f(α, β_1) = (* α β_1)\ncafé(x_1) = (f x_1 x_1)\n"},
		{"names that start like constants and built-ins",
			"f(e1, pi2, sinx) = e1 + pi2 + sinx + exp1",
			""}, // exp1 is undefined: checked below
		{"a parameter may be named like a function",
			"g(x) = x\nf(g) = g + g(g)",
			"g(x) = x\nf(g) = (+ g (g g))\n"},
		{"a function may be named like its parameter",
			"x(x) = x",
			"x(x) = x\n"},
		{"the seed program",
			"f_1(x, y) = sin(pi*x) + cos(pi*y)\nf_2(x, y) = x^y\nf_3(x) = ln(x)\nf(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))",
			"f_1(x, y) = (+ (sin (* pi x)) (cos (* pi y)))\nf_2(x, y) = (^ x y)\nf_3(x) = (log x)\nf(x_1, x_2) = (f_1 (f_2 x_1 (f_2 x_2 x_1)) (f_3 x_1))\n"},
	}
	for _, tc := range tests {
		if tc.want == "" {
			continue
		}
		p, err := expr.Parse("test.bp", tc.src)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", tc.name, tc.src, err)
			continue
		}
		if got := dump(p); got != tc.want {
			t.Errorf("%s: Parse(%q) =\n%swant\n%s", tc.name, tc.src, got, tc.want)
		}
	}
	// exp1, pi2 and e1 are names, not calls or constants.
	p := mustParse(t, "e1 + pi2 + sinx + exp1")
	if got, want := dump(p), "f(e1, pi2, sinx, exp1) = (+ (+ (+ e1 pi2) sinx) exp1)\n"; got != want {
		t.Errorf("names like constants: %s, want %s", got, want)
	}
}

// TestSyntaxErrorsFirst documents that Parse reports syntax errors only:
// the semantic errors of a program are found once its syntax is right.
func TestSyntaxErrorsFirst(t *testing.T) {
	_, err := expr.Parse("", "f(x) = y\ng(x) = )")
	if err == nil || strings.Contains(err.Error(), "undefined") || !strings.Contains(err.Error(), "found ')'") {
		t.Errorf("Parse: %v, want only the syntax error", err)
	}
}

// TestMaxDepth checks that nesting up to MaxDepth levels is accepted.
func TestMaxDepth(t *testing.T) {
	n := expr.MaxDepth
	tests := []struct {
		name, src string
		want      float64 // at x = 0.5
	}{
		{"parentheses", nested("(", ")", n), 0.5},
		{"minus", nested("-", "", n), 0.5}, // an even number of minus signs
		{"calls", nested("abs(", ")", n), 0.5},
		{"powers", strings.Repeat("1^", n) + "x", 1},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		fn := p.Funcs[0]
		got, err := ir.NewEvaluator(p.Graph).Apply(fn, []float64{0.5})
		if err != nil || got != tc.want {
			t.Errorf("%s: f(0.5) = %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

// TestHashConsing checks that identical subexpressions are one node, by
// counting the nodes of the graph.
func TestHashConsing(t *testing.T) {
	tests := []struct {
		src   string
		nodes int
	}{
		{"f(x) = sin(x) + sin(x)", 3},                // x, sin(x), +
		{"f(x) = (x + 1)*(x + 1)", 4},                // x, 1, x+1, *
		{"f(x) = 2*x + 2*x", 4},                      // 2, x, 2*x, +
		{"f(x, y) = x*y + y*x", 5},                   // x*y and y*x differ
		{"f(x) = x\ng(x) = x", 1},                    // parameters are variables by name
		{"f(x) = sin(x)\ng(y) = sin(y)", 4},          // x, sin(x), y, sin(y)
		{"f(x) = pi + 3.141592653589793", 3},         // x, pi, +: pi is the number
		{"f(x) = e*2.718281828459045", 3},            // and so is e
		{"f(x) = pow(x, 2) + x^2", 4},                // x, 2, x^2, +
		{"f(x) = x**2 - x^2", 4},                     //
		{"f(x) = ln(x) - log(x)", 3},                 // x, log(x), -
		{"f(x) = -x + -x", 3},                        // x, -x, +
		{"f(x) = -2 + -2.0", 3},                      // x, the number -2, +
		{"f(x) = 0*x + -0*x", 6},                     // 0 and -0 differ
		{"f(x) = ((x)) + x", 2},                      // parentheses make no node
		{"g(x) = x^2\nf(x) = g(x) + g(x)", 5},        // x, 2, x^2, g(x), +
		{"g(x) = x^2\nf(y) = g(y)*g(y) + g(2*y)", 9}, // x, 2, x^2, y, g(y), *, 2*y, g(2*y), +
		{"f(x) = x*x*x*x\ng(x) = x*x*x*x*x", 5},      // x, x*x, x*x*x, x*x*x*x, x*x*x*x*x
		{"x*y + sin(x*y) + cos(x*y)*(x*y)", 8},       // x, y, x*y, sin, +, cos, *, +
		{"f(x) = x\nf(2) + f(2) + f(1 + 1)", 8},      // x, 2, f(2), +, 1, 1+1, f(1+1), +: 1+1 is not folded
		{"f_1(x, y) = sin(pi*x) + cos(pi*y)\nf_2(x, y) = x^y\nf_3(x) = ln(x)\nf(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))", 16},
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		if got := p.Graph.Len(); got != tc.nodes {
			t.Errorf("Parse(%q): %d nodes, want %d:\n%s", tc.src, got, tc.nodes, dump(p))
		}
	}
	// Equal bodies are one node.
	p := mustParse(t, "f(x) = sin(x)^2\ng(x) = sin(x)**2\nh(x) = pow(sin(x), 2)")
	if f, g, h := p.Funcs[0].Body, p.Funcs[1].Body, p.Funcs[2].Body; f != g || g != h {
		t.Errorf("equal bodies are nodes %d, %d and %d", f, g, h)
	}
}

// TestLowerInto checks that two programs lowered into one graph share
// their nodes.
func TestLowerInto(t *testing.T) {
	g := ir.NewGraph()
	var bodies []ir.ID
	for _, src := range []string{"f(x) = sin(x)^2 + 1", "g(x) = 1 + sin(x)^2", "sin(x)**2 + 1"} {
		file, err := expr.ParseFile("", src)
		if err != nil {
			t.Fatal(err)
		}
		p, err := expr.LowerInto(g, file)
		if err != nil {
			t.Fatal(err)
		}
		if p.Graph != g {
			t.Fatalf("LowerInto made a new graph")
		}
		bodies = append(bodies, p.Funcs[0].Body)
	}
	if bodies[0] != bodies[2] || bodies[0] == bodies[1] {
		t.Errorf("bodies %v: want the first and last equal, the second different", bodies)
	}
	if g.Len() != 7 { // x, sin(x), 2, sin(x)^2, 1, +, +
		t.Errorf("%d nodes, want 7", g.Len())
	}
}

// TestSpans checks that each node records where it was first written.
func TestSpans(t *testing.T) {
	src := "f(x) = sin(x) + 2*sin(x)\ng(y) = -y + (y + 2)*pi\ny*z + pi + z"
	p := mustParse(t, src)
	g := p.Graph
	byText := make(map[string]ir.ID)
	for _, fn := range p.Funcs {
		for _, id := range g.Topo(fn.Body) {
			if _, ok := byText[g.String(id)]; !ok {
				byText[g.String(id)] = id
			}
		}
	}
	// occurrence returns the span of the n-th occurrence (from 0) of text in src.
	occurrence := func(text string, n int) ir.Span {
		off := 0
		for ; n > 0; n-- {
			off += strings.Index(src[off:], text) + 1
		}
		start := off + strings.Index(src[off:], text)
		return ir.Span{Start: start, End: start + len(text)}
	}
	tests := []struct {
		node string // the node, as printed
		want ir.Span
	}{
		{"x", occurrence("x", 0)},                                 // the parameter in f(x)
		{"sin(x)", occurrence("sin(x)", 0)},                       // its first use
		{"2", occurrence("2", 0)},                                 // 2 in f, not in g
		{"2*sin(x)", occurrence("2*sin(x)", 0)},                   //
		{"sin(x) + 2*sin(x)", occurrence("sin(x) + 2*sin(x)", 0)}, // a whole body
		{"y", occurrence("y", 0)},                                 // the parameter in g(y)
		{"-y", occurrence("-y", 0)},                               // a unary minus spans its operand
		{"y + 2", occurrence("y + 2", 0)},                         // without its parentheses
		{"(y + 2)*pi", occurrence("(y + 2)*pi", 0)},               // with the parentheses of its operand
		{"pi", occurrence("pi", 0)},                               //
		{"z", occurrence("z", 0)},                                 // a free variable: its first use
		{"y*z", occurrence("y*z", 0)},                             //
	}
	for _, tc := range tests {
		id, ok := byText[tc.node]
		if !ok {
			t.Errorf("no node prints as %q", tc.node)
			continue
		}
		if got := g.Span(id); got != tc.want {
			t.Errorf("span of %s = %v (%q), want %v (%q)", tc.node, got, src[got.Start:got.End], tc.want, src[tc.want.Start:tc.want.End])
		}
	}
	// Function spans run from the name to the end of the body.
	for i, want := range []string{"f(x) = sin(x) + 2*sin(x)", "g(y) = -y + (y + 2)*pi", "y*z + pi + z"} {
		s := p.Funcs[i].Span
		if got := src[s.Start:s.End]; got != want {
			t.Errorf("span of %s = %q, want %q", p.Funcs[i].Name, got, want)
		}
	}
}

// TestASTPositions checks Pos and End of every kind of syntax node.
func TestASTPositions(t *testing.T) {
	src := "-(x + 1.5)*sin(y)^2"
	x, err := expr.ParseExpr(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	var walk func(e expr.Expr)
	walk = func(e expr.Expr) {
		got = append(got, src[e.Pos():e.End()])
		switch e := e.(type) {
		case *expr.Unary:
			walk(e.X)
		case *expr.Binary:
			walk(e.X)
			walk(e.Y)
		case *expr.Paren:
			walk(e.X)
		case *expr.CallExpr:
			walk(e.Fun)
			for _, a := range e.Args {
				walk(a)
			}
		}
	}
	walk(x)
	want := []string{"-(x + 1.5)*sin(y)^2", "-(x + 1.5)", "(x + 1.5)", "x + 1.5", "x", "1.5", "sin(y)^2", "sin(y)", "sin", "y", "2"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("node texts\n%q\nwant\n%q", got, want)
	}
}

// TestParseFileAST checks the definitions and the bare expression of a
// parsed file.
func TestParseFileAST(t *testing.T) {
	f, err := expr.ParseFile("a.bp", "f(x, y) = x*y\ng() = 1\nf(2, 3)")
	if err != nil {
		t.Fatal(err)
	}
	if f.Filename != "a.bp" || len(f.Defs) != 2 || f.Expr == nil {
		t.Fatalf("ParseFile: %+v", f)
	}
	if d := f.Defs[0]; d.Name.Name != "f" || len(d.Params) != 2 || d.Params[1].Name != "y" {
		t.Errorf("first definition: %+v", d)
	}
	if d := f.Defs[1]; d.Name.Name != "g" || len(d.Params) != 0 {
		t.Errorf("second definition: %+v", d)
	}
	if c, ok := f.Expr.(*expr.CallExpr); !ok || c.Fun.Name != "f" || len(c.Args) != 2 {
		t.Errorf("bare expression: %#v", f.Expr)
	}
	if n, ok := f.Defs[1].Body.(*expr.Number); !ok || n.Value != 1 || n.Text != "1" {
		t.Errorf("body of g: %#v", f.Defs[1].Body)
	}
}

// The seed's figures.
var (
	seedSection1 = seedtest.Section1().Src
	seedAppendix = seedtest.Appendix().Src
)

// TestSeedFigures checks the gradients the seed computes, by reverse mode
// over the parsed programs.
func TestSeedFigures(t *testing.T) {
	type test struct {
		name, src string
		at, want  []float64
	}
	var tests []test
	for _, c := range seedtest.Cases() {
		tests = append(tests, test{c.Name + " (examples/" + c.File + ")", c.Src, c.X, c.Grad})
	}
	for _, tc := range tests {
		p := mustParse(t, tc.src)
		fn, err := p.Target("")
		if err != nil {
			t.Fatal(err)
		}
		_, grad := gradient(t, p, fn, tc.at)
		for i := range tc.want {
			if !near(grad[i], tc.want[i], 1e-12) {
				t.Errorf("%s: ∂f/∂%s = %.15g, want %.15g", tc.name, fn.ParamNames(p.Graph)[i], grad[i], tc.want[i])
			}
		}
	}
}

// TestBareExpressionName checks that the function of a bare expression
// does not take the name of a function the program defines.
func TestBareExpressionName(t *testing.T) {
	p := mustParse(t, "f(x) = x\nmain(x) = 2*x\nf(1) + main(1)")
	names := make(map[string]bool)
	for _, fn := range p.Funcs {
		if names[fn.Name] {
			t.Errorf("two functions are named %s:\n%s", fn.Name, dump(p))
		}
		names[fn.Name] = true
	}
}
