package cli

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/hessian"
	"github.com/gobackprop/backprop/ir"
)

// defaultMaxMatrixInputs is the default of --max-inputs of hessian and
// jacobian: they print n×n (or m×n) numbers, a million at 1,000 inputs.
const defaultMaxMatrixInputs = 1000

func (e *env) hessianCmd() *cobra.Command {
	var c common
	var mode string
	var maxNumeric, maxInputs int
	cmd := &cobra.Command{
		Use:   "hessian [PROGRAM] --at x=1,y=2",
		Short: "Print the value, the gradient and the Hessian at a point",
		Long: fmt.Sprintf(`hessian prints the value of the program at a point, its gradient and its
Hessian, the matrix of second partial derivatives, rows and columns in the
order of the parameters.

--mode chooses how: compiled (the default: Hessian-vector products by
forward over reverse on the compiled program, one per colour of the
Hessian's sparsity, so that a block-diagonal or banded Hessian costs a
handful whatever its size), symbolic (the symbolic gradient differentiated
once more, one symbolic gradient per input), numeric (differences of the
compiled gradient, 34 gradients per entry), or all, which runs the three
and prints the worst disagreement of each with compiled.

An entry is NaN where the value is NaN or the chain rule meets a partial
that is not finite, as for gradients. The matrix has n² entries: programs of
more than --max-inputs inputs (default %d) are refused, and numeric and all
beyond --max-numeric-inputs (default %d).`, defaultMaxMatrixInputs, defaultMaxNumericInputs),
		Example: `  backprop hessian -e '100*(y - x^2)^2 + (1 - x)^2' --at x=-1.2,y=1
  backprop hessian examples/seed.bp --at x_1=2,x_2=3 --mode all
  backprop hessian examples/seed.bp --at x_1=2,x_2=3 --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch mode {
			case "compiled", "symbolic", "numeric", "all":
			default:
				return badInput("--mode: expected compiled, symbolic, numeric or all, found %q", mode)
			}
			limit, err := maxFlag("max-inputs", maxInputs)
			if err != nil {
				return err
			}
			if _, err := maxFlag("max-numeric-inputs", maxNumeric); err != nil {
				return err
			}
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
				return badInput("%s has %d inputs: its Hessian has %d entries, more than --max-inputs %d allows (0: no limit)", fn.Name, n, n*n, limit)
			}
			if mode == "numeric" || mode == "all" {
				if err := checkNumeric("--mode "+mode, n, maxNumeric); err != nil {
					return err
				}
			}
			if mode == "symbolic" || mode == "all" {
				if err := c.src.checkPasses("--mode "+mode+" (one symbolic gradient per input)", n); err != nil {
					return err
				}
			}
			p, err := compile.Func(prog.Graph, fn, nil)
			if err != nil {
				return sourceError(prog, err)
			}
			grad := make([]float64, n)
			v, err := p.Check(grad, x)
			if err != nil && c.check {
				return sourceError(prog, err)
			}
			h := hessian.New(p)
			m, _ := h.Dense(nil, nil, x)
			ref := make([][]float64, n)
			for i := range n {
				ref[i] = make([]float64, n)
				for j := range n {
					ref[i][j] = m.At(i, j)
				}
			}
			names := fn.ParamNames(prog.Graph)
			results := []hessianResult{{"compiled", ref}}
			if mode != "compiled" {
				if mode == "symbolic" || mode == "all" {
					s, err := hessian.Symbolic(prog.Graph, fn, x)
					if err != nil {
						return sourceError(prog, err)
					}
					results = append(results, hessianResult{"symbolic", s})
				}
				if mode == "numeric" || mode == "all" {
					results = append(results, hessianResult{"numeric", hessian.Numeric(p, x)})
				}
				if mode != "all" {
					results = results[1:]
				}
			}
			warnNonFinite(e.stderr, "the value", v)
			for i, name := range names {
				warnNonFinite(e.stderr, "∂"+fn.Name+"/∂"+name, grad[i])
			}
			return e.writeHessian(prog.Graph, fn, x, v, grad, results, c.json)
		},
	}
	c.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "compiled", "compiled, symbolic, numeric or all")
	f.IntVar(&maxNumeric, "max-numeric-inputs", defaultMaxNumericInputs, "refuse --mode numeric and all beyond `N` inputs (0: no limit)")
	f.IntVar(&maxInputs, "max-inputs", defaultMaxMatrixInputs, "refuse programs of more than `N` inputs, whose Hessian has N² entries (0: no limit)")
	return cmd
}

type hessianResult struct {
	mode string
	h    [][]float64
}

func matrixJSON(h [][]float64) [][]num {
	out := make([][]num, len(h))
	for i, row := range h {
		out[i] = make([]num, len(row))
		for j, v := range row {
			out[i][j] = num(v)
		}
	}
	return out
}

// relDiff is |a - b| relative to the larger, 0 when both are NaN or
// equal, +Inf when one only is NaN.
func relDiff(a, b float64) float64 {
	switch {
	case a == b || math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a) || math.IsNaN(b):
		return math.Inf(1)
	}
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), 1e-300)
}

func worstDiff(a, b [][]float64) (float64, int, int) {
	worst, wi, wj := 0.0, 0, 0
	for i := range a {
		for j := range a[i] {
			if d := relDiff(a[i][j], b[i][j]); d > worst {
				worst, wi, wj = d, i, j
			}
		}
	}
	return worst, wi, wj
}

func (e *env) writeHessian(g *ir.Graph, fn *ir.Func, x []float64, v float64, grad []float64, results []hessianResult, asJSON bool) error {
	names := fn.ParamNames(g)
	ref := results[0].h
	for i := range ref {
		for j := range ref[i] {
			if math.IsNaN(ref[i][j]) || math.IsInf(ref[i][j], 0) {
				warnNonFinite(e.stderr, fmt.Sprintf("∂²%s/∂%s∂%s", fn.Name, names[i], names[j]), ref[i][j])
			}
		}
	}
	if asJSON {
		o := object{{"value", num(v)}, {"variables", names}, {"gradient", gradObject(names, grad)}, {"hessian", matrixJSON(ref)}}
		return writeJSON(e.stdout, append(o, modesJSON(results, names, names)...))
	}
	w := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s(%s)\t%s\n", fn.Name, pointText(g, fn, x), fmtNum(v))
	for i, n := range names {
		fmt.Fprintf(w, "∂%s/∂%s\t%s\n", fn.Name, n, fmtNum(grad[i]))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return writeModes(e.stdout, "Hessian", results, names, names)
}

// modesJSON returns, when --mode all gave more than one matrix, the
// fields "modes" (each mode's matrix) and "worst" (each later mode's
// worst relative disagreement with the first, and where), of a matrix
// whose rows and columns are named rows and cols.
func modesJSON(results []hessianResult, rows, cols []string) object {
	if len(results) < 2 {
		return nil
	}
	modes, worst := object{}, object{}
	for _, r := range results {
		modes = append(modes, field{r.mode, matrixJSON(r.h)})
	}
	for _, r := range results[1:] {
		d, i, j := worstDiff(results[0].h, r.h)
		worst = append(worst, field{r.mode, object{{"relative", num(d)}, {"row", rows[i]}, {"column", cols[j]}}})
	}
	return object{{"modes", modes}, {"worst", worst}}
}

// writeModes prints the first mode's matrix under its title, and each
// later mode's worst relative disagreement with it.
func writeModes(out io.Writer, title string, results []hessianResult, rows, cols []string) error {
	fmt.Fprintf(out, "\n%s (%s):\n", title, results[0].mode)
	if err := writeMatrix(out, rows, cols, results[0].h); err != nil {
		return err
	}
	for _, r := range results[1:] {
		d, i, j := worstDiff(results[0].h, r.h)
		fmt.Fprintf(out, "%s: worst relative disagreement with %s %.2g (at %s, %s)\n", r.mode, results[0].mode, d, rows[i], cols[j])
	}
	return nil
}

// writeMatrix prints a matrix with its row and column names, right
// aligned.
func writeMatrix(out io.Writer, rows, cols []string, m [][]float64) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "\t%s\t\n", strings.Join(cols, "\t"))
	for i, r := range rows {
		fmt.Fprintf(w, "%s\t", r)
		for _, v := range m[i] {
			fmt.Fprintf(w, "%s\t", fmtNum(v))
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}
