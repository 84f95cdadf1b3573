package gen_test

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/gen"
)

// fuzzFset and fuzzImporter are shared by FuzzGo's runs: the source
// importer parses package math once, not once an input.
var (
	fuzzFset     = token.NewFileSet()
	fuzzImporter = importer.ForCompiler(fuzzFset, "source", nil)
)

// FuzzGo checks that gen writes, for any program that parses and is not
// too large once its calls are expanded, Go source that go/format leaves
// unchanged and that type-checks (an unused temporary is an error), with
// the HVP for a function of one value and the Jacobian for a tuple. The
// seed corpus is TestFormatted's programs and the goldens'; run
//
//	go test -run XXX -fuzz FuzzGo -fuzztime 120s ./gen/
func FuzzGo(f *testing.F) {
	for _, src := range []string{
		allPrimitives, primitiveTuple,
		"f(x, y) = -x^-1.5 + 2^x - (x - -y)*(x / -y) + x^3 + 1e-5*x + x^y^2 - min(-x, 2) + max(y, -1e300)",
		"F(x, y) = (x, 3, y^x, x*x, min(x, y), x/x, -x, y - y, x + 2, 2 - x, sin(x), cos(x))",
		"g(x, y) = x*y + y^2\nF(x, y, z) = (g(x, y), g(y, z), g(x, y) + g(z, x))",
		"f(x) = sin(x)*cos(x) + cos(x)", "f() = 2", "f(x, y) = y", "x^2*sin(y)",
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			t.Skip()
		}
		prog, err := expr.Parse("fuzz.bp", src)
		if err != nil {
			return
		}
		fn, err := prog.Target("")
		if err != nil {
			return
		}
		const limit = 20_000 // nodes once calls are expanded
		for _, o := range append(fn.Outputs, fn.Body) {
			if prog.Graph.ExpandedSize(o, limit) > limit {
				t.Skip()
			}
		}
		var b bytes.Buffer
		if err := gen.Go(&b, prog.Graph, fn, &gen.Settings{Package: "fuzz", Name: "F", Hessian: len(fn.Outputs) == 0}); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		out, err := format.Source(b.Bytes())
		if err != nil {
			t.Fatalf("%q: %v\n%s", src, err, b.Bytes())
		}
		if !bytes.Equal(out, b.Bytes()) {
			t.Fatalf("%q: gen's output is not gofmt'ed:\n%s", src, b.Bytes())
		}
		file, err := parser.ParseFile(fuzzFset, "fuzz.go", b.Bytes(), 0)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		conf := types.Config{Importer: fuzzImporter}
		if _, err := conf.Check("fuzz", fuzzFset, []*ast.File{file}, nil); err != nil {
			t.Fatalf("%q: %v\n%s", src, err, b.Bytes())
		}
	})
}
