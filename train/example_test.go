package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/train"
)

// Train a small network to tell which of four features is the largest,
// and print each epoch's record.
func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	data := func(n int) train.Data[float32] {
		x := tensor.RandUniform[float32](r, 0, 1, n, 4)
		labels := make([]int, n)
		train.Argmax(labels, x)
		return train.Data[float32]{X: x, Labels: labels}
	}
	net := nn.NewSequential(
		nn.NewLinear[float32](r, 4, 32, nn.PyTorch),
		nn.ReLU[float32]{},
		nn.NewLinear[float32](r, 32, 4, nn.PyTorch),
	)
	tr := &train.Trainer[float32]{
		Net:      net,
		Opt:      optim.NewAdam(net.Params(), optim.AdamSettings{LR: 0.01}),
		Train:    data(2000),
		Test:     data(500),
		Settings: train.Settings{Epochs: 5, Batch: 32, Seed: 1},
	}
	tr.OnEpoch = func(e train.Epoch) error {
		fmt.Printf("epoch %d: test accuracy %.2f\n", e.Epoch, e.TestAccuracy)
		return nil
	}
	if err := tr.Run(context.Background()); err != nil {
		fmt.Println(err)
	}
	fmt.Println(len(tr.History), "epochs,", tr.Steps, "steps")
	// Output:
	// epoch 1: test accuracy 0.90
	// epoch 2: test accuracy 0.93
	// epoch 3: test accuracy 0.97
	// epoch 4: test accuracy 0.98
	// epoch 5: test accuracy 0.96
	// 5 epochs, 315 steps
}
