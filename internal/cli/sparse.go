package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/hessian"
	"github.com/gobackprop/backprop/jacobian"
)

// defaultMaxSparseInputs is the default of --max-inputs with --sparse
// (but not --mode all, which compares with dense matrices): the
// structure, not n², bounds the memory, and a million inputs is a program
// of some tens of megabytes.
const defaultMaxSparseInputs = 1_000_000

// defaultMaxEntries is the default of --max-entries: ten million entries
// take some 200 MB of structure, values and colouring, and 300 MB of JSON.
const defaultMaxEntries = 10_000_000

// defaultMaxPrint is the default of --max-print: the entries a person
// reads in text; --json prints them all.
const defaultMaxPrint = 1000

// maxEntryWarnings is the number of entries that are not finite named on
// stderr one by one; the others are counted, since there may be millions.
const maxEntryWarnings = 10

// sparseFlags are the flags of hessian and jacobian --sparse.
type sparseFlags struct {
	on                   bool
	maxEntries, maxPrint int
}

// register adds --sparse, --max-entries and --max-print; what is the
// matrix, "Hessian" or "Jacobian".
func (sp *sparseFlags) register(f *pflag.FlagSet, what string) {
	f.BoolVar(&sp.on, "sparse", false, "compute the "+what+" by colouring its structure and print only the entries of the structure, 0 at this point or not")
	f.IntVar(&sp.maxEntries, "max-entries", defaultMaxEntries, "with --sparse, refuse a structure of more than `N` entries before computing any (0: no limit)")
	f.IntVar(&sp.maxPrint, "max-print", defaultMaxPrint, "with --sparse, print at most `N` entries in text; --json prints all (0: all)")
}

// check refuses --max-entries and --max-print without --sparse, which
// they would not change, and negative limits.
func (sp *sparseFlags) check(f changed) error {
	for _, name := range []string{"max-entries", "max-print"} {
		if f.Changed(name) && !sp.on {
			return badInput("--%s applies to --sparse, which is not given", name)
		}
	}
	if _, err := maxFlag("max-entries", sp.maxEntries); err != nil {
		return err
	}
	_, err := maxFlag("max-print", sp.maxPrint)
	return err
}

// maxInputs returns the default of --max-inputs: defaultMaxSparseInputs
// with --sparse unless dense matrices are computed too (dense is true, for
// --mode all), otherwise the dense defaultMaxMatrixInputs.
func (sp *sparseFlags) maxInputs(dense bool) int {
	if sp.on && !dense {
		return defaultMaxSparseInputs
	}
	return defaultMaxMatrixInputs
}

// checkStructure refuses a structure whose entries, nnz, are more than
// --max-entries, and one whose colouring takes more than --max-work steps;
// what is "the Hessian of f".
func (sp *sparseFlags) checkStructure(src *source, what string, nnz int, cost int64) error {
	if sp.maxEntries > 0 && nnz > sp.maxEntries {
		return badInput("%s has %d entries in its structure, more than --max-entries %d allows; raise it (0: no limit)", what, nnz, sp.maxEntries)
	}
	if src.maxWork > 0 && cost > src.maxWork {
		return badInput("colouring the structure of %s takes %d steps (the sum of the squares of the lengths of its rows or columns), more than --max-work %d; raise it (0: no limit)", what, cost, src.maxWork)
	}
	return nil
}

// checkProducts refuses colors products, each about one evaluation of
// the program, beyond --max-work node evaluations.
func checkProducts(src *source, what, product string, colors int) error {
	if src.maxWork <= 0 || colors <= 1 || src.work <= src.maxWork/int64(colors) {
		return nil
	}
	return badInput("%s takes %d %s, one per colour of its structure, each of %d node evaluations: more than --max-work %d; raise it (0: no limit)",
		what, colors, product, src.work, src.maxWork)
}

// structureLost is the refusal of a structure whose finding overran
// --max-work: what is "the Hessian of f", sets says which sets of inputs
// are stored and example gives a program that stores many.
func structureLost(src *source, what, sets, example string) error {
	return badInput("finding the structure of %s stores more than --max-work %d indices, the sets of inputs %s counted with repeats (%s); raise it (0: no limit)",
		what, src.maxWork, sets, example)
}

// entries returns the number of entries of a structure given by rows.
func entries(rows [][]int32) int {
	n := 0
	for _, r := range rows {
		n += len(r)
	}
	return n
}

// sparseHessian finds the structure of the Hessian of p, checks it against
// the limits and colours it, all before any derivative is computed; name
// is the function's.
func (sp *sparseFlags) sparseHessian(src *source, name string, p *compile.Program) (*hessian.Hessian, error) {
	what := "the Hessian of " + name
	rows, ok := p.HessianSparsityWithin(src.maxWork)
	if !ok {
		return nil, structureLost(src, what, "that its curved operations depend on", "the square of a sum of n inputs stores n²/2, and its Hessian is dense")
	}
	if err := sp.checkStructure(src, what, entries(rows), hessian.ColoringCost(rows)); err != nil {
		return nil, err
	}
	h := hessian.NewFromSparsity(p, rows)
	if err := checkProducts(src, what, "Hessian-vector products", h.Colors()); err != nil {
		return nil, err
	}
	return h, nil
}

// sparseJacobian is sparseHessian for the Jacobian of p in mode.
func (sp *sparseFlags) sparseJacobian(src *source, name string, p *compile.Program, mode jacobian.Mode) (*jacobian.Colored, error) {
	what := "the Jacobian of " + name
	rows, ok := p.DependenciesWithin(src.maxWork)
	if !ok {
		return nil, structureLost(src, what, "that its operations depend on", "the partial sums of a sum of n inputs store n²/2")
	}
	if err := sp.checkStructure(src, what, entries(rows), jacobian.ColoringCost(rows, p.NumInputs(), mode)); err != nil {
		return nil, err
	}
	c := jacobian.NewColoredFromSparsity(p, rows, mode)
	if err := checkProducts(src, what, "products", c.Colors()); err != nil {
		return nil, err
	}
	return c, nil
}

// csr is a sparse matrix in compressed rows, as hessian.Sparse and
// jacobian.Sparse store it: the entries of row i are vals[start[i]:start[i+1]],
// in the columns cols[start[i]:start[i+1]] in increasing order.
type csr struct {
	rows, cols int
	start      []int
	idx        []int32
	vals       []float64
}

func (s *csr) nnz() int { return len(s.idx) }

// each calls f with each entry, rows in order and columns increasing.
func (s *csr) each(f func(i, j int, v float64)) {
	for i := range s.rows {
		for e := s.start[i]; e < s.start[i+1]; e++ {
			f(i, int(s.idx[e]), s.vals[e])
		}
	}
}

// dense returns the matrix with every entry, fill outside the structure
// in row i, to compare with the other modes entry by entry.
func (s *csr) dense(fill func(i int) float64) [][]float64 {
	d := make([][]float64, s.rows)
	for i := range d {
		d[i] = make([]float64, s.cols)
		if v := fill(i); v != 0 {
			for j := range d[i] {
				d[i][j] = v
			}
		}
	}
	s.each(func(i, j int, v float64) { d[i][j] = v })
	return d
}

// plural is "1 entry" or "n entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// sparseHeader is the line that opens the text of a sparse matrix:
// "Hessian: 3×3, 7 entries in the structure, 3 colours".
func sparseHeader(title string, s *csr, colors int) string {
	return fmt.Sprintf("%s: %d×%d, %s in the structure, %s", title, s.rows, s.cols,
		plural(s.nnz(), "entry", "entries"), plural(colors, "colour", "colours"))
}

// warnEntries names on stderr the entries that are not finite, the first
// maxEntryWarnings one by one and the others by their number; name
// returns the name of entry (i, j), such as ∂²f/∂x∂y.
func warnEntries(stderr io.Writer, s *csr, what string, name func(i, j int) string) {
	bad := 0
	s.each(func(i, j int, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			if bad < maxEntryWarnings {
				warnNonFinite(stderr, name(i, j), v)
			}
			bad++
		}
	})
	if bad > maxEntryWarnings {
		fmt.Fprintf(stderr, "warning: %d more entries of %s are not finite\n", bad-maxEntryWarnings, what)
	}
}

// writeEntries prints header, then the entries of s, "row column value"
// by their names, one a line, at most maxPrint of them (all if it is 0),
// and how many were left out.
func writeEntries(out io.Writer, header string, s *csr, rows, cols []string, maxPrint int) error {
	w := bufio.NewWriter(out)
	fmt.Fprintf(w, "\n%s\n", header)
	printed := 0
	s.each(func(i, j int, v float64) {
		if maxPrint > 0 && printed >= maxPrint {
			return
		}
		fmt.Fprintf(w, "%s %s %s\n", rows[i], cols[j], fmtNum(v))
		printed++
	})
	if left := s.nnz() - printed; left > 0 {
		fmt.Fprintf(w, "… %s not shown (--max-print %d; --max-print 0 or --json shows all)\n", plural(left, "more entry", "more entries"), maxPrint)
	}
	return w.Flush()
}

// entriesJSON is the "entries" of a sparse matrix in JSON, [i, j, v] each,
// which writeJSONStream writes one a line as it reads them: ten million
// entries would take gigabytes built as Go values and indented by
// json.MarshalIndent, five lines each.
type entriesJSON struct{ s *csr }

// sparseJSON is the JSON object of a sparse matrix: fields (its sizes)
// then "entries".
func sparseJSON(s *csr, fields ...field) object {
	return append(object(fields), field{"entries", entriesJSON{s}})
}

// writeJSONStream writes o as writeJSON does, indented by two spaces,
// except that the entries of sparse matrices in it (entriesJSON) are
// written as they are read, one a line.
func writeJSONStream(out io.Writer, o object) error {
	w := bufio.NewWriter(out)
	if err := writeValueStream(w, o, ""); err != nil {
		return err
	}
	w.WriteString("\n")
	return w.Flush()
}

// writeValueStream writes v at the indentation indent.
func writeValueStream(w *bufio.Writer, v any, indent string) error {
	switch v := v.(type) {
	case object:
		if len(v) == 0 {
			w.WriteString("{}")
			return nil
		}
		w.WriteString("{")
		for i, f := range v {
			if i > 0 {
				w.WriteString(",")
			}
			k, err := json.Marshal(f.key)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "\n%s  %s: ", indent, k)
			if err := writeValueStream(w, f.value, indent+"  "); err != nil {
				return err
			}
		}
		fmt.Fprintf(w, "\n%s}", indent)
	case entriesJSON:
		if v.s.nnz() == 0 {
			w.WriteString("[]")
			return nil
		}
		w.WriteString("[")
		k := 0
		v.s.each(func(i, j int, x float64) {
			if k > 0 {
				w.WriteString(",")
			}
			b, _ := num(x).MarshalJSON() // it never fails
			fmt.Fprintf(w, "\n%s  [%d, %d, %s]", indent, i, j, b)
			k++
		})
		fmt.Fprintf(w, "\n%s]", indent)
	default:
		b, err := json.MarshalIndent(v, indent, "  ")
		if err != nil {
			return err
		}
		w.Write(b)
	}
	return nil
}
