package sym

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
)

// FuzzDiff differentiates random programs and checks what must hold
// whatever the input: nothing panics, no non-finite constant is created,
// forward and reverse accumulation give the same value up to rounding
// where both are finite, and the text of every derivative parses back to
// an expression with exactly its value.
func FuzzDiff(f *testing.F) {
	for _, s := range []string{
		"x*y + sin(x)",
		"f_1(x, y) = sin(pi*x) + cos(pi*y)\nf_2(x, y) = x^y\nf(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), log(x_1))",
		"x/x - (x + y) + y^2^0.5",
		"max(x, y)*abs(x - y) + relu(-x)/sqrt(y)",
		"exp(log(x))*tanh(-x)^-1",
		"-(-x)*-(2*y) - -3",
	} {
		f.Add(s)
	}
	env := map[string]float64{}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		p, err := expr.Parse("fuzz", src)
		if err != nil || p == nil { // p is nil, with no error, after too many lowering errors
			return
		}
		fn, err := p.Target("")
		if err != nil {
			return
		}
		g := p.Graph
		for i, x := range fn.Params {
			env[g.Node(x).Name] = 0.3 + 0.4*float64(i)
		}
		grad := Gradient(g, fn.Body, fn.Params)
		for i, x := range fn.Params {
			d := Diff(g, fn.Body, x)
			if Count(g, d) > 10000 {
				continue
			}
			for _, id := range g.Topo(d, grad[i]) {
				if v, ok := g.IsConst(id); ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
					t.Fatalf("%q: derivative has the constant %v", src, v)
				}
			}
			fwd := eval(t, g, d, env)
			rev := eval(t, g, grad[i], env)
			if !math.IsNaN(fwd) && !math.IsNaN(rev) && !math.IsInf(fwd, 0) && !math.IsInf(rev, 0) && !same(fwd, rev, 1e-6) {
				t.Errorf("%q: ∂/∂%s is %v by Diff, %v by Gradient", src, g.Node(x).Name, fwd, rev)
			}
			text := g.String(d)
			if len(text) > 1e5 {
				continue
			}
			q, err := expr.Parse("derivative", text)
			if err != nil {
				t.Fatalf("%q: derivative %q does not parse: %v", src, text, err)
			}
			qf, _ := q.Target("")
			if got, err := ir.NewEvaluator(q.Graph).Eval(qf.Body, env); err == nil && !same(got, fwd, 0) {
				t.Errorf("%q: derivative %q is %v, re-parsed %v", src, text, fwd, got)
			}
		}
	})
}
