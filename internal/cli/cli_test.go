package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/internal/golden"
	"github.com/gobackprop/backprop/internal/memtest"
)

// run runs the command in the repository's root, so that examples/ paths
// work as in the README.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	status = Run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), status
}

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-12*math.Abs(want)
}

func TestSeedGradJSON(t *testing.T) {
	for _, mode := range []string{"reverse", "forward", "symbolic", "compiled"} {
		out, errs, status := run(t, "", "grad", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--json", "--mode", mode)
		if status != 0 {
			t.Fatalf("%s: status %d: %s", mode, status, errs)
		}
		var res struct {
			Value    float64
			Gradient map[string]float64
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%s: %v\n%s", mode, err, out)
		}
		if !near(res.Gradient["x_1"], 18260.7627311899) || !near(res.Gradient["x_2"], 6689.54446941267) {
			t.Errorf("%s: gradient %v", mode, res.Gradient)
		}
	}
}

func TestGradAllJSON(t *testing.T) {
	out, errs, status := run(t, "", "grad", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--json", "--mode", "all")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	var res struct {
		Modes map[string]struct {
			Value    float64
			Gradient map[string]float64
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, m := range []string{"reverse", "forward", "symbolic", "compiled", "numeric"} {
		g, ok := res.Modes[m]
		if !ok {
			t.Errorf("mode %s missing from %s", m, out)
			continue
		}
		if math.Abs(g.Gradient["x_1"]-18260.7627311899) > 1e-6*18260.7627311899 {
			t.Errorf("%s: gradient %v", m, g.Gradient)
		}
	}
}

func TestNonFiniteJSON(t *testing.T) {
	out, errs, status := run(t, "", "eval", "-e", "log(x)", "--at", "x=-1", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	if strings.TrimSpace(out) != `{
  "value": "NaN"
}` {
		t.Errorf("got %s", out)
	}
	if !strings.Contains(errs, "warning") || !strings.Contains(errs, "NaN") {
		t.Errorf("no warning on stderr: %q", errs)
	}
	_, errs, status = run(t, "", "eval", "-e", "1 + log(x)", "--at", "x=-1", "--check")
	if status != 2 || !strings.Contains(errs, "1:5") || !strings.Contains(errs, "log") {
		t.Errorf("--check: status %d, stderr %q", status, errs)
	}
}

// TestGolden compares the text output of commands with testdata/*.golden.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"eval", []string{"eval", "examples/seed.bp", "--at", "x_1=2,x_2=3"}},
		{"grad", []string{"grad", "examples/seed.bp", "--at", "x_1=2,x_2=3"}},
		{"grad-primitives", []string{"grad", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--level", "primitives"}},
		{"diff", []string{"diff", "examples/seed.bp", "--wrt", "x_1", "--at", "x_1=2,x_2=3"}},
		{"diff-json", []string{"diff", "examples/section1.bp", "--at", "x=1", "--json"}},
		{"grad-expr", []string{"grad", "-e", "x^2*sin(y)", "--at", "x=2,y=pi/2"}},
		{"ops", []string{"ops"}},
		{"graph-dot", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3"}},
		{"paths", []string{"paths", "examples/seed.bp", "--wrt", "x_1", "--at", "x_1=2,x_2=3"}},
		{"explain", []string{"explain", "examples/seed.bp", "--at", "x_1=2,x_2=3"}},
		{"explain-forward", []string{"explain", "examples/section1.bp", "--at", "x=1", "--mode", "forward", "--format", "markdown"}},
		// ∇f·d = 18260.7627311899 + 0.5·6689.54446941267.
		{"explain-direction", []string{"explain", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--mode", "forward", "--direction", "x_1=1,x_2=0.5"}},
		{"explain-direction-json", []string{"explain", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--mode", "forward", "--direction", "x_2=1/2", "--direction", "x_1=1", "--json"}},
		{"explain-direction-markdown", []string{"explain", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--mode", "forward", "--direction", "x_1=1,x_2=0.5", "--format", "markdown"}},
		// d³ puts (d, d) in the structure, 0 at d = 0.
		{"hessian-sparse", []string{"hessian", "-e", sparseHessianSrc, "--at", "a=1,b=2,c=3,d=0", "--sparse"}},
		{"hessian-sparse-json", []string{"hessian", "-e", sparseHessianSrc, "--at", "a=1,b=2,c=3,d=0", "--sparse", "--json"}},
		{"hessian-sparse-max-print", []string{"hessian", "-e", sparseHessianSrc, "--at", "a=1,b=2,c=3,d=0", "--sparse", "--max-print", "3"}},
		{"jacobian-sparse", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse"}},
		{"jacobian-sparse-json", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse", "--json"}},
		{"jacobian-sparse-reverse", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse", "--mode", "reverse", "--max-print", "2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, status := run(t, "", tt.args...)
			if status != 0 {
				t.Fatalf("status %d: %s", status, errs)
			}
			golden.Check(t, tt.name+".golden", []byte(out))
		})
	}
}

// --direction: a unit vector is --wrt, and the mistakes are refused with
// the flag's name.
func TestExplainDirection(t *testing.T) {
	seed := []string{"explain", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--mode", "forward"}
	unit, _, status := run(t, "", append(seed, "--direction", "x_2=1")...)
	wrt, _, status2 := run(t, "", append(seed, "--wrt", "x_2")...)
	if status != 0 || status2 != 0 || unit != wrt {
		t.Errorf("--direction x_2=1 (status %d) is not --wrt x_2 (status %d):\n%s\n%s", status, status2, unit, wrt)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--direction", "y=1"}, "--direction: y is not a parameter of f"},
		{[]string{"--direction", "x_1=1,x_1=2"}, "--direction: x_1 is given twice"},
		{[]string{"--direction", "x_1=one"}, "--direction: value of x_1"},
		{[]string{"--direction", "x_1"}, "--direction: expected name=value"},
		{[]string{"--direction", "x_1=0"}, "its derivative is 0"},
		{[]string{"--direction", "x_1=1", "--wrt", "x_2"}, "not both"},
		{[]string{"--direction", "x_1=1/0"}, "finite"},
	} {
		_, errs, status := run(t, "", append(seed, tt.args...)...)
		if status != 2 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: status %d, %q; want 2 and %q", tt.args, status, errs, tt.want)
		}
	}
	_, errs, status := run(t, "", "explain", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--direction", "x_1=1")
	if status != 2 || !strings.Contains(errs, "--mode forward") {
		t.Errorf("--direction in reverse mode: status %d, %q", status, errs)
	}
}

func TestStdin(t *testing.T) {
	out, errs, status := run(t, "f(x) = x^3", "grad", "--at", "x=2", "--json")
	if status != 0 || !strings.Contains(out, `"x": 12`) {
		t.Errorf("status %d, out %s, err %s", status, out, errs)
	}
}

// TestBadInput checks that bad programs and flags exit with status 2 and a
// message with line:column where there is a place in the program.
func TestBadInput(t *testing.T) {
	lc := regexp.MustCompile(`\d+:\d+: `)
	programs := []string{
		"f(x) = ",
		"f(x) = x +",
		"f(x) = (x",
		"f(x) = x)",
		"f(x = x",
		"f(x) = 2x",
		"f(x) = x $ 2",
		"f(x) = sinn(x)",
		"f(x) = y",
		"f(x) = sin(x, x)",
		"f(x) = atan2(x)",
		"g(x, y) = x*y\nf(x) = g(x)",
		"f(x) = f(x)",
		"g(x) = h(x)\nh(x) = g(x)\nf(x) = g(x)",
		"f(x) = x\nf(x) = 2*x",
		"f(x, x) = x",
		"f(pi) = pi",
		"sin(x) = x",
		"f(e) = e",
		"g(x) = x\nf(x) = g",
		"f(x) = x(2)",
		"f(x) = pi(2)",
		"f(x) = 1e999",
		"f(2) = 2",
		"f = 3",
		"f(x) = x ^",
		"f(x) = ,",
		"f(x) = x\n2*x\ng(x) = x",
		"f(x) = x +* 2",
		"f(x) = log(x,",
		"f(x) = ln()",
		"f(x) = max(x)",
		"f(x) = exp x",
	}
	for _, src := range programs {
		_, errs, status := run(t, "", "eval", "-e", src, "--at", "x=1")
		if status != 2 {
			t.Errorf("%q: status %d, want 2 (stderr %q)", src, status, errs)
		}
		if !lc.MatchString(errs) || !strings.Contains(errs, "^") {
			t.Errorf("%q: no line:column and caret in %q", src, errs)
		}
	}
	flags := [][]string{
		{"grad", "examples/seed.bp", "--at", "x_1=2"},
		{"grad", "examples/seed.bp", "--at", "x_1=2,x_2=3,y=1"},
		{"grad", "examples/seed.bp", "--at", "x_1=two,x_2=3"},
		{"grad", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--mode", "magic"},
		{"grad", "examples/seed.bp", "--bogus"},
		{"grad", "examples/nonexistent.bp", "--at", "x=1"},
		{"diff", "examples/seed.bp"},
		{"diff", "examples/seed.bp", "--wrt", "z"},
		{"eval", "examples/seed.bp", "--func", "g", "--at", "x=1"},
		{"eval", "examples/seed.bp", "examples/seed.bp"},
	}
	for _, args := range flags {
		_, errs, status := run(t, "", args...)
		if status != 2 || errs == "" {
			t.Errorf("%q: status %d, stderr %q; want 2 and a message", args, status, errs)
		}
	}
}

func TestPathsJSON(t *testing.T) {
	out, errs, status := run(t, "", "paths", "examples/seed.bp", "--wrt", "x_1", "--at", "x_1=2,x_2=3", "--json")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	var res struct {
		Wrt   string
		Paths []struct {
			Nodes   []string
			Factors []float64
			Product float64
		}
		Count    int
		Sum      float64
		Gradient float64
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []float64{7238.22947387088, 11023.8236395328, -1.29038221381431}
	if res.Wrt != "x_1" || res.Count != 3 || len(res.Paths) != 3 {
		t.Fatalf("got %+v", res)
	}
	for i, p := range res.Paths {
		if !near(p.Product, want[i]) {
			t.Errorf("path %v: product %.15g, want %.15g", p.Nodes, p.Product, want[i])
		}
	}
	if !near(res.Sum, 18260.7627311899) || !near(res.Gradient, 18260.7627311899) {
		t.Errorf("sum %.15g, gradient %.15g", res.Sum, res.Gradient)
	}
}

func TestGraphFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"g.svg", "g.png", "g.json", "g.dot"} {
		path := filepath.Join(dir, name)
		_, errs, status := run(t, "", "graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "-o", path)
		if status != 0 {
			t.Fatalf("%s: status %d: %s", name, status, errs)
		}
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, errs, status := run(t, "", "graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "-o", filepath.Join(dir, "g.gif"))
	if status != 2 {
		t.Errorf("unknown extension: status %d (%s), want 2", status, errs)
	}
}

// sumOfTerms returns f(x) = sin(1*x)*cos(x + 1) + … with n terms: about 7n
// nodes and 10n edges at primitive level.
func sumOfTerms(n int) string {
	terms := make([]string, n)
	for k := range terms {
		terms[k] = fmt.Sprintf("sin(%d*x)*cos(x + %d)", k+1, k+1)
	}
	return "f(x) = " + strings.Join(terms, " + ")
}

// TestGraphLayoutLimit checks that an SVG or PNG too large for Graphviz
// (an 800-node graph used to take minutes) is refused at once, as an input
// error naming the limit, its flag and the formats without it, and that
// no output file is left behind.
func TestGraphLayoutLimit(t *testing.T) {
	dir := t.TempDir()
	src := sumOfTerms(115) // 805 nodes, 1,148 edges
	for _, name := range []string{"g.svg", "g.png"} {
		path := filepath.Join(dir, name)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, errs, status := run(t, "", "graph", "-e", src, "--at", "x=1", "--level", "primitives", "-o", path)
		runtime.ReadMemStats(&after)
		if status != 2 {
			t.Errorf("%s: status %d, want 2 (%s)", name, status, errs)
		}
		for _, want := range []string{"805 nodes", "1000 nodes and edges", "--max-layout", "--format dot", "--level functions"} {
			if !strings.Contains(errs, want) {
				t.Errorf("%s: message %q does not say %q", name, errs, want)
			}
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("%s: refused, but the file was created", name)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 64<<20 {
			t.Errorf("%s: refusing allocated %d bytes", name, a)
		}
	}
	_, errs, status := run(t, "", "graph", "-e", src, "--at", "x=1", "--level", "primitives", "--format", "dot")
	if status != 0 {
		t.Errorf("DOT of the same graph: status %d (%s)", status, errs)
	}
}

// TestGradNumericLimit checks that numeric differences, whose cost is the
// number of inputs times the size of the program, are refused beyond
// --max-numeric-inputs, by --mode numeric and by --mode all, at once (the
// refusal allocates little) and with a message naming the limit and its
// flag, and that the flag raises or lifts the limit.
func TestGradNumericLimit(t *testing.T) {
	const n = 1001
	params, terms, at := make([]string, n), make([]string, n), make([]string, n)
	for i := range n {
		params[i] = fmt.Sprintf("x%d", i)
		terms[i] = fmt.Sprintf("sin(x%d)", i)
		at[i] = fmt.Sprintf("x%d=0", i)
	}
	src := "f(" + strings.Join(params, ",") + ") = " + strings.Join(terms, " + ")
	point := strings.Join(at, ",")
	for _, mode := range []string{"numeric", "all"} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, errs, status := run(t, "", "grad", "-e", src, "--at", point, "--mode", mode)
		runtime.ReadMemStats(&after)
		if status != 2 {
			t.Errorf("--mode %s: status %d, want 2 (%s)", mode, status, errs)
		}
		for _, want := range []string{"--mode " + mode, "1001 inputs", "limit of 1000", "--max-numeric-inputs"} {
			if !strings.Contains(errs, want) {
				t.Errorf("--mode %s: message %q does not say %q", mode, errs, want)
			}
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 64<<20 {
			t.Errorf("--mode %s: refusing allocated %d bytes", mode, a)
		}
	}
	for _, limit := range []string{"1001", "0"} {
		out, errs, status := run(t, "", "grad", "-e", src, "--at", point, "--mode", "numeric", "--max-numeric-inputs", limit, "--json")
		if status != 0 {
			t.Fatalf("--max-numeric-inputs %s: status %d (%s)", limit, status, errs)
		}
		var res struct{ Gradient map[string]float64 }
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if g := res.Gradient["x1000"]; math.Abs(g-1) > 1e-9 {
			t.Errorf("--max-numeric-inputs %s: ∂f/∂x1000 = %v, want cos(0) = 1", limit, g)
		}
	}
}

// TestPathsMaxPaths checks that paths refuses a --limit above --max-paths,
// naming the flag, and that with the cap raised the paths are written as
// they are found: a chain of 60 diamonds (2^60 paths) with --limit 10^9
// and an output that fails after 32 MB holds at most 1 MB beyond what it
// held before (the listing used to be built first: 15 GB).
func TestPathsMaxPaths(t *testing.T) {
	lines := []string{"d_0(y) = sin(y) + cos(y)"}
	for k := 1; k < 60; k++ {
		lines = append(lines, fmt.Sprintf("d_%d(y) = d_%d(sin(y) + cos(y))", k, k-1))
	}
	src := strings.Join(lines, "\n")
	args := []string{"paths", "-e", src, "--wrt", "y", "--at", "y=0.5", "--level", "primitives", "--limit", "1000000000"}
	_, errs, status := run(t, "", args...)
	if status != 2 {
		t.Errorf("--limit 10^9: status %d, want 2 (%s)", status, errs)
	}
	for _, want := range []string{"--limit 1000000000", "10000", "--max-paths"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--limit 10^9: message %q does not say %q", errs, want)
		}
	}
	w := memtest.NewWriter(32 << 20)
	var stderr bytes.Buffer
	status = Run(append(args, "--max-paths", "0"), strings.NewReader(""), w, &stderr)
	if status == 0 || !strings.Contains(stderr.String(), "full") {
		t.Errorf("--max-paths 0 on a full output: status %d, stderr %q", status, stderr.String())
	}
	if w.N < 32<<20 {
		t.Errorf("--max-paths 0: %d bytes written before the output failed, want 32 MB", w.N)
	}
	if w.Peak > 1<<20 {
		t.Errorf("--max-paths 0: the heap held %d bytes more", w.Peak)
	}
}
