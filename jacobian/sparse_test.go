package jacobian_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/jacobian"
)

// banded is F(x0, …, x_{n-1}) = (…, x_{k-1}·x_k + sin(x_{k+1}), …): row k
// depends on columns k-1, k and k+1.
func banded(n int) string {
	params := make([]string, n)
	outs := make([]string, n)
	for i := range n {
		params[i] = fmt.Sprintf("x%d", i)
	}
	for k := range n {
		terms := []string{"x" + fmt.Sprint(k) + "^2"}
		if k > 0 {
			terms = append(terms, fmt.Sprintf("x%d*x%d", k-1, k))
		}
		if k+1 < n {
			terms = append(terms, fmt.Sprintf("sin(x%d)", k+1))
		}
		outs[k] = strings.Join(terms, " + ")
	}
	return fmt.Sprintf("F(%s) = (%s)", strings.Join(params, ", "), strings.Join(outs, ", "))
}

// TestColored checks sparse Jacobians by colouring, in both modes,
// against the dense ones entry by entry, and the number of products a
// banded Jacobian takes.
func TestColored(t *testing.T) {
	srcs := []string{
		"F(x, y) = (x*y, sin(x) + y)",
		"F(x) = (x^2, exp(x), log(x), x)",
		"F(a, b, c) = (a*b*c, atan2(a, b) + c^2)",
		"g(x) = x^3\nF(x, y, z) = (g(x)*y, g(y) - z, 2, tanh(x*y*z))",
		"F(x, y, z) = (log(x), y*z, sqrt(z - 1))", // NaN rows at some points
		banded(12),
	}
	for _, src := range srcs {
		p := program(t, src)
		rnd := rand.New(rand.NewPCG(3, 4))
		for _, mode := range []jacobian.Mode{jacobian.Forward, jacobian.Reverse, jacobian.Auto} {
			c := jacobian.NewColored(p, mode)
			for range 5 {
				x := make([]float64, p.NumInputs())
				for i := range x {
					x[i] = -0.5 + rnd.Float64()*2
				}
				values := make([]float64, p.NumOutputs())
				s := c.Sparse(nil, values, x)
				dense := jacobian.Jacobian(nil, nil, p, x, jacobian.Forward)
				m, n := dense.Dims()
				for k := range m {
					for j := range n {
						got, want := s.At(k, j), dense.At(k, j)
						if !inStructure(s, k, j) && math.IsNaN(values[k]) {
							// Outside the structure the sparse matrix
							// holds 0, even in a row whose output is NaN.
							continue
						}
						if !agree(got, want, 1e-14) {
							t.Errorf("%s, %v by %d colours, at %v: J[%d][%d] = %v, dense %v", src, c.Mode(), c.Colors(), x, k, j, got, want)
						}
					}
				}
			}
		}
	}
	p := program(t, banded(200))
	for _, mode := range []jacobian.Mode{jacobian.Forward, jacobian.Reverse} {
		if c := jacobian.NewColored(p, mode); c.Colors() != 3 {
			t.Errorf("banded, %v: %d colours, want 3", mode, c.Colors())
		}
	}
	if s := jacobian.NewColored(p, jacobian.Auto).Sparse(nil, nil, make([]float64, 200)); s.NNZ() != 3*200-2 || math.IsNaN(s.Vals[0]) {
		t.Errorf("banded: %d entries, want %d", s.NNZ(), 3*200-2)
	}
}

func inStructure(s *jacobian.Sparse, k, j int) bool {
	for e := s.Start[k]; e < s.Start[k+1]; e++ {
		if int(s.Cols[e]) == j {
			return true
		}
	}
	return false
}

// TestColoringCost checks the cost of colouring (x·y·z, x), whose rows
// have 3 and 1 entries and whose columns 2, 1 and 1, and that a structure
// of the wrong size is refused.
func TestColoringCost(t *testing.T) {
	p := program(t, "F(x, y, z) = (x*y*z, x)")
	rows := p.Dependencies()
	for _, tc := range []struct {
		mode jacobian.Mode
		want int64
	}{{jacobian.Forward, 9 + 1}, {jacobian.Reverse, 4 + 1 + 1}, {jacobian.Auto, 10 + 6}} {
		if c := jacobian.ColoringCost(rows, 3, tc.mode); c != tc.want {
			t.Errorf("%v: cost %d, want %d", tc.mode, c, tc.want)
		}
	}
	if c := jacobian.NewColoredFromSparsity(p, rows, jacobian.Reverse); c.Mode() != jacobian.Reverse || c.Colors() != 2 {
		t.Errorf("reverse: %v by %d colours, want reverse by 2", c.Mode(), c.Colors())
	}
	defer func() {
		if recover() == nil {
			t.Error("NewColoredFromSparsity takes a structure of the wrong size")
		}
	}()
	jacobian.NewColoredFromSparsity(p, rows[1:], jacobian.Forward)
}
