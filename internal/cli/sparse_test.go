package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The programs of the golden files of --sparse: a chained Rosenbrock
// function of three inputs and a cube, and a tuple of four outputs.
const (
	sparseHessianSrc  = "f(a, b, c, d) = (b - a^2)^2 + (c - b^2)^2 + d^3"
	sparseJacobianSrc = "F(a, b, c) = (a*b, b*c, c^2, sin(a) + c)"
)

// chainedRosenbrock returns the source of the chained Rosenbrock function
// of x_1, …, x_n, Σ_{i<n} 100·(x_{i+1} - x_i²)² + (1 - x_i)², whose
// Hessian is tridiagonal, and a point for --at: x_i = 1 + sin(i)/2.
func chainedRosenbrock(n int) (src, at string, x []float64) {
	var b strings.Builder
	b.WriteString("f(")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "x_%d", i)
	}
	b.WriteString(") =")
	for i := 1; i < n; i++ {
		if i > 1 {
			b.WriteString(" +")
		}
		fmt.Fprintf(&b, " 100*(x_%d - x_%d^2)^2 + (1 - x_%d)^2", i+1, i, i)
	}
	x = make([]float64, n)
	pairs := make([]string, n)
	for i := range x {
		x[i] = 1 + math.Sin(float64(i+1))/2
		pairs[i] = fmt.Sprintf("x_%d=%s", i+1, strconv.FormatFloat(x[i], 'g', -1, 64))
	}
	return b.String(), strings.Join(pairs, ","), x
}

// rosenbrockEntry is the entry (i, j) of the Hessian of chainedRosenbrock
// at x, counted from 0, and whether it is in the structure: on the
// diagonal 1200x_i² - 400x_{i+1} + 2 (+200 but for the first) and 200 for
// the last, beside it -400x_i.
func rosenbrockEntry(x []float64, i, j int) (float64, bool) {
	n := len(x)
	switch {
	case i == j && i == n-1:
		return 200, true
	case i == j:
		h := 1200*x[i]*x[i] - 400*x[i+1] + 2
		if i > 0 {
			h += 200
		}
		return h, true
	case j == i+1:
		return -400 * x[i], true
	case i == j+1:
		return -400 * x[j], true
	}
	return 0, false
}

// sparseOut is the JSON of hessian --sparse.
type sparseOut struct {
	Value     float64
	Variables []string
	Gradient  map[string]float64
	Hessian   struct {
		N, NNZ, Colors int
		Entries        [][3]float64
	}
	Worst map[string]struct {
		Relative    float64
		Row, Column string
	}
}

// TestHessianSparseRosenbrock checks hessian --sparse --json on the
// chained Rosenbrock function of 10,000 inputs, ten times the dense
// command's limit: 3n-2 entries in row order, each the closed form.
func TestHessianSparseRosenbrock(t *testing.T) {
	const n = 10_000
	src, at, x := chainedRosenbrock(n)
	if _, errs, status := run(t, "", "hessian", "-e", src, "--at", at); status != ExitInput || !strings.Contains(errs, "--sparse") {
		t.Errorf("dense: status %d, %s; want a refusal that suggests --sparse", status, errs)
	}
	out, errs, status := run(t, "", "hessian", "-e", src, "--at", at, "--sparse", "--json")
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errs)
	}
	var got sparseOut
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	h := got.Hessian
	if h.N != n || h.NNZ != 3*n-2 || len(h.Entries) != h.NNZ || h.Colors != 3 || len(got.Variables) != n || got.Variables[n-1] != "x_10000" {
		t.Fatalf("n %d, nnz %d, %d entries, %d colours, %d variables; want %d, %d, %d, 3, %d",
			h.N, h.NNZ, len(h.Entries), h.Colors, len(got.Variables), n, 3*n-2, 3*n-2, n)
	}
	// ∂f/∂x_n = 200(x_n - x_{n-1}²).
	if g, want := got.Gradient["x_10000"], 200*(x[n-1]-x[n-2]*x[n-2]); math.Abs(g-want) > 1e-12*math.Abs(want) {
		t.Errorf("∂f/∂x_10000 = %v, want %v", g, want)
	}
	prev := [2]int{-1, -1}
	for _, e := range h.Entries {
		i, j, v := int(e[0]), int(e[1]), e[2]
		if i < prev[0] || i == prev[0] && j <= prev[1] {
			t.Fatalf("entry (%d, %d) after (%d, %d): not in row order, columns increasing", i, j, prev[0], prev[1])
		}
		prev = [2]int{i, j}
		want, ok := rosenbrockEntry(x, i, j)
		if !ok {
			t.Fatalf("entry (%d, %d) outside the tridiagonal structure", i, j)
		}
		if math.Abs(v-want) > 1e-12*math.Abs(want) {
			t.Errorf("H[%d][%d] = %v, want %v", i, j, v, want)
		}
	}
}

// TestSparseModeAll checks --mode all --sparse: the sparse matrix agrees
// with the dense ones entry by entry, and a NaN row of a Jacobian, NaN
// outside the structure in the dense modes, is NaN there in the sparse
// one too (else the worst disagreement would be +Inf).
func TestSparseModeAll(t *testing.T) {
	src, at, _ := chainedRosenbrock(30)
	out, errs, status := run(t, "", "hessian", "-e", src, "--at", at, "--sparse", "--mode", "all", "--json")
	if status != ExitOK {
		t.Fatalf("hessian: status %d: %s", status, errs)
	}
	var h sparseOut
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Worst) != 3 || h.Worst["compiled"].Relative != 0 || h.Worst["symbolic"].Relative > 1e-12 || h.Worst["numeric"].Relative > 1e-6 || h.Hessian.NNZ != 3*30-2 {
		t.Errorf("hessian: worst %+v, %d entries", h.Worst, h.Hessian.NNZ)
	}

	// The text: the entries, then the disagreements (numeric's digits
	// depend on the rounding of differences, which a golden file would
	// pin to one machine).
	out, errs, status = run(t, "", "hessian", "-e", sparseHessianSrc, "--at", "a=1,b=2,c=3,d=0", "--sparse", "--mode", "all")
	if status != ExitOK {
		t.Fatalf("hessian text: status %d: %s", status, errs)
	}
	for _, f := range []string{
		"Hessian: 4×4, 8 entries in the structure, 3 colours\na a 4\n",
		"d d 0\ncompiled: worst relative disagreement with sparse 0 (at a, a)\nsymbolic: worst relative disagreement with sparse 0 (at a, a)\nnumeric: worst relative disagreement with sparse ",
	} {
		if !strings.Contains(out, f) {
			t.Errorf("hessian text does not contain %q:\n%s", f, out)
		}
	}

	for _, tc := range []struct{ src, at string }{
		{sparseJacobianSrc, "a=1,b=2,c=3"},
		{"F(a, b, c) = (log(a)*b, a*c, c^2)", "a=-1,b=2,c=3"},
	} {
		out, errs, status := run(t, "", "jacobian", "-e", tc.src, "--at", tc.at, "--sparse", "--mode", "all", "--json")
		if status != ExitOK {
			t.Fatalf("%s: status %d: %s", tc.src, status, errs)
		}
		var j struct {
			Modes map[string]json.RawMessage
			Worst map[string]struct{ Relative any } // "+Inf" where one only is NaN
		}
		if err := json.Unmarshal([]byte(out), &j); err != nil {
			t.Fatal(err)
		}
		worst := func(mode string) float64 {
			if d, ok := j.Worst[mode].Relative.(float64); ok {
				return d
			}
			return math.Inf(1)
		}
		if len(j.Modes) != 4 || j.Modes["sparse"] == nil || len(j.Worst) != 3 || worst("forward") != 0 || worst("reverse") != 0 || worst("numeric") > 1e-6 {
			t.Errorf("%s: %d modes, worst %+v", tc.src, len(j.Modes), j.Worst)
		}
	}
}

// TestSparseLimits checks the refusals of --sparse, each naming the limit
// and the flag that raises it, and that raising it lets the program
// through.
func TestSparseLimits(t *testing.T) {
	rb10, at10, _ := chainedRosenbrock(10) // 28 entries
	big, atBig, _ := chainedRosenbrock(1001)
	// (x_1 + … + x_300)² stores 300²/2 indices in its partial sums.
	names, at300 := make([]string, 300), make([]string, 300)
	for i := range names {
		names[i] = fmt.Sprintf("x%d", i)
		at300[i] = names[i] + "=1"
	}
	square := fmt.Sprintf("f(%s) = (%s)^2", strings.Join(names, ", "), strings.Join(names, " + "))
	// x0·x1 + … + x0·x299: an arrow, whose rows of 299 entries and 299
	// of one cost 299² + 299 steps to colour, and 299 colours.
	terms := make([]string, 299)
	for i := range terms {
		terms[i] = fmt.Sprintf("x0*x%d", i+1)
	}
	arrow := fmt.Sprintf("f(%s) = %s", strings.Join(names, ", "), strings.Join(terms, " + "))
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stderr []string
	}{
		{"no parameters", []string{"hessian", "-e", "f() = 3", "--sparse"}, 2, []string{"f has no parameters to differentiate by"}},
		{"no parameters, dense", []string{"hessian", "-e", "f() = 3"}, 2, []string{"f has no parameters to differentiate by"}},
		{"no parameters of a Jacobian", []string{"jacobian", "-e", "F() = (1, 2)", "--mode", "all"}, 2, []string{"F has no parameters to differentiate by"}},
		{"--max-entries", []string{"hessian", "-e", rb10, "--at", at10, "--sparse", "--max-entries", "27"}, 2,
			[]string{"the Hessian of f has 28 entries in its structure, more than --max-entries 27"}},
		{"--max-entries at the limit", []string{"hessian", "-e", rb10, "--at", at10, "--sparse", "--max-entries", "28"}, 0, nil},
		{"--max-entries 0", []string{"hessian", "-e", rb10, "--at", at10, "--sparse", "--max-entries", "0"}, 0, nil},
		// Refused before any evaluation: --check would stop at log(-1).
		{"--max-entries before evaluating", []string{"hessian", "-e", "log(x)*y^2", "--at", "x=-1,y=2", "--sparse", "--check", "--max-entries", "3"}, 2,
			[]string{"has 4 entries in its structure, more than --max-entries 3"}},
		{"--max-entries of a Jacobian", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse", "--max-entries", "6"}, 2,
			[]string{"the Jacobian of F has 7 entries in its structure, more than --max-entries 6"}},
		{"--max-entries negative", []string{"hessian", "-e", rb10, "--at", at10, "--sparse", "--max-entries", "-1"}, 2,
			[]string{"--max-entries must be 0 (no limit) or positive"}},
		{"--max-print negative", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse", "--max-print", "-1"}, 2,
			[]string{"--max-print must be 0 (no limit) or positive"}},
		{"--max-entries without --sparse", []string{"hessian", "-e", rb10, "--at", at10, "--max-entries", "5"}, 2,
			[]string{"--max-entries applies to --sparse"}},
		{"--max-print without --sparse", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--max-print", "5"}, 2,
			[]string{"--max-print applies to --sparse"}},
		{"--sparse --mode symbolic", []string{"hessian", "-e", rb10, "--at", at10, "--sparse", "--mode", "symbolic"}, 2,
			[]string{"expected --mode compiled or all"}},
		{"--sparse --mode numeric", []string{"jacobian", "-e", sparseJacobianSrc, "--at", "a=1,b=2,c=3", "--sparse", "--mode", "numeric"}, 2,
			[]string{"expected --mode auto, forward, reverse or all"}},
		{"--max-inputs dense", []string{"hessian", "-e", big, "--at", atBig}, 2,
			[]string{"f has 1001 inputs: its Hessian has 1002001 entries, more than --max-inputs 1000", "--sparse"}},
		{"--max-inputs sparse default", []string{"hessian", "-e", big, "--at", atBig, "--sparse", "--max-print", "1"}, 0, nil},
		{"--max-inputs sparse", []string{"hessian", "-e", big, "--at", atBig, "--sparse", "--max-inputs", "1000"}, 2,
			[]string{"f has 1001 inputs, more than --max-inputs 1000"}},
		{"--max-inputs sparse --mode all", []string{"hessian", "-e", big, "--at", atBig, "--sparse", "--mode", "all"}, 2,
			[]string{"--mode all compares the sparse Hessian with dense ones", "more than --max-inputs 1000"}},
		{"finding the structure", []string{"hessian", "-e", square, "--at", strings.Join(at300, ","), "--sparse", "--max-work", "10000"}, 2,
			[]string{"finding the structure of the Hessian of f stores more than --max-work 10000 indices"}},
		{"finding the structure of a Jacobian", []string{"jacobian", "-e", "F(" + strings.Join(names, ", ") + ") = (" + strings.Join(names, " + ") + ", x0)", "--at", strings.Join(at300, ","), "--sparse", "--max-work", "10000"}, 2,
			[]string{"finding the structure of the Jacobian of F stores more than --max-work 10000 indices"}},
		{"colouring", []string{"hessian", "-e", arrow, "--at", strings.Join(at300, ","), "--sparse", "--max-work", "20000"}, 2,
			[]string{"colouring the structure of the Hessian of f takes 89700 steps", "more than --max-work 20000"}},
		{"products", []string{"hessian", "-e", arrow, "--at", strings.Join(at300, ","), "--sparse", "--max-work", "100000"}, 2,
			[]string{"the Hessian of f takes 299 Hessian-vector products", "more than --max-work 100000"}},
		{"--max-work 0", []string{"hessian", "-e", arrow, "--at", strings.Join(at300, ","), "--sparse", "--max-work", "0"}, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errs, status := run(t, "", tc.args...)
			if status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, errs)
			}
			for _, f := range tc.stderr {
				if !strings.Contains(errs, f) {
					t.Errorf("stderr does not contain %q: %s", f, errs)
				}
			}
		})
	}
}

// TestWriteJSONStream checks that the streaming writer writes what
// writeJSON writes, byte for byte, for an object without entries, and
// valid JSON with them.
func TestWriteJSONStream(t *testing.T) {
	o := object{
		{"value", num(math.NaN())},
		{"variables", []string{"x", "<y>"}},
		{"empty", object{}},
		{"none", []int{}},
		{"nested", object{{"a", num(1.5)}, {"b", []object{{{"c", num(math.Inf(-1))}}}}}},
	}
	var want, got bytes.Buffer
	if err := writeJSON(&want, o); err != nil {
		t.Fatal(err)
	}
	if err := writeJSONStream(&got, o); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("streamed:\n%s\nwant:\n%s", got.String(), want.String())
	}
	s := &csr{rows: 2, cols: 3, start: []int{0, 2, 3}, idx: []int32{0, 2, 1}, vals: []float64{1, math.NaN(), -2.5}}
	got.Reset()
	if err := writeJSONStream(&got, object{{"m", sparseJSON(s, field{"nnz", 3})}, {"z", sparseJSON(&csr{rows: 1, start: []int{0, 0}})}}); err != nil {
		t.Fatal(err)
	}
	var back struct {
		M struct {
			NNZ     int
			Entries [][3]any
		}
		Z struct{ Entries []any }
	}
	if err := json.Unmarshal(got.Bytes(), &back); err != nil {
		t.Fatalf("%v:\n%s", err, got.String())
	}
	if back.M.NNZ != 3 || fmt.Sprint(back.M.Entries) != "[[0 0 1] [0 2 NaN] [1 1 -2.5]]" || back.Z.Entries == nil || len(back.Z.Entries) != 0 {
		t.Errorf("read back %+v from\n%s", back, got.String())
	}
}

// TestSparseTextBounded checks that the text of many inputs (grad's too)
// stays linear in them (some 120 bytes a line here): the value lines show a long point
// abbreviated, where tabwriter would pad every gradient line to the width
// of the whole point (20 MB at 1,001 inputs, 100 GB at 10⁵), and jacobian
// repeats it on each line.
func TestSparseTextBounded(t *testing.T) {
	const n = 1001
	src, at, _ := chainedRosenbrock(n)
	names := make([]string, n)
	squares := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("x_%d", i+1)
		squares[i] = names[i] + "^2"
	}
	tuple := fmt.Sprintf("F(%s) = (%s)", strings.Join(names, ", "), strings.Join(squares, ", "))
	for _, args := range [][]string{
		{"grad", "-e", src, "--at", at},
		{"hessian", "-e", src, "--at", at, "--sparse", "--max-print", "5"},
		{"jacobian", "-e", tuple, "--at", at, "--sparse", "--max-print", "5"},
	} {
		out, errs, status := run(t, "", args...)
		if status != ExitOK {
			t.Fatalf("%s: status %d: %s", args[0], status, errs)
		}
		if len(out) > 400_000 || !strings.Contains(out, "(x_1=1.") || !strings.Contains(out, ", …, x_1001=") || args[0] != "grad" && !strings.Contains(out, "more entries not shown (--max-print 5;") {
			t.Errorf("%s: %d bytes of text, beginning %.300s", args[0], len(out), out)
		}
	}
}

// TestListAbbreviated checks the lists of names in --at's errors: whole
// up to maxListed names, the middle left out with its count beyond.
func TestListAbbreviated(t *testing.T) {
	names := func(n int) []string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprintf("x_%d", i+1)
		}
		return s
	}
	for _, c := range []struct {
		n             int
		list, example string
	}{
		{1, "x_1", "x_1=1"},
		{8, "x_1, x_2, x_3, x_4, x_5, x_6, x_7, x_8", "x_1=1,x_2=1,x_3=1,x_4=1,x_5=1,x_6=1,x_7=1,x_8=1"},
		{9, "x_1, x_2, x_3, x_4, x_5, x_6, x_7, … (1 more), x_9", "x_1=1,x_2=1,x_3=1,x_4=1,x_5=1,x_6=1,x_7=1,…,x_9=1"},
		{100000, "x_1, x_2, x_3, x_4, x_5, x_6, x_7, … (99992 more), x_100000", "x_1=1,x_2=1,x_3=1,x_4=1,x_5=1,x_6=1,x_7=1,…,x_100000=1"},
	} {
		if got := listOr(names(c.n)); got != c.list {
			t.Errorf("listOr of %d names = %q, want %q", c.n, got, c.list)
		}
		if got := example(names(c.n)); got != c.example {
			t.Errorf("example of %d names = %q, want %q", c.n, got, c.example)
		}
	}
}

// TestPointFile checks --at @FILE and --from @FILE: pairs separated by
// commas or lines, mixed with pairs on the command line, and the
// refusals of a missing file, a file over --max-bytes and a binary file.
func TestPointFile(t *testing.T) {
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	xy := file("xy.txt", "x=2\n y = 3,\n")
	out, errs, status := run(t, "", "grad", "-e", "x*y*z", "--at", "@"+xy, "--at", "z=5", "--json")
	if status != ExitOK || !strings.Contains(out, `"value": 30`) {
		t.Errorf("--at @FILE: status %d, %s%s", status, out, errs)
	}
	out, errs, status = run(t, "", "minimize", "-e", "(x - 1)^2 + (y + 2)^2", "--from", "@"+xy, "--json")
	if status != ExitOK || !strings.Contains(out, `"status": "GradientThreshold"`) {
		t.Errorf("--from @FILE: status %d, %s%s", status, out, errs)
	}
	big := file("big.txt", strings.Repeat("x=1\n", 100))
	binary := file("binary.txt", "x=1\x00")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--at", "@" + filepath.Join(dir, "missing.txt")}, "no such file"},
		{[]string{"--at", "@" + big, "--max-bytes", "100"}, "--max-bytes"},
		{[]string{"--at", "@" + binary}, "NUL"},
	} {
		_, errs, status := run(t, "", append([]string{"eval", "-e", "x"}, c.args...)...)
		if status != ExitInput || !strings.Contains(errs, c.want) {
			t.Errorf("%v: status %d, %s", c.args, status, errs)
		}
	}
}
