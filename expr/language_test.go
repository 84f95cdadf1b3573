package expr_test

import (
	"fmt"
	"github.com/gobackprop/backprop/internal/golden"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// languageDoc is the language reference. Its tables of operators and
// built-ins and its examples of errors are generated from the op table and
// from the parser by TestLanguageDoc.
const languageDoc = "../docs/language.md"

// TestLanguageDoc checks that the generated sections of docs/language.md
// are up to date; go test ./expr -run TestLanguageDoc -update rewrites
// them.
func TestLanguageDoc(t *testing.T) {
	data, err := os.ReadFile(languageDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	sections := []struct {
		name string
		gen  func(t *testing.T) string
	}{
		{"operators", func(*testing.T) string { return operatorTable() }},
		{"builtins", func(*testing.T) string { return builtinTable() }},
		{"errors", errorExamples},
	}
	updated := doc
	for _, s := range sections {
		re := regexp.MustCompile(`(?s)(<!-- BEGIN ` + s.name + ` [^\n]*-->\n).*?(<!-- END ` + s.name + ` -->)`)
		if !re.MatchString(updated) {
			t.Errorf("%s has no generated section %q (<!-- BEGIN %s ... --> ... <!-- END %s -->)", languageDoc, s.name, s.name, s.name)
			continue
		}
		gen := s.gen(t)
		updated = re.ReplaceAllStringFunc(updated, func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + gen + sub[2]
		})
	}
	if updated == doc {
		return
	}
	if golden.Update() {
		if err := os.WriteFile(languageDoc, []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date (run go test ./expr -run TestLanguageDoc -update):\n%s", languageDoc, golden.FirstDiff(doc, updated))
}

// argNames returns the names the tables give the arguments of o: x and
// y, except for atan2(y, x).
func argNames(o op.Op) (string, string) {
	if o == op.Atan2 {
		return "y", "x"
	}
	return "x", "y"
}

// partials returns the local partial derivatives of o with respect to its
// first and second arguments as text, from the symbolic rule of the op
// table.
func partials(o op.Op) (d1, d2 string) {
	g := ir.NewGraph()
	n1, n2 := argNames(o)
	a, b := g.Var(n1), g.Var(n2)
	v := g.Apply(o, a, b)
	i1, i2 := o.Info().Rule(g, a, b, v)
	d1 = "`" + g.String(i1) + "`"
	if o.Arity() == 2 {
		d2 = "`" + g.String(i2) + "`"
	}
	return d1, d2
}

// usage returns how o is written.
func usage(o op.Op) string {
	info := o.Info()
	a, b := argNames(o)
	switch info.Notation {
	case op.Prefix:
		return info.Name + a
	case op.Infix:
		return a + " " + info.Name + " " + b
	}
	if info.Arity == 2 {
		return info.Name + "(" + a + ", " + b + ")"
	}
	return info.Name + "(" + a + ")"
}

// operatorTable is the table of operators, tightest first.
func operatorTable() string {
	var ops []op.Op
	for _, o := range op.All() {
		if n := o.Info().Notation; n == op.Prefix || n == op.Infix {
			ops = append(ops, o)
		}
	}
	sort.SliceStable(ops, func(i, j int) bool { return ops[i].Info().Prec > ops[j].Info().Prec })
	var b strings.Builder
	b.WriteString("| operator | precedence | associativity | meaning | derivative in the first operand | in the second | at non-differentiable points |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, o := range ops {
		info := o.Info()
		assoc := "left"
		switch {
		case info.Notation == op.Prefix:
			assoc = "prefix"
		case info.RightAssoc:
			assoc = "right"
		}
		d1, d2 := partials(o)
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s | %s | %s |\n", usage(o), info.Prec, assoc, info.Doc, d1, d2, info.Convention)
	}
	return b.String()
}

// builtinTable is the table of built-in functions, in the order of the
// op table.
func builtinTable() string {
	var b strings.Builder
	b.WriteString("| function | arguments | meaning | derivative in the first argument | in the second | at non-differentiable points |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, o := range op.All() {
		info := o.Info()
		if info.Notation != op.Function {
			continue
		}
		d1, d2 := partials(o)
		fmt.Fprintf(&b, "| `%s` | %d | %s | %s | %s | %s |\n", usage(o), info.Arity, info.Doc, d1, d2, info.Convention)
	}
	return b.String()
}

// docErrors names the cases of the error catalogue shown in the
// reference, in the order shown.
var docErrors = []string{
	"empty program",
	"trailing operator",
	"two operators",
	"unclosed parenthesis",
	"extra closing parenthesis",
	"unclosed call",
	"2x",
	"2e is 2 then e",
	"two names",
	"number too large",
	"illegal character",
	"unicode operator",
	"minus sign",
	"hexadecimal",
	"digit separator",
	"long line, error in the middle",
	"definition without parameters",
	"number as parameter",
	"two equals signs",
	"bare expression not last",
	"newline inside parentheses",
	"misspelt built-in",
	"unknown function",
	"unknown variable",
	"built-in with too many arguments",
	"user function with one argument (the seed's message)",
	"function used as a variable",
	"built-in used as a variable",
	"variable called as a function",
	"pi called as a function",
	"direct recursion",
	"mutual recursion",
	"duplicate definition",
	"duplicate parameter",
	"built-in as a function name",
	"pi as a parameter",
	"several semantic errors",
}

// errorExamples shows the programs of docErrors and the errors Parse
// reports for them.
func errorExamples(t *testing.T) string {
	cases := make(map[string]errorCase)
	for _, tc := range errorCases {
		cases[tc.name] = tc
	}
	var b strings.Builder
	for i, name := range docErrors {
		tc, ok := cases[name]
		if !ok {
			t.Errorf("docErrors: no case %q in the catalogue", name)
			continue
		}
		_, err := expr.Parse("prog.bp", tc.src)
		if err == nil {
			t.Errorf("docErrors: %q gives no error", name)
			continue
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		switch src := strings.TrimRight(tc.src, "\n"); {
		case src == "":
			fmt.Fprintf(&b, "**%s**: an empty file (or only comments)\n\n", name)
		case !strings.Contains(src, "\n"):
			fmt.Fprintf(&b, "**%s**: `%s`\n\n", name, src)
		default:
			fmt.Fprintf(&b, "**%s**:\n\n```\n%s\n```\n\n", name, src)
		}
		fmt.Fprintf(&b, "```\n%v\n```\n", err)
	}
	return b.String()
}
