// Command bench compares backprop's gradients with those of its Go peers:
// gorgonia, spago, gomlx (pure-Go backend) and gonum's finite differences.
// It runs every tool on the same tasks in one run and prints one Markdown
// table per task, or with -json one JSON array of records
//
//	{"task": "seed", "tool": "gorgonia", "n": 2, "metric": "ns_per_grad", "value": 312345}
//
// with the metrics ns_per_grad, grad_over_primal (gradient time over the
// time of the plain Go function at the same n), bytes_per_grad and
// allocs_per_grad.
//
// # Tasks
//
// seed: the gradient at (2, 3) of the seed's
// f(x_1, x_2) = sin(π·x_1^(x_2^x_1)) + cos(π·ln x_1), which must equal
// (18260.7627311899, 6689.54446941267) to 1e-9 relative. The ratio column
// is to backprop-compiled.
//
// rosenbrock: the gradient of the extended Rosenbrock function
// Σ 100·(x[2i+1] − x[2i]²)² + (1 − x[2i])² at x = (1.2, 1, 1.2, 1, …),
// written with one node per scalar operation, checked against the analytic
// gradient. The ratio column is to the plain Go loop at the same n. A tool
// runs at the largest n of 1000, 3000, 10000, 30000 and 100,000 whose
// setup and first gradient finish within -budget.
//
// gemm (a positional argument, as in `go run . -json gemm`): C = A·B for
// square n = 64 … 1024 in float32 and float64 with backprop's gemm package
// and gonum's pure-Go BLAS, one JSON record a line
//
//	{"task":"gemm_f64_n512","tool":"backprop","metric":"gflops","value":101.0}
//
// in the shape that ../shared/peers/pytorch/run.sh gemm prints for
// OpenBLAS, so the two outputs join on task and metric. It runs in
// process, not in child processes.
//
// mlp (a positional argument): training steps of an MLP 784-128-10
// (ReLU, softmax cross-entropy with integer labels, SGD with rate 0.1) on
// random batches of 64 and 256 in float32 and float64, measured as
// run.sh mlp measures PyTorch (20 warm-up steps, the median of five
// timings of 200 steps), one record a line:
//
//	{"task":"mlp_784_128_10_f32_b64","tool":"backprop","metric":"samples_per_s","value":118000}
//
// # Method
//
// Every measurement is a child process (this program, re-executed): the
// child prepares the tool (builds and differentiates its graph, compiles
// it), computes one gradient and checks it, then times it with
// testing.Benchmark, and times the plain Go function right after, under
// the same load. A tool whose gradient is wrong is reported as wrong and
// not timed. A child that does not report its first gradient within the
// budget is killed.
//
// # Flags
//
//	-task       seed, rosenbrock or all (default all)
//	-tools      comma-separated tool names, or all
//	-budget     time for the setup and first gradient of one tool at one n (default 60s)
//	-benchtime  the testing.Benchmark time of each measurement (default 1s)
//	-maxn       the largest Rosenbrock n to try (default 100000)
//	-json       print JSON records instead of Markdown
//
// Progress goes to standard error.
package main
