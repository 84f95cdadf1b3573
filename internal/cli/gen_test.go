package cli

import (
	goformat "go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenHessian(t *testing.T) {
	out, errOut, status := run(t, "", "gen", "-e", "f(x, y) = 100*(y - x^2)^2 + (1 - x)^2", "--name", "R", "--hessian")
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"func R(x []float64) float64", "func RGrad(grad, x []float64) float64", "func RHVP(hv, x, v []float64) float64"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if f, err := goformat.Source([]byte(out)); err != nil || string(f) != out {
		t.Errorf("not gofmt'ed (%v)", err)
	}
}

// TestGenTuple checks that gen takes a function that returns a tuple,
// writing its values and Jacobian, and refuses --hessian for it as bad
// input.
func TestGenTuple(t *testing.T) {
	out, errOut, status := run(t, "", "gen", "-e", "F(x, y) = (x*y, sin(x) + y)")
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{"func F(out, x []float64) {", "func FJacobian(jac, out, x []float64) {"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if f, err := goformat.Source([]byte(out)); err != nil || string(f) != out {
		t.Errorf("not gofmt'ed (%v)", err)
	}
	_, errOut, status = run(t, "", "gen", "-e", "F(x, y) = (x*y, sin(x) + y)", "--hessian")
	if status != ExitInput || !strings.Contains(errOut, "tuple") || !strings.Contains(errOut, "--hessian") {
		t.Errorf("--hessian with a tuple: status %d, stderr %q", status, errOut)
	}
}

// TestGenNewDirectory checks that -o creates the missing directories of
// its file, as for a new package, and writes the file whole.
func TestGenNewDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed", "internal", "seed.go")
	_, errOut, status := run(t, "", "gen", "examples/seed.bp", "--package", "seed", "-o", path)
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(b), "func FGrad(grad, x []float64) float64") {
		t.Errorf("%s: %v\n%s", path, err, b)
	}
}
