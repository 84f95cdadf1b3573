package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// record is one JSON record of the -json output.
type record struct {
	Task   string  `json:"task"`
	Tool   string  `json:"tool"`
	N      int     `json:"n"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
}

// The metrics of the JSON records.
const (
	metricNs     = "ns_per_grad"
	metricRatio  = "grad_over_primal"
	metricBytes  = "bytes_per_grad"
	metricAllocs = "allocs_per_grad"
)

// records returns the JSON records of the measured rows; rows that are
// wrong, failed or skipped have none.
func (rep *report) records() []record {
	recs := []record{}
	for _, res := range rep.results {
		if res.status != "ok" {
			continue
		}
		add := func(metric string, v float64) {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				recs = append(recs, record{Task: res.task, Tool: res.tool, N: res.n, Metric: metric, Value: v})
			}
		}
		add(metricNs, res.ns)
		add(metricRatio, res.ns/res.primalNs)
		add(metricBytes, res.bytes)
		add(metricAllocs, res.allocs)
	}
	return recs
}

func (rep *report) writeJSON(w io.Writer) error {
	b, err := json.MarshalIndent(rep.records(), "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// writeMarkdown writes one table per task.
func (rep *report) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	for i, task := range rep.tasks {
		if i > 0 {
			b.WriteString("\n")
		}
		rep.table(&b, task)
	}
	if rep.env != "" {
		fmt.Fprintf(&b, "\n%s\n", rep.env)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (rep *report) table(b *strings.Builder, task string) {
	var ratioHead string
	base := math.NaN()
	switch task {
	case taskSeed:
		fmt.Fprintf(b, "### seed: ∇f at (2, 3), f = sin(π·x₁^(x₂^x₁)) + cos(π·ln x₁)\n\n")
		ratioHead = "ratio to backprop-compiled"
		for _, res := range rep.results {
			if res.task == task && res.tool == "backprop-compiled" && res.status == "ok" {
				base = res.ns
			}
		}
	case taskRosenbrock:
		fmt.Fprintf(b, "### rosenbrock: extended Rosenbrock, one node per scalar operation, x = (1.2, 1, 1.2, 1, …)\n\n")
		ratioHead = "ratio to plain loop"
	}
	fmt.Fprintf(b, "| tool | n | ns/grad | %s | B/grad | allocs/grad | note |\n", ratioHead)
	b.WriteString("|---|--:|--:|--:|--:|--:|---|\n")
	for _, res := range rep.results {
		if res.task != task {
			continue
		}
		n := strconv.Itoa(res.n)
		if res.n == 0 {
			n = "—"
		}
		note := res.note
		if res.setup > 0 {
			note = joinNote("setup+1st grad "+fmtDur(res.setup), note)
		}
		if res.status != "ok" {
			fmt.Fprintf(b, "| %s | %s | %s | — | — | — | %s |\n", res.tool, n, res.status, escape(note))
			continue
		}
		ratio := base
		if task == taskRosenbrock {
			ratio = res.primalNs
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", res.tool, n, fmtNum(res.ns),
			fmtRatio(res.ns/ratio), fmtNum(res.bytes), fmtNum(res.allocs), escape(note))
	}
	rep.primalFooter(b, task)
	if task == taskRosenbrock {
		fmt.Fprintf(b, "Each tool runs at the largest n in %v whose setup and first gradient finish within %s.\n", rosenbrockSizes, rep.budget)
	}
}

// primalFooter writes the range of the times of the plain Go function of
// task at each n, as measured in the children.
func (rep *report) primalFooter(b *strings.Builder, task string) {
	lo, hi := make(map[int]float64), make(map[int]float64)
	var ns []int
	for _, res := range rep.results {
		if res.task != task || res.status != "ok" || !(res.primalNs > 0) {
			continue
		}
		if _, ok := lo[res.n]; !ok {
			ns = append(ns, res.n)
			lo[res.n], hi[res.n] = res.primalNs, res.primalNs
		}
		lo[res.n], hi[res.n] = min(lo[res.n], res.primalNs), max(hi[res.n], res.primalNs)
	}
	if len(ns) == 0 {
		return
	}
	sort.Ints(ns)
	b.WriteString("\nPlain Go function (no gradient), timed in each child right after the gradient:")
	for i, n := range ns {
		if i > 0 {
			b.WriteString(";")
		}
		if task == taskRosenbrock {
			fmt.Fprintf(b, " n=%d", n)
		}
		b.WriteString(" " + fmtNum(lo[n]))
		if fmtNum(hi[n]) != fmtNum(lo[n]) {
			b.WriteString("–" + fmtNum(hi[n]))
		}
		b.WriteString(" ns")
	}
	b.WriteString(".\n")
}

// fmtNum formats a count or a time in ns: integers with thousands
// separators, small numbers with three significant digits.
func fmtNum(v float64) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case math.Abs(v) < 100 && v != math.Trunc(v):
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func fmtRatio(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "—"
	}
	if v >= 1000 {
		return fmtNum(v)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// escape makes s safe in a Markdown table cell.
func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

// environment describes the machine, for the footer; load is the load
// average when the run started, if known.
func environment(goVersion, goos, goarch string, cpus int, load, benchtime string, budget time.Duration) string {
	s := fmt.Sprintf("%s %s/%s, %d CPUs", goVersion, goos, goarch, cpus)
	if load != "" {
		s += ", load average " + load + " at start"
	}
	return s + fmt.Sprintf(", benchtime %s, budget %s per tool and task.", benchtime, budget)
}

// loadAverage returns the 1-minute load average of a Linux machine, or "".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return ""
}
