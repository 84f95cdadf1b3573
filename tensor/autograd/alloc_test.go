//go:build !race

// The race detector allocates on its own, hence the build tag: the counts
// below hold without it.

package autograd_test

import (
	"fmt"
	"testing"

	"github.com/gobackprop/backprop/tensor"
)

// TestMLPStepAllocs checks that a warm training step of the 784-128-10
// network allocates nothing: the tape's arena gives every record its
// buffers of the step before, and package gemm's kernels allocate
// nothing per call. (testing.AllocsPerRun runs with GOMAXPROCS 1, so gemm
// takes its serial path here; its own TestNoAllocs covers the parallel
// one.)
func TestMLPStepAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("a network of 100,000 weights")
	}
	for _, batch := range []int{64, 256} {
		t.Run(fmt.Sprintf("f32/b%d", batch), func(t *testing.T) { testStepAllocs[float32](t, batch) })
		t.Run(fmt.Sprintf("f64/b%d", batch), func(t *testing.T) { testStepAllocs[float64](t, batch) })
	}
}

func testStepAllocs[T tensor.Float](t *testing.T, batch int) {
	m, x, labels := mnistSized[T](batch)
	if a := testing.AllocsPerRun(5, func() { m.Step(x, labels, 0.1) }); a != 0 {
		t.Errorf("%T batch %d: %v allocations per step, want 0", T(0), batch, a)
	}
}
