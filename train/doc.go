// Package train is the training loop of a classifier, as a Go program
// would write it with packages nn and optim, made reproducible and
// resumable: shuffled mini-batches from a seed, one optimiser step each,
// an evaluation on the test set after each epoch, progress reports and
// checkpoints.
//
//	tr := &train.Trainer[float32]{
//		Net:      net, // an nn.Module: logits of samples × classes
//		Opt:      optim.NewSGD(net.Params(), optim.SGDSettings{LR: 0.1}),
//		Train:    train.Data[float32]{X: trainX, Labels: trainY},
//		Test:     train.Data[float32]{X: testX, Labels: testY},
//		Settings: train.Settings{Epochs: 5, Batch: 64, Seed: 1},
//	}
//	err := tr.Run(ctx)
//	for _, e := range tr.History { … }
//
// # Reproducible to the bit
//
// The order of epoch e is [Order] of (seed, e): the Fisher–Yates shuffle
// driven by PCG seeded with the pair, so it is known without replaying the
// epochs before it. A step copies its samples into arrays kept from step
// to step ([Gather]), records the network and the softmax cross-entropy on
// a tape kept from step to step (one more for the smaller last batch of an
// epoch, so that neither changes shape), and once warm it allocates
// nothing. Package gemm computes every element of a product in the same
// order whatever the number of threads, so the weights after n steps are
// a function of the seed, the data and the settings alone.
//
// # Checkpoints
//
// With Settings.Checkpoint set, Run writes a checkpoint (package
// checkpoint: atomic, checksummed) after every epoch, every
// CheckpointEvery steps, and when its context is cancelled. It holds the
// parameters, the optimiser's state, the state of the dropout source
// (Trainer.Rand), the epoch, step and position in the epoch, and the
// history of the epochs with the partial sums of the one in progress.
// [Trainer.Resume] loads it, checking all of it before changing
// anything, and Run then continues to the same weights, bit for bit, and
// the same records as a run that was never stopped.
//
// # Timing
//
// An epoch's Seconds counts its steps only, the shuffling and gathering
// of the batches included, as the PyTorch reference that backprop is
// measured against times its epoch: not the evaluation, the callbacks or
// the checkpoints.
package train
