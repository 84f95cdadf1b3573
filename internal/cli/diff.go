package cli

import (
	"fmt"
	"math"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/mathml"
	"github.com/gobackprop/backprop/sym"
)

// wrtParam resolves --wrt against the parameters of fn; it may be omitted
// when fn has one parameter.
func wrtParam(wrt string, g *ir.Graph, fn *ir.Func) (int, error) {
	names := fn.ParamNames(g)
	switch {
	case len(names) == 0:
		return 0, badInput("%s has no parameters to differentiate by", fn.Name)
	case wrt == "" && len(names) == 1:
		return 0, nil
	case wrt == "":
		return 0, badInput("--wrt: with respect to which parameter? %s has %s", fn.Name, listOr(names))
	}
	i := indexOf(names, wrt)
	if i < 0 {
		return 0, notParam("--wrt", wrt, fn, names)
	}
	return i, nil
}

func (e *env) diffCmd() *cobra.Command {
	var c common
	var wrt string
	cmd := &cobra.Command{
		Use:   "diff [PROGRAM] --wrt x [--at x=1,y=2]",
		Short: "Print the symbolic derivative as text and LaTeX, and its value at a point",
		Long: `diff differentiates the program's function symbolically with respect to
the parameter --wrt (which may be left out when the function has one
parameter) and prints the derivative as text in backprop's own language and
as LaTeX. With --at it also evaluates the derivative at that point (values
as for eval: name=value pairs, constant expressions allowed, several --at
adding up).

With --json the output is one object: {"wrt", "derivative", "latex",
"mathml"} (the derivative as presentation MathML, which browsers render)
and, with --at, "value".`,
		Example: `  backprop diff examples/seed.bp --wrt x_1
  backprop diff examples/seed.bp --wrt x_1 --at x_1=2,x_2=3 --json
  backprop diff -e 'sin(x)^2' --at x=pi/4`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.diff(&c, args, wrt)
		},
	}
	c.register(cmd, true)
	cmd.Flags().StringVar(&wrt, "wrt", "", "the parameter `NAME` to differentiate with respect to (default: the only one)")
	return cmd
}

// diff runs diff: the command's, and the server's /api/diff.
func (e *env) diff(c *common, args []string, wrt string) error {
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
	if c.hasPoint() {
		if x, err = c.point(g, fn); err != nil {
			return err
		}
	}
	name := fn.ParamNames(g)[i]
	d := sym.Diff(g, fn.Body, fn.Params[i])
	text, tex, helpers := derivativeText(g, fn, name, d)
	mm := mathml.Math(mathml.Aligned(g, g.Listing(d, fn.Params, nil), mathml.Partial(fn.Name, name), d), true)
	out := object{{"wrt", name}, {"derivative", text}, {"latex", tex}, {"mathml", mm}}
	var v float64
	var why string
	if x != nil {
		if v, why, err = diffValue(g, fn, i, d, x, c.check, c.src.stop); err != nil {
			return sourceError(prog, err)
		}
		warnNonFinite(e.stderr, "the derivative", v)
		out = append(out, field{"value", num(v)})
		if why != "" {
			out = append(out, field{"note", why})
		}
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
		if why != "" {
			fmt.Fprintf(e.stdout, "  (%s)\n", why)
		}
	}
	return nil
}

// diffValue returns the value at x of d, the simplified derivative of fn
// with respect to its parameter i, settled by its domain condition (see
// sym.Domain): NaN where fn's value is NaN or the chain rule is not
// finite, even where the simplified expression gives a number, with a
// sentence that says why in that case.
func diffValue(g *ir.Graph, fn *ir.Func, i int, d ir.ID, x []float64, check bool, stop ir.Stop) (float64, string, error) {
	env := fn.Bind(g, x)
	ev := ir.NewEvaluator(g)
	ev.Check = check
	ev.Stop = stop
	f, err := ev.Eval(fn.Body, env)
	if err != nil {
		return 0, "", err
	}
	s, err := ev.Eval(d, env)
	if err != nil {
		return 0, "", err
	}
	ev.Check = false // a NaN of the domain condition is an answer
	raw, err := ev.Eval(sym.Domain(g, fn.Body, fn.Params[i:i+1])[0], env)
	if err != nil {
		return 0, "", err
	}
	v := sym.Value(f, s, raw)
	if !math.IsNaN(v) || math.IsNaN(s) {
		return v, "", nil
	}
	if math.IsNaN(f) {
		return v, fmt.Sprintf("%s is NaN here, so its derivative is too, although the expression above gives %s: it holds only where %s is defined", fn.Name, fmtNum(s), fn.Name), nil
	}
	return v, fmt.Sprintf("the chain rule meets a derivative that is not finite here, so %s has no derivative although the expression above gives %s", fn.Name, fmtNum(s)), nil
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
