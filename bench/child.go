package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Every measurement runs in a child process (this program, re-executed
// with childEnv set), so that a tool that is too slow can be killed at the
// budget, and every tool starts from a fresh heap. The protocol is two
// JSON lines on the child's standard output:
//
//  1. a probe: the tool is prepared and computes one gradient, which is
//     checked against the reference; the line reports the times and the
//     error;
//  2. after the parent writes "bench\n" on the child's standard input, a
//     testing.Benchmark of the gradient; "quit\n" ends the child instead.
//
// Keeping a probed child waiting lets the parent try a larger n and come
// back to the smaller one if the larger one is over budget, without
// redoing the work.

// childEnv is the environment variable that makes the program a child: its
// value is the measurement, "tool task n benchtime".
const childEnv = "BACKPROP_BENCH_CHILD"

// probe is the first line of a child.
type probe struct {
	Status  string  `json:"status"` // "ok", "wrong", "error" or "skip"
	Err     string  `json:"err,omitempty"`
	SetupNs int64   `json:"setup_ns"` // preparing the tool
	FirstNs int64   `json:"first_ns"` // the first gradient
	RelErr  float64 `json:"rel_err"`  // largest relative error of the value and gradient
}

// measurement is the second line of a child.
type measurement struct {
	Ns float64 `json:"ns"`
	// PrimalNs is the time of the plain Go function at the same point,
	// measured right after the gradient, under the same machine load.
	PrimalNs float64 `json:"primal_ns"`
	Bytes    float64 `json:"bytes"`
	Allocs   float64 `json:"allocs"`
	Iters    int     `json:"iters"`
	// Status is "wrong" if the gradient changed during the benchmark.
	Status string  `json:"status"`
	RelErr float64 `json:"rel_err"`
}

// childArgs is what a child measures.
type childArgs struct {
	tool, task string
	n          int
	benchtime  string
}

func (a childArgs) String() string {
	return fmt.Sprintf("%s %s %d %s", a.tool, a.task, a.n, a.benchtime)
}

func parseChildArgs(s string) (childArgs, error) {
	f := strings.Fields(s)
	if len(f) != 4 {
		return childArgs{}, fmt.Errorf("bad %s=%q", childEnv, s)
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return childArgs{}, fmt.Errorf("bad %s=%q: %v", childEnv, s, err)
	}
	return childArgs{tool: f[0], task: f[1], n: n, benchtime: f[3]}, nil
}

// runChild is the child's side of the protocol. It returns the exit code.
func runChild(spec string, lookup func(string) tool, stdin io.Reader, stdout io.Writer) int {
	a, err := parseChildArgs(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	emit := func(v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(stdout, "%s\n", b)
	}
	var (
		p        probe
		grad     gradFunc
		tol      = exactTol
		gradOnly bool
	)
	if t := lookup(a.tool); t == nil {
		p = probe{Status: "error", Err: "unknown tool " + a.tool}
	} else {
		p, grad = probeTool(t, a.task, a.n)
		tol = toleranceOf(t)
		_, gradOnly = t.(gradientOnly)
	}
	emit(p)
	if p.Status != "ok" {
		return 0
	}
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	if strings.TrimSpace(line) != "bench" {
		return 0
	}
	emit(benchmark(grad, a, tol, gradOnly))
	return 0
}

// primal returns the plain Go function of task.
func primal(task string) func(x []float64) float64 {
	if task == taskSeed {
		return func(x []float64) float64 { return seedPrimal(x[0], x[1]) }
	}
	return rosenbrockPrimal
}

// probeTool prepares t for task at n and checks its first gradient.
func probeTool(t tool, task string, n int) (p probe, grad gradFunc) {
	defer func() {
		if r := recover(); r != nil {
			p, grad = probe{Status: "error", Err: fmt.Sprint(r)}, nil
		}
	}()
	start := time.Now()
	grad, err := prepare(t, task, n)
	p.SetupNs = int64(time.Since(start))
	if errors.Is(err, errTooLarge) {
		return probe{Status: "skip", Err: err.Error()}, nil
	}
	if err != nil {
		return probe{Status: "error", Err: err.Error()}, nil
	}
	x, _, _ := reference(task, n)
	dst := make([]float64, len(x))
	start = time.Now()
	v, err := grad(dst, x)
	p.FirstNs = int64(time.Since(start))
	if err != nil {
		p.Status, p.Err = "error", err.Error()
		return p, nil
	}
	_, valueless := t.(gradientOnly)
	p.RelErr = check(task, n, v, dst, valueless)
	p.Status = "ok"
	if p.RelErr > toleranceOf(t) {
		p.Status = "wrong"
	}
	return p, grad
}

// check returns the largest relative error of the value v and gradient g
// of task at n; the value is ignored if gradOnly is set.
func check(task string, n int, v float64, g []float64, gradOnly bool) float64 {
	_, wantV, wantG := reference(task, n)
	e := relErr(g, wantG)
	if !gradOnly {
		e = math.Max(e, relErr([]float64{v}, []float64{wantV}))
	}
	return e
}

// benchmark times grad with testing.Benchmark, then the plain Go primal
// of the task, and checks the gradient once more with the relative
// tolerance tol (the gradient only if gradOnly is set).
func benchmark(grad gradFunc, a childArgs, tol float64, gradOnly bool) measurement {
	if f := flag.Lookup("test.benchtime"); f != nil {
		f.Value.Set(a.benchtime)
	}
	x, _, _ := reference(a.task, a.n)
	dst := make([]float64, len(x))
	var err error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, e := grad(dst, x); e != nil {
				err = e
			}
		}
	})
	f := primal(a.task)
	rp := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			f(x)
		}
	})
	m := measurement{
		Ns:       perOp(r.T.Nanoseconds(), r.N),
		PrimalNs: perOp(rp.T.Nanoseconds(), rp.N),
		Bytes:    perOp(int64(r.MemBytes), r.N),
		Allocs:   perOp(int64(r.MemAllocs), r.N),
		Iters:    r.N,
		Status:   "ok",
	}
	v, e := grad(dst, x)
	m.RelErr = check(a.task, a.n, v, dst, gradOnly)
	if e != nil || err != nil || !(m.RelErr <= tol) {
		m.Status = "wrong"
	}
	return m
}

func perOp(total int64, n int) float64 { return float64(total) / float64(max(n, 1)) }

// child is the parent's handle on a child process.
type child struct {
	args   childArgs
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *tailBuffer
	done   chan struct{} // closed when the child's output is read to the end
	waited sync.Once
}

// wait waits for the child to exit.
func (c *child) wait() { c.waited.Do(func() { c.cmd.Wait() }) }

// errBudget is returned when a child does not answer in time.
var errBudget = errors.New("over budget")

// startChild starts a child measuring a.
func startChild(self string, a childArgs) (*child, error) {
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), childEnv+"="+a.String())
	c := &child{args: a, cmd: cmd, lines: make(chan string, 2), stderr: &tailBuffer{max: 2048}, done: make(chan struct{})}
	cmd.Stderr = c.stderr
	var err error
	if c.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "{") {
				c.lines <- line
			}
		}
		close(c.lines)
	}()
	return c, nil
}

// read waits up to timeout for the next line and decodes it into v.
func (c *child) read(v any, timeout time.Duration) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case line, ok := <-c.lines:
		if !ok {
			c.wait()
			return fmt.Errorf("child exited (%v): %s", c.cmd.ProcessState, lastLine(c.stderr.String()))
		}
		return json.Unmarshal([]byte(line), v)
	case <-timer.C:
		c.kill()
		return errBudget
	}
}

// bench asks the child to run its benchmark and waits for the result.
func (c *child) bench(timeout time.Duration) (measurement, error) {
	var m measurement
	if _, err := io.WriteString(c.stdin, "bench\n"); err != nil {
		return m, err
	}
	err := c.read(&m, timeout)
	c.quit()
	return m, err
}

// quit ends the child.
func (c *child) quit() {
	io.WriteString(c.stdin, "quit\n")
	c.stdin.Close()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
	}
	c.wait()
}

// kill ends the child at once.
func (c *child) kill() {
	c.cmd.Process.Kill()
	c.stdin.Close()
	<-c.done
	c.wait()
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}
