package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/jacobian"
)

func (e *env) jacobianCmd() *cobra.Command {
	var c common
	var mode string
	var maxNumeric, maxInputs int
	cmd := &cobra.Command{
		Use:   "jacobian [PROGRAM] --at x=1,y=2",
		Short: "Print the values and the Jacobian of a function that returns a tuple",
		Long: fmt.Sprintf(`jacobian prints the values of a function at a point and its Jacobian, the
matrix of the partial derivatives of each output (a row) with respect to
each input (a column, in the order of the parameters). A function returns
several values as a tuple, F(x, y) = (x*y, sin(x) + y); a function of one
value has a Jacobian of one row, its gradient.

--mode chooses how: auto (the default: forward when there are fewer inputs
than outputs, reverse otherwise), forward (one Jacobian-vector product per
input), reverse (one vector-Jacobian product per output), numeric
(differences of the outputs), or all, which runs forward, reverse and
numeric and prints the worst disagreement of each with the first.

Programs of more than --max-inputs inputs (default %d) are refused, and
numeric and all beyond --max-numeric-inputs (default %d).`, defaultMaxMatrixInputs, defaultMaxNumericInputs),
		Example: `  backprop jacobian -e 'F(x, y) = (x*y, sin(x) + y)' --at x=1,y=2
  backprop jacobian -e 'F(r, t) = (r*cos(t), r*sin(t))' --at r=2,t=pi/3 --mode all --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch mode {
			case "auto", "forward", "reverse", "numeric", "all":
			default:
				return badInput("--mode: expected auto, forward, reverse, numeric or all, found %q", mode)
			}
			limit, err := maxFlag("max-inputs", maxInputs)
			if err != nil {
				return err
			}
			if _, err := maxFlag("max-numeric-inputs", maxNumeric); err != nil {
				return err
			}
			c.src.tuples = true
			prog, fn, err := c.src.load(args, e.stdin)
			if err != nil {
				return err
			}
			x, err := point(c.at, prog.Graph, fn)
			if err != nil {
				return err
			}
			n := len(x)
			if limit >= 0 && n > limit {
				return badInput("%s has %d inputs, more than --max-inputs %d allows (0: no limit)", fn.Name, n, limit)
			}
			if mode == "numeric" || mode == "all" {
				if err := checkNumeric("--mode "+mode, n, maxNumeric); err != nil {
					return err
				}
			}
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				return sourceError(prog, err)
			}
			m := p.NumOutputs()
			if err := c.src.checkPasses("jacobian (one pass per input or output)", min(n, m)); err != nil {
				return err
			}
			vals := make([]float64, m)
			var results []hessianResult
			run := func(name string, j *mat.Dense) {
				rows := make([][]float64, m)
				for k := range m {
					rows[k] = mat.Row(nil, k, j)
				}
				results = append(results, hessianResult{name, rows})
			}
			switch mode {
			case "auto":
				md := jacobian.Choose(n, m)
				run(md.String(), jacobian.Jacobian(nil, vals, p, x, md))
			case "forward":
				run("forward", jacobian.Jacobian(nil, vals, p, x, jacobian.Forward))
			case "reverse":
				run("reverse", jacobian.Jacobian(nil, vals, p, x, jacobian.Reverse))
			case "numeric":
				p.NewWorkspace().Values(vals, x)
				run("numeric", jacobian.Numeric(p, x))
			case "all":
				run("forward", jacobian.Jacobian(nil, vals, p, x, jacobian.Forward))
				run("reverse", jacobian.Jacobian(nil, vals, p, x, jacobian.Reverse))
				run("numeric", jacobian.Numeric(p, x))
			}
			if c.check {
				if _, err := p.Check(nil, x); err != nil {
					return sourceError(prog, err)
				}
			}
			names := fn.ParamNames(prog.Graph)
			outs := make([]string, m)
			for k := range m {
				outs[k] = fmt.Sprintf("%s[%d]", fn.Name, k+1)
				if m == 1 {
					outs[k] = fn.Name
				}
				warnNonFinite(e.stderr, "the value of "+outs[k], vals[k])
			}
			ref := results[0].h
			if c.json {
				jv := make([]num, m)
				for k, v := range vals {
					jv[k] = num(v)
				}
				o := object{{"variables", names}, {"value", jv}, {"jacobian", matrixJSON(ref)}}
				return writeJSON(e.stdout, append(o, modesJSON(results, outs, names)...))
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			for k := range m {
				fmt.Fprintf(w, "%s(%s)\t%s\n", outs[k], pointText(prog.Graph, fn, x), fmtNum(vals[k]))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			return writeModes(e.stdout, "Jacobian", results, outs, names)
		},
	}
	c.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "auto", "auto, forward, reverse, numeric or all")
	f.IntVar(&maxNumeric, "max-numeric-inputs", defaultMaxNumericInputs, "refuse --mode numeric and all beyond `N` inputs (0: no limit)")
	f.IntVar(&maxInputs, "max-inputs", defaultMaxMatrixInputs, "refuse programs of more than `N` inputs (0: no limit)")
	return cmd
}
