package train

import (
	"encoding/json"
	"fmt"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/tensor"
)

// The names of a Trainer's checkpoint entries besides the arrays
// "param/NAME" (the network's parameters, by their names) and
// "optim/NAME" (the optimiser's state, by the names it gives them).
const (
	keyEpoch    = "epoch"       // epochs completed
	keyStep     = "step"        // steps taken
	keyPos      = "pos"         // samples done in the next epoch
	keySeed     = "seed"        // of the epochs' orders
	keyBatch    = "batch"       // samples per step
	keyOptSteps = "optim.steps" // steps counted by the optimiser (Adam's bias correction)
	keyRand     = "rand"        // the state of Rand, the dropout source
	keyProgress = "progress"    // JSON: the history and the partial sums of the epoch in progress
	keyMeta     = "meta"        // Settings.Meta
)

// progress is the JSON of a checkpoint's "progress" entry.
type progress struct {
	History []Epoch `json:"history"`
	Running running `json:"running"`
}

// optimState is an optimiser whose state is arrays: optim's State.
type optimState[T tensor.Float] interface {
	State() []nn.Param[T]
}

// optimSteps is an optimiser that counts its steps, as Adam does for its
// bias correction.
type optimSteps interface {
	Steps() int
	SetSteps(int)
}

// State returns everything a resumed run needs to continue bit for bit:
// the parameters, the optimiser's state, the state of Rand, the epoch,
// step and position in the epoch, the seed and batch size, the history of
// the epochs and the partial sums of the one in progress, and Meta.
func (t *Trainer[T]) State() (*checkpoint.State, error) {
	t.defaults()
	s := checkpoint.New(t.Kind)
	for _, p := range t.Net.Params() {
		checkpoint.AddDense(s, "param/"+p.Name, p.Value)
	}
	if o, ok := t.Opt.(optimState[T]); ok {
		for _, p := range o.State() {
			checkpoint.AddDense(s, "optim/"+p.Name, p.Value)
		}
	}
	if o, ok := t.Opt.(optimSteps); ok {
		s.SetInt(keyOptSteps, int64(o.Steps()))
	}
	if t.Rand != nil {
		b, err := t.Rand.MarshalBinary()
		if err != nil {
			return nil, fmt.Errorf("train: the random source: %w", err)
		}
		s.SetBytes(keyRand, b)
	}
	s.SetInt(keyEpoch, int64(t.Epoch))
	s.SetInt(keyStep, int64(t.Steps))
	s.SetInt(keyPos, int64(t.Pos))
	s.SetInt(keySeed, int64(t.Seed))
	s.SetInt(keyBatch, int64(t.Batch))
	b, err := json.Marshal(progress{History: t.History, Running: t.run})
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	s.SetBytes(keyProgress, b)
	s.SetBytes(keyMeta, t.Meta)
	return s, nil
}

// Restore sets the trainer's parameters, optimiser state and progress
// from s, a State of the same network, optimiser, seed and batch size.
// It checks all of s before changing anything: on error the trainer is
// as it was.
func (t *Trainer[T]) Restore(s *checkpoint.State) error {
	t.defaults()
	if s.Kind != t.Kind {
		return fmt.Errorf("train: the checkpoint is of kind %q, not %q", s.Kind, t.Kind)
	}
	// Every array into a copy first, then all at once.
	var dst, tmp []*tensor.Dense[T]
	load := func(name string, p *tensor.Dense[T]) error {
		c := p.Clone()
		if err := checkpoint.Dense(s, name, c); err != nil {
			return err
		}
		dst, tmp = append(dst, p), append(tmp, c)
		return nil
	}
	for _, p := range t.Net.Params() {
		if err := load("param/"+p.Name, p.Value); err != nil {
			return err
		}
	}
	if o, ok := t.Opt.(optimState[T]); ok {
		for _, p := range o.State() {
			if err := load("optim/"+p.Name, p.Value); err != nil {
				return err
			}
		}
	}
	ints := map[string]int64{}
	for _, k := range []string{keyEpoch, keyStep, keyPos, keySeed, keyBatch} {
		v, err := s.Int(k)
		if err != nil {
			return err
		}
		ints[k] = v
	}
	if uint64(ints[keySeed]) != t.Seed {
		return fmt.Errorf("train: the checkpoint was trained with seed %d, not %d", uint64(ints[keySeed]), t.Seed)
	}
	if int(ints[keyBatch]) != t.Batch {
		return fmt.Errorf("train: the checkpoint was trained with batches of %d, not %d", ints[keyBatch], t.Batch)
	}
	epoch, step, pos := int(ints[keyEpoch]), int(ints[keyStep]), int(ints[keyPos])
	if epoch < 0 || step < 0 || pos < 0 || pos > t.Train.Len() {
		return fmt.Errorf("train: the checkpoint is at epoch %d, step %d, sample %d, outside a training set of %d samples", epoch, step, pos, t.Train.Len())
	}
	optSteps := int64(-1)
	o, hasSteps := t.Opt.(optimSteps)
	if hasSteps {
		v, err := s.Int(keyOptSteps)
		if err != nil {
			return err
		}
		optSteps = v
	}
	var rb []byte
	if t.Rand != nil {
		b, err := s.Bytes(keyRand)
		if err != nil {
			return err
		}
		rb = b
	}
	pb, err := s.Bytes(keyProgress)
	if err != nil {
		return err
	}
	var pr progress
	if err := json.Unmarshal(pb, &pr); err != nil {
		return fmt.Errorf("train: the checkpoint's progress: %w", err)
	}
	if len(pr.History) != epoch {
		return fmt.Errorf("train: the checkpoint has %d epochs of history at epoch %d", len(pr.History), epoch)
	}
	if rb != nil {
		// Unmarshal into a copy, to keep t.Rand if the bytes are bad.
		var r2 = *t.Rand
		if err := r2.UnmarshalBinary(rb); err != nil {
			return fmt.Errorf("train: the checkpoint's random source: %w", err)
		}
		*t.Rand = r2
	}
	for i, d := range dst {
		copy(d.Data(), tmp[i].Data())
	}
	if hasSteps {
		o.SetSteps(int(optSteps))
	}
	t.Epoch, t.Steps, t.Pos = epoch, step, pos
	t.History, t.run = pr.History, pr.Running
	t.saved = true
	return nil
}

// save writes the checkpoint, if there is one and it is not up to date.
func (t *Trainer[T]) save() error {
	if t.Checkpoint == "" || t.saved {
		return nil
	}
	s, err := t.State()
	if err != nil {
		return err
	}
	if err := checkpoint.Save(t.Checkpoint, s); err != nil {
		return err
	}
	t.saved = true
	return nil
}

// Resume restores the trainer from the checkpoint in dir (see Restore).
// The error wraps fs.ErrNotExist when dir holds no checkpoint.
func (t *Trainer[T]) Resume(dir string) error {
	s, err := checkpoint.Load(dir, t.Kind)
	if err != nil {
		return err
	}
	return t.Restore(s)
}
