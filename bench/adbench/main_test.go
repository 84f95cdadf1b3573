package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dataDir = "../../../shared/adbench/data"

// TestJSON runs the command on ADBench's three test inputs and checks
// its records against ADBench's test values.
func TestJSON(t *testing.T) {
	files := []string{"gmm/test.txt", "ba/test.txt", "lstm/lstm_l2_c1024.txt"}
	var args []string
	for _, f := range files {
		p := filepath.Join(dataDir, f)
		if _, err := os.Stat(p); err != nil {
			t.Skipf("ADBench's data: %v", err)
		}
		args = append(args, p)
	}
	var out, errs strings.Builder
	dir := t.TempDir()
	if code := run(append([]string{"-json", "-mintime", "1ms", "-nruns", "1", "-o", dir}, args...), &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	got := map[string]map[string]json.RawMessage{}
	sc := bufio.NewScanner(strings.NewReader(out.String()))
	for sc.Scan() {
		var r struct {
			Task, Tool, Metric string
			Value              json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%q: %v", sc.Text(), err)
		}
		if got[r.Task] == nil {
			got[r.Task] = map[string]json.RawMessage{}
		}
		got[r.Task][r.Metric] = r.Value
	}
	var want map[string]map[string]json.RawMessage
	b, err := os.ReadFile(filepath.Join(dataDir, "adbench_test_expectations.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	floats := func(raw json.RawMessage) []float64 {
		var v []float64
		if err := json.Unmarshal(raw, &v); err != nil {
			var x float64
			if err := json.Unmarshal(raw, &x); err != nil {
				t.Fatalf("%s: %v", raw, err)
			}
			return []float64{x}
		}
		return v
	}
	check := func(task, what string, got, want []float64, tol float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s %s: %d values, want %d", task, what, len(got), len(want))
		}
		for i := range got {
			if d := got[i] - want[i]; d > tol || d < -tol {
				t.Errorf("%s %s[%d] = %v, want %v", task, what, i, got[i], want[i])
			}
		}
	}
	check("gmm/test", "objective", floats(got["gmm/test"]["objective"]), floats(want["gmm/test.txt"]["objective"]), 1e-12)
	check("gmm/test", "gradient", floats(got["gmm/test"]["gradient"]), floats(want["gmm/test.txt"]["gradient"]), 1e-8)
	ba := want["ba/test.txt"]
	check("ba/test", "objective", floats(got["ba/test"]["objective"]), append(floats(ba["reproj_err"])[:2], floats(ba["w_err"])[0]), 1e-8)
	jv := floats(ba["J_vals_csr_order"])
	check("ba/test", "gradient", floats(got["ba/test"]["gradient"]), append(jv[:30], jv[300]), 1e-8)
	check("lstm/lstm_l2_c1024", "gradient", floats(got["lstm/lstm_l2_c1024"]["gradient"]), floats(want["lstm/lstm_l2_c1024.txt"]["gradient"]), 1e-8)
	for _, task := range []string{"gmm/test", "ba/test", "lstm/lstm_l2_c1024"} {
		for _, m := range []string{"objective_s", "derivative_s", "ratio"} {
			if v := floats(got[task][m]); v[0] <= 0 {
				t.Errorf("%s %s = %v", task, m, v[0])
			}
		}
	}
	for _, f := range []string{"test_F_backprop-array.txt", "test_J_backprop-compiled.txt", "lstm_l2_c1024_times_backprop-array.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestTaskName(t *testing.T) {
	for _, c := range []struct{ in, task, problem string }{
		{"/x/data/gmm/1k/gmm_d2_K5.txt", "gmm/1k/gmm_d2_K5", "gmm"},
		{"../data/ba/ba1_n49_m7776_p31843.txt", "ba/ba1_n49_m7776_p31843", "ba"},
		{"lstm_l2_c1024.txt", "lstm_l2_c1024", "lstm"},
	} {
		task, problem, err := taskName(c.in)
		if err != nil || task != c.task || problem != c.problem {
			t.Errorf("taskName(%q) = %q, %q, %v", c.in, task, problem, err)
		}
	}
	if _, _, err := taskName("/tmp/x.txt"); err == nil {
		t.Error("taskName(/tmp/x.txt): no error")
	}
}

func TestBadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "gmm", "bad.txt")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("2 1 1\n0\nx"), 0o644)
	var out, errs strings.Builder
	if code := run([]string{"-json", p}, &out, &errs); code != 1 || !strings.Contains(errs.String(), `bad.txt:3: expected a mean's coordinate, found "x"`) {
		t.Errorf("exit %d, stderr %s", code, errs.String())
	}
}
