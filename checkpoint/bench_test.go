package checkpoint_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/tensor"
)

// big returns a State of 16 MB of float32, about an MLP 784-1024-1024-10
// with one optimiser buffer per parameter.
func big() *checkpoint.State {
	s := checkpoint.New("bench")
	for _, name := range []string{"0.weight", "0.weight.momentum_buffer", "2.weight", "2.weight.momentum_buffer"} {
		checkpoint.AddDense(s, name, tensor.Ones[float32](1024, 1024))
	}
	return s
}

func BenchmarkEncode(b *testing.B) {
	s := big()
	b.SetBytes(16 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if err := checkpoint.Encode(io.Discard, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	var buf bytes.Buffer
	checkpoint.Encode(&buf, big())
	data := buf.Bytes()
	b.SetBytes(16 << 20)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := checkpoint.Decode(bytes.NewReader(data), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSave(b *testing.B) {
	s, dir := big(), b.TempDir()
	b.SetBytes(16 << 20)
	for b.Loop() {
		if err := checkpoint.Save(dir, s); err != nil {
			b.Fatal(err)
		}
	}
}
