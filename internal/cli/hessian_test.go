package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestHessianJSON(t *testing.T) {
	out, errOut, status := run(t, "", "hessian", "-e", "100*(y - x^2)^2 + (1 - x)^2", "--at", "x=-1.2,y=1", "--mode", "all", "--json")
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var got struct {
		Value     float64
		Variables []string
		Gradient  map[string]float64
		Hessian   [][]float64
		Worst     map[string]struct{ Relative float64 }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	// The bare expression's inputs are y, x in order of appearance.
	want := [][]float64{{200, 480}, {480, 1330}}
	if strings.Join(got.Variables, ",") != "y,x" || got.Value != 24.2 && !near(got.Value, 24.2) {
		t.Errorf("variables %v, value %v", got.Variables, got.Value)
	}
	for i := range want {
		for j := range want[i] {
			if !near(got.Hessian[i][j], want[i][j]) {
				t.Errorf("H[%d][%d] = %v, want %v", i, j, got.Hessian[i][j], want[i][j])
			}
		}
	}
	if got.Worst["symbolic"].Relative > 1e-12 || got.Worst["numeric"].Relative > 1e-6 {
		t.Errorf("worst disagreements %+v", got.Worst)
	}
}

func TestHessianErrors(t *testing.T) {
	for _, args := range [][]string{
		{"hessian", "-e", "x*y", "--at", "x=1,y=2", "--mode", "reverse"},
		{"hessian", "-e", "x*y", "--at", "x=1,y=2", "--max-inputs", "1"},
		{"hessian", "-e", "x*y", "--at", "x=1,y=2", "--max-inputs", "-1"},
		{"hessian", "-e", "x*y", "--at", "x=1"},
	} {
		if _, _, status := run(t, "", args...); status != ExitInput {
			t.Errorf("%v: status %d, want %d", args, status, ExitInput)
		}
	}
}
