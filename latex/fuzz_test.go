package latex

import (
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/sym"
)

// FuzzString prints random programs and their derivatives, checking that
// printing does not panic, does not change the graph, and balances its
// braces and \left/\right pairs.
func FuzzString(f *testing.F) {
	for _, s := range []string{
		"3*x^2 + 5*x*y + 4*y^2",
		"f_1(x, y) = sin(pi*x) + cos(pi*y)\nf(x_1) = f_1(x_1, x_1^-2)/-x_1",
		"abs(x)^2*sin(y)^3/sin(y)^-1 - exp(-x)^y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		p, err := expr.Parse("fuzz", src)
		if err != nil || p == nil {
			return
		}
		g := p.Graph
		for _, fn := range p.Funcs {
			check(t, Definition(g, fn))
			for _, x := range fn.Params {
				d := sym.Diff(g, fn.Body, x)
				if sym.Count(g, d) > 200 {
					continue
				}
				n := g.Len()
				s := Derivative(g, fn, x, d)
				if g.Len() != n {
					t.Fatalf("%q: printing changed the graph", src)
				}
				check(t, s)
			}
		}
	})
}

func check(t *testing.T, s string) {
	t.Helper()
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && (s[i+1] == '{' || s[i+1] == '}'):
			i++
		case s[i] == '{':
			depth++
		case s[i] == '}':
			depth--
			if depth < 0 {
				t.Fatalf("unbalanced braces in %s", s)
			}
		}
	}
	if depth != 0 {
		t.Fatalf("unbalanced braces in %s", s)
	}
	if l, r := strings.Count(s, `\left`), strings.Count(s, `\right`); l != r {
		t.Fatalf("%d \\left and %d \\right in %s", l, r, s)
	}
}
