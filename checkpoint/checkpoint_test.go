package checkpoint_test

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/tensor"
)

const kind = "checkpoint test"

// small returns a State with one entry of every type, values chosen to
// show that bits come back exactly: a NaN with a payload, -0, the
// smallest subnormal, extreme integers and bytes with zeros in them.
func small() *checkpoint.State {
	s := checkpoint.New(kind)
	checkpoint.AddDense(s, "0.weight", tensor.FromSlice([]float32{
		1, float32(math.Copysign(0, -1)), float32(math.Inf(-1)), math.Float32frombits(0x7fc00123), math.SmallestNonzeroFloat32, 3.5,
	}, 2, 3))
	checkpoint.AddDense(s, "0.bias", tensor.FromSlice([]float64{math.Pi, math.Float64frombits(0xfff0000000000abc)}, 2))
	checkpoint.AddDense(s, "scalar", tensor.Scalar(2.5))
	checkpoint.AddDense(s, "empty", tensor.Zeros[float32](0, 7))
	s.SetInt("epoch", 3)
	s.SetInt("min", math.MinInt64)
	s.SetBytes("rng", []byte{0, 1, 2, 0, 255})
	s.SetBytes("nothing", nil)
	return s
}

func encode(t testing.TB, s *checkpoint.State) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := checkpoint.Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bits32 returns the bits of xs, to compare NaNs and signed zeros.
func bits32(xs []float32) []uint32 {
	bs := make([]uint32, len(xs))
	for i, x := range xs {
		bs[i] = math.Float32bits(x)
	}
	return bs
}

func bits64(xs []float64) []uint64 {
	bs := make([]uint64, len(xs))
	for i, x := range xs {
		bs[i] = math.Float64bits(x)
	}
	return bs
}

// checkSmall checks that s holds what small put in it.
func checkSmall(t *testing.T, s *checkpoint.State) {
	t.Helper()
	want := small()
	if s.Kind != kind {
		t.Errorf("kind %q, want %q", s.Kind, kind)
	}
	if got, w := s.Names(), want.Names(); !slices.Equal(got, w) {
		t.Errorf("names %q, want %q", got, w)
	}
	w32, g32 := tensor.Zeros[float32](2, 3), tensor.Zeros[float32](2, 3)
	checkpoint.Dense(want, "0.weight", w32)
	if err := checkpoint.Dense(s, "0.weight", g32); err != nil || !slices.Equal(bits32(g32.Data()), bits32(w32.Data())) {
		t.Errorf("0.weight %v, %v; want %v", g32.Data(), err, w32.Data())
	}
	w64, g64 := tensor.Zeros[float64](2), tensor.Zeros[float64](2)
	checkpoint.Dense(want, "0.bias", w64)
	if err := checkpoint.Dense(s, "0.bias", g64); err != nil || !slices.Equal(bits64(g64.Data()), bits64(w64.Data())) {
		t.Errorf("0.bias %v, %v; want %v", g64.Data(), err, w64.Data())
	}
	sc := tensor.Scalar(0.0)
	if err := checkpoint.Dense(s, "scalar", sc); err != nil || sc.At() != 2.5 {
		t.Errorf("scalar %v, %v; want 2.5", sc.At(), err)
	}
	if err := checkpoint.Dense(s, "empty", tensor.Zeros[float32](0, 7)); err != nil {
		t.Errorf("empty: %v", err)
	}
	for name, v := range map[string]int64{"epoch": 3, "min": math.MinInt64} {
		if got, err := s.Int(name); got != v || err != nil {
			t.Errorf("%s %d, %v; want %d", name, got, err, v)
		}
	}
	if got, err := s.Bytes("rng"); !bytes.Equal(got, []byte{0, 1, 2, 0, 255}) || err != nil {
		t.Errorf("rng %v, %v", got, err)
	}
	if got, err := s.Bytes("nothing"); len(got) != 0 || err != nil {
		t.Errorf("nothing %v, %v", got, err)
	}
}

func TestRoundTrip(t *testing.T) {
	data := encode(t, small())
	s, err := checkpoint.Decode(bytes.NewReader(data), kind)
	if err != nil {
		t.Fatal(err)
	}
	checkSmall(t, s)
	if again := encode(t, s); !bytes.Equal(again, data) {
		t.Errorf("encode → decode → encode changed the bytes")
	}
}

func TestSaveLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "dir")
	if _, err := checkpoint.Load(dir, kind); !errors.Is(err, fs.ErrNotExist) || err.Error() != "no checkpoint in "+dir {
		t.Errorf("Load of an empty directory: %v, want \"no checkpoint in %s\" wrapping fs.ErrNotExist", err, dir)
	}
	if err := checkpoint.Save(dir, small()); err != nil {
		t.Fatal(err)
	}
	s, err := checkpoint.Load(dir, kind)
	if err != nil {
		t.Fatal(err)
	}
	checkSmall(t, s)
	// A second Save replaces the first, and leaves nothing else.
	s.SetInt("epoch", 4)
	if err := checkpoint.Save(dir, s); err != nil {
		t.Fatal(err)
	}
	if s, err = checkpoint.Load(dir, ""); err != nil {
		t.Fatal(err)
	} else if e, _ := s.Int("epoch"); e != 4 {
		t.Errorf("epoch %d after the second Save, want 4", e)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("directory holds %d files, want 1", len(es))
	}
}

// TestStaleTemporary checks that a temporary file a killed Save left is
// ignored by Load and removed by the next Save.
func TestStaleTemporary(t *testing.T) {
	dir := t.TempDir()
	if err := checkpoint.Save(dir, small()); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "."+checkpoint.FileName+".tmp-123")
	os.WriteFile(stale, []byte("\x89BPCK half of a checkpoint"), 0o644)
	if _, err := checkpoint.Load(dir, kind); err != nil {
		t.Errorf("Load with a stale temporary file: %v", err)
	}
	if err := checkpoint.Save(dir, small()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Save left the stale temporary file: %v", err)
	}
}

func TestLookupErrors(t *testing.T) {
	s := small()
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"missing", checkpoint.Dense(s, "1.weight", tensor.Zeros[float32](2, 3)), `no "1.weight"`},
		{"dtype", checkpoint.Dense(s, "0.weight", tensor.Zeros[float64](2, 3)), `"0.weight" is a float32 array, not a float64 array`},
		{"shape", checkpoint.Dense(s, "0.weight", tensor.Zeros[float32](3, 2)), `"0.weight" has shape [2 3], the array to restore it into [3 2]`},
		{"int as array", checkpoint.Dense(s, "epoch", tensor.Zeros[float32](1)), `"epoch" is an integer, not a float32 array`},
		{"array as int", func() error { _, err := s.Int("0.bias"); return err }(), `"0.bias" is a float64 array, not an integer`},
		{"missing int", func() error { _, err := s.Int("step"); return err }(), `no "step"`},
		{"int as bytes", func() error { _, err := s.Bytes("epoch"); return err }(), `"epoch" is an integer, not bytes`},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) || !strings.HasPrefix(tc.err.Error(), "checkpoint: ") {
			t.Errorf("%s: %v, want an error with %q", tc.name, tc.err, tc.want)
		}
	}
	// A failed Dense leaves dst as it was.
	dst := tensor.Full[float32](7, 3, 2)
	checkpoint.Dense(s, "0.weight", dst)
	if dst.At(0, 0) != 7 {
		t.Errorf("a failed Dense wrote into dst")
	}
}

func TestMisusePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"duplicate array": func() {
			s := small()
			checkpoint.AddDense(s, "0.bias", tensor.Zeros[float64](2))
		},
		"int over array": func() { small().SetInt("0.bias", 1) },
		"bytes over int": func() { small().SetBytes("epoch", nil) },
		"not contiguous": func() { checkpoint.Dense(small(), "0.weight", tensor.Zeros[float32](3, 2).T()) },
	} {
		func() {
			defer func() {
				if r, ok := recover().(string); !ok || !strings.HasPrefix(r, "checkpoint: ") {
					t.Errorf("%s: recovered %v, want a panic \"checkpoint: …\"", name, r)
				}
			}()
			f()
		}()
	}
}
