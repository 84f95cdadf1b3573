package train

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// Data is a set of labelled samples: row i of X is sample i, of label
// Labels[i], an integer class from 0.
type Data[T tensor.Float] struct {
	X      *tensor.Dense[T] // samples × features, contiguous
	Labels []int
}

// Len returns the number of samples.
func (d Data[T]) Len() int { return len(d.Labels) }

// rows returns the samples lo…hi-1 as an array sharing d.X's memory.
func (d Data[T]) rows(lo, hi int) *tensor.Dense[T] {
	f := d.X.Dim(1)
	return tensor.FromSlice(d.X.Data()[lo*f:hi*f], hi-lo, f)
}

// Optimizer updates parameters in place from their gradients, given in
// the order of the network's Params, as package optim's optimisers do.
type Optimizer[T tensor.Float] interface {
	Step(grads []*tensor.Dense[T])
}

// Settings are the settings of a [Trainer]; the zero value of each field
// but Epochs means its default.
type Settings struct {
	Epochs    int    // epochs to train; the run ends when Trainer.Epoch reaches it
	Batch     int    // samples per step (default 64); the last batch of an epoch keeps the remainder
	EvalBatch int    // samples per forward pass in evaluation (default 1000)
	Seed      uint64 // the seed of the epochs' orders (see Order)

	// Checkpoint is the directory of the checkpoint, "" for none. It is
	// written after every epoch, every CheckpointEvery steps if that is
	// positive, and when the context of Run is cancelled.
	Checkpoint      string
	CheckpointEvery int
	// Kind names what the checkpoint holds, and Meta is stored with it
	// (see Trainer.State): Restore refuses a checkpoint of another Kind.
	Kind string
	Meta []byte
}

// Epoch is the record of one epoch.
type Epoch struct {
	Epoch         int     `json:"epoch"` // from 1
	TrainLoss     float64 `json:"train_loss"`
	TrainAccuracy float64 `json:"train_accuracy"`
	TestLoss      float64 `json:"test_loss"`
	TestAccuracy  float64 `json:"test_accuracy"`
	Seconds       float64 `json:"seconds"` // the training steps only: no evaluation, no checkpoints
	Samples       int     `json:"samples"` // training samples seen
}

// SamplesPerSecond returns the training speed of the epoch.
func (e Epoch) SamplesPerSecond() float64 {
	if e.Seconds == 0 {
		return 0
	}
	return float64(e.Samples) / e.Seconds
}

// Progress is what a [Trainer] reports after each step.
type Progress struct {
	Epoch    int     // the epoch, from 0
	Step     int     // steps taken in the whole run
	Done, Of int     // samples of the epoch done, and in all
	Loss     float64 // the mean training loss of the epoch so far
	Accuracy float64 // the training accuracy of the epoch so far
	Seconds  float64 // the time of the epoch's steps so far
}

// running is the partial sums of the epoch in progress; they are
// checkpointed so that a resumed epoch reports what an uninterrupted one
// would.
type running struct {
	LossSum float64 `json:"loss_sum"` // sum over steps of the batch's mean loss × its size
	Correct int     `json:"correct"`
	Seconds float64 `json:"seconds"`
}

// Trainer trains a classifier with the softmax cross-entropy: shuffled
// mini-batches, one optimiser step each, an evaluation on the test set
// after each epoch, and checkpoints. Set the exported fields, then call
// Run; a Trainer restored from a checkpoint ([Trainer.Restore]) continues
// where the checkpoint left off.
type Trainer[T tensor.Float] struct {
	Net         nn.Module[T]
	Opt         Optimizer[T]
	Train, Test Data[T]
	Settings

	// Rand is the random source of the network's stochastic layers
	// (dropout), nil if none: it is checkpointed, so that a resumed run
	// draws what an uninterrupted one would.
	Rand *rand.PCG

	// EpochStart, if not nil, is called before the first step of epoch
	// e (from 0), also when a run resumes within it: the place to set the
	// optimiser's learning rate from a schedule.
	EpochStart func(e int)
	// OnStep, if not nil, is called after every step.
	OnStep func(Progress)
	// OnEpoch, if not nil, is called after each epoch's evaluation and
	// checkpoint; an error stops Run.
	OnEpoch func(Epoch) error

	// Epoch is the number of epochs completed, Pos the samples done in
	// the next one, Steps the steps taken.
	Epoch, Pos, Steps int
	// History holds the records of the epochs completed.
	History []Epoch
	// Predictions holds the test set's predicted classes after the last
	// evaluation.
	Predictions []int

	run        running
	saved      bool // the checkpoint holds the current state
	perm       []int
	full, tail stepper[T]
	eval       *autograd.Tape[T]
}

// stepper is the reusable memory of steps of one batch size.
type stepper[T tensor.Float] struct {
	tape   *autograd.Tape[T]
	x      *tensor.Dense[T]
	labels []int
	pred   []int
	grads  []*tensor.Dense[T]
}

func (t *Trainer[T]) defaults() {
	if t.Batch <= 0 {
		t.Batch = 64
	}
	if t.EvalBatch <= 0 {
		t.EvalBatch = 1000
	}
}

// Run trains until Epoch reaches Epochs. When ctx is cancelled it stops
// after the step in progress, writes the checkpoint if there is one and
// returns ctx's error. Errors writing checkpoints stop it too.
func (t *Trainer[T]) Run(ctx context.Context) error {
	t.defaults()
	n := t.Train.Len()
	if n == 0 {
		return errors.New("train: no training samples")
	}
	if len(t.perm) != n {
		t.perm = make([]int, n)
	}
	for t.Epoch < t.Epochs {
		start := time.Now()
		Order(t.perm, t.Seed, t.Epoch)
		t.run.Seconds += time.Since(start).Seconds()
		if t.EpochStart != nil {
			t.EpochStart(t.Epoch)
		}
		for t.Pos < n {
			if err := ctx.Err(); err != nil {
				if serr := t.save(); serr != nil {
					return errors.Join(err, serr)
				}
				return err
			}
			start := time.Now()
			b := min(t.Batch, n-t.Pos)
			s := &t.full
			if b < t.Batch {
				s = &t.tail
			}
			loss, correct := t.step(s, t.perm[t.Pos:t.Pos+b])
			t.run.Seconds += time.Since(start).Seconds()
			t.run.LossSum += loss * float64(b)
			t.run.Correct += correct
			t.Pos += b
			t.Steps++
			t.saved = false
			if t.OnStep != nil {
				t.OnStep(Progress{
					Epoch: t.Epoch, Step: t.Steps, Done: t.Pos, Of: n,
					Loss: t.run.LossSum / float64(t.Pos), Accuracy: float64(t.run.Correct) / float64(t.Pos),
					Seconds: t.run.Seconds,
				})
			}
			if t.CheckpointEvery > 0 && t.Steps%t.CheckpointEvery == 0 {
				if err := t.save(); err != nil {
					return err
				}
			}
		}
		rec := t.endEpoch()
		if err := t.save(); err != nil {
			return err
		}
		if t.OnEpoch != nil {
			if err := t.OnEpoch(rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// endEpoch evaluates the network on the test set, records the epoch and
// moves to the next.
func (t *Trainer[T]) endEpoch() Epoch {
	n := t.Train.Len()
	rec := Epoch{
		Epoch:         t.Epoch + 1,
		TrainLoss:     t.run.LossSum / float64(n),
		TrainAccuracy: float64(t.run.Correct) / float64(n),
		Seconds:       t.run.Seconds,
		Samples:       n,
	}
	if t.Test.Len() > 0 {
		if t.eval == nil {
			t.eval = autograd.New[T]()
		}
		rec.TestLoss, rec.TestAccuracy, t.Predictions = Evaluate(t.Predictions[:0], t.eval, t.Net, t.Test, t.EvalBatch)
	}
	t.History = append(t.History, rec)
	t.Epoch++
	t.Pos = 0
	t.run = running{}
	t.saved = false
	return rec
}

// step takes one optimiser step on the samples idx of the training set
// and returns the batch's mean loss and the number it classified right
// (before the step).
func (t *Trainer[T]) step(s *stepper[T], idx []int) (loss float64, correct int) {
	if s.tape == nil {
		s.tape = autograd.New[T]()
		s.x = tensor.Zeros[T](len(idx), t.Train.X.Dim(1))
		s.labels = make([]int, len(idx))
		s.pred = make([]int, len(idx))
	}
	Gather(s.x, s.labels, t.Train, idx)
	tp := s.tape
	tp.Reset()
	logits := t.Net.Forward(tp, tp.Const(s.x))
	l := nn.SoftmaxCrossEntropy(logits, s.labels)
	tp.Backward(l)
	s.grads = t.Net.Grads(tp, s.grads[:0])
	Argmax(s.pred, logits.Value())
	for i, p := range s.pred {
		if p == s.labels[i] {
			correct++
		}
	}
	t.Opt.Step(s.grads)
	return float64(l.Value().At()), correct
}

// Gather copies the samples idx of d into x (len(idx) × features) and
// their labels into labels (len(idx)). It allocates nothing.
func Gather[T tensor.Float](x *tensor.Dense[T], labels []int, d Data[T], idx []int) {
	f := d.X.Dim(1)
	if !x.HasShape(len(idx), f) || len(labels) != len(idx) {
		panic(fmt.Sprintf("train: gather: %d samples of %d features into %v and %d labels", len(idx), f, x.Shape(), len(labels)))
	}
	src, dst := d.X.Data(), x.Data()
	for i, j := range idx {
		copy(dst[i*f:(i+1)*f], src[j*f:(j+1)*f])
		labels[i] = d.Labels[j]
	}
}

// Argmax sets dst[i] to the index of the largest element of row i of x
// (rows × classes), the first of equals. It panics unless len(dst) is
// the number of rows.
func Argmax[T tensor.Float](dst []int, x *tensor.Dense[T]) {
	r, c := x.Dim(0), x.Dim(1)
	if len(dst) != r {
		panic(fmt.Sprintf("train: argmax: %d rows into %d", r, len(dst)))
	}
	d := x.Contiguous().Data()
	for i := range r {
		row := d[i*c : (i+1)*c]
		best := 0
		for j, v := range row {
			if v > row[best] {
				best = j
			}
		}
		dst[i] = best
	}
}

// Evaluate runs net on d in batches of the given size on the tape tp
// (which it resets) and returns the mean softmax cross-entropy, the
// accuracy, and the predicted classes appended to pred. A network with a
// training mode (SetTraining, as dropout has) is put in evaluation mode
// for the passes and back in training mode after.
func Evaluate[T tensor.Float](pred []int, tp *autograd.Tape[T], net nn.Module[T], d Data[T], batch int) (loss, accuracy float64, _ []int) {
	if m, ok := net.(interface{ SetTraining(bool) }); ok {
		m.SetTraining(false)
		defer m.SetTraining(true)
	}
	n := d.Len()
	correct := 0
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		tp.Reset()
		labels := d.Labels[lo:hi]
		logits := net.Forward(tp, tp.Const(d.rows(lo, hi)))
		loss += float64(nn.SoftmaxCrossEntropy(logits, labels).Value().At()) * float64(hi-lo)
		pred = slices.Grow(pred, hi-lo)[:len(pred)+hi-lo]
		p := pred[len(pred)-(hi-lo):]
		Argmax(p, logits.Value())
		for i, c := range p {
			if c == labels[i] {
				correct++
			}
		}
	}
	tp.Reset()
	if n == 0 {
		return 0, 0, pred
	}
	return loss / float64(n), float64(correct) / float64(n), pred
}
