package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/gobackprop/backprop/bench/internal/adbench"
)

// result is one input run by one tool.
type result struct {
	task, problem, tool string
	size                string    // the instance's dimensions, for the table
	skipped             string    // why the input was not run, or ""
	objective           []float64 // GMM, LSTM: the objective; BA: the first observation's two reprojection errors and weight error
	gradient            []float64 // GMM, LSTM: the gradient; BA: the first 2×15 block, row by row, and the first weight error's entry
	objS, derS          float64   // wall-clock seconds per call
	objCPU, derCPU      float64   // CPU seconds per call
	allocBytes          uint64    // bytes allocated by one derivative call, once warm
	load                string    // the load average after timing
}

// record is one line of -json output.
type record struct {
	Task   string `json:"task"`
	Tool   string `json:"tool"`
	Metric string `json:"metric"`
	Value  any    `json:"value"`
}

func (r *result) records() []record {
	rec := func(metric string, v any) record { return record{r.task, r.tool, metric, v} }
	if r.skipped != "" {
		return []record{rec("skipped", r.skipped)}
	}
	obj := any(r.objective)
	if len(r.objective) == 1 {
		obj = r.objective[0]
	}
	return []record{
		rec("objective", obj),
		rec("gradient", r.gradient),
		rec("objective_s", r.objS),
		rec("derivative_s", r.derS),
		rec("ratio", r.derS/r.objS),
		rec("objective_cpu_s", r.objCPU),
		rec("derivative_cpu_s", r.derCPU),
		rec("cpu_ratio", r.derCPU/r.objCPU),
		rec("derivative_alloc_bytes", r.allocBytes),
		rec("load", r.load),
	}
}

// problem is a prepared input: its objective and derivative, each
// computing into memory the problem keeps, and the writers of ADBench's
// output files.
type problem struct {
	tool                  string
	size                  string
	objective, derivative func()
	// summary returns the values of the records after derivative has
	// run.
	summary func() (objective, gradient []float64)
	// write writes ADBench's _F_ and _J_ files.
	writeF, writeJ func(w io.Writer) error
}

// runFile reads, runs, times and writes one input, with each tool that
// runs it.
func runFile(path string, c *config, log io.Writer) ([]*result, error) {
	task, kind, err := taskName(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "adbench: %s: reading\n", task)
	var ps []*problem
	var skip string
	switch kind {
	case "gmm":
		ps, skip, err = prepareGMM(path, c)
	case "ba":
		ps, skip, err = prepareBA(path, c)
	case "lstm":
		ps, err = prepareLSTM(path)
	}
	if err != nil {
		return nil, err
	}
	if skip != "" {
		fmt.Fprintf(log, "adbench: %s: skipped: %s\n", task, skip)
		return []*result{{task: task, problem: kind, tool: "backprop", skipped: skip}}, nil
	}
	var rs []*result
	for _, p := range ps {
		r, err := runProblem(p, task, kind, c, log)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// runProblem times one tool on one input and writes its output files.
func runProblem(p *problem, task, kind string, c *config, log io.Writer) (*result, error) {
	r := &result{task: task, problem: kind, tool: p.tool, size: p.size}
	p.derivative()
	r.objective, r.gradient = p.summary()
	r.allocBytes = allocs(p.derivative)
	fmt.Fprintf(log, "adbench: %s: timing %s (%s)\n", task, p.tool, p.size)
	to, td := measure(c, p.objective, p.derivative)
	r.objS, r.derS = to.wall.Seconds(), td.wall.Seconds()
	r.objCPU, r.derCPU = to.cpu.Seconds(), td.cpu.Seconds()
	r.load = loadAverage()
	fmt.Fprintf(log, "adbench: %s: %s: objective %.3g s, derivative %.3g s, ratio %.3g; CPU %.3g s, %.3g s, ratio %.3g (load %s)\n", task, p.tool, r.objS, r.derS, r.derS/r.objS, r.objCPU, r.derCPU, r.derCPU/r.objCPU, r.load)
	if c.outDir != "" {
		p.derivative()
		base := filepath.Join(c.outDir, filepath.Base(task))
		if err := writeFile(base+"_F_"+p.tool+".txt", p.writeF); err != nil {
			return nil, err
		}
		if err := writeFile(base+"_J_"+p.tool+".txt", p.writeJ); err != nil {
			return nil, err
		}
		if err := writeFile(base+"_times_"+p.tool+".txt", func(w io.Writer) error {
			return adbench.WriteTimes(w, r.objS, r.derS)
		}); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// writeFile writes a file through a temporary one, renamed at the end.
func writeFile(name string, f func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".adbench-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := f(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// allocs returns the bytes one call of f allocates.
func allocs(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// times are the shortest times per call of a function: wall-clock, as
// ADBench measures, and the process's CPU time (user and system, all
// threads), which a shared machine's other jobs disturb much less.
type times struct{ wall, cpu time.Duration }

// cpuTime returns the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure times the objective and the derivative as ADBench does: the
// number of repeats of a batch is doubled until a batch lasts at least
// c.minTime (of wall-clock and of CPU time); then up to c.nruns batches
// are timed, until c.timeLimit has been spent, and the shortest time per
// call is kept. Unlike ADBench, which times the objective and then the
// derivative, the batches of the two alternate, so that both see the
// same load on a shared machine.
func measure(c *config, objective, derivative func()) (to, td times) {
	batch := func(f func(), n int) times {
		t, u := time.Now(), cpuTime()
		for range n {
			f()
		}
		return times{time.Since(t), cpuTime() - u}
	}
	per := func(t times, n int) times {
		return times{t.wall / time.Duration(n), t.cpu / time.Duration(n)}
	}
	least := func(a, b times) times { return times{min(a.wall, b.wall), min(a.cpu, b.cpu)} }
	repeats := func(f func()) (int, times) {
		for n := 1; ; n *= 2 {
			if t := batch(f, n); t.wall >= c.minTime && t.cpu >= c.minTime || n >= 1<<30 {
				return n, per(t, n)
			}
		}
	}
	no, to := repeats(objective)
	nd, td := repeats(derivative)
	var spentO, spentD time.Duration
	for run := 0; run < c.nruns && (spentO < c.timeLimit || spentD < c.timeLimit); run++ {
		if spentO < c.timeLimit {
			t := batch(objective, no)
			spentO += t.wall
			to = least(to, per(t, no))
		}
		if spentD < c.timeLimit {
			t := batch(derivative, nd)
			spentD += t.wall
			td = least(td, per(t, nd))
		}
	}
	return to, td
}

// printTable prints the results as Markdown tables, one per problem.
func printTable(w io.Writer, results []*result) {
	titles := map[string]string{
		"gmm":  "GMM: objective and its gradient (array engine)",
		"ba":   "Bundle adjustment: residuals and their sparse Jacobian (compiled programs, all cores)",
		"lstm": "LSTM: objective and its gradient (array engine)",
	}
	for _, kind := range []string{"gmm", "ba", "lstm"} {
		var rs []*result
		for _, r := range results {
			if r.problem == kind {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n#### %s\n\n", titles[kind])
		fmt.Fprintln(w, "| input | size | tool | objective (s) | derivative (s) | ratio | CPU objective (s) | CPU derivative (s) | CPU ratio | MB allocated per derivative | load |")
		fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|")
		for _, r := range rs {
			if r.skipped != "" {
				fmt.Fprintf(w, "| %s | | | | | not run: %s | | | | | |\n", r.task, r.skipped)
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s | %.3g | %.3g | %.2f | %.3g | %.3g | %.2f | %.3g | %s |\n", r.task, r.size, r.tool, r.objS, r.derS, r.derS/r.objS, r.objCPU, r.derCPU, r.derCPU/r.objCPU, float64(r.allocBytes)/1e6, strings.Fields(r.load + " ?")[0])
		}
	}
}
