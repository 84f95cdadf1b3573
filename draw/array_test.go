package draw_test

import (
	"bytes"
	"context"
	"flag"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/golden"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

var opsPNG = flag.String("opspng", "", "also write the MLP step's graph as a PNG image to this file")

// mlpStep records a 784-128-10 network's loss on a batch of 64, as the
// MLP benchmark's training step does, and returns its graph.
func mlpStep() []autograd.Node {
	r := rand.New(rand.NewPCG(1, 2))
	t := autograd.New[float32]()
	x := t.Const(tensor.RandNormal[float32](r, 64, 784))
	w1 := t.Var(tensor.RandNormal[float32](r, 784, 128))
	b1 := t.Var(tensor.Zeros[float32](128))
	w2 := t.Var(tensor.RandNormal[float32](r, 128, 10))
	b2 := t.Var(tensor.Zeros[float32](10))
	labels := make([]int, 64)
	for i := range labels {
		labels[i] = i % 10
	}
	h := autograd.Relu(autograd.Add(autograd.MatMul(x, w1), b1))
	logits := autograd.Add(autograd.MatMul(h, w2), b2)
	loss := autograd.Mean(autograd.SoftmaxCrossEntropy(logits, labels), nil, false)
	return t.Graph(loss, map[string]autograd.Var[float32]{"w1": w1, "b1": b1, "w2": w2, "b2": b2})
}

// TestOpsDOT checks the drawing of an MLP step against a golden file
// (go test -update rewrites it): one node per operation with its shape,
// the parameters by name at the bottom, the loss at the top.
func TestOpsDOT(t *testing.T) {
	g := &draw.Ops{Nodes: mlpStep()}
	var b bytes.Buffer
	if err := g.DOT(&b); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "mlp_arrays.dot", b.Bytes())
	var svg bytes.Buffer
	if err := g.SVG(context.Background(), &svg); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"matmul", "64×128", "w1", "784×128", "softmaxcrossentropy"} {
		if !bytes.Contains(svg.Bytes(), []byte(s)) {
			t.Errorf("SVG lacks %q", s)
		}
	}
	if *opsPNG != "" {
		var png bytes.Buffer
		if err := g.PNG(context.Background(), &png); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*opsPNG, png.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
