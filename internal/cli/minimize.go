package cli

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/optimize"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/minimize"
)

// defaultMaxIterations is the default of minimize's --max-iterations.
const defaultMaxIterations = 10000

// methods are minimize's --method names, in the order help lists them.
var methods = []string{"bfgs", "lbfgs", "newton", "gradient-descent"}

func method(name string) (optimize.Method, error) {
	switch name {
	case "bfgs":
		return &optimize.BFGS{}, nil
	case "lbfgs":
		return &optimize.LBFGS{}, nil
	case "newton":
		return &optimize.Newton{}, nil
	case "gradient-descent":
		return &optimize.GradientDescent{}, nil
	}
	return nil, badInput("--method: expected %s, found %q", strings.Join(methods, ", "), name)
}

func (e *env) minimizeCmd() *cobra.Command {
	var c common
	var from []string
	var name, plot string
	var maxIter, maxInputs int
	cmd := &cobra.Command{
		Use:   "minimize [PROGRAM] --from x=-1.2,y=1",
		Short: "Minimise the program from a starting point, printing the iterations",
		Long: fmt.Sprintf(`minimize looks for a local minimum of the program from the point given by
--from, with one of gonum's methods (package gonum.org/v1/gonum/optimize) on
the compiled program's exact gradient and, for newton, its exact Hessian
(coloured Hessian-vector products, as hessian computes it).

--method is bfgs (the default; lbfgs beyond --max-inputs inputs), lbfgs,
newton or gradient-descent. Each
iteration is printed as it is taken: its number (0 the starting point), the
value and the Euclidean norm of the gradient; then the point reached and
the status gonum reports (GradientThreshold: the largest partial is below
1e-12; FunctionConvergence: the value stopped decreasing for 100
iterations; IterationLimit: --max-iterations, default %d, was reached).
"evaluations" counts the evaluations of the function, gradients and
Hessians are counted apart.

With --plot FILE.png and a program of two inputs, minimize also draws the
function's contours around the path with the path on top, written whole or
not at all. Newton stores the Hessian densely and BFGS an approximation
of its inverse: both are refused beyond --max-inputs inputs (default %d),
whose matrices have their square of entries (10⁴ inputs: 800 MB); lbfgs
and gradient-descent store a few vectors.`, defaultMaxIterations, defaultMaxMatrixInputs),
		Example: `  backprop minimize -e '100*(y - x^2)^2 + (1 - x)^2' --from x=-1.2,y=1
  backprop minimize -e '100*(y - x^2)^2 + (1 - x)^2' --from x=-1.2,y=1 --method newton --plot rosenbrock.png
  backprop minimize examples/seed.bp --from x_1=2,x_2=3 --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := method(name)
			if err != nil {
				return err
			}
			iterLimit, err := maxFlag("max-iterations", maxIter)
			if err != nil {
				return err
			}
			inLimit, err := maxFlag("max-inputs", maxInputs)
			if err != nil {
				return err
			}
			if plot != "" && !strings.EqualFold(filepath.Ext(plot), ".png") {
				return badInput("--plot: expected a .png file, found %q", plot)
			}
			prog, fn, err := c.src.load(args, e.stdin)
			if err != nil {
				return err
			}
			ps, err := c.src.pairs("--from", from)
			if err != nil {
				return err
			}
			x0, err := assignFlag("--from", ps, prog.Graph, fn)
			if err != nil {
				return err
			}
			names := fn.ParamNames(prog.Graph)
			n := len(x0)
			if n == 0 {
				return badInput("%s has no parameters: there is nothing to minimise over", fn.Name)
			}
			if plot != "" && n != 2 {
				return badInput("--plot draws functions of two inputs, and %s has %d", fn.Name, n)
			}
			if name == "bfgs" && !cmd.Flags().Changed("method") && inLimit >= 0 && n > inLimit {
				// The default method, for more inputs than its matrix
				// may have rows: the one that stores vectors.
				name = "lbfgs"
				if m, err = method(name); err != nil {
					return err
				}
			}
			if name == "newton" && inLimit >= 0 && n > inLimit {
				return badInput("--method newton stores the %d×%d Hessian of %s, more than --max-inputs %d allows (0: no limit); use lbfgs", n, n, fn.Name, inLimit)
			}
			if name == "bfgs" && inLimit >= 0 && n > inLimit {
				return badInput("--method bfgs stores a %d×%d approximation of the inverse Hessian of %s, more than --max-inputs %d allows (0: no limit); use lbfgs", n, n, fn.Name, inLimit)
			}
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				return sourceError(prog, err)
			}
			if c.check {
				if _, err := p.Check(make([]float64, n), x0); err != nil {
					return sourceError(prog, err)
				}
			}
			path := &minimize.Path{}
			if !c.json {
				fmt.Fprintf(e.stdout, "%9s  %-22s  %s\n", "iteration", "value", "|∇"+fn.Name+"|")
				path.Each = func(s minimize.Step) error {
					_, err := fmt.Fprintf(e.stdout, "%9d  %-22s  %s\n", s.Iteration, fmtNum(s.Value), fmtNum(s.GradientNorm))
					return err
				}
			}
			settings := &optimize.Settings{Recorder: path}
			if iterLimit > 0 {
				// gonum counts the starting point as an iteration.
				settings.MajorIterations = iterLimit + 1
			}
			res, err := optimize.Minimize(minimize.Problem(p), x0, settings, m)
			if err != nil {
				return badInput("%s from %s: %v", name, pointText(prog.Graph, fn, x0), err)
			}
			iters := max(len(path.Steps)-1, 0)
			gnorm := math.NaN()
			if len(path.Steps) > 0 {
				gnorm = path.Steps[len(path.Steps)-1].GradientNorm
			}
			warnNonFinite(e.stderr, "the value", res.F)
			if plot != "" {
				if err := e.plotPath(plot, p, fn.Name, names, name, path.Steps); err != nil {
					return err
				}
			}
			if c.json {
				steps := make([]object, len(path.Steps))
				for i, s := range path.Steps {
					steps[i] = object{{"value", num(s.Value)}, {"gradient_norm", num(s.GradientNorm)}}
				}
				return writeJSON(e.stdout, object{
					{"x", gradObject(names, res.X)},
					{"value", num(res.F)},
					{"gradient_norm", num(gnorm)},
					{"iterations", iters},
					{"evaluations", res.FuncEvaluations},
					{"gradient_evaluations", res.GradEvaluations},
					{"hessian_evaluations", res.HessEvaluations},
					{"status", res.Status.String()},
					{"method", name},
					{"path", steps},
				})
			}
			_, err = fmt.Fprintf(e.stdout, "\n%s(%s) = %s\n|∇%s| = %s\n%s after %d iterations of %s: %d evaluations, %d gradients, %d Hessians\n",
				fn.Name, pointText(prog.Graph, fn, res.X), fmtNum(res.F), fn.Name, fmtNum(gnorm),
				res.Status, iters, name, res.FuncEvaluations, res.GradEvaluations, res.HessEvaluations)
			return err
		},
	}
	c.register(cmd, false)
	f := cmd.Flags()
	f.StringArrayVar(&from, "from", nil, "start at `POINT`: x=-1.2,y=1; values may be constant expressions; several --from add up; @FILE reads pairs from FILE")
	f.StringVar(&name, "method", "bfgs", strings.Join(methods, ", "))
	f.StringVar(&plot, "plot", "", "draw the contours and the path of a function of two inputs to `FILE.png`")
	f.IntVar(&maxIter, "max-iterations", defaultMaxIterations, "stop after `N` iterations (0: no limit)")
	f.IntVar(&maxInputs, "max-inputs", defaultMaxMatrixInputs, "refuse --method newton and bfgs beyond `N` inputs, whose matrices have N² entries (0: no limit)")
	return cmd
}
