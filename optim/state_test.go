package optim_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
)

// resumable is what a training loop needs of an optimiser to checkpoint
// it.
type resumable[T tensor.Float] interface {
	Step([]*tensor.Dense[T])
	State() []nn.Param[T]
	Steps() int
	SetSteps(int)
}

// run takes steps from params with gradients that depend on the weights
// and on a source seeded by the step number, so that a resumed run gets
// the same gradients as an uninterrupted one.
func run[T tensor.Float](o resumable[T], params []nn.Param[T], from, to int) {
	for step := from; step < to; step++ {
		r := rand.New(rand.NewPCG(uint64(step), 9))
		grads := make([]*tensor.Dense[T], len(params))
		for i, p := range params {
			w := p.Value.Data()
			g := make([]T, len(w))
			for j := range g {
				g[j] = w[j]*w[j]*T(0.3) - T(0.5) + T(r.NormFloat64())
			}
			grads[i] = tensor.FromSlice(g, p.Value.Shape()...)
		}
		o.Step(grads)
	}
}

func newParams[T tensor.Float]() []nn.Param[T] {
	r := rand.New(rand.NewPCG(1, 2))
	return []nn.Param[T]{
		{Name: "0.weight", Value: tensor.RandNormal[T](r, 3, 4)},
		{Name: "0.bias", Value: tensor.RandNormal[T](r, 3)},
	}
}

// save checkpoints params and o, and returns the checkpoint encoded.
func save[T tensor.Float](t *testing.T, o resumable[T], params []nn.Param[T]) []byte {
	s := checkpoint.New("optim test")
	for _, p := range params {
		checkpoint.AddDense(s, p.Name, p.Value)
	}
	for _, b := range o.State() {
		checkpoint.AddDense(s, "optim."+b.Name, b.Value)
	}
	s.SetInt("optim.steps", int64(o.Steps()))
	var buf bytes.Buffer
	if err := checkpoint.Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// restore decodes a checkpoint into params and o.
func restore[T tensor.Float](t *testing.T, data []byte, o resumable[T], params []nn.Param[T]) {
	s, err := checkpoint.Decode(bytes.NewReader(data), "optim test")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range params {
		if err := checkpoint.Dense(s, p.Name, p.Value); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range o.State() {
		if err := checkpoint.Dense(s, "optim."+b.Name, b.Value); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.Int("optim.steps")
	if err != nil {
		t.Fatal(err)
	}
	o.SetSteps(int(n))
}

func bitsOf[T tensor.Float](ps []nn.Param[T]) []uint64 {
	var bs []uint64
	for _, p := range ps {
		for _, x := range p.Value.Data() {
			bs = append(bs, math.Float64bits(float64(x)))
		}
	}
	return bs
}

// testResume checks that a run checkpointed after k steps and resumed
// with a fresh optimiser ends bit for bit where an uninterrupted run
// ends, for every k.
func testResume[T tensor.Float](t *testing.T, name string, mk func([]nn.Param[T]) resumable[T]) {
	const n = 8
	ref := newParams[T]()
	run(mk(ref), ref, 0, n)
	want := bitsOf(ref)
	for k := 0; k <= n; k++ {
		params := newParams[T]()
		o := mk(params)
		run(o, params, 0, k)
		data := save(t, o, params)
		run(o, params, k, k+2) // steps after the checkpoint, lost in the crash

		params = newParams[T]()
		for _, p := range params {
			tensor.AddScaledTo(p.Value, p.Value, 1, p.Value) // not the checkpoint's values
		}
		o = mk(params)
		restore(t, data, o, params)
		run(o, params, k, n)
		if got := bitsOf(params); !slices.Equal(got, want) {
			t.Errorf("%s: resumed after step %d: %v, uninterrupted %v", name, k, got, want)
		}
	}
}

func TestResume(t *testing.T) {
	sgd := func(s optim.SGDSettings) func([]nn.Param[float32]) resumable[float32] {
		return func(p []nn.Param[float32]) resumable[float32] { return optim.NewSGD(p, s) }
	}
	adam := func(w bool, s optim.AdamSettings) func([]nn.Param[float32]) resumable[float32] {
		return func(p []nn.Param[float32]) resumable[float32] {
			if w {
				return optim.NewAdamW(p, s)
			}
			return optim.NewAdam(p, s)
		}
	}
	for name, mk := range map[string]func([]nn.Param[float32]) resumable[float32]{
		"sgd":           sgd(optim.SGDSettings{LR: 0.1}),
		"sgd/decay":     sgd(optim.SGDSettings{LR: 0.1, WeightDecay: 0.01}),
		"sgd/momentum":  sgd(optim.SGDSettings{LR: 0.1, Momentum: 0.9}),
		"sgd/dampening": sgd(optim.SGDSettings{LR: 0.1, Momentum: 0.9, Dampening: 0.3, WeightDecay: 0.01}),
		"sgd/nesterov":  sgd(optim.SGDSettings{LR: 0.1, Momentum: 0.9, Nesterov: true}),
		"adam":          adam(false, optim.AdamSettings{LR: 0.01, WeightDecay: 0.01}),
		"adamw":         adam(true, optim.AdamSettings{LR: 0.01, WeightDecay: 0.1}),
	} {
		testResume(t, name, mk)
	}
	testResume(t, "adam/float64", func(p []nn.Param[float64]) resumable[float64] {
		return optim.NewAdam(p, optim.AdamSettings{LR: 0.01})
	})
}

func TestStateNames(t *testing.T) {
	p := newParams[float32]()
	var names []string
	for _, b := range optim.NewAdam(p, optim.AdamSettings{}).State() {
		names = append(names, b.Name)
	}
	for _, b := range optim.NewSGD(p, optim.SGDSettings{Momentum: 0.5}).State() {
		names = append(names, b.Name)
	}
	want := []string{"0.weight.exp_avg", "0.weight.exp_avg_sq", "0.bias.exp_avg", "0.bias.exp_avg_sq",
		"0.weight.momentum_buffer", "0.bias.momentum_buffer"}
	if !slices.Equal(names, want) {
		t.Errorf("state names %q, want %q", names, want)
	}
	if st := optim.NewSGD(p, optim.SGDSettings{LR: 1}).State(); st != nil {
		t.Errorf("plain SGD has state %v, want none", st)
	}
}
