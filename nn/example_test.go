package nn_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// A network of two layers learns XOR with Adam.
func Example() {
	r := rand.New(rand.NewPCG(1, 2))
	net := nn.NewSequential(
		nn.NewLinear[float64](r, 2, 8, nn.He),
		nn.Tanh[float64]{},
		nn.NewLinear[float64](r, 8, 2, nn.PyTorch),
	)
	params := net.Params()
	for _, p := range params {
		fmt.Println(p.Name, p.Value.Shape())
	}
	opt := optim.NewAdam(params, optim.AdamSettings{LR: 0.05})
	x := tensor.FromSlice([]float64{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2)
	labels := []int{0, 1, 1, 0}
	t := autograd.New[float64]()
	var grads []*tensor.Dense[float64]
	for step := range 101 {
		t.Reset()
		loss := nn.SoftmaxCrossEntropy(net.Forward(t, t.Const(x)), labels)
		t.Backward(loss)
		grads = net.Grads(t, grads[:0])
		opt.Step(grads)
		if step == 0 || step == 10 || step == 100 {
			fmt.Printf("step %d: loss %.3f\n", step, loss.Value().At())
		}
	}
	// Output:
	// 0.weight [2 8]
	// 0.bias [8]
	// 2.weight [8 2]
	// 2.bias [2]
	// step 0: loss 0.790
	// step 10: loss 0.470
	// step 100: loss 0.002
}
