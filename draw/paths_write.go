package draw

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gobackprop/backprop/latex"
)

// summary returns the sentence that says how many paths there are and
// how many are listed.
func (s *PathSet) summary() string {
	head := "Paths from " + s.Output + " down to " + s.Label + ": "
	n := s.Count.String()
	switch {
	case s.Count.Sign() == 0:
		return head + "none (" + s.Output + " does not depend on " + s.Label + ")."
	case s.Complete():
		return head + n + ", all listed."
	}
	return head + n + ", of which the first " + strconv.Itoa(len(s.Paths)) + " are listed and " +
		s.Omitted.String() + " left out."
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
func (s *PathSet) sumLabel() string {
	if s.Complete() {
		return "Sum of the products"
	}
	return "Sum of the " + strconv.Itoa(len(s.Paths)) + " listed products"
}

// Text writes the paths as aligned plain text, each with its nodes, the
// product of its edge factors and the value of the product, then the sum
// of the listed products and the gradient of the reverse pass, with
// numbers to 15 significant digits.
func (s *PathSet) Text(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(s.summary() + "\n")
	tw := tabwriter.NewWriter(bw, 0, 4, 1, ' ', 0)
	for _, p := range s.Paths {
		tw.Write([]byte("  " + p.tuple() + "\t= " + p.factors() + "\t= " + num(p.Product) + "\n"))
	}
	tw.Flush()
	bw.WriteString(s.sumLabel() + ": " + num(s.Sum) + "\n")
	bw.WriteString("Gradient ∂" + s.Output + "/∂" + s.Label + " from the reverse pass: " + num(s.Gradient) + "\n")
	return bw.Flush()
}

// Markdown writes the paths as a Markdown table.
func (s *PathSet) Markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(s.summary() + "\n\n")
	bw.WriteString("| path | factors | product |\n| --- | --- | ---: |\n")
	for _, p := range s.Paths {
		bw.WriteString("| " + code(p.tuple()) + " | " + code(p.factors()) + " | " + num(p.Product) + " |\n")
	}
	bw.WriteString("\n" + s.sumLabel() + ": " + num(s.Sum) + "\n\n")
	bw.WriteString("Gradient " + code("∂"+s.Output+"/∂"+s.Label) + " from the reverse pass: " + num(s.Gradient) + "\n")
	return bw.Flush()
}

// LaTeX writes the paths as an align environment, as the seed does:
// (f_1, f_2, x_1) &= 7238.22947387088.
func (s *PathSet) LaTeX(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("\\begin{align}\n")
	for _, p := range s.Paths {
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
		bw.WriteString("  (" + strings.Join(names, ", ") + ") &= " + f + " = " + texNumber(p.Product) + " \\\\\n")
	}
	op := `\sum`
	if !s.Complete() {
		op = `\sum_{\text{listed}}`
	}
	bw.WriteString("  " + op + " &= " + texNumber(s.Sum) + " \\\\\n")
	bw.WriteString(`  \frac{\partial ` + texLabel(s.Output) + `}{\partial ` + texLabel(s.Label) + `} &= ` + texNumber(s.Gradient) + "\n")
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
