package cli

import (
	"encoding/json"
	"testing"
)

func TestJacobianJSON(t *testing.T) {
	out, errOut, status := run(t, "", "jacobian", "-e", "F(x, y) = (x*y, sin(x) + y, x)", "--at", "x=1,y=2", "--mode", "all", "--json")
	if status != ExitOK {
		t.Fatalf("status %d: %s", status, errOut)
	}
	var got struct {
		Variables []string
		Value     []float64
		Jacobian  [][]float64
		Worst     map[string]struct{ Relative float64 }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err, out)
	}
	want := [][]float64{{2, 1}, {0.5403023058681398, 1}, {1, 0}}
	for k := range want {
		for j := range want[k] {
			if !near(got.Jacobian[k][j], want[k][j]) && got.Jacobian[k][j] != want[k][j] {
				t.Errorf("J[%d][%d] = %v, want %v", k, j, got.Jacobian[k][j], want[k][j])
			}
		}
	}
	if len(got.Value) != 3 || got.Worst["reverse"].Relative != 0 || got.Worst["numeric"].Relative > 1e-6 {
		t.Errorf("values %v, worst %+v", got.Value, got.Worst)
	}
}

func TestTuples(t *testing.T) {
	out, _, status := run(t, "", "eval", "-e", "F(x, y) = (x*y, x - y)", "--at", "x=3,y=2", "--json")
	if status != ExitOK || out != "{\n  \"value\": [\n    6,\n    1\n  ]\n}\n" {
		t.Errorf("eval of a tuple: status %d, %q", status, out)
	}
	for _, args := range [][]string{
		{"grad", "-e", "F(x, y) = (x*y, x - y)", "--at", "x=3,y=2"},
		{"hessian", "-e", "F(x, y) = (x*y, x - y)", "--at", "x=3,y=2"},
		{"eval", "-e", "F(x) = (x, x)\ng(x) = F(x)", "--at", "x=1"},
		{"eval", "-e", "f(x) = 1 + (x, x)", "--at", "x=1"},
		{"jacobian", "-e", "F(x) = (x, x)", "--at", "x=1", "--mode", "sideways"},
	} {
		if _, _, status := run(t, "", args...); status != ExitInput {
			t.Errorf("%v: status %d, want %d", args, status, ExitInput)
		}
	}
}
