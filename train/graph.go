package train

import (
	"slices"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// Graph records one training step of net on the batch x with its labels
// on a new tape and returns the graph of its loss, for package draw's
// Ops: the batch is named "images", the labels are the cross-entropy's,
// and the parameters' leaves carry their names (0.weight, 0.bias, …).
//
// Modules put their parameters on the tape themselves, so Graph finds
// them as the leaves after the batch, in the order of Params, matching
// each by its shape; a leaf that does not match (a dropout mask, say) is
// left unnamed.
func Graph[T tensor.Float](net nn.Module[T], x *tensor.Dense[T], labels []int) []autograd.Node {
	tp := autograd.New[T]()
	in := tp.Const(x)
	loss := nn.SoftmaxCrossEntropy(net.Forward(tp, in), labels)
	nodes := tp.Graph(loss, map[string]autograd.Var[T]{"images": in})
	ps := net.Params()
	k := 0
	for i := range nodes {
		n := &nodes[i]
		if k == len(ps) {
			break
		}
		if n.Op == "" && n.Name == "" && slices.Equal(n.Shape, ps[k].Value.Shape()) {
			n.Name = ps[k].Name
			k++
		}
	}
	return nodes
}
