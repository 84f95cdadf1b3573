// Package optim is optimisers that update the parameters of package nn in
// place from their gradients: [SGD] with momentum and Nesterov, [Adam]
// and AdamW ([NewAdamW]), with weight decay; learning-rate schedules
// ([StepDecay], [Cosine]); and clipping by global norm ([ClipGradNorm]).
//
//	opt := optim.NewSGD(net.Params(), optim.SGDSettings{LR: 0.1, Momentum: 0.9})
//	for epoch := range epochs {
//		opt.LR = optim.Cosine{LR: 0.1, Steps: epochs}.At(epoch)
//		for each batch {
//			… t.Backward(loss); grads = net.Grads(t, grads[:0])
//			optim.ClipGradNorm(grads, 1)
//			opt.Step(grads)
//		}
//	}
//
// The update formulas are PyTorch's (torch.optim), so that a network
// trained here and there follows the same path up to rounding.
//
// # Memory
//
// An optimiser keeps the parameters' arrays it was made with and writes
// into them on every Step. Its state (momentum buffers, Adam's moments)
// is made on the first Step (or by State); after that a Step allocates
// nothing. The parameters' arrays must be contiguous, as nn's are.
//
// # Checkpoints
//
// State returns an optimiser's buffers, named after their parameters as
// PyTorch's state_dict names them ("0.weight.momentum_buffer",
// "0.weight.exp_avg", "0.weight.exp_avg_sq"); they are the optimiser's
// own arrays. Saved with Steps, and restored by copying into the State
// of a new optimiser and SetSteps, they let a run resume bit for bit (see
// package checkpoint).
//
// # Misuse
//
// A Step with a different number of gradients than parameters, or a
// gradient of another shape than its parameter, panics with a message
// starting with "optim: ".
package optim
