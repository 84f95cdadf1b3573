package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/dual"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

func (e *env) evalCmd() *cobra.Command {
	var c common
	cmd := &cobra.Command{
		Use:   "eval [PROGRAM] --at x=1,y=2",
		Short: "Evaluate the program at a point",
		Long: `eval prints the value of the program's function at a point: the last
function defined, or the one --func names, or the bare expression that ends
the program (a function of its free variables, in order of appearance).

--at gives every parameter a value, as name=value pairs separated by commas;
a value may be a constant expression (pi/2, 1e-3, -sqrt(2)), and several
--at flags add up (--at x=1 --at y=2). A NaN or infinite value is printed
and named in a warning on standard error; --check stops instead at the first
node that produces one and shows its place in the source.

With --json the output is one object, {"value": v}, with NaN and infinities
as the strings "NaN", "+Inf" and "-Inf"; an error is then one object
{"error": {...}} on standard output as well as text on standard error.`,
		Example: `  backprop eval examples/seed.bp --at x_1=2,x_2=3
  backprop eval -e 'x^2*sin(y)' --at x=2,y=pi/2 --json
  backprop eval examples/seed.bp --func f_2 --at x=2 --at y=10
  echo 'f(x) = log(x)' | backprop eval --at x=-1 --check`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.eval(&c, args)
		},
	}
	c.register(cmd, true)
	return cmd
}

// eval runs eval: the command's, and the server's /api/eval.
func (e *env) eval(c *common, args []string) error {
	c.src.tuples = true
	prog, fn, err := c.src.load(args, e.stdin)
	if err != nil {
		return err
	}
	x, err := c.point(prog.Graph, fn)
	if err != nil {
		return err
	}
	ev := ir.NewEvaluator(prog.Graph)
	ev.Check = c.check
	ev.Stop = c.src.stop
	if len(fn.Outputs) > 0 {
		return e.evalTuple(ev, prog, fn, x, c.json)
	}
	v, err := ev.Apply(fn, x)
	if err != nil {
		return sourceError(prog, err)
	}
	warnNonFinite(e.stderr, "the value", v)
	if c.json {
		return writeJSON(e.stdout, object{{"value", num(v)}})
	}
	_, err = fmt.Fprintf(e.stdout, "%s(%s) = %s\n", fn.Name, pointText(prog.Graph, fn, x), fmtNum(v))
	return err
}

// maxPointLine is the number of arguments pointLine shows in full.
const maxPointLine = 10

// pointLine is pointText for a line that heads aligned columns, or is
// repeated on every line, such as hessian's and jacobian's values: beyond
// maxPointLine arguments it shows the first three and the last, since
// tabwriter pads every line of the column to the width of the widest cell
// and 10⁵ arguments, a megabyte, padded 10⁵ gradient lines to 100 GB.
func pointLine(g *ir.Graph, fn *ir.Func, x []float64) string {
	names := fn.ParamNames(g)
	return strings.Join(abbreviate(len(x), maxPointLine, 3, func(i int) string { return names[i] + "=" + fmtNum(x[i]) }), ", ")
}

// pointText writes the arguments as "x_1=2, x_2=3".
func pointText(g *ir.Graph, fn *ir.Func, x []float64) string {
	parts := make([]string, len(x))
	for i, name := range fn.ParamNames(g) {
		parts[i] = name + "=" + fmtNum(x[i])
	}
	return strings.Join(parts, ", ")
}

func (e *env) opsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "ops",
		Short: "List the built-in functions and operators with their derivative conventions",
		Long: `ops lists the operators and built-in functions a program may use: the
name (operators as x op y), the number of arguments, what it computes, and
the convention its derivative follows where the function is not
differentiable (at kinks such as abs at 0 or max at a tie, and at the edges
of its domain). Every mode of differentiation follows these conventions.

The synonyms ln (of log), pow and ** (of ^) close the list.

With --json the output is one object: {"ops": [{"name", "word", "arity",
"doc", "convention"}, ...], "synonyms": {...}}.`,
		Example: `  backprop ops
  backprop ops --json`,
		Args: args(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON {
				var ops []object
				for _, o := range op.All() {
					info := o.Info()
					ops = append(ops, object{{"name", info.Name}, {"word", o.Word()}, {"arity", info.Arity},
						{"doc", info.Doc}, {"convention", info.Convention}})
				}
				return writeJSON(e.stdout, object{{"ops", ops}, {"synonyms", object{{"ln", "log"}, {"pow", "^"}, {"**", "^"}}}})
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tARGS\tMEANING\tAT KINKS")
			for _, o := range op.All() {
				info := o.Info()
				name := info.Name
				switch info.Notation {
				case op.Infix:
					name = "x " + name + " y"
				case op.Prefix:
					name = name + "x"
				}
				fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", name, info.Arity, info.Doc, info.Convention)
			}
			fmt.Fprintln(w, "ln\t1\tsynonym of log\t")
			fmt.Fprintln(w, "pow\t2\tsynonym of ^ (also **)\t")
			return w.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (an error too: {\"error\": {...}}, besides the text on stderr)")
	return cmd
}

// sourceError turns a non-finite error into an error that shows the place
// in the source of the node that produced it.
func sourceError(prog *ir.Program, err error) error {
	var nf *ir.NonFiniteError
	if !errors.As(err, &nf) || nf.Span == (ir.Span{}) || prog.Source == "" {
		return err
	}
	msg := nf.Error()
	var te *dual.TangentError // forward mode: the value is finite, its tangent is not
	if errors.As(err, &te) {
		msg = te.Error()
	}
	if nf.Span.End > nf.Span.Start && nf.Span.End <= len(prog.Source) {
		msg += ": " + prog.Source[nf.Span.Start:nf.Span.End]
	}
	return expr.ErrorAt(prog.Filename, prog.Source, nf.Span.Start, msg)
}

// evalTuple prints the values of a function that returns a tuple:
// {"value": [v1, v2, …]} with --json.
func (e *env) evalTuple(ev *ir.Evaluator, prog *ir.Program, fn *ir.Func, x []float64, asJSON bool) error {
	env := fn.Bind(prog.Graph, x)
	vals := make([]num, len(fn.Outputs))
	text := make([]string, len(fn.Outputs))
	for k, o := range fn.Outputs {
		v, err := ev.Eval(o, env)
		if err != nil {
			return sourceError(prog, err)
		}
		warnNonFinite(e.stderr, fmt.Sprintf("value %d", k+1), v)
		vals[k], text[k] = num(v), fmtNum(v)
	}
	if asJSON {
		return writeJSON(e.stdout, object{{"value", vals}})
	}
	_, err := fmt.Fprintf(e.stdout, "%s(%s) = (%s)\n", fn.Name, pointText(prog.Graph, fn, x), strings.Join(text, ", "))
	return err
}
