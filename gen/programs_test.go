package gen_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/gen"
	"github.com/gobackprop/backprop/internal/golden"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
)

// allPrimitives uses every primitive of the table, on x in (-2, 2) and y
// in (1, 3).
const allPrimitives = `f(x, y) = exp(x) + log(y) + sqrt(y) + sin(x) + cos(y) + tan(x/2) + asin(x/4) + acos(y/4) +
	atan(x) + atan2(x, y) + sinh(x) + cosh(y) + tanh(x) + abs(x) + min(x, y) + max(x, y*x) +
	log1p(y) + expm1(x) + sigmoid(x) + relu(x) + step(y) + sign(x) + y^x + x/y - -x*y
`

// programs are the programs whose generated code lives, compiled and
// tested, in gen/internal/generated: the golden files of gen.
var programs = []struct {
	file, pkgName, name string
	parse               func(testing.TB) (*ir.Graph, *ir.Func)
}{
	{"seed.go", "generated", "Seed", fromCase(seedtest.Section23())},
	{"section1.go", "generated", "Section1", fromCase(seedtest.Section1())},
	{"rosenbrock.go", "generated", "Rosenbrock", fromText("rosenbrock.bp", "f(x, y) = 100*(y - x^2)^2 + (1 - x)^2\n")},
	{"rosenbrock100.go", "generated", "Rosenbrock100", func(testing.TB) (*ir.Graph, *ir.Func) { return seedtest.RosenbrockGraph(100) }},
	{"primitives.go", "generated", "Primitives", fromText("primitives.bp", allPrimitives)},
	// Functions that return tuples: as many inputs as values (reverse
	// sweeps), fewer (forward sweeps) and more (reverse sweeps, and a
	// value that does not depend on an input).
	{"tuple.go", "generated", "Tuple", fromText("tuple.bp", "F(x, y) = (x*y, sin(x) + y)\n")},
	{"curve.go", "generated", "Curve", fromText("curve.bp", "G(t) = (cos(t), sin(t), t^2)\n")},
	{"spherical.go", "generated", "Spherical", fromText("spherical.bp", "S(x, y, z) = (sqrt(x^2 + y^2 + z^2), atan2(y, x))\n")},
	{"primitivetuple.go", "generated", "PrimitiveTuple", fromText("primitivetuple.bp", primitiveTuple)},
}

// primitiveTuple has every primitive of the table as a value of its own,
// on x in (-2, 2) and y in (1, 3): 27 values of 2 inputs, forward sweeps.
const primitiveTuple = `P(x, y) = (exp(x), log(y), sqrt(y), sin(x), cos(y), tan(x/2), asin(x/4), acos(y/4),
	atan(x), atan2(x, y), sinh(x), cosh(y), tanh(x), abs(x), min(x, y), max(x, y*x),
	log1p(y), expm1(x), sigmoid(x), relu(x), step(y), sign(x), y^x, x^3, x/y, -x*y, x - y)
`

func fromCase(c seedtest.Case) func(testing.TB) (*ir.Graph, *ir.Func) {
	return fromText("examples/"+c.File, c.Src)
}

func fromText(name, src string) func(testing.TB) (*ir.Graph, *ir.Func) {
	return func(tb testing.TB) (*ir.Graph, *ir.Func) {
		p, err := expr.Parse(name, src)
		if err != nil {
			tb.Fatal(err)
		}
		fn, err := p.Target("")
		if err != nil {
			tb.Fatal(err)
		}
		return p.Graph, fn
	}
}

// TestGolden checks that the generated code under internal/generated is
// what gen writes now (-update rewrites it). The files are a package, not
// testdata, so that go test compiles them, checks them against the
// compiled mode and times them.
func TestGolden(t *testing.T) {
	for _, pr := range programs {
		g, fn := pr.parse(t)
		var b bytes.Buffer
		err := gen.Go(&b, g, fn, &gen.Settings{Package: pr.pkgName, Name: pr.name, Source: pr.file[:len(pr.file)-3], Command: "go test ./gen -run TestGolden -update", Hessian: len(fn.Outputs) == 0})
		if err != nil {
			t.Fatal(err)
		}
		golden.File(t, "internal/generated/"+pr.file, b.Bytes())
	}
}

// TestFormatted checks that gen writes gofmt's layout itself: go/format
// leaves its output unchanged. (gen does not run go/format, whose time
// grows faster than the code's size.)
func TestFormatted(t *testing.T) {
	extra := []string{
		"f(x, y) = -x^-1.5 + 2^x - (x - -y)*(x / -y) + x^3 + 1e-5*x + x^y^2 - min(-x, 2) + max(y, -1e300)",
		"f(x) = sin(cos(x)) * cos(x) - tanh(x)*tanh(x) + sqrt(x)^0.5 + exp(-x)*expm1(x) + sigmoid(-x)",
		"f(x, y, z) = 3",
		"f(x, y) = y",
		"f() = 2",
		"f(x, y) = sin(x)*y + cos(y)^x + 1/x + 2^y + y^sin(2) + atan2(y, x)^2 + acos(x/9) + log1p(x)*sigmoid(y)",
		"f(x) = sin(x)*cos(x) + cos(x)",
		// Tuples: forward sweeps (fewer inputs than values), reverse
		// sweeps, inputs, constants and repeated nodes as values.
		"F(x, y) = (x, 3, y^x, x*x, min(x, y), x/x, -x, y - y, x + 2, 2 - x, sin(x), cos(x))",
		"F(x, y, z) = (x*y*z, sin(x)*cos(y) + tanh(z), 4, y)",
		"F(x, y) = (x*x, x*x)",
		"F(x, y, z) = (y, x*z)",
		"F(x, y, z) = (-1, 2*y^z, atan2(z, x))",
		"F(t) = (t, t)",
		"F() = (1, 2)",
		"g(x, y) = x*y + y^2\nF(x, y, z) = (g(x, y), g(y, z), g(x, y) + g(z, x))",
		// Constants: folded in float64, divisors of 0, -0, NaN, Inf.
		"f(x) = x*(0.1 + 0.2) + x/0 - x/(-0) + 1/(x - x) + 0/0 + (-0)*x + x^(1/0) + exp(1000)",
		"f() = 0/0 - 1/0",
		"F(x) = (0/0, x/0, -0)",
	}
	all := programs
	for i, src := range extra {
		all = append(all, programs[0])
		all[len(all)-1].file = fmt.Sprintf("extra %d", i)
		all[len(all)-1].parse = fromText("extra.bp", src)
	}
	for _, pr := range all {
		g, fn := pr.parse(t)
		var b bytes.Buffer
		if err := gen.Go(&b, g, fn, &gen.Settings{Package: pr.pkgName, Name: pr.name, Hessian: len(fn.Outputs) == 0}); err != nil {
			t.Fatal(err)
		}
		f, err := format.Source(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", pr.file, err)
		}
		if !bytes.Equal(f, b.Bytes()) {
			t.Errorf("%s: gen's output is not gofmt'ed", pr.file)
		}
		// The goldens are compiled by go test; the others are
		// type-checked here (an unused temporary is an error).
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, pr.file, b.Bytes(), 0)
		if err != nil {
			t.Fatalf("%s: %v", pr.file, err)
		}
		conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil)}
		if _, err := conf.Check(pr.pkgName, fset, []*ast.File{file}, nil); err != nil {
			t.Errorf("%s: %v", pr.file, err)
		}
	}
}

// TestConstantsFolded checks that an operation of constants is computed
// in float64 at generation time, as every mode computes it, and not left
// to Go's exact constant arithmetic (0.1 + 0.2 is 0.3 there), and that 0
// and -0 as divisors, which Go refuses as constants, are not constants.
func TestConstantsFolded(t *testing.T) {
	g, fn := fromText("constants.bp", "f(x) = x*(0.1 + 0.2) + x/0 - x/(-0) + (-0)*x")(t)
	var b bytes.Buffer
	if err := gen.Go(&b, g, fn, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"x0 * 0.30000000000000004", "x0 / math.Copysign(0, 1)", "x0 / math.Copysign(0, -1)", "math.Copysign(0, -1) * x0"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("no %q in\n%s", want, b.Bytes())
		}
	}
}

// TestGradientOfAnInput checks the gradient of a function that is one of
// its inputs, whose reverse pass goes through no node: 1 in that input,
// 0 in the others.
func TestGradientOfAnInput(t *testing.T) {
	g, fn := fromText("input.bp", "f(x, y) = y")(t)
	var b bytes.Buffer
	if err := gen.Go(&b, g, fn, nil); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\tgrad[0] = 0\n", "\tgrad[1] = 1\n"} {
		if !bytes.Contains(b.Bytes(), []byte(want)) {
			t.Errorf("no %q in\n%s", want, b.Bytes())
		}
	}
}

// TestTupleHessian checks that gen refuses the Hessian-vector product of
// a function that returns a tuple.
func TestTupleHessian(t *testing.T) {
	g, fn := fromText("tuple.bp", "F(x, y) = (x*y, sin(x) + y)")(t)
	var b bytes.Buffer
	if err := gen.Go(&b, g, fn, &gen.Settings{Hessian: true}); err == nil || !strings.Contains(err.Error(), "tuple") {
		t.Errorf("Hessian of a tuple: error %v", err)
	}
}
