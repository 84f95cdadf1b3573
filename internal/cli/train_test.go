package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/data/mnist"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// plainMNIST returns a directory holding the four MNIST files without
// gzip, made once per test binary: they load in a fraction of the time,
// which matters to the tests that start many processes.
var plainMNIST = sync.OnceValues(func() (string, error) {
	src, err := mnist.Dir()
	if err != nil {
		return "", err
	}
	dst, err := os.MkdirTemp("", "backprop-mnist-")
	if err != nil {
		return "", err
	}
	for _, name := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		if err := gunzip(filepath.Join(src, name+".gz"), filepath.Join(dst, name)); err != nil {
			return "", err
		}
	}
	return dst, nil
})

func gunzip(src, dst string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, z); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func mnistDir(t *testing.T) string {
	t.Helper()
	dir, err := plainMNIST()
	if err != nil {
		t.Skipf("no MNIST files: %v", err)
	}
	return dir
}

// TestTrainJSON trains on 2,000 images for one epoch and checks the
// record it prints: its keys in order, and values that make sense.
func TestTrainJSON(t *testing.T) {
	dir := mnistDir(t)
	out, errs, status := run(t, "", "train", "mnist", "--limit", "2000", "--epochs", "1", "--json", "--data", dir)
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want one per epoch:\n%s", len(lines), out)
	}
	keys := []string{"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds", "samples_per_s"}
	dec := json.NewDecoder(strings.NewReader(lines[0]))
	var got []string
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		got = append(got, k.(string))
		var v any
		dec.Decode(&v)
	}
	if strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Errorf("keys %v, want %v", got, keys)
	}
	var rec struct {
		Epoch        int
		TestLoss     float64 `json:"test_loss"`
		TestAccuracy float64 `json:"test_accuracy"`
		Seconds      float64
		SamplesPerS  float64 `json:"samples_per_s"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Epoch != 1 || !(rec.TestAccuracy > 0.6 && rec.TestAccuracy <= 1) || !(rec.TestLoss > 0 && rec.TestLoss < 2) ||
		!(rec.Seconds > 0) || math.Abs(rec.SamplesPerS*rec.Seconds-2000) > 1e-6*2000 {
		t.Errorf("record %+v", rec)
	}
	if errs != "" {
		t.Errorf("stderr is not a terminal, yet: %q", errs)
	}
}

// TestTrainBadFlags checks that bad flags stop train before it reads
// anything, with exit status 2 and a message naming the flag.
func TestTrainBadFlags(t *testing.T) {
	tests := []struct {
		args []string
		msg  string
	}{
		{[]string{"train", "cifar"}, "expected the data set, mnist"},
		{[]string{"train"}, "expected the data set, mnist"},
		{[]string{"train", "mnist", "--epochs", "0"}, "--epochs: expected 1 to"},
		{[]string{"train", "mnist", "--batch", "0"}, "--batch: expected 1 to 60000"},
		{[]string{"train", "mnist", "--hidden", "12x"}, "--hidden: expected layer sizes"},
		{[]string{"train", "mnist", "--hidden", "100000"}, "--hidden: expected layer sizes from 1 to 16384"},
		{[]string{"train", "mnist", "--model", "cnn", "--hidden", "64"}, "--hidden is for --model mlp"},
		{[]string{"train", "mnist", "--model", "rnn"}, "--model: expected mlp or cnn"},
		{[]string{"train", "mnist", "--optimizer", "lbfgs"}, "--optimizer: expected sgd or adam"},
		{[]string{"train", "mnist", "--lr", "-1"}, "--lr: expected a positive rate"},
		{[]string{"train", "mnist", "--lr", "NaN"}, "--lr: expected a positive rate"},
		{[]string{"train", "mnist", "--momentum", "1"}, "--momentum: expected a value in [0, 1)"},
		{[]string{"train", "mnist", "--optimizer", "adam", "--momentum", "0.9"}, "--momentum is for --optimizer sgd"},
		{[]string{"train", "mnist", "--schedule", "step"}, "--schedule: expected constant or cosine"},
		{[]string{"train", "mnist", "--limit", "-1"}, "--limit: expected 0 (all) to 60000"},
		{[]string{"train", "mnist", "--threads", "-2"}, "--threads: expected 0"},
		{[]string{"train", "mnist", "--resume"}, "--resume and --checkpoint-every need --checkpoint DIR"},
		{[]string{"train", "mnist", "--checkpoint-every", "-1", "--checkpoint", "x"}, "--checkpoint-every: expected 0"},
		{[]string{"train", "mnist", "--plot", "loss.svg"}, "--plot: expected a .png file"},
		{[]string{"train", "mnist", "--graph", "g.png"}, "--graph: expected a .svg file"},
		{[]string{"train", "mnist", "--data", "/nonexistent"}, "--data: mnist:"},
		{[]string{"predict", "--index", "3"}, "--checkpoint DIR"},
		{[]string{"predict", "--checkpoint", "/nonexistent"}, "either an image file or --index N"},
		{[]string{"predict", "--checkpoint", "/nonexistent", "--index", "3"}, "no checkpoint in /nonexistent"},
		{[]string{"predict", "--checkpoint", "x", "--index", "10000"}, "--index: expected a test image from 0 to 9999"},
		{[]string{"predict", "--checkpoint", "x", "--max-pixels", "-1", "a.png"}, "--max-pixels must be 0 (no limit) or positive"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			out, errs, status := run(t, "", tt.args...)
			if status != 2 || !strings.Contains(errs, tt.msg) || out != "" {
				t.Errorf("status %d, stdout %q, stderr %q; want 2 and %q", status, out, errs, tt.msg)
			}
		})
	}
}

// TestCheckpointRefused damages a checkpoint in each way a crash, a disk
// or a user can, and checks that --resume and predict refuse it with exit
// status 2, a message naming the file, and nothing written.
func TestCheckpointRefused(t *testing.T) {
	data := mnistDir(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good")
	args := []string{"train", "mnist", "--data", data, "--limit", "1000", "--hidden", "16", "--epochs", "1"}
	if _, errs, status := run(t, "", append(args, "--checkpoint", good)...); status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	orig, err := os.ReadFile(filepath.Join(good, checkpoint.FileName))
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(orig)
	flipped[len(flipped)/2] ^= 0x10
	var foreign bytes.Buffer
	if err := checkpoint.Encode(&foreign, checkpoint.New("someone else's model")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		file []byte
		msg  string
	}{
		{"truncated", orig[:len(orig)*2/3], "checkpoint"},
		{"bit flipped", flipped, "checkpoint"},
		{"foreign", foreign.Bytes(), "someone else's model"},
		{"empty", nil, "checkpoint"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-"))
			os.MkdirAll(d, 0o755)
			path := filepath.Join(d, checkpoint.FileName)
			os.WriteFile(path, c.file, 0o644)
			for _, a := range [][]string{
				append(args, "--checkpoint", d, "--resume", "--epochs", "2"),
				{"predict", "--checkpoint", d, "--index", "0", "--data", data},
			} {
				out, errs, status := run(t, "", a...)
				if status != 2 || out != "" || !strings.Contains(errs, c.msg) || !strings.Contains(errs, d) {
					t.Errorf("%s: status %d, stdout %q, stderr %q; want 2 and a message naming %s", a[0], status, out, errs, d)
				}
				if b, _ := os.ReadFile(path); !bytes.Equal(b, c.file) {
					t.Errorf("%s changed the refused checkpoint", a[0])
				}
			}
		})
	}
	t.Run("existing without --resume", func(t *testing.T) {
		_, errs, status := run(t, "", append(args, "--checkpoint", good)...)
		if status != 2 || !strings.Contains(errs, "already holds a checkpoint") {
			t.Errorf("status %d, stderr %q", status, errs)
		}
	})
	t.Run("resume with another network", func(t *testing.T) {
		_, errs, status := run(t, "", "train", "mnist", "--data", data, "--limit", "1000", "--hidden", "32", "--epochs", "2", "--checkpoint", good, "--resume")
		if status != 2 || !strings.Contains(errs, "trained with --hidden 16") {
			t.Errorf("status %d, stderr %q", status, errs)
		}
	})
	t.Run("predict", func(t *testing.T) {
		out, errs, status := run(t, "", "predict", "--checkpoint", good, "--index", "0", "--data", data, "--json")
		var p struct {
			Prediction, Label int
			Probabilities     []float64
		}
		if status != 0 || json.Unmarshal([]byte(out), &p) != nil || len(p.Probabilities) != 10 || p.Label != 7 {
			t.Fatalf("status %d, stdout %q, stderr %q", status, out, errs)
		}
		var sum float64
		for _, q := range p.Probabilities {
			sum += q
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("probabilities sum to %v", sum)
		}
	})
}

// TestDigit draws test image 0 (a 7) three times larger, black on a
// white background, and checks that predict's preparation gives back
// nearly MNIST's own image.
func TestDigit(t *testing.T) {
	dir := mnistDir(t)
	_, test, err := mnist.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := test.Images.Data()[:mnist.Pixels]
	img := image.NewGray(image.Rect(0, 0, 3*28+10, 3*28))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	for y := range 3 * 28 {
		for x := range 3 * 28 {
			img.SetGray(x+10, y, color.Gray{Y: uint8(255 * (1 - want[(y/3)*28+x/3]))})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	path := filepath.Join(t.TempDir(), "seven.png")
	os.WriteFile(path, buf.Bytes(), 0o644)
	got, err := readDigit(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	var dot, ng, nw float64
	for i := range got {
		dot += float64(got[i]) * float64(want[i])
		ng += float64(got[i]) * float64(got[i])
		nw += float64(want[i]) * float64(want[i])
	}
	if c := dot / math.Sqrt(ng*nw); c < 0.9 {
		t.Errorf("cosine similarity %.3f with MNIST's image, want at least 0.9", c)
	}
}

// TestBuildCNN checks the wiring of --model cnn: rows of 784 pixels in,
// ten logits out, the parameters named as nn.NewMNISTCNN names them.
func TestBuildCNN(t *testing.T) {
	net, _, err := build[float32](&model{Model: "cnn"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range net.Params() {
		names = append(names, p.Name)
	}
	if want := "0.weight 0.bias 3.weight 3.bias 7.weight 7.bias"; strings.Join(names, " ") != want {
		t.Errorf("parameters %v, want %s", names, want)
	}
	tp := autograd.New[float32]()
	out := net.Forward(tp, tp.Const(tensor.Zeros[float32](2, mnist.Pixels)))
	if s := out.Shape(); len(s) != 2 || s[0] != 2 || s[1] != 10 {
		t.Errorf("logits of shape %v, want 2×10", s)
	}
}
