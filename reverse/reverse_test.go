package reverse_test

import (
	"errors"
	"math"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/internal/seedtest"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
)

func near(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func TestSeedFigures(t *testing.T) {
	for _, c := range seedtest.Cases() {
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			p, fn := c.Parse(t)
			_, grad, err := reverse.Gradient(nil, p.Graph, fn, c.X, &reverse.Settings{Level: level, Check: true})
			if err != nil {
				t.Fatalf("%s at %v level: %v", c.Name, level, err)
			}
			for i := range grad {
				if !near(grad[i], c.Grad[i], 1e-12) {
					t.Errorf("%s at %v level: ∂f/∂%s = %.15g, want %.15g", c.Name, level, p.Graph.Node(fn.Params[i]).Name, grad[i], c.Grad[i])
				}
			}
		}
	}
}

// TestSeedEdges checks the forward values and edge partials of the seed's
// section 2.3 at function level.
func TestSeedEdges(t *testing.T) {
	p, fn := seedtest.Section23().Parse(t)
	r, err := reverse.Run(p.Graph, fn.Body, map[string]float64{"x_1": 2, "x_2": 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]float64{}
	for i, id := range r.Nodes {
		values[p.Graph.String(id)] = r.Values[i]
	}
	for expr, want := range map[string]float64{
		"f_2(x_2, x_1)":           9,
		"f_2(x_1, f_2(x_2, x_1))": 512,
		"f_3(x_1)":                0.693147180559945,
		"x_1":                     2,
		"x_2":                     3,
	} {
		if got := values[expr]; !near(got, want, 1e-14) {
			t.Errorf("value of %s = %.15g, want %.15g", expr, got, want)
		}
	}
	if len(r.Nodes) != 6 {
		t.Errorf("function-level graph has %d nodes, want 6 (x_1, x_2, three calls of f_2/f_3 and f_1)", len(r.Nodes))
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		src  string
		at   map[string]float64
		pass string
		node string
	}{
		{"f(x) = log(x) + 1", map[string]float64{"x": -1}, "forward", "log"},
		{"g(x) = 1/x\nf(x) = g(x) * 2", map[string]float64{"x": 0}, "forward", "/"},
		{"f(x) = sqrt(x)", map[string]float64{"x": 0}, "backward", "var"},
	}
	for _, tt := range tests {
		p, err := expr.Parse("t.bp", tt.src)
		if err != nil {
			t.Fatal(err)
		}
		fn, _ := p.Target("")
		_, err = reverse.Run(p.Graph, fn.Body, tt.at, &reverse.Settings{Check: true})
		var nf *ir.NonFiniteError
		if !errors.As(err, &nf) {
			t.Fatalf("%q: got %v, want a NonFiniteError", tt.src, err)
		}
		if nf.Pass != tt.pass || nf.Op.String() != tt.node {
			t.Errorf("%q: got %v pass at %v, want %s pass at %s", tt.src, nf.Pass, nf.Op, tt.pass, tt.node)
		}
		if nf.Span == (ir.Span{}) {
			t.Errorf("%q: error has no source span", tt.src)
		}
		// Without the check the pass completes with IEEE results.
		if _, err := reverse.Run(p.Graph, fn.Body, tt.at, nil); err != nil {
			t.Errorf("%q without check: %v", tt.src, err)
		}
	}
}

// TestGradientDst checks that Gradient stores into a dst of the right
// length and panics, naming the function, on one of the wrong length.
func TestGradientDst(t *testing.T) {
	c := seedtest.Section23()
	p, fn := c.Parse(t)
	dst := make([]float64, 2)
	_, grad, err := reverse.Gradient(dst, p.Graph, fn, c.X, nil)
	if err != nil {
		t.Fatal(err)
	}
	if &grad[0] != &dst[0] || !near(dst[0], c.Grad[0], 1e-12) || !near(dst[1], c.Grad[1], 1e-12) {
		t.Errorf("Gradient returned %v, dst %v, want the gradient %v stored in dst", grad, dst, c.Grad)
	}
	defer func() {
		if r, want := recover(), "reverse: Gradient: dst has length 3, want 2"; r != want {
			t.Errorf("panic %v, want %q", r, want)
		}
	}()
	reverse.Gradient(make([]float64, 3), p.Graph, fn, c.X, nil)
}
