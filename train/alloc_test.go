//go:build !race

package train_test

import (
	"context"
	"testing"

	"github.com/gobackprop/backprop/train"
)

// TestEpochAllocs checks that, once warm, an epoch of steps allocates
// nothing: a second epoch without evaluation makes no more allocations
// than a handful, whatever its number of steps.
func TestEpochAllocs(t *testing.T) {
	for _, opt := range []string{"sgd", "momentum", "adam"} {
		tr := newTrainer("", opt)
		tr.Test = train.Data[float32]{}
		tr.Epochs = 1
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		a := testing.AllocsPerRun(3, func() {
			tr.Epochs++
			if err := tr.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
		// The history grows by one record; 16 steps must add nothing.
		if a > 2 {
			t.Errorf("%s: %v allocations per epoch of 16 steps", opt, a)
		}
	}
}
