package compile_test

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// TestConcurrent runs the methods of one Program from many goroutines at
// once; go test -race checks that they share nothing but the Program, and
// the results must be those of a serial run.
func TestConcurrent(t *testing.T) {
	const n, points, goroutines = 100, 16, 8
	p := rosenbrockProgram(t, n)
	rnd := rand.New(rand.NewPCG(7, 8))
	xs := make([][]float64, points)
	wantVal := make([]float64, points)
	wantGrad := make([][]float64, points)
	wantTan := make([]float64, points)
	dir := make([]float64, n)
	for i := range dir {
		dir[i] = rnd.NormFloat64()
	}
	for i := range xs {
		xs[i] = make([]float64, n)
		for j := range xs[i] {
			xs[i][j] = 2 * rnd.NormFloat64()
		}
		wantGrad[i] = make([]float64, n)
		wantVal[i] = p.Gradient(wantGrad[i], xs[i])
		_, wantTan[i] = p.JVP(xs[i], dir)
	}
	var wg sync.WaitGroup
	for k := range goroutines {
		wg.Go(func() {
			w := p.NewWorkspace()
			grad := make([]float64, n)
			for r := range 20 {
				i := (k + r) % points
				var v float64
				for j := range grad {
					grad[j] = math.NaN() // no result of an earlier call can pass
				}
				withGrad := true
				switch r % 4 {
				case 0:
					v = p.Gradient(grad, xs[i])
				case 1:
					v = w.Gradient(grad, xs[i])
				case 2:
					var err error
					if v, err = p.Check(grad, xs[i]); err != nil {
						t.Error(err)
					}
				case 3:
					var tan float64
					if v, tan = p.JVP(xs[i], dir); tan != wantTan[i] {
						t.Errorf("point %d: tangent %v, want %v", i, tan, wantTan[i])
					}
					withGrad = false // JVP computes no gradient
				}
				if v != wantVal[i] || p.Value(xs[i]) != wantVal[i] {
					t.Errorf("point %d: value %v, want %v", i, v, wantVal[i])
				}
				for j := range grad {
					if withGrad && grad[j] != wantGrad[i][j] {
						t.Errorf("point %d: gradient differs at %d: %v, want %v", i, j, grad[j], wantGrad[i][j])
						break
					}
				}
			}
		})
	}
	wg.Wait()
}

// TestGradientBatch checks that a batch gives the gradients and values of
// serial calls, bit for bit, for batches smaller and larger than the
// number of goroutines.
func TestGradientBatch(t *testing.T) {
	const n = 40
	p := rosenbrockProgram(t, n)
	rnd := rand.New(rand.NewPCG(9, 10))
	for _, m := range []int{0, 1, 2, 3, 17, 100} {
		xs := make([][]float64, m)
		dst := make([][]float64, m)
		values := make([]float64, m)
		for i := range xs {
			xs[i] = make([]float64, n)
			for j := range xs[i] {
				xs[i][j] = rnd.NormFloat64()
			}
			dst[i] = make([]float64, n)
		}
		p.GradientBatch(dst, xs, values)
		p.GradientBatch(dst, xs, nil)
		grad := make([]float64, n)
		for i := range xs {
			if v := p.Gradient(grad, xs[i]); v != values[i] {
				t.Errorf("batch of %d: value %d = %v, want %v", m, i, values[i], v)
			}
			for j := range grad {
				if dst[i][j] != grad[j] {
					t.Fatalf("batch of %d: gradient %d differs at %d: %v, want %v", m, i, j, dst[i][j], grad[j])
				}
			}
		}
	}
}

// TestAllocs checks that evaluations do not allocate once warm.
func TestAllocs(t *testing.T) {
	p := seedProgram(t, 0)
	w := p.NewWorkspace()
	x, v := []float64{2, 3}, []float64{1, -1}
	dst := make([]float64, 2)
	tests := []struct {
		name string
		pool bool
		f    func()
	}{
		{"Workspace.Gradient", false, func() { w.Gradient(dst, x) }},
		{"Workspace.Value", false, func() { w.Value(x) }},
		{"Workspace.JVP", false, func() { w.JVP(x, v) }},
		{"Workspace.Check", false, func() { w.Check(dst, x) }},
		{"Program.Gradient", true, func() { p.Gradient(dst, x) }},
		{"Program.Value", true, func() { p.Value(x) }},
		{"Program.JVP", true, func() { p.JVP(x, v) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.pool && raceEnabled {
				t.Skip("the race detector makes sync.Pool drop workspaces")
			}
			tt.f() // warm up
			if a := testing.AllocsPerRun(100, tt.f); a != 0 {
				t.Errorf("%v allocations per run, want 0", a)
			}
		})
	}
}
