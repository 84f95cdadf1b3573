package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorgonia.org/gorgonia"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testTools are the tools of the tests: every real tool, plus two fakes
// that exercise the budget and the check.
func testTools() []tool {
	return append(tools(), slowTool{}, wrongTool{}, crashTool{})
}

// TestMain makes the test binary a child when the runner re-executes it.
func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		testing.Init()
		os.Exit(runChild(spec, lookupIn(testTools()), os.Stdin, os.Stdout))
	}
	os.Exit(m.Run())
}

// slowTool is exact but takes (n/1000)² × 100 ms to prepare: quadratic.
type slowTool struct{}

func (slowTool) name() string            { return "test-slow" }
func (slowTool) seed() (gradFunc, error) { return exactGrad(taskSeed, 2), nil }
func (slowTool) rosenbrock(n int) (gradFunc, error) {
	k := float64(n) / 1000
	time.Sleep(time.Duration(k * k * float64(100*time.Millisecond)))
	return exactGrad(taskRosenbrock, n), nil
}

// wrongTool gets the second component of every gradient wrong by 1e-6.
type wrongTool struct{}

func (wrongTool) name() string { return "test-wrong" }
func (wrongTool) seed() (gradFunc, error) {
	return perturb(exactGrad(taskSeed, 2)), nil
}
func (wrongTool) rosenbrock(n int) (gradFunc, error) {
	return perturb(exactGrad(taskRosenbrock, n)), nil
}

// crashTool's child exits while preparing the Rosenbrock task.
type crashTool struct{}

func (crashTool) name() string            { return "test-crash" }
func (crashTool) seed() (gradFunc, error) { return exactGrad(taskSeed, 2), nil }
func (crashTool) rosenbrock(n int) (gradFunc, error) {
	fmt.Fprintln(os.Stderr, "test-crash: exiting")
	os.Exit(3)
	return nil, nil
}

// exactGrad returns the reference value and gradient of task at n,
// whatever the point.
func exactGrad(task string, n int) gradFunc {
	_, v, g := reference(task, n)
	return func(dst, x []float64) (float64, error) {
		copy(dst, g)
		return v, nil
	}
}

func perturb(f gradFunc) gradFunc {
	return func(dst, x []float64) (float64, error) {
		v, err := f(dst, x)
		dst[1] *= 1 + 1e-6
		return v, err
	}
}

// The seed's gradient from every tool. Central differences with gonum's
// default step are 2e-3 off: the seed's x_1^(x_2^x_1) = 512 inside
// sin(π·) makes the third derivative huge.
func TestSeedGradients(t *testing.T) {
	for _, tt := range []struct {
		tool      tool
		wantWrong bool
	}{
		{tapeTool{}, false},
		{compiledTool{}, false},
		{forwardTool{}, false},
		{dagTool{}, false},
		{gorgoniaTool{}, false},
		{spagoTool{}, false},
		{&gomlxTool{}, false},
		{gonumFDTool{}, true},
	} {
		t.Run(tt.tool.name(), func(t *testing.T) {
			p, grad := probeTool(tt.tool, taskSeed, 2)
			if p.Status == "error" {
				t.Fatalf("error: %s", p.Err)
			}
			if wrong := p.Status == "wrong"; wrong != tt.wantWrong {
				t.Fatalf("status %s (rel err %.3g), want wrong = %v", p.Status, p.RelErr, tt.wantWrong)
			}
			if tt.wantWrong {
				return
			}
			// A second gradient, on the same prepared tool, is the same.
			dst := make([]float64, 2)
			v, err := grad(dst, []float64{2, 3})
			if err != nil {
				t.Fatal(err)
			}
			_, gradOnly := tt.tool.(gradientOnly)
			if e := check(taskSeed, 2, v, dst, gradOnly); e > exactTol {
				t.Errorf("second gradient (%v, %v): rel err %.3g", v, dst, e)
			}
		})
	}
}

func TestRosenbrockGradients(t *testing.T) {
	for _, tl := range tools() {
		for _, n := range []int{2, 10, 200} {
			t.Run(fmt.Sprintf("%s/n=%d", tl.name(), n), func(t *testing.T) {
				p, _ := probeTool(tl, taskRosenbrock, n)
				if p.Status != "ok" {
					t.Fatalf("status %s: %s (rel err %.3g)", p.Status, p.Err, p.RelErr)
				}
			})
		}
	}
}

func TestForwardTooLarge(t *testing.T) {
	_, err := forwardTool{}.rosenbrock(forwardMaxN + 2)
	if !errors.Is(err, errTooLarge) {
		t.Fatalf("rosenbrock(%d): got %v, want errTooLarge", forwardMaxN+2, err)
	}
	if p, _ := probeTool(forwardTool{}, taskRosenbrock, forwardMaxN+2); p.Status != "skip" {
		t.Errorf("probe: status %q, want skip", p.Status)
	}
}

// The trap the gorgonia tool avoids by naming its inputs: two unnamed
// scalar inputs of one graph are one node.
func TestGorgoniaMergesUnnamedInputs(t *testing.T) {
	g := gorgonia.NewGraph()
	x := gorgonia.NewScalar(g, gorgonia.Float64)
	y := gorgonia.NewScalar(g, gorgonia.Float64)
	if x != y {
		t.Skip("gorgonia no longer merges unnamed inputs")
	}
	x1 := gorgonia.NewScalar(g, gorgonia.Float64, gorgonia.WithName("x1"))
	x2 := gorgonia.NewScalar(g, gorgonia.Float64, gorgonia.WithName("x2"))
	if x1 == x2 {
		t.Fatal("named inputs were merged too")
	}
}

func TestPrepareBadN(t *testing.T) {
	for _, n := range []int{0, -2, 3} {
		if _, err := prepare(tapeTool{}, taskRosenbrock, n); err == nil {
			t.Errorf("prepare(rosenbrock, %d): no error", n)
		}
	}
	if _, err := prepare(tapeTool{}, "nope", 2); err == nil {
		t.Error("prepare(nope): no error")
	}
}

func TestRelErr(t *testing.T) {
	for _, tt := range []struct {
		got, want []float64
		err       float64
	}{
		{[]float64{1, 2}, []float64{1, 2}, 0},
		{[]float64{1000.001}, []float64{1000}, 1e-6},
		{[]float64{0.5}, []float64{0.25}, 0.25}, // small components: absolute
		{[]float64{math.NaN()}, []float64{1}, math.Inf(1)},
		{[]float64{1}, []float64{1, 2}, math.Inf(1)},
	} {
		if got := relErr(tt.got, tt.want); math.Abs(got-tt.err) > 1e-12 && got != tt.err {
			t.Errorf("relErr(%v, %v) = %g, want %g", tt.got, tt.want, got, tt.err)
		}
	}
}

func TestReference(t *testing.T) {
	x, v, g := reference(taskRosenbrock, 4)
	if want := []float64{1.2, 1, 1.2, 1}; relErr(x, want) != 0 {
		t.Errorf("x = %v, want %v", x, want)
	}
	// Per pair: 100·(1 − 1.44)² + (1 − 1.2)² = 19.4; ∇ = (211.6, −88).
	if math.Abs(v-38.8) > 1e-12 {
		t.Errorf("f = %v, want 38.8", v)
	}
	if want := []float64{211.6, -88, 211.6, -88}; relErr(g, want) > 1e-14 {
		t.Errorf("∇f = %v, want %v", g, want)
	}
	if _, v, _ := reference(taskSeed, 2); math.Abs(v-(math.Sin(512*math.Pi)+math.Cos(math.Pi*math.Ln2))) > 1e-15 {
		t.Errorf("seed f = %v", v)
	}
}

func TestExtrapolate(t *testing.T) {
	p := func(s float64) probe { return probe{SetupNs: int64(s * 1e9)} }
	for _, tt := range []struct {
		n0     int
		t0     float64
		n1     int
		t1     float64
		n      int
		want   float64
		reason string
	}{
		{0, 0, 1000, 1, 3000, 3, "one point: linear"},
		{1000, 1, 3000, 9, 9000, 81, "quadratic"},
		{1000, 1, 3000, 2, 9000, 6, "sublinear is taken as linear"},
		{1000, 1, 3000, 27, 9000, 243, "cubic is taken as quadratic"},
		{1000, 0.001, 3000, 0.1, 9000, 0.3, "tiny times are noise: linear"},
	} {
		got := extrapolate(tt.n0, p(tt.t0), tt.n1, p(tt.t1), tt.n)
		if math.Abs(got-tt.want) > 1e-9*tt.want {
			t.Errorf("%s: got %g, want %g", tt.reason, got, tt.want)
		}
	}
}

func TestFmtNum(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{1.2345, "1.23"},
		{999, "999"},
		{1234.4, "1,234"},
		{-1234567, "-1,234,567"},
		{12345678, "12,345,678"},
		{math.NaN(), "—"},
	} {
		if got := fmtNum(tt.v); got != tt.want {
			t.Errorf("fmtNum(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestChildArgs(t *testing.T) {
	a := childArgs{tool: "gorgonia", task: taskRosenbrock, n: 3000, benchtime: "1s"}
	b, err := parseChildArgs(a.String())
	if err != nil || b != a {
		t.Fatalf("parseChildArgs(%q) = %v, %v", a.String(), b, err)
	}
	for _, bad := range []string{"", "a b c", "a b x 1s"} {
		if _, err := parseChildArgs(bad); err == nil {
			t.Errorf("parseChildArgs(%q): no error", bad)
		}
	}
}

// fixedReport is a report of made-up numbers, for the golden files.
func fixedReport() *report {
	return &report{
		tasks:  []string{taskSeed, taskRosenbrock},
		budget: time.Minute,
		env:    "go1.26 linux/amd64, 2 CPUs, benchtime 1s, budget 1m0s per tool and task.",
		results: []result{
			{task: taskSeed, tool: "backprop-tape", n: 2, status: "ok", ns: 400, primalNs: 190.5, setup: 20 * time.Microsecond},
			{task: taskSeed, tool: "backprop-compiled", n: 2, status: "ok", ns: 250, primalNs: 201, setup: 50 * time.Microsecond},
			{task: taskSeed, tool: "gorgonia", n: 2, status: "ok", ns: 300000, primalNs: 195, bytes: 4947, allocs: 273, setup: time.Millisecond},
			{task: taskSeed, tool: "gonum-fd", n: 2, status: "wrong", relErr: 0.002, note: "numeric | central; max rel err 0.002"},
			{task: taskRosenbrock, tool: "backprop-compiled", n: 100000, status: "ok", ns: 1.5e6, primalNs: 71000, setup: 300 * time.Millisecond},
			{task: taskRosenbrock, tool: "backprop-tape", n: 100000, status: "ok", ns: 2.5e6, primalNs: 70400, setup: 100 * time.Millisecond},
			{task: taskRosenbrock, tool: "gorgonia", n: 1000, status: "ok", ns: 2e6, primalNs: 700, bytes: 1.5e6, allocs: 30000.4, setup: 3 * time.Second, note: "n=3000 over budget (>1m0s)"},
			{task: taskRosenbrock, tool: "spago", status: "skipped", note: "n=1000 over budget (>1m0s)"},
		},
	}
}

func TestReportGolden(t *testing.T) {
	rep := fixedReport()
	var md, js bytes.Buffer
	if err := rep.writeMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.writeJSON(&js); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md.golden", md.Bytes())
	golden(t, "report.json.golden", js.Bytes())

	var recs []record
	if err := json.Unmarshal(js.Bytes(), &recs); err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6*4 {
		t.Errorf("%d records, want 24 (4 metrics of 6 measured rows)", len(recs))
	}
	for _, r := range recs {
		if r.Tool == "gonum-fd" || r.Tool == "spago" {
			t.Errorf("record of a row that was not measured: %+v", r)
		}
		if r.Metric == metricRatio && r.Tool == "gorgonia" && r.Task == taskRosenbrock && r.Value != 2e6/700 {
			t.Errorf("gorgonia ratio %v, want %v (primal at its own n)", r.Value, 2e6/700)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run go test -update):\n%s", path, got)
	}
}

func TestRunFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-task", "nope"},
		{"-tools", "backprop-tape,nope"},
		{"-budget", "0s"},
		{"-maxn", "10"},
		{"extra"},
	} {
		var out, errs bytes.Buffer
		if code := run(args, &out, &errs); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (stderr %q)", args, code, errs.String())
		}
		if out.Len() != 0 {
			t.Errorf("run(%q) wrote to stdout: %q", args, out.String())
		}
	}
}

// The runner end to end, with the test binary as the child: a quadratic
// tool stops at the largest n within the budget, a wrong tool is reported
// and not timed, a crash is an error, an exact tool runs at every n.
func TestRunner(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	r := &runner{
		self: self,
		cfg: config{
			tasks:     []string{taskRosenbrock},
			tools:     []string{"backprop-tape", "test-slow", "test-wrong", "test-crash"},
			budget:    500 * time.Millisecond,
			benchtime: "20x",
			maxN:      10000,
		},
		log:   &log,
		notes: make(map[string]string),
	}
	rep := r.run()
	byTool := make(map[string]result)
	for _, res := range rep.results {
		byTool[res.tool] = res
	}
	if res := byTool["backprop-tape"]; res.status != "ok" || res.n != 10000 || !(res.ns > 0) || !(res.primalNs > 0) {
		t.Errorf("tape: %+v", res)
	}
	// 100 ms at n=1000, 900 ms at n=3000: over the 500 ms budget.
	if res := byTool["test-slow"]; res.status != "ok" || res.n != 1000 || !strings.Contains(res.note, "n=3000 over budget") {
		t.Errorf("slow: %+v", res)
	}
	if res := byTool["test-wrong"]; res.status != "wrong" || res.n != 1000 || res.ns != 0 {
		t.Errorf("wrong: %+v", res)
	}
	if res := byTool["test-crash"]; res.status != "error" || !strings.Contains(res.note, "test-crash: exiting") {
		t.Errorf("crash: %+v", res)
	}
	if t.Failed() {
		t.Log(log.String())
	}
}

// benchTools are the tools of the benchmarks.
func benchGrad(b *testing.B, t tool, task string, n int) {
	grad, err := prepare(t, task, n)
	if err != nil {
		b.Skip(err)
	}
	x, _, _ := reference(task, n)
	dst := make([]float64, n)
	if task == taskSeed {
		dst = make([]float64, 2)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := grad(dst, x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeed times the seed's gradient with every tool.
func BenchmarkSeed(b *testing.B) {
	b.Run("plain-go", func(b *testing.B) {
		for b.Loop() {
			seedPrimal(2, 3)
		}
	})
	for _, t := range tools() {
		b.Run(t.name(), func(b *testing.B) { benchGrad(b, t, taskSeed, 2) })
	}
}

// BenchmarkRosenbrock times the Rosenbrock gradient at n = 1000 with every
// tool (the program itself goes up to n = 100,000).
func BenchmarkRosenbrock(b *testing.B) {
	const n = 1000
	x := rosenbrockX(n)
	b.Run("plain-go", func(b *testing.B) {
		for b.Loop() {
			rosenbrockPrimal(x)
		}
	})
	for _, t := range tools() {
		b.Run(t.name(), func(b *testing.B) { benchGrad(b, t, taskRosenbrock, n) })
	}
}
