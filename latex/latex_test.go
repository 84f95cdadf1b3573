package latex

import (
	"slices"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

var stringTests = []struct {
	in, want string
}{
	// leaves
	{"x", `x`},
	{"pi", `\pi`},
	{"e", `e`},
	{"-2", `-2`},
	{"0.5", `0.5`},
	{"1e-7*x", `10^{-7} x`},
	{"1.5e21", `1.5 \cdot 10^{21}`},
	{"-pi", `- \pi`},
	{"1/0", `\frac{1}{0}`},
	// sums
	{"a + b", `a + b`},
	{"a - b", `a - b`},
	{"a + -b", `a - b`},
	{"-a + b", `- a + b`},
	{"-(a + b)", `- a - b`},
	{"a - (b - c)", `a - b + c`},
	{"x - -2", `x + 2`},
	{"x + -2*y", `x - 2 y`},
	// products and quotients
	{"5*x*y", `5 x y`},
	{"2*3", `2 \cdot 3`},
	{"x*2", `2 x`},
	{"x*2*3", `2 \cdot 3 x`},
	{"2*pi", `2 \pi`},
	{"-2*x", `- 2 x`},
	{"x*-2", `- 2 x`},
	{"-(pi*sin(pi*y))", `- \pi \sin{\left(\pi y \right)}`},
	{"(a + b)*c", `c \left(a + b\right)`},
	{"sin(x)*(a + b)*x^2", `x^{2} \left(a + b\right) \sin{\left(x \right)}`},
	{"a/b", `\frac{a}{b}`},
	{"(a + b)/c", `\frac{a + b}{c}`},
	{"a/(b + c)", `\frac{a}{b + c}`},
	{"(a + b)*d/c", `\frac{d \left(a + b\right)}{c}`},
	{"a/(b/c)", `\frac{a c}{b}`},
	{"a/b/c", `\frac{a}{b c}`},
	{"-a/b", `- \frac{a}{b}`},
	{"a/-b", `- \frac{a}{b}`},
	{"1/(2*sqrt(x))", `\frac{1}{2 \sqrt{x}}`},
	{"5/(2*sqrt(x))", `\frac{5}{2 \sqrt{x}}`},
	{"x - pi*sin(pi*log(x))/x", `x - \frac{\pi \sin{\left(\pi \log{\left(x \right)} \right)}}{x}`},
	{"1*x", `x`},
	{"x*1*y", `x y`},
	{"x*x", `x^{2}`},
	{"a/(b*b)", `\frac{a}{b^{2}}`},
	{"a/b^2/b", `\frac{a}{b^{3}}`},
	{"sin(x)*sin(x)*2", `2 \sin^{2}{\left(x \right)}`},
	{"y*x*b*a", `a b x y`},
	{"x^2*y*2*x_1*(a+1)", `2 x^{2} x_{1} y \left(a + 1\right)`},
	// powers
	{"x^y", `x^{y}`},
	{"x^(y - 1)", `x^{y - 1}`},
	{"x^y^z", `x^{y^{z}}`},
	{"(x^y)^z", `\left(x^{y}\right)^{z}`},
	{"(a + b)^2", `\left(a + b\right)^{2}`},
	{"(2*x)^2", `\left(2 x\right)^{2}`},
	{"(-2)^x", `\left(-2\right)^{x}`},
	{"x^-1", `\frac{1}{x}`},
	{"x^-2", `\frac{1}{x^{2}}`},
	{"y*x^-2", `\frac{y}{x^{2}}`},
	{"x^-0.5", `\frac{1}{x^{0.5}}`},
	{"sin(x)^2", `\sin^{2}{\left(x \right)}`},
	{"3*sin(x)^2*x", `3 x \sin^{2}{\left(x \right)}`},
	{"1/sin(x)^2", `\frac{1}{\sin^{2}{\left(x \right)}}`},
	{"sin(x)^-2", `\frac{1}{\sin^{2}{\left(x \right)}}`},
	{"sin(x)^y", `\sin{\left(x \right)}^{y}`},
	{"sin(x)^0.5", `\sin{\left(x \right)}^{0.5}`},
	{"log(x)^2", `\log{\left(x \right)}^{2}`},
	{"exp(x)^2", `\left(e^{x}\right)^{2}`},
	{"sqrt(x)^3", `\left(\sqrt{x}\right)^{3}`},
	{"abs(x)^2", `\left|x\right|^{2}`},
	{"e^x", `e^{x}`},
	{"x_1^x_2^x_1", `x_{1}^{x_{2}^{x_{1}}}`},
	// functions
	{"sin(pi*x)", `\sin{\left(\pi x \right)}`},
	{"log(x)", `\log{\left(x \right)}`},
	{"ln(x)", `\log{\left(x \right)}`},
	{"sqrt(x)", `\sqrt{x}`},
	{"exp(x)", `e^{x}`},
	{"exp(-2*x)", `e^{- 2 x}`},
	{"abs(x - 1)", `\left|x - 1\right|`},
	{"atan2(y, x)", `\operatorname{atan_2}{\left(y, x \right)}`},
	{"max(x, y)", `\max{\left(x, y \right)}`},
	{"sigmoid(x)", `\sigma{\left(x \right)}`},
	{"relu(x)", `\operatorname{relu}{\left(x \right)}`},
	{"asin(x)", `\operatorname{asin}{\left(x \right)}`},
	// names
	{"x_1 + x1 + alpha + rate_0 + x_max + x_1_2", `x_{1} + x_{1} + \alpha + \mathrm{rate}_{0} + x_{\mathrm{max}} + x_{1 2}`},
	// calls
	{"g(a, b) = a*b\nf(x) = g(x, 2) + g_1(x)\ng_1(t) = t", `g\left(x, 2\right) + g_{1}\left(x\right)`},
}

func TestString(t *testing.T) {
	for _, c := range stringTests {
		p, err := expr.Parse("test", c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		fn := p.Func("f")
		if got := String(p.Graph, fn.Body); got != c.want {
			t.Errorf("String(%s)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestNames(t *testing.T) {
	for _, c := range []struct {
		name, v, f string
	}{
		{"x", `x`, `x`},
		{"x_1", `x_{1}`, `x_{1}`},
		{"x1", `x_{1}`, `x_{1}`},
		{"x12", `x_{12}`, `x_{12}`},
		{"f_2", `f_{2}`, `f_{2}`},
		{"alpha", `\alpha`, `\alpha`},
		{"alpha_2", `\alpha_{2}`, `\alpha_{2}`},
		{"Omega", `\Omega`, `\Omega`},
		{"x_max", `x_{\mathrm{max}}`, `x_{\mathrm{max}}`},
		{"x_i_j", `x_{i j}`, `x_{i j}`},
		{"rate", `\mathrm{rate}`, `\operatorname{rate}`},
		{"rate_0", `\mathrm{rate}_{0}`, `\operatorname{rate}_{0}`},
		{"loss2", `\mathrm{loss}_{2}`, `\operatorname{loss}_{2}`},
		{"α", `α`, `α`},
		{"_x", `\mathrm{\_x}`, `\operatorname{\_x}`},
		{"x_", `\mathrm{x\_}`, `\operatorname{x\_}`},
		{"x__1", `\mathrm{x\_\_1}`, `\operatorname{x\_\_1}`},
	} {
		if got := Name(c.name); got != c.v {
			t.Errorf("Name(%q) = %s, want %s", c.name, got, c.v)
		}
		if got := FuncName(c.name); got != c.f {
			t.Errorf("FuncName(%q) = %s, want %s", c.name, got, c.f)
		}
	}
}

// TestStringDoesNotChangeGraph checks that printing adds no node.
func TestStringDoesNotChangeGraph(t *testing.T) {
	p, err := expr.Parse("", "x*-2 + y^-3 - -4/x")
	if err != nil {
		t.Fatal(err)
	}
	g := p.Graph
	n := g.Len()
	String(g, p.Funcs[0].Body)
	if g.Len() != n {
		t.Errorf("String added %d nodes", g.Len()-n)
	}
}

func TestDerivativeHead(t *testing.T) {
	g := ir.NewGraph()
	x, y := g.Var("x_1"), g.Var("x_2")
	f := &ir.Func{Name: "f", Params: []ir.ID{x, y}, Body: g.Apply(op.Mul, x, y)}
	if got, want := Derivative(g, f, x, y), `\frac{\partial}{\partial x_{1}} f\left(x_{1}, x_{2}\right) = x_{2}`; got != want {
		t.Errorf("Derivative = %s, want %s", got, want)
	}
	h := &ir.Func{Name: "h", Params: []ir.ID{x}, Body: x}
	if got, want := Derivative(g, h, x, g.Const(1)), `\frac{d}{d x_{1}} h\left(x_{1}\right) = 1`; got != want {
		t.Errorf("Derivative = %s, want %s", got, want)
	}
}

func TestAligned(t *testing.T) {
	prog, err := expr.Parse("t.bp", "u(x, y) = x*y + sin(x)*cos(y) + exp(x*y)\nf(x, y) = sin(u(x, y))*cos(u(x, y))\n")
	if err != nil {
		t.Fatal(err)
	}
	g := prog.Graph
	fn := prog.Funcs[1]
	d := g.Inline(g, fn.Body)
	l := g.Listing(d, fn.Params, nil)
	got := Aligned(g, l, "f", d)
	want := `\begin{aligned} t_{1} &= x y + \sin{\left(x \right)} \cos{\left(y \right)} + e^{x y} \\ f &= \sin{\left(t_{1} \right)} \cos{\left(t_{1} \right)} \end{aligned}`
	if got != want {
		t.Errorf("Aligned:\ngot  %s\nwant %s", got, want)
	}
	small := g.Inline(g, prog.Funcs[0].Body)
	if got, want := Aligned(g, g.Listing(small, prog.Funcs[0].Params, nil), "u", small), "u = "+String(g, small); got != want {
		t.Errorf("Aligned without helpers:\ngot  %s\nwant %s", got, want)
	}
}

// TestSplitName pins the split of names into base and subscripts that
// Name here and mathml.Name both typeset.
func TestSplitName(t *testing.T) {
	for _, c := range []struct {
		name, base string
		subs       []string
		ok         bool
	}{
		{"x", "x", nil, true},
		{"x_1", "x", []string{"1"}, true},
		{"x12", "x", []string{"12"}, true},
		{"rate_0_k", "rate", []string{"0", "k"}, true},
		{"alpha", "alpha", nil, true},
		{"12", "12", nil, true},
		{"_x", "", nil, false},
		{"x__1", "", nil, false},
		{"x_", "", nil, false},
		{"", "", nil, false},
	} {
		base, subs, ok := SplitName(c.name)
		if base != c.base || !slices.Equal(subs, c.subs) || ok != c.ok {
			t.Errorf("SplitName(%q) = %q, %q, %v; want %q, %q, %v", c.name, base, subs, ok, c.base, c.subs, c.ok)
		}
	}
}
