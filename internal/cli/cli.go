package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/ir"
)

// Exit statuses.
const (
	ExitOK       = 0
	ExitInternal = 1 // a failure of backprop itself
	ExitInput    = 2 // bad input: syntax, unknown names, bad flags, domain errors under --check
)

// Run runs the backprop command with args (without the program name) and
// returns its exit status.
//
// An error is written to stderr as text; with --json it is also written to
// stdout as one JSON object, {"error": {"message", "file", "line",
// "column"}} (see errorObject), so that scripts never parse text.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	var cmd *cobra.Command
	defer func() {
		if r := recover(); r != nil {
			status = report(fmt.Errorf("internal error: %v", r), wantsJSON(cmd, args), stdout, stderr)
		}
	}()
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	if cmd == root && !isUsage(err) {
		// The root command runs nothing itself: its errors are unknown
		// commands and the like.
		err = usageError{err}
	}
	return report(err, wantsJSON(cmd, args), stdout, stderr)
}

// report writes err to stderr, and as a JSON object to stdout if asJSON,
// and returns the exit status it calls for.
func report(err error, asJSON bool, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "backprop: %v\n", strings.TrimRight(err.Error(), "\n"))
	if asJSON {
		writeJSON(stdout, object{{"error", errorObject(err)}})
	}
	if isInput(err) || isUsage(err) {
		return ExitInput
	}
	return ExitInternal
}

// wantsJSON reports whether the command asked for JSON output: its --json
// flag, or a --json among the arguments (the flags may have failed to
// parse before it, or the command may be unknown).
func wantsJSON(cmd *cobra.Command, args []string) bool {
	if cmd != nil {
		if f := cmd.Flags().Lookup("json"); f != nil && f.Value.String() == "true" {
			return true
		}
	}
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true", "--json=1":
			return true
		}
	}
	return false
}

// usageError is a flag or argument error found by cobra.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "backprop",
		Short: "Differentiate functions written as math: values, gradients, derivatives and graphs",
		Long: `backprop reads functions written as math, such as

    f_1(x, y) = sin(pi*x) + cos(pi*y)
    f_2(x, y) = x^y
    f_3(x)    = ln(x)
    f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))

from a file, from -e TEXT, or from standard input, and computes values and
derivatives by reverse mode, forward mode, symbolic differentiation,
compiled programs and numeric differences. The last definition is the
function computed, unless --func names another. A bare expression such as
-e 'x^2*sin(y)' is a program whose inputs are its free variables.

Exit status: 0 on success, 2 for bad input, 1 for an internal failure.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%v (see '%s --help')", err, c.CommandPath())}
	})
	root.AddCommand(e.evalCmd(), e.gradCmd(), e.diffCmd(), e.graphCmd(), e.pathsCmd(), e.explainCmd(), e.opsCmd())
	root.AddCommand(e.hessianCmd(), e.jacobianCmd(), e.genCmd(), e.minimizeCmd())
	root.AddCommand(e.trainCmd(), e.predictCmd())
	root.AddCommand(e.serveCmd())
	return root
}

// common holds the flags every command shares.
type common struct {
	src   source
	at    []string
	json  bool
	check bool
	// pts, when not nil, is the point instead of --at: the server's
	// requests give it as a JSON object.
	pts []pair
}

// hasPoint reports whether a point was given.
func (c *common) hasPoint() bool { return len(c.at) > 0 || c.pts != nil }

// point returns the point of --at (or of pts) for the parameters of fn.
func (c *common) point(g *ir.Graph, fn *ir.Func) ([]float64, error) {
	if c.pts != nil {
		return assign(c.pts, g, fn)
	}
	ps, err := c.src.pairs("--at", c.at)
	if err != nil {
		return nil, err
	}
	return assign(ps, g, fn)
}

func (c *common) register(cmd *cobra.Command, at bool) {
	f := cmd.Flags()
	f.StringVarP(&c.src.expr, "expr", "e", "", "the program `TEXT` (instead of a file)")
	f.StringVar(&c.src.fn, "func", "", "the function `NAME` to compute (default: the last one defined)")
	f.Int64Var(&c.src.maxBytes, "max-bytes", DefaultMaxBytes, "refuse programs larger than `N` bytes (0: no limit)")
	f.Int64Var(&c.src.maxWork, "max-work", DefaultMaxWork, "refuse programs whose evaluation, every call running its function's body, takes more than `N` node evaluations (0: no limit)")
	c.src.flags = f
	f.BoolVar(&c.json, "json", false, "print one JSON object (an error too: {\"error\": {...}}, besides the text on stderr)")
	f.BoolVar(&c.check, "check", false, "stop at the first NaN or infinity and report the node that produced it")
	if at {
		f.StringArrayVar(&c.at, "at", nil, "evaluate at `POINT`: x_1=2,x_2=3; values may be constant expressions such as pi/2; several --at add up; @FILE reads pairs from FILE, separated by commas or lines")
	}
}

func args(max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > max {
			return usageError{fmt.Errorf("%s takes at most %d program file, got %d arguments: %s", cmd.Name(), max, len(args), strings.Join(args, " "))}
		}
		return nil
	}
}
