package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/server"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/verify"
)

// DefaultServeMaxWork is the default of serve's --max-work: a tenth of the
// command's, a tenth of a second or so of evaluation per pass, so that a
// request ends well within its deadline.
const DefaultServeMaxWork = 10_000_000

func (e *env) serveCmd() *cobra.Command {
	var addr string
	var open bool
	var maxWork int64
	var maxNodes, workers int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--open]",
		Short: "Serve the explorer: a web page that shows backpropagation on your own functions, and its JSON API",
		Long: fmt.Sprintf(`serve runs a web server with the explorer, a page on which you write a
program and see its value, gradient, expression graph, the forward and
backward passes step by step, forward mode, the paths and their products,
the derivative in closed form, every mode side by side and, for one or two
inputs, a plot with gradient-descent steps; and the JSON API the page uses,
POST /api/eval, grad, diff, graph, paths and explain, which answers what the
command of the same name prints with --json (see docs/api.md).

It binds to loopback unless --addr says otherwise, and needs no network:
every asset is in the binary. It stops gracefully on SIGINT or SIGTERM.

Every request is bounded: bodies of at most %d bytes, programs of at most
--max-work node evaluations per pass (numeric differences and forward mode
count every pass), graphs of at most --max-nodes nodes, a deadline of
--timeout, and at most --workers computations at once (a request that waits
longer than %v for one is answered 503 with Retry-After).`, server.DefaultMaxBody, server.DefaultQueueWait),
		Example: `  backprop serve
  backprop serve --addr 127.0.0.1:9000 --open`,
		Args: args(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if maxWork < 0 {
				return badInput("--max-work must be 0 (no limit) or positive, got %d", maxWork)
			}
			if _, err := maxFlag("max-nodes", maxNodes); err != nil {
				return err
			}
			if workers < 0 || timeout < 0 {
				return badInput("--workers and --timeout must be 0 (the default) or positive")
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return badInput("--addr: %v", err)
			}
			url := "http://" + ln.Addr().String() + "/"
			fmt.Fprintf(e.stdout, "backprop serve: the explorer is at %s (Ctrl-C to stop)\n", url)
			loopback := server.LoopbackHost(ln.Addr().String())
			if !loopback {
				fmt.Fprintf(e.stderr, "warning: %s is not a loopback address: anyone who can reach it can use the explorer\n", ln.Addr())
			}
			if open {
				if err := openBrowser(url); err != nil {
					fmt.Fprintf(e.stderr, "warning: --open: %v\n", err)
				}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			h := server.New(Backend(server.DefaultMaxBody, maxWork, maxNodes), &server.Settings{Timeout: timeout, MaxConcurrent: workers, LoopbackHosts: loopback})
			err = server.Serve(ctx, ln, h)
			fmt.Fprintln(e.stdout, "backprop serve: stopped")
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0: any free port)")
	f.BoolVar(&open, "open", false, "open the page in the browser")
	f.Int64Var(&maxWork, "max-work", DefaultServeMaxWork, "refuse programs whose evaluation takes more than `N` node evaluations (0: no limit)")
	f.IntVar(&maxNodes, "max-nodes", draw.DefaultMaxNodes, "refuse graphs of more than `N` nodes (0: no limit)")
	f.IntVar(&workers, "workers", 0, "compute at most `N` requests at once (default: two per CPU)")
	f.DurationVar(&timeout, "timeout", server.DefaultTimeout, "the deadline of each request")
	return cmd
}

func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// Backend returns the server's backend: each request runs the method of
// the command of its name, the one the command line runs, with --json (or
// with the --format the request asks), so that the API answers exactly
// what the command prints. maxBytes, maxWork and maxNodes are the limits of
// --max-bytes, --max-work and --max-nodes (0: no limit); numeric
// differences count against maxWork too.
//
// Each request's work is bounded before it starts by maxWork, and its
// evaluations (every mode of grad, eval, diff's value, the passes of
// graph, paths and explain, the plot) poll ctx as they run: when its
// deadline passes they stop, the worker is free at once, and the answer is
// a 503 that says so.
func Backend(maxBytes, maxWork int64, maxNodes int) server.Backend {
	return func(ctx context.Context, command string, q *server.Query) (a server.Answer) {
		var out bytes.Buffer
		e := &env{stdout: &out, stderr: io.Discard}
		defer func() {
			if r := recover(); r != nil {
				a = errorAnswer(fmt.Errorf("internal error: %v", r))
			}
		}()
		if err := e.answer(ctx, command, q, maxBytes, maxWork, maxNodes); err != nil {
			if errors.Is(err, ir.ErrStopped) || ctx.Err() != nil {
				return stoppedAnswer(ctx)
			}
			return errorAnswer(err)
		}
		typ := "application/json"
		switch q.Format {
		case "markdown":
			typ = "text/markdown; charset=utf-8"
		case "text", "latex":
			typ = "text/plain; charset=utf-8"
		}
		return server.Answer{Status: http.StatusOK, Type: typ, Body: out.Bytes()}
	}
}

// stoppedAnswer is the answer of a request whose evaluation was stopped at
// its deadline: 503, as for a request that found no free worker.
func stoppedAnswer(ctx context.Context) server.Answer {
	msg := "the computation was stopped at the request's deadline"
	if d, ok := ctx.Deadline(); ok && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		msg += fmt.Sprintf(" (serve's --timeout, passed %v ago)", time.Since(d).Round(time.Millisecond))
	}
	msg += ": give a smaller program, fewer points or steps, or a lower limit"
	var b bytes.Buffer
	writeJSON(&b, object{{"error", object{{"message", msg}}}})
	return server.Answer{Status: http.StatusServiceUnavailable, Type: "application/json", Body: b.Bytes()}
}

// stopOf returns the ir.Stop of ctx: true once ctx is done.
func stopOf(ctx context.Context) ir.Stop {
	done := ctx.Done()
	if done == nil {
		return nil
	}
	return func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

func errorAnswer(err error) server.Answer {
	status := http.StatusInternalServerError
	if isInput(err) || isUsage(err) {
		status = http.StatusBadRequest
	}
	var b bytes.Buffer
	writeJSON(&b, object{{"error", errorObject(err)}})
	return server.Answer{Status: status, Type: "application/json", Body: b.Bytes()}
}

func (e *env) answer(ctx context.Context, command string, q *server.Query, maxBytes, maxWork int64, maxNodes int) error {
	if strings.TrimSpace(q.Program) == "" {
		return badInput(`"program" is empty: write a definition such as f(x) = x^2, or an expression such as x^2*sin(y)`)
	}
	c := common{
		src:   source{expr: q.Program, fn: q.Func, maxBytes: maxBytes, maxWork: maxWork, stop: stopOf(ctx)},
		json:  q.Format == "" || q.Format == "json",
		check: q.Check,
	}
	if q.At != nil || command != "diff" {
		c.pts = make([]pair, len(q.At))
		for i, p := range q.At {
			c.pts[i] = pair{p.Name, p.Value}
		}
	}
	if q.Direction != nil && command != "explain" {
		return badInput(`"direction": only explain takes a direction`)
	}
	if q.Format != "" && command != "paths" && command != "explain" {
		return badInput("%q: only paths and explain take a format", q.Format)
	}
	fmtName := q.Format
	if fmtName == "json" {
		fmtName = ""
	}
	switch command {
	case "eval":
		return e.eval(&c, nil)
	case "grad":
		f := gradFlags{common: c, mode: q.Mode, level: q.Level, maxNumeric: defaultMaxNumericInputs, numericWork: true}
		if f.mode == "" {
			f.mode = "reverse"
		}
		return e.grad(&f, nil)
	case "diff":
		return e.diff(&c, nil, q.Wrt)
	case "graph":
		return e.graph(ctx, &c, nil, q.Level, "", "", maxNodes, draw.DefaultMaxLayout)
	case "paths":
		limit := q.Limit
		if limit == 0 {
			limit = draw.DefaultPathLimit
		}
		return e.paths(&c, nil, q.Level, fmtName, q.Wrt, limit, draw.MaxPathLimit)
	case "explain":
		var dir []pair
		if q.Direction != nil {
			dir = make([]pair, len(q.Direction))
			for i, p := range q.Direction {
				dir[i] = pair{p.Name, p.Value}
			}
		}
		return e.explain(&c, nil, q.Level, fmtName, q.Mode, q.Wrt, dir)
	case "inputs":
		return e.inputs(&c)
	case "plot":
		return e.plot(ctx, &c, q)
	}
	return errors.New("no such command: " + command)
}

// inputs answers /api/inputs: the function computed and its inputs,
// {"function": "f", "inputs": ["x_1", "x_2"], "functions": ["f_1", …]},
// which the page needs before it can ask for anything at a point.
func (e *env) inputs(c *common) error {
	prog, fn, err := c.src.load(nil, nil)
	if err != nil {
		return err
	}
	funcs := make([]string, len(prog.Funcs))
	for i, f := range prog.Funcs {
		funcs[i] = f.Name
	}
	return writeJSON(e.stdout, object{{"function", fn.Name}, {"inputs", fn.ParamNames(prog.Graph)}, {"functions", funcs}})
}

// Bounds of plot's requests.
const (
	maxPlotGrid  = 201
	maxPlotSteps = 500
)

// plot answers /api/plot for a function of one or two inputs: its values
// on a grid around the point, and the path of gradient descent from it:
//
//	{"inputs": ["x", "y"], "x": [...], "y": [...], "values": [[...], ...],
//	 "descent": [{"at": [x, y], "value": v, "gradient": [gx, gy]}, ...]}
//
// values[j][i] is the value at (x[i], y[j]); a function of one input has
// no "y" and one row of values. The grid and the descent together are
// refused beyond --max-work node evaluations, and the grid stops at the
// request's deadline.
func (e *env) plot(ctx context.Context, c *common, q *server.Query) error {
	prog, fn, err := c.src.load(nil, nil)
	if err != nil {
		return err
	}
	g := prog.Graph
	x0, err := c.point(g, fn)
	if err != nil {
		return err
	}
	names := fn.ParamNames(g)
	if len(names) < 1 || len(names) > 2 {
		return badInput("plot: %s has %d inputs; the plot shows functions of one or two", fn.Name, len(names))
	}
	grid, span, rate, steps := q.Grid, q.Span, q.Rate, q.Steps
	if grid == 0 {
		grid = 61
	}
	if span == 0 {
		span = 2
	}
	method := q.Descent
	if method == "" {
		method = "normalized"
	}
	if rate == 0 {
		switch method {
		case "normalized":
			rate = 0.1
		case "armijo":
			rate = 1
		default:
			rate = 0.01
		}
	}
	switch {
	case grid < 2 || grid > maxPlotGrid:
		return badInput("plot: grid must be between 2 and %d, got %d", maxPlotGrid, grid)
	case !(span > 0) || math.IsInf(span, 0):
		return badInput("plot: span must be positive, got %v", span)
	case steps < 0 || steps > maxPlotSteps:
		return badInput("plot: steps must be between 0 and %d, got %d", maxPlotSteps, steps)
	case math.IsNaN(rate) || math.IsInf(rate, 0):
		return badInput("plot: rate must be a number, got %v", rate)
	case method != "normalized" && method != "fixed" && method != "armijo":
		return badInput("plot: descent must be normalized, fixed or armijo, got %q", method)
	}
	points := grid
	if len(names) == 2 {
		points *= grid
	}
	// A reverse pass costs about three evaluations; the line search
	// evaluates up to maxHalvings more points per step.
	perStep := 3
	if method == "armijo" {
		perStep += maxHalvings
	}
	if err := c.src.checkPasses("plot (its grid and its descent)", points+perStep*steps); err != nil {
		return err
	}
	axis := func(i int) []num {
		a := make([]num, grid)
		for k := range a {
			a[k] = num(x0[i] - span + 2*span*float64(k)/float64(grid-1))
		}
		return a
	}
	ev := ir.NewEvaluator(g)
	ev.Stop = c.src.stop
	xs := axis(0)
	ys := []num{0}
	out := object{{"function", fn.Name}, {"inputs", names}, {"x", xs}}
	if len(names) == 2 {
		ys = axis(1)
		out = append(out, field{"y", ys})
	}
	values := make([][]num, len(ys))
	arg := slices.Clone(x0)
	for j := range ys {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := make([]num, len(xs))
		for i := range xs {
			arg[0] = float64(xs[i])
			if len(names) == 2 {
				arg[1] = float64(ys[j])
			}
			v, err := ev.Apply(fn, arg)
			if err != nil {
				return sourceError(prog, err)
			}
			row[i] = num(v)
		}
		values[j] = row
	}
	out = append(out, field{"values", values})
	var descent []object
	at := slices.Clone(x0)
	next := make([]float64, len(at))
descend:
	for k := 0; k <= steps; k++ {
		v, grad, err := verify.Gradient(nil, g, fn, at, verify.Reverse, &verify.Settings{Stop: c.src.stop})
		if err != nil {
			return sourceError(prog, err)
		}
		p := make([]num, len(at))
		gr := make([]num, len(at))
		norm2 := 0.0
		for i := range at {
			p[i], gr[i] = num(at[i]), num(grad[i])
			norm2 += grad[i] * grad[i]
		}
		step := object{{"at", p}, {"value", num(v)}, {"gradient", gr}}
		if k == steps || norm2 == 0 || !isFinite(v) || !isFinite(norm2) {
			descent = append(descent, step)
			break // the last step, a stationary point, or the descent diverged
		}
		// The step is next = at - t·grad, for the t of the method.
		t := rate
		switch method {
		case "normalized":
			t = rate / math.Sqrt(norm2)
		case "armijo":
			// Halve t until f(next) ≤ f(at) - c·t·|grad|², Armijo's
			// sufficient decrease, with c = 1e-4; if no t does, the
			// descent ends here.
			found := false
			for h := 0; h <= maxHalvings && !found; h++ {
				if h > 0 {
					t /= 2
				}
				for i := range at {
					next[i] = at[i] - t*grad[i]
				}
				fn1, err := ev.Apply(fn, next)
				if err != nil {
					return sourceError(prog, err)
				}
				found = fn1 <= v-1e-4*t*norm2
			}
			if !found {
				descent = append(descent, step)
				break descend
			}
			step = append(step, field{"rate", num(t)})
		}
		descent = append(descent, step)
		finite := true
		for i := range at {
			at[i] -= t * grad[i]
			finite = finite && isFinite(at[i])
		}
		if !finite {
			break // the descent diverged: the steps so far show it
		}
	}
	out = append(out, field{"rate", num(rate)}, field{"method", method}, field{"descent", descent})
	return writeJSON(e.stdout, out)
}

// maxHalvings is the most times the line search of plot's armijo descent
// halves a step before it takes it anyway.
const maxHalvings = 50

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
