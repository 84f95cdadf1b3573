package train_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/train"
)

func TestOrder(t *testing.T) {
	a, b, c := make([]int, 1000), make([]int, 1000), make([]int, 1000)
	train.Order(a, 7, 3)
	train.Order(b, 7, 3)
	train.Order(c, 7, 4)
	if !slices.Equal(a, b) {
		t.Error("Order is not a function of (seed, epoch)")
	}
	if slices.Equal(a, c) {
		t.Error("epochs 3 and 4 have one order")
	}
	s := slices.Clone(a)
	slices.Sort(s)
	for i, v := range s {
		if v != i {
			t.Fatalf("not a permutation: sorted[%d] = %d", i, v)
		}
	}
	// The sequence is pinned: a change would make checkpoints unresumable.
	p := make([]int, 10)
	train.Order(p, 1, 0)
	if want := []int{7, 6, 1, 3, 2, 4, 8, 9, 0, 5}; !slices.Equal(p, want) {
		t.Errorf("Order(10, seed 1, epoch 0) = %v, pinned %v", p, want)
	}
}

// blobs returns n samples of 8 features in 3 classes, separable but
// noisy.
func blobs(r *rand.Rand, n int) train.Data[float32] {
	x := tensor.Zeros[float32](n, 8)
	labels := make([]int, n)
	d := x.Data()
	for i := range n {
		c := r.IntN(3)
		labels[i] = c
		for j := range 8 {
			d[i*8+j] = float32(r.NormFloat64())
			if j%3 == c {
				d[i*8+j] += 1.5
			}
		}
	}
	return train.Data[float32]{X: x, Labels: labels}
}

func newTrainer(dir string, opt string) *train.Trainer[float32] {
	r := rand.New(rand.NewPCG(1, 2))
	net := nn.NewSequential[float32](
		nn.NewLinear[float32](r, 8, 16, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.NewLinear[float32](r, 16, 3, nn.PyTorch),
	)
	var src *rand.PCG
	if opt == "dropout" {
		src = rand.NewPCG(5, 6)
		net.Layers = slices.Insert(net.Layers, 2, nn.Module[float32](nn.NewDropout[float32](rand.New(src), 0.3)))
		opt = "adam"
	}
	var o train.Optimizer[float32]
	switch opt {
	case "sgd":
		o = optim.NewSGD(net.Params(), optim.SGDSettings{LR: 0.1})
	case "momentum":
		o = optim.NewSGD(net.Params(), optim.SGDSettings{LR: 0.1, Momentum: 0.9})
	case "adam":
		o = optim.NewAdam(net.Params(), optim.AdamSettings{LR: 0.01})
	}
	dr := rand.New(rand.NewPCG(3, 4))
	return &train.Trainer[float32]{
		Net: net, Opt: o, Rand: src,
		Train: blobs(dr, 500), Test: blobs(dr, 200),
		Settings: train.Settings{Epochs: 3, Batch: 32, Seed: 5, Checkpoint: dir, CheckpointEvery: 7, Kind: "test"},
	}
}

func TestLearns(t *testing.T) {
	tr := newTrainer("", "momentum")
	steps := 0
	tr.OnStep = func(train.Progress) { steps++ }
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := 3 * 16; steps != want || tr.Steps != want {
		t.Errorf("%d steps reported, %d taken, want %d", steps, tr.Steps, want)
	}
	if len(tr.History) != 3 || tr.History[2].TestAccuracy < 0.8 {
		t.Errorf("history %+v: want 3 epochs ending above 80%% accuracy", tr.History)
	}
	if len(tr.Predictions) != 200 {
		t.Errorf("%d predictions for 200 test samples", len(tr.Predictions))
	}
}

func params(tr *train.Trainer[float32]) [][]float32 {
	var ps [][]float32
	for _, p := range tr.Net.Params() {
		ps = append(ps, slices.Clone(p.Value.Data()))
	}
	return ps
}

// TestResume stops a run after each number of steps in turn, resumes it
// from its checkpoint in a new trainer, and checks that it ends with the
// weights and history of a run never stopped.
func TestResume(t *testing.T) {
	for _, opt := range []string{"sgd", "momentum", "adam", "dropout"} {
		ref := newTrainer("", opt)
		if err := ref.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		want := params(ref)
		for _, stop := range []int{1, 7, 15, 16, 17, 40} {
			dir := t.TempDir()
			tr := newTrainer(dir, opt)
			ctx, cancel := context.WithCancel(context.Background())
			tr.OnStep = func(p train.Progress) {
				if p.Step == stop {
					cancel()
				}
			}
			if err := tr.Run(ctx); err != context.Canceled {
				t.Fatalf("stopped run: %v", err)
			}
			tr = newTrainer(dir, opt)
			if err := tr.Resume(dir); err != nil {
				t.Fatal(err)
			}
			if tr.Steps != stop {
				t.Errorf("resumed at step %d, stopped at %d", tr.Steps, stop)
			}
			if err := tr.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := params(tr); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%s, stopped after step %d: the weights differ from an uninterrupted run's", opt, stop)
			}
			for i := range ref.History {
				g, w := tr.History[i], ref.History[i]
				g.Seconds, w.Seconds = 0, 0
				if g != w {
					t.Errorf("%s, stopped after step %d: epoch %d is %+v, uninterrupted %+v", opt, stop, i+1, g, w)
				}
			}
		}
	}
}

func TestGraphNamesParams(t *testing.T) {
	tr := newTrainer("", "momentum")
	nodes := train.Graph(tr.Net, tr.Train.X.Slice(0, 0, 4).Contiguous(), tr.Train.Labels[:4])
	var names []string
	for _, n := range nodes {
		if n.Name != "" {
			names = append(names, n.Name)
		}
	}
	if want := []string{"images", "0.weight", "0.bias", "2.weight", "2.bias"}; !slices.Equal(names, want) {
		t.Errorf("named leaves %v, want %v", names, want)
	}
}
