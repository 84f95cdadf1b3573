package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// reseeded is a Dropout whose Rand is made again from one seed at every
// Forward: a fixed mask, for central differences.
type reseeded struct{ *nn.Dropout[float64] }

func (d reseeded) Forward(t *autograd.Tape[float64], x autograd.Var[float64]) autograd.Var[float64] {
	d.Rand = rand.New(rand.NewPCG(8, 9))
	return d.Dropout.Forward(t, x)
}

// distinct returns an array of the given shape whose elements are a
// permutation of multiples of 0.05 (scaled to about ±1): no ties and no
// kinks within central differences' steps, for max-pooling and ReLU.
func distinct(r *rand.Rand, shape ...int) *dense {
	x := tensor.Zeros[float64](shape...)
	d := x.Data()
	for i, p := range r.Perm(len(d)) {
		d[i] = (float64(p) - float64(len(d))/2 + 0.5) * 0.05 * 40 / float64(len(d))
	}
	return x
}

// TestLayerGradients checks the gradients of every layer in nn (with
// respect to the input and the parameters) against central
// differences, in float64.
func TestLayerGradients(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	pad := tensor.Window{Padding: [2]int{1, 1}}
	strided := tensor.Window{Stride: [2]int{2, 1}, Padding: [2]int{1, 2}}
	dilated := tensor.Window{Stride: [2]int{1, 2}, Dilation: [2]int{2, 1}}
	for _, tc := range []struct {
		name string
		m    nn.Module[float64]
		x    *dense
	}{
		{"linear", nn.NewLinear[float64](r, 4, 3, nn.PyTorch), tensor.RandNormal[float64](r, 2, 4)},
		{"relu", nn.ReLU[float64]{}, awayFromZero(r, 3, 4)},
		{"tanh", nn.Tanh[float64]{}, tensor.RandNormal[float64](r, 3, 4)},
		{"sigmoid", nn.Sigmoid[float64]{}, tensor.RandNormal[float64](r, 3, 4)},
		{"softmax", nn.Softmax[float64]{}, tensor.RandNormal[float64](r, 3, 4)},
		{"conv2d", nn.NewConv2D[float64](r, 2, 3, 3, 3, tensor.Window{}, nn.PyTorch), tensor.RandNormal[float64](r, 2, 2, 5, 6)},
		{"conv2d/padding", nn.NewConv2D[float64](r, 2, 3, 3, 3, pad, nn.He), tensor.RandNormal[float64](r, 2, 2, 5, 5)},
		{"conv2d/stride", nn.NewConv2D[float64](r, 1, 2, 3, 2, strided, nn.Glorot), tensor.RandNormal[float64](r, 2, 1, 7, 6)},
		{"conv2d/dilation", nn.NewConv2D[float64](r, 2, 2, 2, 3, dilated, nn.PyTorch), tensor.RandNormal[float64](r, 1, 2, 6, 7)},
		{"conv2d/nobias", &nn.Conv2D[float64]{Weight: tensor.RandNormal[float64](r, 2, 2, 3, 3), Window: pad}, tensor.RandNormal[float64](r, 1, 2, 4, 4)},
		{"maxpool2d", nn.MaxPool2D[float64]{KH: 2, KW: 2}, distinct(r, 2, 2, 4, 6)},
		{"maxpool2d/overlapping", nn.MaxPool2D[float64]{KH: 3, KW: 3, Window: tensor.Window{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}}}, distinct(r, 1, 2, 5, 5)},
		{"flatten", nn.Flatten[float64]{}, tensor.RandNormal[float64](r, 2, 3, 2, 2)},
		{"dropout", reseeded{nn.NewDropout[float64](nil, 0.3)}, tensor.RandNormal[float64](r, 4, 5)},
		{"cnn", nn.NewSequential(
			nn.NewConv2D[float64](r, 1, 2, 3, 3, pad, nn.PyTorch),
			nn.ReLU[float64]{},
			nn.MaxPool2D[float64]{KH: 2, KW: 2},
			nn.Flatten[float64]{},
			nn.NewLinear[float64](r, 2*3*3, 3, nn.PyTorch),
			nn.Softmax[float64]{},
		), distinct(r, 2, 1, 6, 6)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// He and Glorot leave biases zero: make them something.
			for _, p := range tc.m.Params() {
				if p.Value.Rank() == 1 {
					copy(p.Value.Data(), tensor.RandNormal[float64](r, p.Value.Shape()...).Data())
				}
			}
			checkModule(t, r, tc.m, tc.x)
		})
	}
	t.Run("softmaxcrossentropy", func(t *testing.T) {
		logits := tensor.RandNormal[float64](r, 3, 4)
		var v vr
		gradCheck(t, []*dense{logits}, func(tp *tape) vr {
			v = tp.Var(logits)
			return nn.SoftmaxCrossEntropy(v, []int{2, 0, 3})
		}, func(tp *tape) []*dense { return []*dense{tp.Grad(v)} })
	})
	t.Run("mse", func(t *testing.T) {
		pred, target := tensor.RandNormal[float64](r, 3, 2), tensor.RandNormal[float64](r, 3, 2)
		var p, q vr
		gradCheck(t, []*dense{pred, target}, func(tp *tape) vr {
			p, q = tp.Var(pred), tp.Var(target)
			return nn.MSE(p, q)
		}, func(tp *tape) []*dense { return []*dense{tp.Grad(p), tp.Grad(q)} })
	})
}

// TestDropout checks the mask's scale and rate in training, the
// identity in evaluation, and that Sequential switches its layers.
func TestDropout(t *testing.T) {
	const p = 0.25
	d := nn.NewDropout[float64](rand.New(rand.NewPCG(1, 1)), p)
	s := nn.NewSequential[float64](nn.ReLU[float64]{}, d)
	x := tensor.Ones[float64](100, 100)
	tp := autograd.New[float64]()
	y := s.Forward(tp, tp.Const(x)).Value().Data()
	zeros := 0
	for _, v := range y {
		switch v {
		case 0:
			zeros++
		case 1 / (1 - p):
		default:
			t.Fatalf("element %v, want 0 or %v", v, 1/(1-p))
		}
	}
	if f := float64(zeros) / float64(len(y)); math.Abs(f-p) > 0.02 {
		t.Errorf("%v of the elements zeroed, want about %v", f, p)
	}
	s.SetTraining(false)
	for _, v := range s.Forward(tp, tp.Const(x)).Value().Data() {
		if v != 1 {
			t.Fatalf("evaluation: element %v, want 1", v)
		}
	}
	s.SetTraining(true)
	if s.Forward(tp, tp.Const(x)).Value().Data()[0] == 1 {
		// 1 is not a value of the mask.
		t.Errorf("training again: element 1, not masked")
	}
}

// TestModels checks the models' parameter names and shapes and that the
// CNN maps a batch of images to logits.
func TestModels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		m    *nn.Sequential[float32]
		x    []int
		want string
	}{
		{nn.NewMLP[float32](r, 784, 128, 10), []int{3, 784}, "0.weight[784 128] 0.bias[128] 2.weight[128 10] 2.bias[10]"},
		{nn.NewMNISTCNN[float32](r), []int{3, 1, 28, 28}, "0.weight[16 1 5 5] 0.bias[16] 3.weight[32 16 5 5] 3.bias[32] 7.weight[1568 10] 7.bias[10]"},
	} {
		got := ""
		for i, p := range tc.m.Params() {
			if i > 0 {
				got += " "
			}
			got += p.Name + fmt.Sprint(p.Value.Shape())
		}
		if got != tc.want {
			t.Errorf("params %s, want %s", got, tc.want)
		}
		tp := autograd.New[float32]()
		if y := tc.m.Forward(tp, tp.Const(tensor.Zeros[float32](tc.x...))); !y.Value().HasShape(3, 10) {
			t.Errorf("output %v, want [3 10]", y.Shape())
		}
	}
}

// TestConvInit checks the bounds of PyTorch's initialisation of a
// convolution: uniform in ±1/√(in·kh·kw) for weights and biases.
func TestConvInit(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 3))
	c := nn.NewConv2D[float64](r, 16, 200, 5, 5, tensor.Window{}, nn.PyTorch)
	bound := 1 / math.Sqrt(16*5*5)
	for _, p := range c.Params() {
		m := 0.0
		for _, v := range p.Value.Data() {
			m = max(m, math.Abs(v))
		}
		if m > bound || m < 0.95*bound {
			t.Errorf("%s: max |element| %v, want just under %v", p.Name, m, bound)
		}
	}
}
