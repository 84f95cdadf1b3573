package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
)

// defaultMaxNumericInputs is the default of --max-numeric-inputs. Numeric
// differences evaluate the whole program 34 times per input: the cost is
// the number of inputs times the size, quadratic for a program whose size
// grows with its inputs. The extended Rosenbrock function of 1,000 inputs
// takes about a second of CPU, 5,000 inputs 34 s.
const defaultMaxNumericInputs = 1000

// checkNumeric refuses numeric differences on more than max inputs (the
// default when max is 0, no limit when it is negative); what names the
// mode that runs them.
func checkNumeric(what string, n, max int) error {
	if max <= 0 || n <= max {
		return nil
	}
	return badInput("%s: numeric differences evaluate the whole program 34 times per input, and it has %d inputs, more than the limit of %d (raise it with --max-numeric-inputs, or use --mode reverse, forward, symbolic or compiled)", what, n, max)
}

// level parses --level.
func level(s string) (reverse.Level, error) {
	switch s {
	case "functions", "":
		return reverse.Functions, nil
	case "primitives":
		return reverse.Primitives, nil
	}
	return 0, badInput("--level: expected functions or primitives, found %q", s)
}

func (e *env) gradCmd() *cobra.Command {
	var f gradFlags
	cmd := &cobra.Command{
		Use:   "grad [PROGRAM] --at x=1,y=2",
		Short: "Print the value and every partial derivative at a point",
		Long: fmt.Sprintf(`grad prints the value of the program at a point and its partial
derivative with respect to every input.

--mode chooses how: reverse (backpropagation over the expression graph, the
default), forward (dual numbers, one pass per input), symbolic (the
closed-form derivative, evaluated), compiled (a flat compiled program),
numeric (central differences), or all, which runs every mode and prints
them side by side with the worst disagreement.

Numeric differences evaluate the whole program 34 times per input, a cost
that grows as the square of a program whose size grows with its inputs:
numeric and all are refused for programs of more than --max-numeric-inputs
inputs (default %d).`, defaultMaxNumericInputs),
		Example: `  backprop grad examples/seed.bp --at x_1=2,x_2=3
  backprop grad examples/seed.bp --at x_1=2,x_2=3 --mode all
  backprop grad -e 'x^2*sin(y)' --at x=2,y=1 --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.grad(&f, args)
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&f.mode, "mode", "reverse", "reverse, forward, symbolic, compiled, numeric or all")
	cmd.Flags().StringVar(&f.level, "level", "functions", "granularity of reverse mode: functions or primitives")
	cmd.Flags().IntVar(&f.maxNumeric, "max-numeric-inputs", defaultMaxNumericInputs, "refuse --mode numeric and all beyond `N` inputs (0: no limit)")
	return cmd
}

// gradFlags are the flags of grad.
type gradFlags struct {
	common
	mode, level string
	maxNumeric  int
	// numericWork counts numeric differences, 34 passes per input, against
	// --max-work too (the server does; the command bounds their inputs
	// only).
	numericWork bool
}

// checkNumericWork refuses numeric differences on n inputs, 34 passes
// each, beyond --max-work when f.numericWork is set.
func (f *gradFlags) checkNumericWork(what string, n int) error {
	max, work := f.src.maxWork, f.src.work
	if !f.numericWork || max <= 0 || n == 0 || work <= max/int64(34*n) {
		return nil
	}
	return badInput("%s evaluates the program 34 times per input: 34 × %d inputs × %d node evaluations is more than the limit of %d node evaluations; use mode reverse or compiled, which take one pass",
		what, n, work, max)
}

// grad runs grad: the command's, and the server's /api/grad.
func (e *env) grad(f *gradFlags, args []string) error {
	lv, err := level(f.level)
	if err != nil {
		return err
	}
	prog, fn, err := f.src.load(args, e.stdin)
	if err != nil {
		return err
	}
	x, err := f.point(prog.Graph, fn)
	if err != nil {
		return err
	}
	if _, err := maxFlag("max-numeric-inputs", f.maxNumeric); err != nil {
		return err
	}
	opts := &verify.Settings{Level: lv, Check: f.check, Stop: f.src.stop}
	if f.mode == "all" {
		if err := checkNumeric("--mode all", len(x), f.maxNumeric); err != nil {
			return err
		}
		if err := f.src.checkPasses("--mode all (forward mode)", len(x)); err != nil {
			return err
		}
		if err := f.checkNumericWork("--mode all (numeric differences)", len(x)); err != nil {
			return err
		}
		return e.gradAll(prog, fn, x, opts, f.json)
	}
	m, err := verify.ParseMode(f.mode)
	if err != nil {
		return badInput("--mode: %v", err)
	}
	if m == verify.Numeric {
		if err := checkNumeric("--mode numeric", len(x), f.maxNumeric); err != nil {
			return err
		}
		if err := f.checkNumericWork("--mode numeric", len(x)); err != nil {
			return err
		}
	}
	if m == verify.Forward {
		if err := f.src.checkPasses("--mode forward", len(x)); err != nil {
			return err
		}
	}
	v, grad, err := verify.Gradient(nil, prog.Graph, fn, x, m, opts)
	if err != nil {
		return sourceError(prog, err)
	}
	names := fn.ParamNames(prog.Graph)
	warnNonFinite(e.stderr, "the value", v)
	for i, n := range names {
		warnNonFinite(e.stderr, "∂"+fn.Name+"/∂"+n, grad[i])
	}
	if f.json {
		return writeJSON(e.stdout, object{{"value", num(v)}, {"gradient", gradObject(names, grad)}})
	}
	return writeGradient(e.stdout, prog.Graph, fn, x, v, grad)
}

func (e *env) gradAll(prog *ir.Program, fn *ir.Func, x []float64, opts *verify.Settings, asJSON bool) error {
	rep := verify.Check(prog.Graph, fn, x, opts)
	for _, r := range rep.Results {
		if r.Err != nil {
			return sourceError(prog, fmt.Errorf("%s mode: %w", r.Mode, r.Err))
		}
	}
	ref := rep.Results[0]
	worst, worstNum := rep.WorstExact(), rep.WorstNumeric()
	if asJSON {
		modes := object{}
		for _, r := range rep.Results {
			modes = append(modes, field{string(r.Mode), object{{"value", num(r.Value)}, {"gradient", gradObject(rep.Params, r.Gradient)}}})
		}
		return writeJSON(e.stdout, object{
			{"value", num(ref.Value)},
			{"gradient", gradObject(rep.Params, ref.Gradient)},
			{"modes", modes},
			{"worst", object{{"exact", disagreement(worst)}, {"numeric", disagreement(worstNum)}}},
		})
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(w, "\t")
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%s\t", r.Mode)
	}
	fmt.Fprintln(w, "worst exact\tnumeric\t")
	fmt.Fprintf(w, "%s\t", fn.Name)
	for _, r := range rep.Results {
		fmt.Fprintf(w, "%s\t", fmtNum(r.Value))
	}
	fmt.Fprintln(w, "\t\t")
	for i, n := range rep.Params {
		fmt.Fprintf(w, "∂%s/∂%s\t", fn.Name, n)
		for _, r := range rep.Results {
			fmt.Fprintf(w, "%s\t", fmtNum(r.Gradient[i]))
		}
		fmt.Fprintf(w, "%.1e (%s)\t%.1e\t\n", rep.Exact[i].Diff, rep.Exact[i].Mode, rep.Numeric[i].Diff)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "worst disagreement: %.2g relative among exact modes (%s on %s), %.2g for numeric differences (on %s)\n",
		worst.Diff, worst.Mode, worst.Param, worstNum.Diff, worstNum.Param)
	return err
}

func disagreement(d verify.Disagreement) object {
	return object{{"param", d.Param}, {"mode", string(d.Mode)}, {"relative", num(d.Diff)}}
}
