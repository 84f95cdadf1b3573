//go:build !race

package gemm

import (
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// TestNoAllocs checks that a warm call allocates nothing, serial or
// parallel. (The race detector allocates, hence the build tag.)
func TestNoAllocs(t *testing.T) {
	prev := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(prev)
	for _, d := range []dims{{64, 10, 128}, {64, 128, 784}, {300, 300, 300}} {
		a := make([]float64, d.m*d.k)
		b := make([]float64, d.k*d.n)
		c := make([]float64, d.m*d.n)
		f := func() { Dgemm(blas.NoTrans, blas.Trans, d.m, d.n, d.k, 1, a, d.k, b, d.k, 0, c, d.n) }
		f()
		if n := testing.AllocsPerRun(20, f); n != 0 {
			t.Errorf("%v: %v allocations a call, want 0", d, n)
		}
	}
}
