// Command adbench runs ADBench's three problems (GMM, bundle adjustment
// and LSTM) with backprop on ADBench's input files: it computes each
// objective and its derivative, times them as ADBench does, and prints
// the times and their ratio, as a Markdown table or, with -json, one
// JSON record a line.
//
//	cd bench
//	go run ./adbench                                   # the default suite
//	go run ./adbench -json ../../shared/adbench/data/gmm/1k/gmm_d2_K5.txt
//	go run ./adbench -o out ../../shared/adbench/data/ba/ba1_n49_m7776_p31843.txt
//
// With -o DIR it also writes ADBench's output files: <name>_F_<tool>.txt
// (the objective), <name>_J_<tool>.txt (the gradient, or BA's sparse
// Jacobian) and <name>_times_<tool>.txt.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// config is what the flags ask for.
type config struct {
	json      bool
	outDir    string
	mdFile    string        // where to write the Markdown table too
	minTime   time.Duration // ADBench's minimum measurable time
	nruns     int           // ADBench's nruns_F and nruns_J
	timeLimit time.Duration // ADBench's time limit, per measurement
	maxObs    int           // the largest BA p run
	maxGMM    int           // the largest GMM n·K·d run
	maxTape   int           // the most records of a GMM gradient on the scalar tape
}

// The default suite, below the data directory.
var defaultSuite = []string{
	"gmm/1k/gmm_d2_K5", "gmm/1k/gmm_d2_K10", "gmm/1k/gmm_d2_K25", "gmm/1k/gmm_d2_K50",
	"gmm/1k/gmm_d10_K5", "gmm/1k/gmm_d10_K10", "gmm/1k/gmm_d10_K25", "gmm/1k/gmm_d10_K50",
	"gmm/1k/gmm_d20_K5", "gmm/1k/gmm_d20_K10", "gmm/1k/gmm_d20_K25", "gmm/1k/gmm_d20_K50",
	"gmm/10k/gmm_d2_K5", "gmm/10k/gmm_d2_K200", "gmm/10k/gmm_d10_K5", "gmm/10k/gmm_d10_K50",
	"gmm/2.5M/gmm_d2_K5", "gmm/2.5M/gmm_d2_K200", "gmm/2.5M/gmm_d10_K5", "gmm/2.5M/gmm_d10_K50",
	"ba/ba1_n49_m7776_p31843", "ba/ba2_n21_m11315_p36455", "ba/ba3_n161_m48126_p182072",
	"ba/ba4_n372_m47423_p204472", "ba/ba5_n257_m65132_p225911", "ba/ba6_n539_m65220_p277273",
	"ba/ba7_n93_m61203_p287451", "ba/ba8_n88_m64298_p383937", "ba/ba9_n810_m88814_p393775",
	"ba/ba10_n1197_m126327_p563734", "ba/ba11_n1723_m156502_p678718", "ba/ba12_n253_m163691_p899155",
	"ba/ba13_n245_m198739_p1091386", "ba/ba14_n356_m226730_p1255268", "ba/ba15_n1102_m780462_p4052340",
	"ba/ba16_n1544_m942409_p4750193", "ba/ba17_n1778_m993923_p5001946", "ba/ba18_n1936_m649673_p5213733",
	"ba/ba19_n4585_m1324582_p9125125", "ba/ba20_n13682_m4456117_p2987644",
	"lstm/lstm_l2_c1024", "lstm/lstm_l4_c1024",
}

// run parses the flags, runs every file and prints; it returns the exit
// code: 0, 1 when a run failed, 2 for bad flags.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("adbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.BoolVar(&c.json, "json", false, "print one JSON record a line instead of a Markdown table")
	fs.StringVar(&c.outDir, "o", "", "also write ADBench's output files into `DIR`")
	fs.StringVar(&c.mdFile, "md", "", "also write the Markdown table to `FILE` (with -json)")
	data := fs.String("data", "../../shared/adbench/data", "ADBench's data `directory`, for the default suite (no FILES)")
	fs.DurationVar(&c.minTime, "mintime", 100*time.Millisecond, "ADBench's minimum measurable time: calls are repeated in batches that last at least this")
	fs.IntVar(&c.nruns, "nruns", 10, "the most batches timed for each of objective and derivative")
	fs.DurationVar(&c.timeLimit, "timelimit", 2*time.Second, "stop timing batches of one function after this much")
	fs.IntVar(&c.maxObs, "maxobs", 10_000_000, "skip BA files with more observations (ba20's header says 28987644)")
	fs.IntVar(&c.maxGMM, "maxgmm", 20_000_000, "skip GMM files with n·K·d over this (the 2.5M files)")
	fs.IntVar(&c.maxTape, "maxtape", 10_000_000, "run GMM on the scalar tape too when its gradient takes at most this many records (40 bytes each)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./adbench [flags] [FILES…]\n\nRuns ADBench's GMM, BA and LSTM problems with backprop on ADBench's input\nfiles (by default the whole suite under -data) and prints objective and\nderivative times and their ratio.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if c.minTime <= 0 || c.nruns < 1 {
		fmt.Fprintln(stderr, "adbench: -mintime must be positive and -nruns at least 1")
		return 2
	}
	files := fs.Args()
	if len(files) == 0 {
		for _, t := range defaultSuite {
			files = append(files, filepath.Join(*data, t+".txt"))
		}
	}
	if c.outDir != "" {
		if err := os.MkdirAll(c.outDir, 0o755); err != nil {
			fmt.Fprintf(stderr, "adbench: %v\n", err)
			return 1
		}
	}
	start := time.Now()
	env := environment()
	loadStart := loadAverage()
	fmt.Fprintf(stderr, "adbench: %s; load average at start %s\n", env, loadStart)
	var results []*result
	code := 0
	enc := json.NewEncoder(stdout)
	for _, f := range files {
		rs, err := runFile(f, &c, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "adbench: %v\n", err)
			code = 1
			continue
		}
		for _, r := range rs {
			if c.json {
				for _, rec := range r.records() {
					enc.Encode(rec)
				}
			}
		}
		results = append(results, rs...)
	}
	footer := fmt.Sprintf("\n%s; load average at the start %s, at the end %s; suite %s.\n", env, loadStart, loadAverage(), time.Since(start).Round(time.Second))
	if !c.json {
		printTable(stdout, results)
		fmt.Fprint(stdout, footer)
	}
	if c.mdFile != "" {
		if err := writeFile(c.mdFile, func(w io.Writer) error {
			printTable(w, results)
			_, err := fmt.Fprint(w, footer)
			return err
		}); err != nil {
			fmt.Fprintf(stderr, "adbench: %v\n", err)
			code = 1
		}
	}
	fmt.Fprintf(stderr, "adbench: done in %s, load average %s\n", time.Since(start).Round(time.Second), loadAverage())
	return code
}

// taskName returns ADBench's name of an input: its path below data/
// (or from its gmm/, ba/ or lstm/ folder on) without the extension, and
// the problem.
func taskName(path string) (task, problem string, err error) {
	p := filepath.ToSlash(filepath.Clean(path))
	p = strings.TrimSuffix(p, filepath.Ext(p))
	parts := strings.Split(p, "/")
	for k := len(parts) - 2; k >= 0; k-- {
		switch parts[k] {
		case "gmm", "ba", "lstm":
			return strings.Join(parts[k:], "/"), parts[k], nil
		}
	}
	base := parts[len(parts)-1]
	for _, pr := range []string{"gmm", "ba", "lstm"} {
		if strings.HasPrefix(base, pr) {
			return base, pr, nil
		}
	}
	return "", "", fmt.Errorf("%s: cannot tell the problem: the file should be in a gmm, ba or lstm folder, or its name start with one", path)
}

func environment() string {
	return fmt.Sprintf("%s %s/%s, %d CPUs (GOMAXPROCS %d)", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
}

// loadAverage returns the 1, 5 and 15-minute load averages, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
