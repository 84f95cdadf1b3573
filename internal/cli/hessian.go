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
	var sp sparseFlags
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
beyond --max-numeric-inputs (default %d).

--sparse prints only the entries of the Hessian's structure, the pairs of
inputs whose second partial is not identically 0 as found from the
program's operations (an entry of the structure may still be 0 at the
point), computed by the coloured products of compiled: "i j value" a line
by the inputs' names, rows in order and columns increasing, after a line
with the size, the number of entries and of colours. Text shows at most
--max-print entries (default %d; 0: all); --json prints them all, as
"hessian": {"n", "nnz", "colors", "entries": [[i, j, value], …]}, i and
j counted from 0 in "variables". --mode all with --sparse compares the
sparse Hessian with the dense compiled, symbolic and numeric ones, entry
by entry, those outside the structure included.

With --sparse the limits are the structure's: --max-inputs defaults to
%d (but stays %d with --mode all, whose matrices are dense); a
structure of more than --max-entries entries (default %d) is refused
before anything is computed, and so is one whose finding, colouring or
products take more than --max-work. A program of many inputs is often
larger than --max-bytes allows (1 MiB holds the chained Rosenbrock
function of about 20,000 inputs): raise it.`, defaultMaxMatrixInputs, defaultMaxNumericInputs,
			defaultMaxPrint, defaultMaxSparseInputs, defaultMaxMatrixInputs, defaultMaxEntries),
		Example: `  backprop hessian -e '100*(y - x^2)^2 + (1 - x)^2' --at x=-1.2,y=1
  backprop hessian examples/seed.bp --at x_1=2,x_2=3 --mode all
  backprop hessian examples/seed.bp --at x_1=2,x_2=3 --json
  backprop hessian -e 'f(a, b, c) = (b - a^2)^2 + (c - b^2)^2' --at a=1,b=2,c=3 --sparse
  backprop hessian -e 'f(a, b, c) = (b - a^2)^2 + (c - b^2)^2' --at a=1,b=2,c=3 --sparse --mode all --json`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch mode {
			case "compiled", "symbolic", "numeric", "all":
			default:
				return badInput("--mode: expected compiled, symbolic, numeric or all, found %q", mode)
			}
			if sp.on && mode != "compiled" && mode != "all" {
				return badInput("--sparse computes the Hessian by the coloured products of --mode compiled: expected --mode compiled or all, found %q", mode)
			}
			if err := sp.check(cmd.Flags()); err != nil {
				return err
			}
			if !cmd.Flags().Changed("max-inputs") {
				maxInputs = sp.maxInputs(mode == "all")
			}
			prog, fn, x, limit, err := e.matrixInput(&c, args, maxInputs, maxNumeric)
			if err != nil {
				return err
			}
			n := len(x)
			if limit >= 0 && n > limit {
				switch {
				case sp.on && mode == "all":
					return badInput("%s has %d inputs: --mode all compares the sparse Hessian with dense ones of %d entries, more than --max-inputs %d allows (0: no limit)", fn.Name, n, n*n, limit)
				case sp.on:
					return badInput("%s has %d inputs, more than --max-inputs %d allows (0: no limit)", fn.Name, n, limit)
				}
				return badInput("%s has %d inputs: its Hessian has %d entries, more than --max-inputs %d allows (0: no limit); --sparse prints only the entries of its structure", fn.Name, n, n*n, limit)
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
			var h *hessian.Hessian
			if sp.on {
				// The structure is found, checked and coloured before
				// the value, so that a refusal comes first.
				if h, err = sp.sparseHessian(&c.src, fn.Name, p); err != nil {
					return err
				}
			} else if mode == "compiled" || mode == "all" {
				h = hessian.New(p)
			}
			grad := make([]float64, n)
			v, err := p.Check(grad, x)
			if err != nil && c.check {
				return sourceError(prog, err)
			}
			var s *csr
			if sp.on {
				hs, _ := h.Sparse(nil, nil, x)
				s = &csr{n, n, hs.Start, hs.Cols, hs.Vals}
			}
			var results []hessianResult
			if !sp.on || mode == "all" {
				if results, err = hessianModes(prog, fn, p, h, x, mode); err != nil {
					return err
				}
			}
			if sp.on && mode == "all" {
				// Outside the structure the sparse Hessian is 0, as
				// the dense compiled one is.
				sparse := hessianResult{"sparse", s.dense(func(int) float64 { return 0 })}
				results = append([]hessianResult{sparse}, results...)
			}
			warnNonFinite(e.stderr, "the value", v)
			names := fn.ParamNames(prog.Graph)
			for i, name := range names {
				warnNonFinite(e.stderr, "∂"+fn.Name+"/∂"+name, grad[i])
			}
			if sp.on {
				return e.writeHessianSparse(prog.Graph, fn, x, v, grad, s, h.Colors(), results, c.json, sp.maxPrint)
			}
			return e.writeHessian(prog.Graph, fn, x, v, grad, results, c.json)
		},
	}
	c.register(cmd, true)
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "compiled", "compiled, symbolic, numeric or all")
	f.IntVar(&maxNumeric, "max-numeric-inputs", defaultMaxNumericInputs, "refuse --mode numeric and all beyond `N` inputs (0: no limit)")
	f.IntVar(&maxInputs, "max-inputs", defaultMaxMatrixInputs, fmt.Sprintf("refuse programs of more than `N` inputs, whose Hessian has N² entries (0: no limit; the default is %d with --sparse, but not with --mode all)", defaultMaxSparseInputs))
	sp.register(f, "Hessian")
	return cmd
}

// hessianModes returns the dense Hessians of fn, compiled as p, at x that
// --mode asks for: compiled (from h, nil for the other modes), symbolic
// and numeric for all, or the one mode.
func hessianModes(prog *ir.Program, fn *ir.Func, p *compile.Program, h *hessian.Hessian, x []float64, mode string) ([]hessianResult, error) {
	var results []hessianResult
	if mode == "compiled" || mode == "all" {
		m, _ := h.Dense(nil, nil, x)
		n := len(x)
		ref := make([][]float64, n)
		for i := range n {
			ref[i] = make([]float64, n)
			for j := range n {
				ref[i][j] = m.At(i, j)
			}
		}
		results = append(results, hessianResult{"compiled", ref})
	}
	if mode == "symbolic" || mode == "all" {
		s, err := hessian.Symbolic(prog.Graph, fn, x)
		if err != nil {
			return nil, sourceError(prog, err)
		}
		results = append(results, hessianResult{"symbolic", s})
	}
	if mode == "numeric" || mode == "all" {
		results = append(results, hessianResult{"numeric", hessian.Numeric(p, x)})
	}
	return results, nil
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
	if err := writeGradient(e.stdout, g, fn, x, v, grad); err != nil {
		return err
	}
	return writeModes(e.stdout, "Hessian", results, names, names)
}

// matrixInput is the start hessian and jacobian share: --max-inputs and
// --max-numeric-inputs checked, the program loaded and the point read,
// and a function of no parameters refused as bad input (gonum has no
// matrix of no columns). It returns the --max-inputs limit too.
func (e *env) matrixInput(c *common, args []string, maxInputs, maxNumeric int) (*ir.Program, *ir.Func, []float64, int, error) {
	limit, err := maxFlag("max-inputs", maxInputs)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if _, err := maxFlag("max-numeric-inputs", maxNumeric); err != nil {
		return nil, nil, nil, 0, err
	}
	prog, fn, err := c.src.load(args, e.stdin)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	x, err := c.point(prog.Graph, fn)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if len(x) == 0 {
		return nil, nil, nil, 0, badInput("%s has no parameters to differentiate by", fn.Name)
	}
	return prog, fn, x, limit, nil
}

// writeGradient prints the value and the gradient as grad does.
func writeGradient(out io.Writer, g *ir.Graph, fn *ir.Func, x []float64, v float64, grad []float64) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s(%s)\t%s\n", fn.Name, pointLine(g, fn, x), fmtNum(v))
	for i, n := range fn.ParamNames(g) {
		fmt.Fprintf(w, "∂%s/∂%s\t%s\n", fn.Name, n, fmtNum(grad[i]))
	}
	return w.Flush()
}

// writeHessianSparse prints the value, the gradient and the entries of
// the structure of the Hessian, s, which colors products computed, and
// with --mode all (results, the sparse one first) the worst disagreement
// of each dense mode with it.
func (e *env) writeHessianSparse(g *ir.Graph, fn *ir.Func, x []float64, v float64, grad []float64, s *csr, colors int, results []hessianResult, asJSON bool, maxPrint int) error {
	names := fn.ParamNames(g)
	warnEntries(e.stderr, s, "the Hessian", func(i, j int) string {
		return fmt.Sprintf("∂²%s/∂%s∂%s", fn.Name, names[i], names[j])
	})
	if asJSON {
		o := object{{"value", num(v)}, {"variables", names}, {"gradient", gradObject(names, grad)},
			{"hessian", sparseJSON(s, field{"n", s.rows}, field{"nnz", s.nnz()}, field{"colors", colors})}}
		return writeJSONStream(e.stdout, append(o, modesJSON(results, names, names)...))
	}
	if err := writeGradient(e.stdout, g, fn, x, v, grad); err != nil {
		return err
	}
	if err := writeEntries(e.stdout, sparseHeader("Hessian", s, colors), s, names, names, maxPrint); err != nil {
		return err
	}
	if len(results) > 1 {
		return writeWorst(e.stdout, results, names, names)
	}
	return nil
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
	return writeWorst(out, results, rows, cols)
}

// writeWorst prints each later mode's worst relative disagreement with
// the first mode.
func writeWorst(out io.Writer, results []hessianResult, rows, cols []string) error {
	for _, r := range results[1:] {
		d, i, j := worstDiff(results[0].h, r.h)
		if _, err := fmt.Fprintf(out, "%s: worst relative disagreement with %s %.2g (at %s, %s)\n", r.mode, results[0].mode, d, rows[i], cols[j]); err != nil {
			return err
		}
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
