// Package jacobian computes Jacobians of compiled programs with several
// outputs (functions that return a tuple, F(x, y) = (x*y, sin(x) + y)),
// in forward mode, one Jacobian-vector product per input, or in reverse
// mode, one vector-Jacobian product per output, chosen by shape when
// asked: forward when there are fewer inputs than outputs. A Colored
// exploits the sparsity of the Jacobian, found from the program
// ([compile.Program.Dependencies]): columns (forward) or rows (reverse)
// that share no row or column are coloured alike and cost one product per
// colour, three for a tridiagonal Jacobian of any size.
package jacobian

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/numeric"
	"github.com/gobackprop/backprop/op"
)

// Mode is how a Jacobian is computed.
type Mode int

const (
	// Auto is Forward when the program has fewer inputs than outputs,
	// Reverse otherwise.
	Auto Mode = iota
	// Forward computes the Jacobian column by column, one JVP per input.
	Forward
	// Reverse computes it row by row, one VJP per output.
	Reverse
)

// String returns "auto", "forward" or "reverse".
func (m Mode) String() string {
	switch m {
	case Forward:
		return "forward"
	case Reverse:
		return "reverse"
	}
	return "auto"
}

// Choose returns the mode Auto stands for with n inputs and m outputs.
func Choose(n, m int) Mode {
	if n < m {
		return Forward
	}
	return Reverse
}

// Jacobian stores the Jacobian of p at x in dst, row k the derivatives of
// output k, and the outputs in values unless it is nil; it returns dst.
// If dst is nil a new m×n matrix is allocated. Entries are NaN where an
// output is NaN or the entry is not finite, in both modes (op.Derivative).
// It panics if the lengths do not match p.
func Jacobian(dst *mat.Dense, values []float64, p *compile.Program, x []float64, mode Mode) *mat.Dense {
	n, m := p.NumInputs(), p.NumOutputs()
	if dst == nil {
		dst = mat.NewDense(m, n, nil)
	} else if r, c := dst.Dims(); r != m || c != n {
		panic(fmt.Sprintf("jacobian: dst is %d×%d, want %d×%d", r, c, m, n))
	}
	if mode == Auto {
		mode = Choose(n, m)
	}
	w := p.NewWorkspace()
	vals := values
	if vals == nil {
		vals = make([]float64, m)
	}
	switch mode {
	case Forward:
		e, col := make([]float64, n), make([]float64, m)
		for j := range n {
			clear(e)
			e[j] = 1
			w.JVPs(col, vals, x, e)
			for k := range m {
				dst.Set(k, j, col[k])
			}
		}
		if n == 0 {
			w.Values(vals, x)
		}
	default:
		u, row := make([]float64, m), make([]float64, n)
		for k := range m {
			clear(u)
			u[k] = 1
			w.VJP(row, vals, x, u)
			dst.SetRow(k, row)
		}
	}
	return dst
}

// Numeric returns the Jacobian of p at x by adaptive differences of its
// outputs (numeric.Adaptive), for checking the others.
func Numeric(p *compile.Program, x []float64) *mat.Dense {
	n, m := p.NumInputs(), p.NumOutputs()
	w := p.NewWorkspace()
	vals := make([]float64, m)
	w.Values(vals, x)
	base := slices.Clone(vals)
	xs := slices.Clone(x)
	j := mat.NewDense(m, n, nil)
	for c := range n {
		for k := range m {
			d := numeric.Derivative(func(s float64) float64 {
				xs[c] = s
				w.Values(vals, xs)
				xs[c] = x[c]
				return vals[k]
			}, x[c], &numeric.Settings{Formula: numeric.Adaptive})
			j.Set(k, c, op.Derivative(base[k], d))
		}
	}
	return j
}
