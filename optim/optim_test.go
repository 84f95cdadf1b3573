package optim_test

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
)

// TestSteps takes three steps of each optimiser from w = (1, -2) with the
// gradients (0.5, 1), (-1, 2), (2, 0), and compares the parameters after
// each with torch.optim's (testdata/steps.py). The SGD rows were also
// worked by hand, e.g. momentum 0.9: buf = g₁ = (0.5, 1),
// w₁ = (0.95, -2.1); buf = 0.9·buf + g₂ = (-0.55, 2.9),
// w₂ = (1.005, -2.39); buf = (1.505, 2.61), w₃ = (0.8545, -2.651); and
// Nesterov: d₁ = g₁ + 0.9·buf = (0.95, 1.9), w₁ = (0.905, -2.19).
// Adam's first step is w - lr·sign(g) up to Eps.
func TestSteps(t *testing.T) {
	grads := [3][2]float64{{0.5, 1}, {-1, 2}, {2, 0}}
	type stepper interface {
		Step([]*tensor.Dense[float64])
	}
	makers := map[string]func([]nn.Param[float64]) stepper{
		"sgd":          func(p []nn.Param[float64]) stepper { return optim.NewSGD(p, optim.SGDSettings{LR: 0.1}) },
		"sgd/momentum": func(p []nn.Param[float64]) stepper { return optim.NewSGD(p, optim.SGDSettings{LR: 0.1, Momentum: 0.9}) },
		"sgd/dampening": func(p []nn.Param[float64]) stepper {
			return optim.NewSGD(p, optim.SGDSettings{LR: 0.1, Momentum: 0.9, Dampening: 0.5})
		},
		"sgd/nesterov": func(p []nn.Param[float64]) stepper {
			return optim.NewSGD(p, optim.SGDSettings{LR: 0.1, Momentum: 0.9, Nesterov: true})
		},
		"sgd/decay": func(p []nn.Param[float64]) stepper {
			return optim.NewSGD(p, optim.SGDSettings{LR: 0.1, WeightDecay: 0.1})
		},
		"sgd/momentum+decay": func(p []nn.Param[float64]) stepper {
			return optim.NewSGD(p, optim.SGDSettings{LR: 0.1, Momentum: 0.9, WeightDecay: 0.1})
		},
		"adam": func(p []nn.Param[float64]) stepper { return optim.NewAdam(p, optim.AdamSettings{LR: 0.1}) },
		"adam/decay": func(p []nn.Param[float64]) stepper {
			return optim.NewAdam(p, optim.AdamSettings{LR: 0.1, WeightDecay: 0.1})
		},
		"adamw": func(p []nn.Param[float64]) stepper {
			return optim.NewAdamW(p, optim.AdamSettings{LR: 0.1, WeightDecay: 0.1})
		},
		"adamw/betas": func(p []nn.Param[float64]) stepper {
			return optim.NewAdamW(p, optim.AdamSettings{LR: 0.01, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.5})
		},
	}
	for _, tc := range []struct {
		name string
		want [3][2]float64
	}{
		{"sgd", [3][2]float64{{0.95, -2.1}, {1.05, -2.3000000000000003}, {0.8500000000000001, -2.3000000000000003}}},
		{"sgd/momentum", [3][2]float64{{0.95, -2.1}, {1.005, -2.39}, {0.8544999999999999, -2.6510000000000002}}},
		{"sgd/dampening", [3][2]float64{{0.95, -2.1}, {0.955, -2.29}, {0.8594999999999999, -2.461}}},
		{"sgd/nesterov", [3][2]float64{{0.905, -2.19}, {1.0545, -2.651}, {0.71905, -2.8859}}},
		{"sgd/decay", [3][2]float64{{0.94, -2.08}, {1.0306, -2.2592}, {0.820294, -2.236608}}},
		{"sgd/momentum+decay", [3][2]float64{{0.94, -2.08}, {0.9765999999999999, -2.3312}, {0.799774, -2.5339679999999998}}},
		{"adam", [3][2]float64{{0.900000002, -2.099999999}, {0.9366103542405654, -2.1965182009718336}, {0.8946447927181046, -2.271127050729725}}},
		{"adam/decay", [3][2]float64{{0.9000000016666666, -2.09999999875}, {0.9252635194456061, -2.1952720095868674}, {0.8776172608049325, -2.2613473822490806}}},
		{"adamw", [3][2]float64{{0.890000002, -2.079999999}, {0.9177103542205653, -2.1557182009818336}, {0.8665676891558989, -2.208769868729907}}},
		{"adamw/betas", [3][2]float64{{0.98500001999996, -1.99999999000001}, {0.9842850427968248, -1.9998233830128673}, {0.9746713843577157, -1.9969425535374754}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tensor.FromSlice([]float64{1, -2}, 2)
			o := makers[tc.name]([]nn.Param[float64]{{Name: "w", Value: w}})
			for k, g := range grads {
				o.Step([]*tensor.Dense[float64]{tensor.FromSlice(g[:], 2)})
				for i, got := range w.Data() {
					if want := tc.want[k][i]; math.Abs(got-want) > 1e-14*(1+math.Abs(want)) {
						t.Errorf("step %d: w[%d] = %v, want %v", k+1, i, got, want)
					}
				}
			}
		})
	}
}

func TestClipGradNorm(t *testing.T) {
	a := tensor.FromSlice([]float64{3, 0}, 2)
	b := tensor.FromSlice([]float64{4}, 1)
	if n := optim.ClipGradNorm([]*tensor.Dense[float64]{a, b}, 10); n != 5 {
		t.Errorf("norm %v, want 5", n)
	}
	if a.At(0) != 3 || b.At(0) != 4 {
		t.Errorf("clipped below the bound: %v %v", a, b)
	}
	if n := optim.ClipGradNorm([]*tensor.Dense[float64]{a, b}, 1); n != 5 {
		t.Errorf("norm %v, want 5", n)
	}
	c := 1 / (5 + 1e-6)
	if a.At(0) != 3*c || b.At(0) != 4*c {
		t.Errorf("clipped to %v %v, want %v %v", a.At(0), b.At(0), 3*c, 4*c)
	}
	// One array listed twice: norm √2·5, scaled once.
	a = tensor.FromSlice([]float64{3, 4}, 2)
	if n := optim.ClipGradNorm([]*tensor.Dense[float64]{a, a}, 1); n != math.Sqrt(50) {
		t.Errorf("norm %v, want 5√2", n)
	}
	c = 1 / (math.Sqrt(50) + 1e-6)
	if a.At(0) != 3*c {
		t.Errorf("shared array scaled to %v, want %v", a.At(0), 3*c)
	}
}

func TestSchedules(t *testing.T) {
	s := optim.StepDecay{LR: 1, Every: 2, Gamma: 0.5}
	for epoch, want := range []float64{1, 1, 0.5, 0.5, 0.25} {
		if got := s.At(epoch); got != want {
			t.Errorf("StepDecay.At(%d) = %v, want %v", epoch, got, want)
		}
	}
	c := optim.Cosine{LR: 1, Min: 0.1, Steps: 4}
	for step, want := range []float64{1, 0.1 + 0.9*(1+math.Sqrt2/2)/2, 0.55, 0.1 + 0.9*(1-math.Sqrt2/2)/2, 0.1, 0.1} {
		if got := c.At(step); math.Abs(got-want) > 1e-15 {
			t.Errorf("Cosine.At(%d) = %v, want %v", step, got, want)
		}
	}
}

func TestMisuse(t *testing.T) {
	w := []nn.Param[float32]{{Name: "w", Value: tensor.Zeros[float32](2)}}
	for name, f := range map[string]func(){
		"count": func() { optim.NewSGD(w, optim.SGDSettings{LR: 1}).Step(nil) },
		"shape": func() {
			optim.NewAdam(w, optim.AdamSettings{LR: 1}).Step([]*tensor.Dense[float32]{tensor.Zeros[float32](3)})
		},
		"nesterov": func() { optim.NewSGD(w, optim.SGDSettings{LR: 1, Nesterov: true}) },
	} {
		func() {
			defer func() {
				if r, ok := recover().(string); !ok || len(r) < 7 || r[:7] != "optim: " {
					t.Errorf("%s: recovered %v, want a panic starting with \"optim: \"", name, r)
				}
			}()
			f()
		}()
	}
}
