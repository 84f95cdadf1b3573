package main

import (
	"os"
	"time"
)

// A report prints one Markdown table per task; the ratio column of the
// seed is to backprop-compiled, that of Rosenbrock to the plain Go loop at
// the tool's own n, timed in the same child right after the gradient.
func Example_report() {
	rep := &report{
		tasks:  []string{taskRosenbrock},
		budget: time.Minute,
		results: []result{
			{task: taskRosenbrock, tool: "backprop-compiled", n: 100000, status: "ok", ns: 2e6, primalNs: 80000, setup: time.Second},
			{task: taskRosenbrock, tool: "gorgonia", n: 1000, status: "ok", ns: 8e6, primalNs: 800, bytes: 1.5e6, allocs: 96759, note: "n=3000 over budget (>1m0s)"},
			{task: taskRosenbrock, tool: "test-wrong", n: 1000, status: "wrong", note: "max rel err 1e-06"},
		},
	}
	rep.writeMarkdown(os.Stdout)
	// Output:
	// ### rosenbrock: extended Rosenbrock, one node per scalar operation, x = (1.2, 1, 1.2, 1, …)
	//
	// | tool | n | ns/grad | ratio to plain loop | B/grad | allocs/grad | note |
	// |---|--:|--:|--:|--:|--:|---|
	// | backprop-compiled | 100000 | 2,000,000 | 25 | 0 | 0 | setup+1st grad 1s |
	// | gorgonia | 1000 | 8,000,000 | 10,000 | 1,500,000 | 96,759 | n=3000 over budget (>1m0s) |
	// | test-wrong | 1000 | wrong | — | — | — | max rel err 1e-06 |
	//
	// Plain Go function (no gradient), timed in each child right after the gradient: n=1000 800 ns; n=100000 80,000 ns.
	// Each tool runs at the largest n in [1000 3000 10000 30000 100000] whose setup and first gradient finish within 1m0s.
}
