package checkpoint_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/checkpoint"
)

// decodeErr decodes data, and fails t if it decodes.
func decodeErr(t *testing.T, data []byte, kind string) string {
	t.Helper()
	s, err := checkpoint.Decode(bytes.NewReader(data), kind)
	if err == nil {
		t.Fatalf("Decode returned a State (names %q), want an error", s.Names())
	}
	if s != nil {
		t.Errorf("Decode returned a State with its error %v", err)
	}
	if !strings.HasPrefix(err.Error(), "checkpoint: ") {
		t.Errorf("error %q does not start with \"checkpoint: \"", err)
	}
	return err.Error()
}

func TestTruncated(t *testing.T) {
	data := encode(t, small())
	for n := range len(data) {
		got := decodeErr(t, data[:n], kind)
		want := fmt.Sprintf("checkpoint: truncated at byte %d (expected %d more)", n, len(data)-n)
		if n < 24 {
			want = fmt.Sprintf("checkpoint: truncated at byte %d (expected at least %d more)", n, 24-n)
		}
		if got != want {
			t.Errorf("cut at %d: %q, want %q", n, got, want)
		}
	}
}

func TestBitFlips(t *testing.T) {
	data := encode(t, small())
	for i := range 8 * len(data) {
		bad := bytes.Clone(data)
		bad[i/8] ^= 1 << (i % 8)
		got := decodeErr(t, bad, kind)
		var want string
		switch {
		case i < 8*8:
			want = "checkpoint: not a backprop checkpoint"
		case i < 8*24:
			want = "checkpoint: checksum mismatch in the header (file is corrupt)"
		default:
			want = "checkpoint: checksum mismatch (file is corrupt)"
		}
		if got != want {
			t.Errorf("bit %d flipped: %q, want %q", i, got, want)
		}
	}
}

// fix recomputes the checksums of data after a deliberate change, so
// that only the checks after them can catch it.
func fix(data []byte) []byte {
	binary.LittleEndian.PutUint32(data[20:], crc32.Checksum(data[:20], crc32.MakeTable(crc32.Castagnoli)))
	end := len(data) - 4
	binary.LittleEndian.PutUint32(data[end:], crc32.Checksum(data[:end], crc32.MakeTable(crc32.Castagnoli)))
	return data
}

// TestForged checks the refusals of files whose checksums hold but whose
// content does not: foreign kinds, other formats and versions, and
// length fields that claim far more than the file holds (which must be
// refused without allocating what they claim).
func TestForged(t *testing.T) {
	data := encode(t, small())
	at := func(s string) int { return bytes.Index(data, []byte(s)) }
	put32 := func(off int, v uint32) func([]byte) {
		return func(b []byte) { binary.LittleEndian.PutUint32(b[off:], v) }
	}
	put64 := func(off int, v uint64) func([]byte) {
		return func(b []byte) { binary.LittleEndian.PutUint64(b[off:], v) }
	}
	weight := at("0.weight") // the name of the first entry, a 2×3 float32 array
	rng := at("rng")         // the name of a byte string
	epoch := at("epoch")     // the name of an integer
	for _, tc := range []struct {
		name   string
		change func([]byte)
		want   string
	}{
		{"version 2", put32(8, 2), "format version 2, but this build of backprop reads version 1 only"},
		{"size 2^62", put64(12, 1<<62), fmt.Sprintf("truncated at byte %d (expected %d more)", len(data), 1<<62-len(data))},
		{"size 2^64-1", put64(12, 1<<64-1), "impossible size 18446744073709551615 in the header"},
		{"size too small", put64(12, 10), "impossible size 10"},
		{"kind length 2^32-1", put32(24, 1<<32-1), "length 4294967295 at byte 28 runs past the end"},
		{"entry count 2^32-1", put32(24+4+len(kind), 1<<32-1), "runs past the end"},
		{"entry count 0", put32(24+4+len(kind), 0), "bytes after the last entry"},
		{"name length 2^32-1", put32(weight-4, 1<<32-1), "runs past the end"},
		{"rank 2^32-1", put32(weight+8, 1<<32-1), "rank 4294967295"},
		{"size 2^62", put64(weight+12, 1<<62), "too large"},
		{"sizes 2^40·2^40", func(b []byte) { put64(weight+12, 1<<40)(b); put64(weight+20, 1<<40)(b) }, "runs past the end"},
		{"one more row", put64(weight+12, 3), "runs past the end"},
		{"byte length 2^62", put64(rng+3, 1<<62), "length 4611686018427387904"},
		{"unknown type", func(b []byte) { b[epoch-5] = 9 }, "unknown entry type 9"},
		{"duplicate name", func(b []byte) { copy(b[epoch:], "empty") }, `"empty" twice`},
	} {
		bad := bytes.Clone(data)
		tc.change(bad)
		fix(bad)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := decodeErr(t, bad, kind)
		runtime.ReadMemStats(&after)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
			t.Errorf("%s: Decode allocated %d bytes", tc.name, n)
		}
	}
}

func TestForeign(t *testing.T) {
	data := encode(t, small())
	if got, want := decodeErr(t, data, "backprop train mnist: cnn"), `checkpoint: written by "checkpoint test", not "backprop train mnist: cnn"`; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	for _, other := range []string{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "{\"epoch\": 1}", "\x89BPCX\r\n\x1a" + strings.Repeat("x", 40), "BPCK"} {
		if got, want := decodeErr(t, []byte(other), kind), "checkpoint: not a backprop checkpoint"; got != want {
			t.Errorf("%.8q: %q, want %q", other, got, want)
		}
	}
}

// TestLoadErrors checks that Load names the file, and refuses a file
// with bytes after its end, which Decode, reading a stream, leaves to
// its caller.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, checkpoint.FileName)
	data := encode(t, small())
	for _, tc := range []struct {
		data []byte
		want string
	}{
		{data[:100], fmt.Sprintf("checkpoint %s: truncated at byte 100 (expected %d more)", path, len(data)-100)},
		{append(bytes.Clone(data), 0), fmt.Sprintf("checkpoint %s: 1 bytes after the end of the checkpoint (file is corrupt)", path)},
		{nil, fmt.Sprintf("checkpoint %s: truncated at byte 0 (expected at least 24 more)", path)},
	} {
		os.WriteFile(path, tc.data, 0o644)
		if s, err := checkpoint.Load(dir, kind); s != nil || err == nil || err.Error() != tc.want {
			t.Errorf("Load: %v, want %q", err, tc.want)
		}
	}
	// Decode reads exactly the checkpoint and leaves what follows.
	r := bytes.NewReader(append(bytes.Clone(data), "next"...))
	if _, err := checkpoint.Decode(r, kind); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "next" {
		t.Errorf("after Decode the reader holds %q, want \"next\"", rest)
	}
}

func FuzzDecode(f *testing.F) {
	data := encode(f, small())
	f.Add(data)
	f.Add(data[:40])
	f.Add(encode(f, checkpoint.New("")))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := checkpoint.Decode(bytes.NewReader(data), "")
		if err != nil && len(data) >= 36 {
			// Random bytes rarely pass the checksums: forge them, so
			// that the fuzzer explores the decoding of the entries.
			forged := append([]byte("\x89BPCK\r\n\x1a\x01\x00\x00\x00"), data[12:]...)
			binary.LittleEndian.PutUint64(forged[12:], uint64(len(forged)))
			data = fix(forged)
			s, err = checkpoint.Decode(bytes.NewReader(data), "")
		}
		if err != nil {
			return
		}
		// The format is canonical: what decodes encodes to the same bytes.
		var buf bytes.Buffer
		if err := checkpoint.Encode(&buf, s); err != nil {
			t.Fatal(err)
		}
		if buf.Len() > len(data) || !bytes.Equal(buf.Bytes(), data[:buf.Len()]) {
			t.Errorf("decode → encode changed the bytes")
		}
	})
}
