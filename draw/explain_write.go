package draw

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/verify"
)

// digits15 is the precision of the numbers of explanations in text,
// Markdown and LaTeX, the precision the seed prints (SymPy's evalf).
const digits15 = 15

// num formats v with 15 significant digits.
func num(v float64) string { return format(v, digits15) }

// factor formats v as a factor of a product: in parentheses if negative.
func factor(v float64) string {
	s := num(v)
	if strings.HasPrefix(s, "-") {
		return "(" + s + ")"
	}
	return s
}

// texNumber formats v in LaTeX with 15 significant digits.
func texNumber(v float64) string {
	s := num(v)
	switch s {
	case "NaN":
		return `\mathrm{NaN}`
	case "+Inf":
		return `\infty`
	case "-Inf":
		return `-\infty`
	}
	m, e, ok := strings.Cut(s, "e")
	if !ok {
		return s
	}
	exp, _ := strconv.Atoi(e)
	return m + ` \cdot 10^{` + strconv.Itoa(exp) + `}`
}

func texFactor(v float64) string {
	s := texNumber(v)
	if strings.HasPrefix(s, "-") {
		return `\left(` + s + `\right)`
	}
	return s
}

// symbolic and numeric return the sum of terms written with names and
// with numbers. In reverse mode a term is weight·partial, as in
// adj(f_2)·∂f_2/∂x, in forward mode partial·weight, as in ∂f_1/∂x·f_2'(1).
func (e *Explanation) symbolic(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		if e.Mode == verify.Forward {
			parts[i] = t.Partial + "·" + t.WeightName
		} else {
			parts[i] = t.WeightName + "·" + t.Partial
		}
	}
	return strings.Join(parts, " + ")
}

func (e *Explanation) numeric(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		if e.Mode == verify.Forward {
			parts[i] = factor(t.Factor) + "·" + factor(t.Weight)
		} else {
			parts[i] = factor(t.Weight) + "·" + factor(t.Factor)
		}
	}
	return strings.Join(parts, " + ")
}

func (e *Explanation) texSymbolic(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		if e.Mode == verify.Forward {
			parts[i] = t.partialTeX + ` \cdot ` + t.weightTeX
		} else {
			parts[i] = t.weightTeX + ` \cdot ` + t.partialTeX
		}
	}
	return strings.Join(parts, " + ")
}

func (e *Explanation) texNumeric(ts []Term) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		if e.Mode == verify.Forward {
			parts[i] = texFactor(t.Factor) + ` \cdot ` + texFactor(t.Weight)
		} else {
			parts[i] = texFactor(t.Weight) + ` \cdot ` + texFactor(t.Factor)
		}
	}
	return strings.Join(parts, " + ")
}

// point returns the inputs and their values: "x_1 = 2, x_2 = 3".
func (e *Explanation) point() string {
	parts := make([]string, len(e.Inputs))
	for i, in := range e.Inputs {
		parts[i] = in.Name + " = " + num(in.Value)
	}
	return strings.Join(parts, ", ")
}

// directionText lists the direction's tangents: "x_1: 1, x_2: 0.5".
func (e *Explanation) directionText() string {
	parts := make([]string, len(e.Direction))
	for i, v := range e.Direction {
		parts[i] = e.Inputs[i].Name + ": " + num(v)
	}
	return strings.Join(parts, ", ")
}

// along says what forward mode differentiates by: "with respect to x", or
// "in the direction d = (x: 1, y: 0.5), that is …".
func (e *Explanation) along() string {
	if e.Direction == nil {
		return "with respect to " + e.Wrt
	}
	return "in the direction d = (" + e.directionText() + "), that is with respect to t of " + e.Output + "(x + t·d) at t = 0,"
}

// derivativeLabel names forward mode's result: "df/dx", or "∇f·d", the
// directional derivative.
func (e *Explanation) derivativeLabel() string {
	if e.Direction == nil {
		return "d" + e.Output + "/d" + e.Wrt
	}
	return "∇" + e.Output + "·d"
}

// valueLHS returns how a step's value is named: its expression at the
// point when short ("f_3(1)"), otherwise its name.
func (s *Step) valueLHS() (text, tex string) {
	if s.At != "" && s.Def != "" {
		return s.At, s.atTeX
	}
	return s.Name, s.nameTeX
}

// direct reports whether the step is a function of the input alone
// applied to it, f(x), so that its derivative is the local partial: the
// chain rule has the single term ∂f/∂x·x', and x' = 1.
func (s *Step) direct() bool {
	return s.prime && len(s.Terms) == 1 && s.Terms[0].Weight == 1
}

// Text writes the explanation as aligned plain text, with numbers to 15
// significant digits.
func (e *Explanation) Text(w io.Writer) error {
	bw := bufio.NewWriter(w)
	tw := tabwriter.NewWriter(bw, 0, 4, 1, ' ', 0)
	row := func(cells ...string) { tw.Write([]byte("  " + strings.Join(cells, "\t") + "\n")) }
	para := func(s string) {
		tw.Flush()
		bw.WriteString(s + "\n")
	}
	if e.Mode == verify.Forward {
		para("Forward mode at " + e.point() + ": the value and the derivative " + e.along() +
			" of every block, from the innermost outwards.")
		para("")
		for i := range e.Steps {
			s := &e.Steps[i]
			lhs, _ := s.valueLHS()
			if s.Def == "" || s.At != "" {
				row(lhs, "= "+num(s.Value))
			} else {
				row(lhs, "= "+s.Def, "= "+num(s.Value))
			}
			switch {
			case s.Def == "" || s.direct():
				row(s.DName, "= "+num(s.Tangent))
			case len(s.Terms) == 0:
				row(s.DName, "= 0")
			default:
				row(s.DName, "= "+e.symbolic(s.Terms))
				row("", "= "+e.numeric(s.Terms))
				row("", "= "+num(s.Tangent))
			}
		}
		para("")
		para("Derivative: " + e.derivativeLabel() + " = " + num(e.Derivative))
	} else {
		para("Reverse mode at " + e.point() + ".")
		para("")
		para("Forward pass: the value of every node, arguments first.")
		for _, s := range e.Steps {
			if s.Def == "" {
				row(s.Name, "", "= "+num(s.Value))
			} else {
				row(s.Name, "= "+s.Def, "= "+num(s.Value))
			}
		}
		para("")
		para("Backward pass: the adjoint adj(n) = ∂" + e.Output + "/∂n of every node, from the output down.")
		for _, a := range e.Backward {
			name := "adj(" + a.Name + ")"
			if len(a.Terms) == 0 {
				row(name, "= "+num(a.Value))
				continue
			}
			row(name, "= "+e.symbolic(a.Terms))
			row("", "= "+e.numeric(a.Terms))
			row("", "= "+num(a.Value))
		}
	}
	if len(e.Partials) > 0 {
		para("")
		para("Local partial derivatives:")
		for _, f := range e.Partials {
			row(f.Name, "= "+f.Text)
		}
	}
	if e.Mode == verify.Reverse {
		para("")
		para("Gradient:")
		for _, in := range e.Inputs {
			row("∂"+e.Output+"/∂"+in.Name, "= "+num(in.Gradient))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

// code returns s as a Markdown code span, or "" for "".
func code(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.Contains(s, "`") {
		return "`` " + s + " ``"
	}
	return "`" + s + "`"
}

// Markdown writes the explanation as Markdown tables, with numbers to 15
// significant digits and expressions as code.
func (e *Explanation) Markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
	}
	row := func(cells ...string) { p("| ", strings.Join(cells, " | "), " |\n") }
	if e.Mode == verify.Forward {
		if e.Direction == nil {
			p("**Forward mode** at ", code(e.point()), ": the value and the derivative with respect to ",
				code(e.Wrt), " of every block, from the innermost outwards.\n\n")
		} else {
			p("**Forward mode** at ", code(e.point()), ": the value and the derivative in the direction ",
				code("d = ("+e.directionText()+")"), ", that is with respect to ", code("t"), " of ", code(e.Output+"(x + t·d)"),
				" at ", code("t = 0"), ", of every block, from the innermost outwards.\n\n")
		}
		row("block", "value", "derivative", "chain rule", "")
		row("---", "---:", "---", "---", "---:")
		for _, s := range e.Steps {
			lhs, _ := s.valueLHS()
			chain := ""
			if len(s.Terms) > 0 && !s.direct() {
				chain = code(e.symbolic(s.Terms)) + " = " + code(e.numeric(s.Terms))
			}
			row(code(lhs), num(s.Value), code(s.DName), chain, num(s.Tangent))
		}
		p("\nDerivative: ", code(e.derivativeLabel()), " = ", num(e.Derivative), "\n")
	} else {
		p("**Reverse mode** at ", code(e.point()), ".\n\n")
		p("Forward pass: the value of every node, arguments first.\n\n")
		row("node", "computes", "expression", "value")
		row("---", "---", "---", "---:")
		for _, s := range e.Steps {
			row(code(s.Name), code(s.Def), code(s.Expr), num(s.Value))
		}
		p("\nBackward pass: the adjoint ", code("adj(n) = ∂"+e.Output+"/∂n"), " of every node, from the output down.\n\n")
		row("adjoint", "sum of contributions", "", "value")
		row("---", "---", "---", "---:")
		for _, a := range e.Backward {
			sym, nums := "(the output)", ""
			if len(a.Terms) > 0 {
				sym, nums = code(e.symbolic(a.Terms)), code(e.numeric(a.Terms))
			}
			row(code("adj("+a.Name+")"), sym, nums, num(a.Value))
		}
	}
	if len(e.Partials) > 0 {
		p("\nLocal partial derivatives:\n\n")
		row("partial", "formula")
		row("---", "---")
		for _, f := range e.Partials {
			row(code(f.Name), code(f.Text))
		}
	}
	if e.Mode == verify.Reverse {
		p("\nGradient:\n\n")
		row("input", "value", "derivative")
		row("---", "---:", "---:")
		for _, in := range e.Inputs {
			row(code(in.Name), num(in.Value), num(in.Gradient))
		}
	}
	return bw.Flush()
}

// LaTeX writes the explanation as LaTeX align environments (amsmath),
// with numbers to 15 significant digits.
func (e *Explanation) LaTeX(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(s ...string) {
		for _, x := range s {
			bw.WriteString(x)
		}
	}
	var lines []string
	line := func(s ...string) { lines = append(lines, strings.Join(s, "")) }
	align := func() {
		p("\\begin{align}\n")
		for i, l := range lines {
			p("  ", l)
			if i < len(lines)-1 {
				p(` \\`)
			}
			p("\n")
		}
		p("\\end{align}\n")
		lines = lines[:0]
	}
	out := latex.Name(e.Output)
	if len(e.Steps) > 0 {
		out = e.Steps[len(e.Steps)-1].nameTeX
	}
	if e.Mode == verify.Forward {
		for i := range e.Steps {
			s := &e.Steps[i]
			_, tex := s.valueLHS()
			if s.Def == "" || s.At != "" {
				line(tex, " &= ", texNumber(s.Value))
			} else {
				line(tex, " &= ", s.defTeX, " = ", texNumber(s.Value))
			}
			switch {
			case s.Def == "" || s.direct():
				line(s.dTeX, " &= ", texNumber(s.Tangent))
			case len(s.Terms) == 0:
				line(s.dTeX, " &= 0")
			default:
				line(s.dTeX, " &= ", e.texSymbolic(s.Terms))
				line(" &= ", e.texNumeric(s.Terms), " = ", texNumber(s.Tangent))
			}
		}
		align()
	} else {
		for _, s := range e.Steps {
			if s.Def == "" {
				line(s.nameTeX, " &= ", texNumber(s.Value))
			} else {
				line(s.nameTeX, " &= ", s.defTeX, " = ", texNumber(s.Value))
			}
		}
		align()
		for _, a := range e.Backward {
			adj := `\operatorname{adj}\left(` + a.nameTeX + `\right)`
			if len(a.Terms) == 0 {
				line(adj, " &= ", texNumber(a.Value))
				continue
			}
			line(adj, " &= ", e.texSymbolic(a.Terms))
			line(" &= ", e.texNumeric(a.Terms), " = ", texNumber(a.Value))
		}
		align()
	}
	if len(e.Partials) > 0 {
		for _, f := range e.Partials {
			if f.LaTeX != "" {
				line(f.nameTeX, " &= ", f.LaTeX)
			}
		}
		if len(lines) > 0 {
			align()
		}
	}
	if e.Mode == verify.Reverse {
		for _, in := range e.Inputs {
			line(`\frac{\partial `, out, `}{\partial `, latex.Name(in.Name), `} &= `, texNumber(in.Gradient))
		}
		align()
	}
	return bw.Flush()
}

type stepJSON struct {
	ID         ir.ID      `json:"id"`
	Name       string     `json:"name"`
	Def        string     `json:"def,omitempty"`
	Expr       string     `json:"expr,omitempty"`
	At         string     `json:"at,omitempty"`
	Value      number     `json:"value"`
	Derivative *number    `json:"derivative,omitempty"`
	DName      string     `json:"derivative_name,omitempty"`
	Terms      []termJSON `json:"terms,omitempty"`
}

type termJSON struct {
	Partial string `json:"partial"`
	Factor  number `json:"factor"`
	Weight  string `json:"weight"`
	Value   number `json:"weight_value"`
	Product number `json:"product"`
}

type adjointJSON struct {
	ID    ir.ID      `json:"id"`
	Name  string     `json:"name"`
	Value number     `json:"adjoint"`
	Terms []termJSON `json:"terms"`
}

type inputJSON struct {
	ID       ir.ID  `json:"id"`
	Name     string `json:"name"`
	Value    number `json:"value"`
	Gradient number `json:"gradient"`
}

type formulaJSON struct {
	Name  string `json:"name"`
	Text  string `json:"text"`
	LaTeX string `json:"latex,omitempty"`
}

type explanationJSON struct {
	Mode       string        `json:"mode"`
	Output     string        `json:"output"`
	Value      number        `json:"value"`
	Inputs     []inputJSON   `json:"inputs"`
	Wrt        string        `json:"wrt,omitempty"`
	Direction  directionJSON `json:"direction,omitempty"`
	Derivative *number       `json:"derivative,omitempty"`
	Steps      []stepJSON    `json:"steps"`
	Backward   []adjointJSON `json:"backward,omitempty"`
	Partials   []formulaJSON `json:"partials"`
}

// directionJSON is forward mode's direction: an object of the tangents
// of the inputs, in their order.
type directionJSON []struct {
	name string
	v    number
}

func (d directionJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, x := range d {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(x.name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(x.v)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func termsJSON(ts []Term) []termJSON {
	out := make([]termJSON, len(ts))
	for i, t := range ts {
		out[i] = termJSON{Partial: t.Partial, Factor: number(t.Factor), Weight: t.WeightName, Value: number(t.Weight), Product: number(t.Product())}
	}
	return out
}

// JSON writes the explanation as JSON, with numbers in full precision and
// the non-finite ones as the strings "NaN", "+Inf" and "-Inf".
func (e *Explanation) JSON(w io.Writer) error {
	out := explanationJSON{
		Mode: e.Mode.String(), Output: e.Output, Value: number(e.Value),
		Inputs: make([]inputJSON, len(e.Inputs)), Steps: make([]stepJSON, len(e.Steps)),
		Partials: make([]formulaJSON, len(e.Partials)),
	}
	for i, in := range e.Inputs {
		out.Inputs[i] = inputJSON{ID: in.ID, Name: in.Name, Value: number(in.Value), Gradient: number(in.Gradient)}
	}
	for i, s := range e.Steps {
		out.Steps[i] = stepJSON{ID: s.ID, Name: s.Name, Def: s.Def, Expr: s.Expr, At: s.At, Value: number(s.Value)}
		if e.Mode == verify.Forward {
			t := number(s.Tangent)
			out.Steps[i].Derivative, out.Steps[i].DName, out.Steps[i].Terms = &t, s.DName, termsJSON(s.Terms)
		}
	}
	for _, a := range e.Backward {
		out.Backward = append(out.Backward, adjointJSON{ID: a.ID, Name: a.Name, Value: number(a.Value), Terms: termsJSON(a.Terms)})
	}
	for i, f := range e.Partials {
		out.Partials[i] = formulaJSON{Name: f.Name, Text: f.Text, LaTeX: f.LaTeX}
	}
	if e.Mode == verify.Forward {
		d := number(e.Derivative)
		out.Wrt, out.Derivative = e.Wrt, &d
		for i, v := range e.Direction {
			out.Direction = append(out.Direction, struct {
				name string
				v    number
			}{e.Inputs[i].Name, number(v)})
		}
	}
	return writeJSON(w, out)
}
