package cli

import (
	"fmt"
	"math"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"gonum.org/v1/gonum/mat"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/jacobian"
)

// jacobianModes are the --mode names of the modes of package jacobian;
// all takes Auto for --sparse.
var jacobianModes = map[string]jacobian.Mode{"auto": jacobian.Auto, "forward": jacobian.Forward, "reverse": jacobian.Reverse, "all": jacobian.Auto}

func (e *env) jacobianCmd() *cobra.Command {
	var c common
	var sp sparseFlags
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
numeric and all beyond --max-numeric-inputs (default %d).

--sparse prints only the entries of the Jacobian's structure, the pairs of
an output and an input it depends on as found from the program's
operations (an entry of the structure may still be 0 at the point),
computed by colouring: inputs that share no output get one colour and one
Jacobian-vector product (forward), or outputs that share no input one
vector-Jacobian product (reverse); auto and all colour both ways and take
the one of fewer products. Entries are printed "output input value" a
line, rows in order and columns increasing, after a line with the size,
the number of entries and of colours. Text shows at most --max-print
entries (default %d; 0: all); --json prints them all, as "jacobian":
{"rows", "cols", "nnz", "colors", "mode", "entries": [[i, j, value], …]},
i counted from 0 in "value" and j in "variables". --mode all with
--sparse compares the sparse Jacobian with the dense forward, reverse and
numeric ones, entry by entry, those outside the structure included.

With --sparse the limits are the structure's: --max-inputs defaults to
%d (but stays %d with --mode all, whose matrices are dense); a
structure of more than --max-entries entries (default %d) is refused
before anything is computed, and so is one whose finding, colouring or
products take more than --max-work.`, defaultMaxMatrixInputs, defaultMaxNumericInputs,
			defaultMaxPrint, defaultMaxSparseInputs, defaultMaxMatrixInputs, defaultMaxEntries),
		Example: `  backprop jacobian -e 'F(x, y) = (x*y, sin(x) + y)' --at x=1,y=2
  backprop jacobian -e 'F(r, t) = (r*cos(t), r*sin(t))' --at r=2,t=pi/3 --mode all --json
  backprop jacobian -e 'F(a, b, c) = (a*b, b*c, c^2)' --at a=1,b=2,c=3 --sparse
  backprop jacobian -e 'F(a, b, c) = (a*b, b*c, c^2)' --at a=1,b=2,c=3 --sparse --mode all --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch mode {
			case "auto", "forward", "reverse", "numeric", "all":
			default:
				return badInput("--mode: expected auto, forward, reverse, numeric or all, found %q", mode)
			}
			if sp.on && mode == "numeric" {
				return badInput("--sparse computes the Jacobian by colouring: expected --mode auto, forward, reverse or all, found %q", mode)
			}
			if err := sp.check(cmd.Flags()); err != nil {
				return err
			}
			if !cmd.Flags().Changed("max-inputs") {
				maxInputs = sp.maxInputs(mode == "all")
			}
			c.src.tuples = true
			prog, fn, x, limit, err := e.matrixInput(&c, args, maxInputs, maxNumeric)
			if err != nil {
				return err
			}
			n := len(x)
			if limit >= 0 && n > limit {
				if sp.on && mode == "all" {
					return badInput("%s has %d inputs: --mode all compares the sparse Jacobian with dense ones, more than --max-inputs %d allows (0: no limit)", fn.Name, n, limit)
				}
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
			var col *jacobian.Colored
			if sp.on {
				// The structure is found, checked and coloured before
				// the values, so that a refusal comes first.
				if col, err = sp.sparseJacobian(&c.src, fn.Name, p, jacobianModes[mode]); err != nil {
					return err
				}
			}
			if !sp.on || mode == "all" {
				if err := c.src.checkPasses("jacobian (one pass per input or output)", min(n, m)); err != nil {
					return err
				}
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
			var s *csr
			if sp.on {
				js := col.Sparse(nil, vals, x)
				s = &csr{m, n, js.Start, js.Cols, js.Vals}
				if mode == "all" {
					// A row whose output is NaN is NaN outside the
					// structure too, as in the dense Jacobians.
					results = append(results, hessianResult{"sparse", s.dense(func(k int) float64 {
						if math.IsNaN(vals[k]) {
							return math.NaN()
						}
						return 0
					})})
				}
			}
			switch {
			case mode == "all":
				run("forward", jacobian.Jacobian(nil, vals, p, x, jacobian.Forward))
				run("reverse", jacobian.Jacobian(nil, vals, p, x, jacobian.Reverse))
				run("numeric", jacobian.Numeric(p, x))
			case sp.on: // the sparse Jacobian is all
			case mode == "numeric":
				p.NewWorkspace().Values(vals, x)
				run("numeric", jacobian.Numeric(p, x))
			default:
				md := jacobianModes[mode]
				if md == jacobian.Auto {
					md = jacobian.Choose(n, m)
				}
				run(md.String(), jacobian.Jacobian(nil, vals, p, x, md))
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
			if sp.on {
				warnEntries(e.stderr, s, "the Jacobian", func(k, j int) string {
					return fmt.Sprintf("∂%s/∂%s", outs[k], names[j])
				})
			}
			if c.json {
				jv := make([]num, m)
				for k, v := range vals {
					jv[k] = num(v)
				}
				if sp.on {
					o := object{{"variables", names}, {"value", jv}, {"jacobian", sparseJSON(s,
						field{"rows", m}, field{"cols", n}, field{"nnz", s.nnz()}, field{"colors", col.Colors()}, field{"mode", col.Mode().String()})}}
					return writeJSONStream(e.stdout, append(o, modesJSON(results, outs, names)...))
				}
				o := object{{"variables", names}, {"value", jv}, {"jacobian", matrixJSON(results[0].h)}}
				return writeJSON(e.stdout, append(o, modesJSON(results, outs, names)...))
			}
			w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			at := pointLine(prog.Graph, fn, x) // once: it names every parameter
			for k := range m {
				fmt.Fprintf(w, "%s(%s)\t%s\n", outs[k], at, fmtNum(vals[k]))
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if sp.on {
				header := fmt.Sprintf("%s (%s)", sparseHeader("Jacobian", s, col.Colors()), col.Mode())
				if err := writeEntries(e.stdout, header, s, outs, names, sp.maxPrint); err != nil {
					return err
				}
				if len(results) > 1 {
					return writeWorst(e.stdout, results, outs, names)
				}
				return nil
			}
			return writeModes(e.stdout, "Jacobian", results, outs, names)
		},
	}
	c.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "auto", "auto, forward, reverse, numeric or all")
	f.IntVar(&maxNumeric, "max-numeric-inputs", defaultMaxNumericInputs, "refuse --mode numeric and all beyond `N` inputs (0: no limit)")
	f.IntVar(&maxInputs, "max-inputs", defaultMaxMatrixInputs, fmt.Sprintf("refuse programs of more than `N` inputs (0: no limit; the default is %d with --sparse, but not with --mode all)", defaultMaxSparseInputs))
	sp.register(f, "Jacobian")
	return cmd
}
