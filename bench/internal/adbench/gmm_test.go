package adbench

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir is where ADBench's input files are; the tests that need them
// are skipped when it is missing.
var dataDir = func() string {
	if d := os.Getenv("ADBENCH_DATA"); d != "" {
		return d
	}
	return "../../../../shared/adbench/data"
}()

// rho is ADBench's comparison: |x − y| / max(1, |x| + |y|).
func rho(x, y float64) float64 {
	return math.Abs(x-y) / math.Max(1, math.Abs(x)+math.Abs(y))
}

// expectations returns ADBench's test values for the file name.
func expectations(t *testing.T, name string) map[string]json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "adbench_test_expectations.json"))
	if err != nil {
		t.Skipf("ADBench's data: %v", err)
	}
	var all map[string]map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	return all[name]
}

func floatsOf(t *testing.T, raw json.RawMessage) []float64 {
	t.Helper()
	var v []float64
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func floatOf(t *testing.T, raw json.RawMessage) float64 {
	t.Helper()
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func openData(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if err != nil {
		t.Skipf("ADBench's data: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readGMM(t *testing.T, name string) *GMM {
	t.Helper()
	g, err := ReadGMM(openData(t, name), name)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// maxRho returns the largest ρ between got and want, which must have the
// same length.
func maxRho(t *testing.T, got, want []float64) float64 {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	var m float64
	for i := range got {
		m = math.Max(m, rho(got[i], want[i]))
	}
	return m
}

func TestGMMTestValues(t *testing.T) {
	e := expectations(t, "gmm/test.txt")
	g := readGMM(t, "gmm/test.txt")
	wantF, wantG := floatOf(t, e["objective"]), floatsOf(t, e["gradient"])
	a := NewGMMArray(g)
	if f := a.Objective(); rho(f, wantF) > 1e-12 {
		t.Errorf("objective %.17g, want %.17g (ρ %.3g)", f, wantF, rho(f, wantF))
	}
	if f := GMMObjective(g, g.Alphas, g.Means, g.ICF); rho(f, wantF) > 1e-12 {
		t.Errorf("plain objective %.17g, want %.17g", f, wantF)
	}
	grad := make([]float64, g.NumParams())
	f := a.Gradient(grad)
	if rho(f, wantF) > 1e-12 {
		t.Errorf("gradient's objective %.17g, want %.17g", f, wantF)
	}
	if r := maxRho(t, grad, wantG); r > 1e-8 {
		t.Errorf("gradient: max ρ %.3g\n got %v\nwant %v", r, grad, wantG)
	} else {
		t.Logf("objective ρ %.3g, gradient max ρ %.3g", rho(f, wantF), r)
	}
}

// TestGMMInstance checks the array objective against plain loops on one
// of ADBench's instances, and its gradient against central differences
// in a few coordinates.
func TestGMMInstance(t *testing.T) {
	g := readGMM(t, "gmm/1k/gmm_d10_K5.txt")
	a := NewGMMArray(g)
	p := g.Params()
	grad := make([]float64, len(p))
	f := a.Gradient(grad)
	if want := GMMObjective(g, g.Alphas, g.Means, g.ICF); rho(f, want) > 1e-12 {
		t.Fatalf("objective %.17g, plain loops %.17g", f, want)
	}
	for _, i := range []int{0, 3, g.K, g.K + 7, len(p) - 1, len(p) - 20, g.K + g.K*g.D} {
		h := 1e-6 * math.Max(1, math.Abs(p[i]))
		q := append([]float64(nil), p...)
		q[i] = p[i] + h
		a.SetParams(q)
		fp := a.Objective()
		q[i] = p[i] - h
		a.SetParams(q)
		fm := a.Objective()
		if fd := (fp - fm) / (2 * h); math.Abs(fd-grad[i]) > 1e-5*math.Max(1, math.Abs(fd)) {
			t.Errorf("∂f/∂p[%d] = %.10g, central differences %.10g", i, grad[i], fd)
		}
	}
}

func TestReadGMMErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"", "x:1: expected d, found the end of the file"},
		{"2 1 1\n0\n1 2\n0 0 x", `x:4: expected an icf entry, found "x"`},
		{"2 1 1\n0\n1 2\n0 0 0\n1 2 3", "x:5: found 3 numbers after the icf rows"},
		{"2 1 1\n0\n1 2\n0 0 0\n1 2\n1 0.5", "x:6: the Wishart m must be a non-negative integer"},
		{"2 -1 1", `x:1: expected K (a non-negative integer), found "-1"`},
	} {
		_, err := ReadGMM(strings.NewReader(c.in), "x")
		if err == nil || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("ReadGMM(%q): %v, want %s…", c.in, err, c.msg)
		}
	}
	g, err := ReadGMM(strings.NewReader("2 1 3\n0\n1 2\n0 0 0\n5 6\n1 0"), "x")
	if err != nil || !g.Replicated || len(g.X) != 6 || g.X[4] != 5 {
		t.Errorf("replicated: %v %+v", err, g)
	}
}

func openDataB(b *testing.B, name string) *os.File {
	b.Helper()
	f, err := os.Open(filepath.Join(dataDir, name))
	if err != nil {
		b.Skipf("ADBench's data: %v", err)
	}
	b.Cleanup(func() { f.Close() })
	return f
}

func TestGMMTape(t *testing.T) {
	e := expectations(t, "gmm/test.txt")
	g := readGMM(t, "gmm/test.txt")
	a := NewGMMTape(g)
	grad := make([]float64, g.NumParams())
	f := a.Gradient(grad, g.Params())
	wantF := floatOf(t, e["objective"])
	if rho(f, wantF) > 1e-12 || rho(a.Objective(g.Params()), wantF) > 1e-12 {
		t.Errorf("objective %.17g (plain %.17g), want %.17g", f, a.Objective(g.Params()), wantF)
	}
	r := maxRho(t, grad, floatsOf(t, e["gradient"]))
	if r > 1e-8 {
		t.Errorf("gradient: max ρ %.3g", r)
	}
	t.Logf("objective ρ %.3g, gradient max ρ %.3g", rho(f, wantF), r)
	// The array engine's gradient on an instance.
	g = readGMM(t, "gmm/1k/gmm_d10_K5.txt")
	want := make([]float64, g.NumParams())
	NewGMMArray(g).Gradient(want)
	got := make([]float64, g.NumParams())
	NewGMMTape(g).Gradient(got, g.Params())
	if r := maxRho(t, got, want); r > 1e-10 {
		t.Errorf("tape and array gradients: max ρ %.3g", r)
	}
}
