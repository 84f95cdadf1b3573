package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const rosenbrockText = "f(x, y) = 100*(y - x^2)^2 + (1 - x)^2"

// TestMinimizeRosenbrock is the acceptance: BFGS and Newton (and
// L-BFGS) reach (1, 1) from (-1.2, 1); gradient descent, far slower, stops
// at the iteration limit on the way.
func TestMinimizeRosenbrock(t *testing.T) {
	for _, m := range []string{"bfgs", "lbfgs", "newton"} {
		out, errOut, status := run(t, "", "minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", m, "--json")
		if status != ExitOK {
			t.Fatalf("%s: status %d: %s", m, status, errOut)
		}
		var got struct {
			X            map[string]float64
			Value        float64
			GradientNorm float64 `json:"gradient_norm"`
			Iterations   int
			Evaluations  int
			Status       string
			Path         []struct{ Value float64 }
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err, out)
		}
		if math.Abs(got.X["x"]-1) > 1e-9 || math.Abs(got.X["y"]-1) > 1e-9 || got.Value > 1e-20 {
			t.Errorf("%s: reached %v, value %v", m, got.X, got.Value)
		}
		if got.Status != "GradientThreshold" || got.Iterations == 0 || got.Evaluations < got.Iterations ||
			len(got.Path) != got.Iterations+1 || got.Path[0].Value != 24.2 && !near(got.Path[0].Value, 24.2) {
			t.Errorf("%s: status %s, %d iterations, %d evaluations, path of %d", m, got.Status, got.Iterations, got.Evaluations, len(got.Path))
		}
		t.Logf("%s: %d iterations, %d evaluations", m, got.Iterations, got.Evaluations)
	}
	out, errOut, status := run(t, "", "minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", "gradient-descent", "--max-iterations", "50")
	if status != ExitOK {
		t.Fatalf("gradient-descent: status %d: %s", status, errOut)
	}
	if !strings.Contains(out, "IterationLimit after 50 iterations") || strings.Count(out, "\n") < 51 {
		t.Errorf("gradient-descent:\n%s", out)
	}
}

func TestMinimizePlot(t *testing.T) {
	file := filepath.Join(t.TempDir(), "path.png")
	_, errOut, status := run(t, "", "minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", "newton", "--plot", file)
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() < 300 || r.Dy() < 300 {
		t.Errorf("plot is %v", r)
	}
	entries, _ := os.ReadDir(filepath.Dir(file))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want the plot alone", len(entries))
	}
}

func TestMinimizeErrors(t *testing.T) {
	for _, args := range [][]string{
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", "simplex"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,z=1"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--max-iterations", "-1"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", "newton", "--max-inputs", "1"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--method", "bfgs", "--max-inputs", "1"},
		{"minimize", "-e", "x^2", "--from", "x=1", "--plot", "x.png"},
		{"minimize", "-e", rosenbrockText, "--from", "x=-1.2,y=1", "--plot", "x.svg"},
		{"minimize", "-e", "2", "--from", ""},
	} {
		out, _, status := run(t, "", append(args, "--json")...)
		if status != ExitInput {
			t.Errorf("%v: status %d, want %d", args, status, ExitInput)
		}
		if !strings.Contains(out, `"error"`) {
			t.Errorf("%v: no JSON error on stdout: %s", args, out)
		}
	}
}

// TestMinimizeManyInputs checks that the default method, BFGS, gives way
// to L-BFGS beyond --max-inputs inputs, where its n×n matrix is refused
// when asked for by name.
func TestMinimizeManyInputs(t *testing.T) {
	const n = 12
	names, terms, from := make([]string, n), make([]string, n), make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("x_%d", i+1)
		terms[i] = fmt.Sprintf("(x_%d - %d)^2", i+1, i%3)
		from[i] = names[i] + "=0"
	}
	src := fmt.Sprintf("f(%s) = %s", strings.Join(names, ", "), strings.Join(terms, " + "))
	out, errs, status := run(t, "", "minimize", "-e", src, "--from", strings.Join(from, ","), "--max-inputs", "10", "--json")
	if status != ExitOK || !strings.Contains(out, `"method": "lbfgs"`) || !strings.Contains(out, `"status": "GradientThreshold"`) {
		t.Errorf("default method: status %d, %s%s", status, out, errs)
	}
	_, errs, status = run(t, "", "minimize", "-e", src, "--from", strings.Join(from, ","), "--max-inputs", "10", "--method", "bfgs")
	if status != ExitInput || !strings.Contains(errs, "--max-inputs 10") {
		t.Errorf("--method bfgs: status %d, %s", status, errs)
	}
}
