package compile_test

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
)

// seedTests are the seed's programs and figures, from package seedtest.
var seedTests = seedtest.Cases()

// seedTol is the relative tolerance of the compiled gradients against the
// seed's figures, which have 15 digits.
const seedTol = 1e-12

func seedProgram(t testing.TB, i int) *compile.Program {
	t.Helper()
	prog, fn := seedTests[i].Parse(t)
	p, err := compile.Func(prog.Graph, fn, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSeed(t *testing.T) {
	for i, tt := range seedTests {
		t.Run(tt.Name, func(t *testing.T) {
			p := seedProgram(t, i)
			got := make([]float64, p.NumInputs())
			p.Gradient(got, tt.X)
			for j := range got {
				if !close(got[j], tt.Grad[j], seedTol) {
					t.Errorf("∂f/∂x%d = %.15g, want %.15g", j+1, got[j], tt.Grad[j])
				}
			}
		})
	}
}

// close reports whether a and b agree to a relative tolerance tol.
func close(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}
