package draw

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gobackprop/backprop/latex"
)

// A listing is a set of paths as the writers see them: the fields of a
// PathSet, the number n of paths listed, a function that enumerates them
// (each, whose path may be reused from one call of yield to the next), and
// one that returns the widths of the aligned cells of Text. When stream is
// set, the sum printed is that of the paths enumerated, not s.Sum.
type listing struct {
	*PathSet
	n      int
	each   func(yield func(*Path) bool)
	widths func() (tuple, factors int)
	stream bool
}

// listing returns the listing of the paths held by s.
func (s *PathSet) listing() *listing {
	return &listing{
		PathSet: s,
		n:       len(s.Paths),
		each: func(yield func(*Path) bool) {
			for i := range s.Paths {
				if !yield(&s.Paths[i]) {
					return
				}
			}
		},
		widths: func() (tuple, factors int) {
			for i := range s.Paths {
				p := &s.Paths[i]
				tuple = max(tuple, utf8.RuneCountInString(p.tuple()))
				factors = max(factors, utf8.RuneCountInString(p.factors()))
			}
			return tuple + 2, factors + 2
		},
	}
}

// write writes l in format f.
func (l *listing) write(w io.Writer, f Format) error {
	switch f {
	case Text:
		return l.text(w)
	case Markdown:
		return l.markdown(w)
	case LaTeX:
		return l.latex(w)
	case JSON:
		return l.json(w)
	}
	return fmt.Errorf("paths cannot be written as %v: use text, markdown, latex or json", f)
}

// sum enumerates the paths, calling line with each until it returns an
// error, and returns the sum of their products (s.Sum unless streaming)
// and the error.
func (l *listing) sum(line func(*Path) error) (float64, error) {
	var sum float64
	var err error
	l.each(func(p *Path) bool {
		sum += p.Product
		err = line(p)
		return err == nil
	})
	if !l.stream {
		sum = l.Sum
	}
	return sum, err
}

// summary returns the sentence that says how many paths there are and
// how many are listed.
func (l *listing) summary() string {
	head := "Paths from " + l.Output + " down to " + l.Label + ": "
	n := l.Count.String()
	switch {
	case l.Count.Sign() == 0:
		return head + "none (" + l.Output + " does not depend on " + l.Label + ")."
	case l.Complete():
		return head + n + ", all listed."
	}
	return head + n + ", of which the first " + strconv.Itoa(l.n) + " are listed and " +
		l.Omitted.String() + " left out."
}

func (p *Path) tuple() string { return "(" + strings.Join(p.Labels, ", ") + ")" }

func (p *Path) factors() string {
	if len(p.Factors) == 0 {
		return "1" // the path from the node to itself
	}
	parts := make([]string, len(p.Factors))
	for i, f := range p.Factors {
		parts[i] = factor(f)
	}
	return strings.Join(parts, "·")
}

// sumLabel names the sum of the listed products.
func (l *listing) sumLabel() string {
	if l.Complete() {
		return "Sum of the products"
	}
	return "Sum of the " + strconv.Itoa(l.n) + " listed products"
}

// Text writes the paths as aligned plain text, each with its nodes, the
// product of its edge factors and the value of the product, then the sum
// of the listed products and the gradient of the reverse pass, with
// numbers to 15 significant digits.
func (s *PathSet) Text(w io.Writer) error { return s.listing().text(w) }

// text writes l as Text. The columns are aligned as a text/tabwriter
// with padding 1 would align them, from widths known beforehand, so that
// each line is written as soon as its path is enumerated.
func (l *listing) text(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(l.summary() + "\n")
	tw, fw := l.widths()
	pad := func(cell string, width int) {
		bw.WriteString(cell)
		for range width + 1 - utf8.RuneCountInString(cell) {
			bw.WriteByte(' ')
		}
	}
	sum, err := l.sum(func(p *Path) error {
		pad("  "+p.tuple(), tw)
		pad("= "+p.factors(), fw)
		_, err := bw.WriteString("= " + num(p.Product) + "\n")
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString(l.sumLabel() + ": " + num(sum) + "\n")
	bw.WriteString("Gradient ∂" + l.Output + "/∂" + l.Label + " from the reverse pass: " + num(l.Gradient) + "\n")
	return bw.Flush()
}

// Markdown writes the paths as a Markdown table.
func (s *PathSet) Markdown(w io.Writer) error { return s.listing().markdown(w) }

func (l *listing) markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(l.summary() + "\n\n")
	bw.WriteString("| path | factors | product |\n| --- | --- | ---: |\n")
	sum, err := l.sum(func(p *Path) error {
		_, err := bw.WriteString("| " + code(p.tuple()) + " | " + code(p.factors()) + " | " + num(p.Product) + " |\n")
		return err
	})
	if err != nil {
		return err
	}
	bw.WriteString("\n" + l.sumLabel() + ": " + num(sum) + "\n\n")
	bw.WriteString("Gradient " + code("∂"+l.Output+"/∂"+l.Label) + " from the reverse pass: " + num(l.Gradient) + "\n")
	return bw.Flush()
}

// LaTeX writes the paths as an align environment, as the seed does:
// (f_1, f_2, x_1) &= 7238.22947387088.
func (s *PathSet) LaTeX(w io.Writer) error { return s.listing().latex(w) }

func (l *listing) latex(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\\begin{align}\n")
	sum, err := l.sum(func(p *Path) error {
		names := make([]string, len(p.Labels))
		for i, l := range p.Labels {
			names[i] = texLabel(l)
		}
		factors := make([]string, len(p.Factors))
		for i, f := range p.Factors {
			factors[i] = texFactor(f)
		}
		f := strings.Join(factors, ` \cdot `)
		if f == "" {
			f = "1"
		}
		_, err := bw.WriteString("  (" + strings.Join(names, ", ") + ") &= " + f + " = " + texNumber(p.Product) + " \\\\\n")
		return err
	})
	if err != nil {
		return err
	}
	op := `\sum`
	if !l.Complete() {
		op = `\sum_{\text{listed}}`
	}
	bw.WriteString("  " + op + " &= " + texNumber(sum) + " \\\\\n")
	bw.WriteString(`  \frac{\partial ` + texLabel(l.Output) + `}{\partial ` + texLabel(l.Label) + `} &= ` + texNumber(l.Gradient) + "\n")
	bw.WriteString("\\end{align}\n")
	return bw.Flush()
}

// texLabel returns a node label in LaTeX: a name as a function name (f_1
// → f_{1}), an operator as itself.
func texLabel(l string) string {
	switch l {
	case "+", "-", "/":
		return l
	case "*":
		return `\cdot`
	case "^":
		return `\wedge`
	}
	return latex.FuncName(l)
}
