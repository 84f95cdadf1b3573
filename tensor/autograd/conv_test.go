package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/tensor"
)

// convWindows are windows with strides, paddings and dilations, for
// kernels of 3×3 or less and inputs of 7×7 or more.
var convWindows = []tensor.Window{
	{},
	{Padding: [2]int{1, 1}},
	{Stride: [2]int{2, 1}, Padding: [2]int{1, 0}},
	{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 1}},
}

// convJVPCases are the convolution's primitives, alone and as a layer,
// for TestJVP: forward mode against central differences and reverse
// mode.
func convJVPCases[T tensor.Float]() []jvpCase[T] {
	var cs []jvpCase[T]
	for _, win := range convWindows {
		conv := func(r *rand.Rand) [][]int {
			n, c, o := 1+r.IntN(2), 1+r.IntN(3), 1+r.IntN(3)
			return [][]int{{n, c, 7 + r.IntN(3), 7 + r.IntN(3)}, {o, c, 1 + r.IntN(3), 1 + r.IntN(3)}, {o}}
		}
		cs = append(cs,
			jvpCase[T]{fmt.Sprintf("conv2d %v", win), conv, -1, 1,
				func(x []Dual[T]) Dual[T] { return AddBiasDual(Conv2DDual(x[0], x[1], win), x[2], 1) },
				func(x []Var[T]) Var[T] { return AddBias(Conv2D(x[0], x[1], win), x[2], 1) }},
			// Random elements have no ties, and a small change does not
			// move a maximum.
			jvpCase[T]{fmt.Sprintf("maxpool2d %v", win), func(r *rand.Rand) [][]int {
				return [][]int{{1 + r.IntN(2), 1 + r.IntN(3), 7 + r.IntN(3), 7 + r.IntN(3)}}
			}, -1, 1,
				func(x []Dual[T]) Dual[T] { return MaxPool2DDual(x[0], 3, 2, win) },
				func(x []Var[T]) Var[T] { return MaxPool2D(x[0], 3, 2, win) }},
		)
	}
	return cs
}

// TestConvReuseMatchesRules checks the reusing rules of conv2d,
// maxpool2d and addbias against the table's rules, bit for bit, with no
// buffers and with buffers holding garbage.
func TestConvReuseMatchesRules(t *testing.T) {
	testConvReuse[float64](t)
	testConvReuse[float32](t)
}

func testConvReuse[T tensor.Float](t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	rules, reuse := newRules[T](), newReuseRules[T]()
	garbage := func(x *tensor.Dense[T]) *tensor.Dense[T] {
		if x == nil {
			return nil
		}
		return tensor.Full(T(math.NaN()), x.Shape()...)
	}
	for _, win := range convWindows {
		x := tensor.RandNormal[T](r, 2, 3, 8, 7)
		w := tensor.RandNormal[T](r, 4, 3, 3, 2)
		y := tensor.Conv2D(x, w, win)
		b := tensor.RandNormal[T](r, 4)
		pool := tensor.Window{Stride: win.Stride, Padding: win.Padding, Dilation: win.Dilation}
		for _, c := range []struct {
			p    prim
			pa   param[T]
			args [2]*tensor.Dense[T]
		}{
			{conv2d, param[T]{win: win, work: new(tensor.ConvWork[T])}, [2]*tensor.Dense[T]{x, w}},
			{maxpool2d, param[T]{axes: []int{3, 3}, win: pool, labels: make([]int, poolSize(x, 3, 3, pool))}, [2]*tensor.Dense[T]{x}},
			{addbias, param[T]{axes: []int{1}}, [2]*tensor.Dense[T]{y, b}},
		} {
			name := fmt.Sprintf("%T %s %v", T(0), rules[c.p].name, win)
			want := rules[c.p].forward(&c.pa, c.args)
			for _, dst := range []*tensor.Dense[T]{nil, garbage(want)} {
				got := reuse[c.p].forward(&c.pa, c.args, dst)
				if !sameArray(got, want) || dst != nil && got != dst {
					t.Fatalf("%s: forward\n%v\nwant\n%v", name, got, want)
				}
			}
			g := tensor.RandNormal[T](r, want.Shape()...)
			wx, wy := rules[c.p].vjp(&c.pa, g, c.args, want)
			for _, need := range [][2]bool{{true, c.args[1] != nil}, {false, c.args[1] != nil}} {
				for _, dst := range [][2]*tensor.Dense[T]{{}, {garbage(wx), garbage(wy)}} {
					gx, gy, ok := reuse[c.p].vjp(&c.pa, g, c.args, want, need, dst)
					if !ok {
						t.Fatalf("%s: the reusing VJP declines", name)
					}
					if need[0] && !sameArray(gx, wx) || need[1] && !sameArray(gy, wy) {
						t.Fatalf("%s: VJP\n%v\n%v\nwant\n%v\n%v", name, gx, gy, wx, wy)
					}
				}
			}
		}
	}
}

// TestConvStepReuses checks that a second step of a small CNN on one tape
// gives the same gradients as the first, bit for bit, from the arena's
// buffers.
func TestConvStepReuses(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	x := tensor.RandNormal[float64](r, 3, 2, 8, 8)
	w1, b1 := tensor.RandNormal[float64](r, 4, 2, 3, 3), tensor.RandNormal[float64](r, 4)
	w2 := tensor.RandNormal[float64](r, 64, 3)
	tp := New[float64]()
	var first []*tensor.Dense[float64]
	for step := range 3 {
		tp.Reset()
		vs := []Var[float64]{tp.Var(w1), tp.Var(b1), tp.Var(w2)}
		h := Relu(AddBias(Conv2D(tp.Const(x), vs[0], tensor.Window{Padding: [2]int{1, 1}}), vs[1], 1))
		h = MaxPool2D(h, 2, 2, tensor.Window{})
		loss := Mean(SoftmaxCrossEntropy(MatMul(Reshape(h, 3, 64), vs[2]), []int{0, 1, 2}), nil, false)
		tp.Backward(loss)
		for i, v := range vs {
			g := tp.Grad(v)
			if step == 0 {
				first = append(first, g.Clone())
			} else if !sameArray(g, first[i]) {
				t.Fatalf("step %d: gradient %d differs from the first step's", step, i)
			}
		}
	}
}
