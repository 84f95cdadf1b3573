package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/sym"
)

// wrtParam resolves --wrt against the parameters of fn; it may be omitted
// when fn has one parameter.
func wrtParam(wrt string, g *ir.Graph, fn *ir.Func) (int, error) {
	names := fn.ParamNames(g)
	if wrt == "" {
		if len(names) == 1 {
			return 0, nil
		}
		return 0, badInput("--wrt: with respect to which parameter? %s has %s", fn.Name, listOr(names))
	}
	i := indexOf(names, wrt)
	if i < 0 {
		return 0, badInput("--wrt: %s is not a parameter of %s (its parameters are %s)", wrt, fn.Name, listOr(names))
	}
	return i, nil
}

func (e *env) diffCmd() *cobra.Command {
	var c common
	var wrt string
	cmd := &cobra.Command{
		Use:   "diff [PROGRAM] --wrt x [--at x=1,y=2]",
		Short: "Print the symbolic derivative as text and LaTeX, and its value at a point",
		Example: `  backprop diff examples/seed.bp --wrt x_1
  backprop diff examples/seed.bp --wrt x_1 --at x_1=2,x_2=3 --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prog, fn, err := c.src.load(args, e.stdin)
			if err != nil {
				return err
			}
			g := prog.Graph
			i, err := wrtParam(wrt, g, fn)
			if err != nil {
				return err
			}
			var x []float64
			if c.at != "" {
				if x, err = point(c.at, g, fn); err != nil {
					return err
				}
			}
			name := fn.ParamNames(g)[i]
			d := sym.Diff(g, fn.Body, fn.Params[i])
			text, tex, helpers := derivativeText(g, fn, name, d)
			out := object{{"wrt", name}, {"derivative", text}, {"latex", tex}}
			var v float64
			if x != nil {
				ev := ir.NewEvaluator(g)
				ev.Check = c.check
				if v, err = ev.Eval(d, fn.Bind(g, x)); err != nil {
					return sourceError(prog, err)
				}
				warnNonFinite(e.stderr, "the derivative", v)
				out = append(out, field{"value", num(v)})
			}
			if c.json {
				return writeJSON(e.stdout, out)
			}
			if helpers == 0 {
				fmt.Fprintf(e.stdout, "∂%s/∂%s = %s\n\nLaTeX:\n  %s\n", fn.Name, name, text, tex)
			} else {
				fmt.Fprintf(e.stdout, "∂%s/∂%s, as a program with its %d shared subexpressions named:\n\n%s\nLaTeX:\n  %s\n",
					fn.Name, name, helpers, text, tex)
			}
			if x != nil {
				fmt.Fprintf(e.stdout, "\nat %s: %s\n", pointText(g, fn, x), fmtNum(v))
			}
			return nil
		},
	}
	c.register(cmd, true)
	cmd.Flags().StringVar(&wrt, "wrt", "", "the parameter to differentiate with respect to")
	return cmd
}

// derivativeText returns derivative d of fn with respect to its parameter
// wrt as text and LaTeX, and the number of subexpressions it names. A
// derivative without large shared subexpressions is one expression; else
// the text is a program whose last function, d<fn>_d<wrt>, is the
// derivative, and the LaTeX an aligned environment of definitions, so that
// both stay linear in the size of the DAG (written out in full, they can be
// exponential in it).
func derivativeText(g *ir.Graph, fn *ir.Func, wrt string, d ir.ID) (text, tex string, helpers int) {
	l := g.Listing(d, fn.Params, nil)
	if len(l.Helpers) == 0 {
		return g.String(d), latex.String(g, d), 0
	}
	text = g.Program(l, "d"+fn.Name+"_d"+wrt, fn.Params, d)
	lhs := `\frac{\partial ` + latex.FuncName(fn.Name) + `}{\partial ` + latex.Name(wrt) + `}`
	return text, latex.Aligned(g, l, lhs, d), len(l.Helpers)
}
