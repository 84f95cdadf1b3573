//go:build !race

package optim_test

import (
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
)

// TestStepAllocs checks that every optimiser's Step, once warm, and
// ClipGradNorm allocate nothing.
func TestStepAllocs(t *testing.T) {
	ps := []nn.Param[float32]{{Name: "w", Value: tensor.Ones[float32](3, 4)}, {Name: "b", Value: tensor.Ones[float32](4)}}
	gs := []*tensor.Dense[float32]{tensor.Full[float32](0.5, 3, 4), tensor.Full[float32](0.5, 4)}
	for name, step := range map[string]func([]*tensor.Dense[float32]){
		"sgd":      optim.NewSGD(ps, optim.SGDSettings{LR: 0.1}).Step,
		"momentum": optim.NewSGD(ps, optim.SGDSettings{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 0.1}).Step,
		"adam":     optim.NewAdam(ps, optim.AdamSettings{LR: 0.1}).Step,
		"adamw":    optim.NewAdamW(ps, optim.AdamSettings{LR: 0.1, WeightDecay: 0.1}).Step,
		"clip":     func(g []*tensor.Dense[float32]) { optim.ClipGradNorm(g, 1e-3) },
	} {
		step(gs)
		if a := testing.AllocsPerRun(10, func() { step(gs) }); a != 0 {
			t.Errorf("%s: %v allocations per step, want 0", name, a)
		}
	}
}
