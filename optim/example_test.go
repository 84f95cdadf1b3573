package optim_test

import (
	"fmt"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
)

// SGD with Nesterov momentum and a cosine schedule minimises w² from
// w = 1, whose gradient is 2w.
func ExampleSGD() {
	w := tensor.FromSlice([]float64{1}, 1)
	opt := optim.NewSGD([]nn.Param[float64]{{Name: "w", Value: w}}, optim.SGDSettings{Momentum: 0.5, Nesterov: true})
	sched := optim.Cosine{LR: 0.2, Min: 0.01, Steps: 20}
	g := tensor.Zeros[float64](1)
	for step := range 20 {
		opt.LR = sched.At(step)
		g.Set(2*w.At(0), 0)
		opt.Step([]*tensor.Dense[float64]{g})
	}
	fmt.Printf("w = %.6f\n", w.At(0))
	// Output:
	// w = 0.000372
}
