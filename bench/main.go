package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// tools returns every tool, in the order of the tables.
func tools() []tool {
	return []tool{
		tapeTool{},
		compiledTool{},
		forwardTool{},
		dagTool{},
		gorgoniaTool{},
		spagoTool{},
		&gomlxTool{},
		gonumFDTool{},
	}
}

// lookupIn returns a function that finds a tool of ts by name.
func lookupIn(ts []tool) func(string) tool {
	return func(name string) tool {
		for _, t := range ts {
			if t.name() == name {
				return t
			}
		}
		return nil
	}
}

// config is what the flags ask for.
type config struct {
	tasks     []string
	tools     []string
	budget    time.Duration
	benchtime string
	maxN      int
	json      bool
}

func main() {
	if spec := os.Getenv(childEnv); spec != "" {
		testing.Init()
		os.Exit(runChild(spec, lookupIn(tools()), os.Stdin, os.Stdout))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the parent: it parses the flags, measures and prints. It returns
// the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	all := tools()
	var names []string
	for _, t := range all {
		names = append(names, t.name())
	}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	task := fs.String("task", "all", "task to run: seed, rosenbrock or all")
	toolList := fs.String("tools", "all", "comma-separated tools to run, or all: "+strings.Join(names, ","))
	budget := fs.Duration("budget", 60*time.Second, "time allowed per tool and task for the setup and first gradient at one n")
	benchtime := fs.String("benchtime", "1s", "time (or Nx count) of each testing.Benchmark")
	maxN := fs.Int("maxn", rosenbrockSizes[len(rosenbrockSizes)-1], "largest Rosenbrock n to try")
	asJSON := fs.Bool("json", false, "print one JSON array of records instead of Markdown tables")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run . [flags] [gemm] [mlp]\n\nRuns backprop and its Go peers on the same gradients and prints ratios.\nWith gemm, measures matrix products (backprop vs gonum) instead; with mlp,\ntraining steps of an MLP 784-128-10.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		// Array tasks, named as run.sh names them, are measured in
		// process: there is one implementation per tool and no graph to
		// build.
		for _, task := range fs.Args() {
			switch task {
			case "gemm", "mlp":
				f := runGemm
				if task == "mlp" {
					f = runMLP
				}
				if err := f(stdout, *asJSON, stderr); err != nil {
					fmt.Fprintf(stderr, "bench: %v\n", err)
					return 1
				}
			default:
				fmt.Fprintf(stderr, "bench: unknown task %q (have gemm and mlp; the gradient tasks are chosen with -task)\n", task)
				return 2
			}
		}
		return 0
	}
	cfg := config{budget: *budget, benchtime: *benchtime, maxN: *maxN, json: *asJSON}
	switch *task {
	case "all":
		cfg.tasks = []string{taskSeed, taskRosenbrock}
	case taskSeed, taskRosenbrock:
		cfg.tasks = []string{*task}
	default:
		fmt.Fprintf(stderr, "bench: -task: expected seed, rosenbrock or all, found %q\n", *task)
		return 2
	}
	if *toolList == "all" {
		cfg.tools = names
	} else {
		for _, name := range strings.Split(*toolList, ",") {
			name = strings.TrimSpace(name)
			if !slices.Contains(names, name) {
				fmt.Fprintf(stderr, "bench: -tools: unknown tool %q (have %s)\n", name, strings.Join(names, ", "))
				return 2
			}
			cfg.tools = append(cfg.tools, name)
		}
	}
	if cfg.budget <= 0 || cfg.maxN < rosenbrockSizes[0] {
		fmt.Fprintf(stderr, "bench: -budget must be positive and -maxn at least %d\n", rosenbrockSizes[0])
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	r := &runner{self: self, cfg: cfg, log: stderr, notes: make(map[string]string)}
	for _, t := range all {
		for _, task := range cfg.tasks {
			r.notes[task+"/"+t.name()] = noteOf(t, task)
		}
	}
	rep := r.run()
	if cfg.json {
		err = rep.writeJSON(stdout)
	} else {
		err = rep.writeMarkdown(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return 1
	}
	return 0
}

// startGrace is the time allowed to a child, beyond the budget, to start:
// the budget is judged on the times the child reports, and a child is
// only killed if it has not reported at budget + startGrace.
const startGrace = 5 * time.Second

// runner measures in child processes.
type runner struct {
	self  string
	cfg   config
	log   io.Writer
	notes map[string]string // task/tool -> the tool's caveat
}

// result is one row of a table.
type result struct {
	task, tool string
	n          int
	status     string // "ok", "wrong", "error" or "skipped"
	ns         float64
	primalNs   float64 // the plain Go function, timed right after the gradient
	bytes      float64
	allocs     float64
	setup      time.Duration // preparing the tool and the first gradient
	relErr     float64
	note       string
}

// report is everything measured.
type report struct {
	tasks   []string
	results []result
	budget  time.Duration
	env     string // the machine, for the footer
}

func (r *runner) logf(format string, args ...any) {
	fmt.Fprintf(r.log, format+"\n", args...)
}

func (r *runner) run() *report {
	rep := &report{tasks: r.cfg.tasks, budget: r.cfg.budget,
		env: environment(runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), loadAverage(), r.cfg.benchtime, r.cfg.budget)}
	for _, task := range r.cfg.tasks {
		for _, name := range r.cfg.tools {
			rep.results = append(rep.results, r.measure(task, name))
		}
	}
	return rep
}

// sizes returns the n to try for task.
func (r *runner) sizes(task string) []int {
	if task == taskSeed {
		return []int{2}
	}
	var ns []int
	for _, n := range rosenbrockSizes {
		if n <= r.cfg.maxN {
			ns = append(ns, n)
		}
	}
	return ns
}

// measure finds the largest n at which tool name computes a correct
// gradient of task within the budget, and benchmarks it there.
func (r *runner) measure(task, name string) result {
	res := result{task: task, tool: name, note: r.notes[task+"/"+name]}
	var (
		held      *child // the child of the largest n probed so far, waiting
		heldProbe probe
		prevN     int // the n probed before held's, for extrapolation
		prevProbe probe
		limit     string // why a larger n was not run
		failed    bool   // the child of the last n tried failed
	)
	for _, n := range r.sizes(task) {
		if held != nil {
			if est := extrapolate(prevN, prevProbe, held.args.n, heldProbe, n); est > skipFactor*r.cfg.budget.Seconds() {
				limit = fmt.Sprintf("n=%d skipped: setup+1st grad estimated %s > budget", n, fmtDur(time.Duration(est*1e9)))
				r.logf("%s %s n=%d: %s", task, name, n, limit)
				break
			}
		}
		a := childArgs{tool: name, task: task, n: n, benchtime: r.cfg.benchtime}
		c, err := startChild(r.self, a)
		if err != nil {
			limit, failed = fmt.Sprintf("n=%d failed: %v", n, err), true
			break
		}
		var p probe
		err = c.read(&p, r.cfg.budget+startGrace)
		failed = err != nil && err != errBudget
		switch {
		case err == errBudget, err == nil && time.Duration(p.SetupNs+p.FirstNs) > r.cfg.budget:
			limit = fmt.Sprintf("n=%d over budget (>%s)", n, r.cfg.budget)
		case err != nil:
			limit = fmt.Sprintf("n=%d failed: %v", n, err)
		case p.Status == "skip":
			limit = fmt.Sprintf("n=%d not run: %s", n, p.Err)
		}
		if limit != "" {
			r.logf("%s %s: %s", task, name, limit)
			if err == nil {
				c.quit()
			}
			break
		}
		r.logf("%s %s n=%d: %s, setup %s, 1st grad %s, rel err %.2g", task, name, n, p.Status,
			fmtDur(time.Duration(p.SetupNs)), fmtDur(time.Duration(p.FirstNs)), p.RelErr)
		if p.Status != "ok" {
			// A wrong or failing gradient is reported, not timed.
			c.quit()
			if held != nil {
				held.quit()
				held = nil
			}
			res.n, res.status, res.relErr = n, p.Status, p.RelErr
			res.setup = time.Duration(p.SetupNs + p.FirstNs)
			if p.Status == "wrong" {
				res.note = joinNote(res.note, fmt.Sprintf("max rel err %.2g", p.RelErr))
			} else {
				res.note = joinNote(res.note, p.Err)
			}
			return res
		}
		if held != nil {
			held.quit()
			prevN, prevProbe = held.args.n, heldProbe
		}
		held, heldProbe = c, p
	}
	if held == nil {
		res.status = "skipped"
		if failed {
			res.status = "error"
		}
		res.note = joinNote(res.note, limit)
		return res
	}
	// The benchmark of one gradient lasts at least max(benchtime, one
	// gradient); allow for a slow start.
	timeout := r.cfg.budget + 10*time.Duration(heldProbe.FirstNs) + 2*time.Minute
	m, err := held.bench(timeout)
	res.n = held.args.n
	res.setup = time.Duration(heldProbe.SetupNs + heldProbe.FirstNs)
	res.relErr = heldProbe.RelErr
	switch {
	case err != nil:
		res.status, res.note = "error", joinNote(res.note, "benchmark: "+err.Error())
	case m.Status != "ok":
		res.status, res.relErr = "wrong", m.RelErr
		res.note = joinNote(res.note, fmt.Sprintf("gradient changed while timed: rel err %.2g", m.RelErr))
	default:
		res.status, res.ns, res.primalNs, res.bytes, res.allocs = "ok", m.Ns, m.PrimalNs, m.Bytes, m.Allocs
		r.logf("%s %s n=%d: %.4g ns/grad, %.4g B/grad, %.4g allocs/grad (%d iterations); plain Go %.4g ns", task, name, res.n, m.Ns, m.Bytes, m.Allocs, m.Iters, m.PrimalNs)
	}
	if limit != "" {
		res.note = joinNote(res.note, limit)
	}
	return res
}

// skipFactor is how far over the budget the extrapolated time of the next
// n must be for the runner to skip it rather than try it. The estimate is
// rough (a load spike on a shared machine can make one probe ten times
// slower), so only hopeless sizes are skipped; trying costs at most one
// budget.
const skipFactor = 4

// extrapolate estimates the seconds of setup and first gradient at n from
// the probes p0 at n0 (n0 = 0 if there is none) and p1 at n1: a power law
// through the two points, with an exponent between 1 and 2.
func extrapolate(n0 int, p0 probe, n1 int, p1 probe, n int) float64 {
	t1 := float64(p1.SetupNs+p1.FirstNs) / 1e9
	exp := 1.0
	if n0 > 0 {
		t0 := float64(p0.SetupNs+p0.FirstNs) / 1e9
		if t0 > 0.01 && t1 > t0 {
			exp = min(2, max(1, math.Log(t1/t0)/math.Log(float64(n1)/float64(n0))))
		}
	}
	return t1 * math.Pow(float64(n)/float64(n1), exp)
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// fmtDur formats d with three significant digits.
func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/1e6)
	case d >= time.Microsecond:
		return fmt.Sprintf("%.3gµs", float64(d)/1e3)
	}
	return fmt.Sprintf("%dns", d.Nanoseconds())
}
