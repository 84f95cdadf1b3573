package seedtest

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestExamples keeps the sources identical to the files of examples/.
func TestExamples(t *testing.T) {
	for _, c := range Cases() {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", c.File))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.Src {
			t.Errorf("%s: examples/%s differs from the source here", c.Name, c.File)
		}
		p, fn := c.Parse(t)
		if len(fn.Params) != len(c.X) || len(c.X) != len(c.Grad) || p.Graph.Len() == 0 {
			t.Errorf("%s: %d parameters, %d coordinates, %d partials", c.Name, len(fn.Params), len(c.X), len(c.Grad))
		}
	}
}

// TestRosenbrock checks the gradient by hand against central differences,
// and the starting point.
func TestRosenbrock(t *testing.T) {
	x := []float64{1.2, 1, -0.5, 2, 0.3}
	grad := RosenbrockGrad(nil, x)
	const h = 1e-6
	for i := range x {
		p := append([]float64(nil), x...)
		p[i] = x[i] + h
		up := Rosenbrock(p)
		p[i] = x[i] - h
		want := (up - Rosenbrock(p)) / (2 * h)
		if math.Abs(grad[i]-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("∂/∂x%d = %v, central differences %v", i, grad[i], want)
		}
	}
	if got := RosenbrockStart(3); got[0] != 1.2 || got[1] != 1 || got[2] != 1.2 {
		t.Errorf("RosenbrockStart(3) = %v", got)
	}
	if v := Rosenbrock(RosenbrockStart(4)); math.Abs(v-2*(100*0.44*0.44+0.04)) > 1e-12 {
		t.Errorf("Rosenbrock at the start = %v", v)
	}
}
