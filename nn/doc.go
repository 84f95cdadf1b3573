// Package nn is neural-network layers and losses on the array engine of
// package tensor/autograd.
//
//	r := rand.New(rand.NewPCG(1, 2))
//	net := nn.NewSequential[float32](
//		nn.NewLinear[float32](r, 784, 128, nn.PyTorch),
//		nn.ReLU[float32]{},
//		nn.NewLinear[float32](r, 128, 10, nn.PyTorch),
//	)
//	params := net.Params() // 0.weight, 0.bias, 2.weight, 2.bias
//	t := autograd.New[float32]()
//	var grads []*tensor.Dense[float32]
//	for each batch x, labels {
//		t.Reset()
//		loss := nn.SoftmaxCrossEntropy(net.Forward(t, t.Const(x)), labels)
//		t.Backward(loss)
//		grads = net.Grads(t, grads[:0]) // in the order of params
//		// update params[i].Value from grads[i], with package optim
//	}
//
// # Parameters
//
// A [Module] lists its parameters explicitly, with [Module.Params], each
// with a name ([Param]); [Sequential] prefixes its layers' names with
// their positions, as PyTorch's state_dict does (0.weight, 0.bias, …).
// There is no reflection: a new layer writes its own Params.
//
// # A step
//
// [Module.Forward] puts the module's parameters on the tape with
// [autograd.Tape.Var] (the tape keeps the arrays without copying them,
// so they may be updated in place between steps) and remembers those
// Vars; after [autograd.Tape.Backward], [Module.Grads] appends their
// gradients in the order of Params. A module's Forward must therefore be
// called once per step, on one tape (a layer used twice in a step would
// report the gradient of its second use only). With the tape's arena, a
// warm step of Linear, ReLU and SoftmaxCrossEntropy allocates nothing
// when Grads appends to a slice of enough capacity.
//
// # Layers
//
// [Linear], [Conv2D] (NCHW, PyTorch's layout, with the stride, padding
// and dilation of a [tensor.Window]), [MaxPool2D], [Flatten], the
// activations [ReLU], [Tanh], [Sigmoid] and [Softmax], and [Dropout];
// the losses [SoftmaxCrossEntropy] and [MSE]. [NewMLP] and [NewMNISTCNN]
// build the networks of the MNIST benchmarks. Every layer and loss is
// checked against central differences (TestLayerGradients). A warm
// step of a CNN, Flatten's reshape included, allocates nothing on
// batches small enough to run on one goroutine (TestCNNStepAllocs).
//
// # Training and evaluation
//
// Layers that behave differently in training and in evaluation
// implement [Trainer]: [Dropout] zeroes elements with probability P and
// scales the others by 1/(1-P) in training, and is the identity in
// evaluation. [Sequential.SetTraining] switches its layers, as PyTorch's
// train() and eval(). Modules start in training. Dropout draws its masks
// from the *rand.Rand it is given, so that a run with a seeded rand.PCG
// (whose state a checkpoint can marshal) is reproducible and resumable.
package nn
