package idx

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/iotest"
)

// file returns the bytes of an IDX header of type t and the given sizes,
// followed by data.
func file(t Type, sizes []uint32, data ...byte) []byte {
	b := []byte{0, 0, byte(t), byte(len(sizes))}
	for _, s := range sizes {
		b = binary.BigEndian.AppendUint32(b, s)
	}
	return append(b, data...)
}

func gz(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	if _, err := z.Write(b); err != nil {
		tb.Fatal(err)
	}
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// readers returns the ways a test reads the same bytes: with a known
// length (checked before allocating) and as a stream of unknown length,
// one byte at a time.
func readers(b []byte) map[string]io.Reader {
	return map[string]io.Reader{
		"sized":  bytes.NewReader(b),
		"stream": iotest.OneByteReader(bytes.NewReader(b)),
	}
}

func TestReadErrors(t *testing.T) {
	gzipped := gz(t, file(Uint8, []uint32{2, 2}, 1, 2, 3, 4))
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "f: offset 0: truncated: expected a magic number (4 bytes), found 0 bytes"},
		{"short magic", []byte{0, 0, 8}, "f: offset 0: truncated: expected a magic number (4 bytes), found 3 bytes"},
		{"bad magic", []byte{1, 2, 8, 1, 0, 0, 0, 0}, "f: offset 0: bad magic number 0x01020801: expected two zero bytes, a type code and the number of dimensions"},
		{"text", []byte("hello, world"), "f: offset 0: bad magic number 0x68656c6c: expected two zero bytes, a type code and the number of dimensions"},
		{"type code", []byte{0, 0, 0x0A, 1, 0, 0, 0, 0}, "f: offset 2: unknown type code 0x0a: expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e"},
		{"short sizes", []byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0}, "f: offset 4: truncated: expected 3 dimension sizes (12 bytes), found 6 bytes"},
		{"too many elements", file(Uint8, []uint32{1 << 16, 1 << 15}), "f: offset 4: dimensions 65536×32768: more than 1073741824 elements (the first 2 sizes already exceed it)"},
		{"overflow", file(Float64, []uint32{math.MaxUint32, math.MaxUint32, math.MaxUint32}), "f: offset 4: dimensions 4294967295×4294967295×4294967295: more than 1073741824 elements (the first 1 sizes already exceed it)"},
		{"short data", file(Int16, []uint32{3}, 0, 1, 0, 2, 0), "f: offset 8: truncated: expected 6 bytes of data (3 int16 elements), found 5 bytes"},
		{"no data", file(Uint8, []uint32{60000, 28, 28}), "f: offset 16: truncated: expected 47040000 bytes of data (47040000 uint8 elements), found 0 bytes"},
		{"trailing", file(Uint8, []uint32{2}, 1, 2, 3), "f: offset 10: trailing bytes after the data"},
		{"gzip trailing", gz(t, file(Uint8, []uint32{1}, 1, 2)), "f: offset 9 (decompressed): trailing bytes after the data"},
		{"gzip short", gz(t, file(Int32, []uint32{1}, 1, 2)), "f: offset 8 (decompressed): truncated: expected 4 bytes of data (1 int32 elements), found 2 bytes"},
		{"gzip cut", gzipped[:len(gzipped)-4], "f: offset 16 (decompressed): truncated: the gzip stream ends without its checksum"},
		{"gzip cut early", gzipped[:15], "f: offset 4 (decompressed): truncated: expected 2 dimension sizes (8 bytes), found 0 bytes"},
		{"gzip header", []byte{0x1f, 0x8b, 1}, "f: offset 0: bad gzip header: unexpected EOF"},
		{"gzip checksum", flip(gzipped, len(gzipped)-5), "f: offset 16 (decompressed): after the data: gzip: invalid checksum"},
	} {
		for how, r := range readers(tc.in) {
			a, err := Read(r, "f")
			if err == nil {
				t.Errorf("%s, %s: no error, read %+v", tc.name, how, a)
				continue
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("%s, %s:\n got %s\nwant %s", tc.name, how, got, tc.want)
			}
			var e *Error
			if !errors.As(err, &e) || e.Name != "f" {
				t.Errorf("%s, %s: %T, not an *Error naming the file", tc.name, how, err)
			}
		}
	}
}

// flip returns a copy of b with the bits of byte i inverted.
func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0xff
	return c
}

func arrays() []*Array {
	return []*Array{
		{Uint8, []int{2, 3}, []uint8{0, 1, 2, 127, 128, 255}},
		{Int8, []int{4}, []int8{-128, -1, 0, 127}},
		{Int16, []int{2, 2}, []int16{-32768, -1, 1, 32767}},
		{Int32, []int{1, 3}, []int32{math.MinInt32, 0, math.MaxInt32}},
		{Float32, []int{3}, []float32{-1.5, float32(math.Inf(1)), math.SmallestNonzeroFloat32}},
		{Float64, []int{2, 1, 2}, []float64{math.Pi, math.Copysign(0, -1), math.MaxFloat64, 1e-300}},
		{Uint8, []int{}, []uint8{42}},       // rank 0: one element
		{Float64, []int{3, 0}, []float64{}}, // no elements
	}
}

func TestRoundTrip(t *testing.T) {
	for _, a := range arrays() {
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatalf("%v %v: %v", a.Type, a.Shape, err)
		}
		for _, in := range [][]byte{buf.Bytes(), gz(t, buf.Bytes())} {
			for how, r := range readers(in) {
				got, err := Read(r, "f")
				if err != nil {
					t.Errorf("%v %v, %s: %v", a.Type, a.Shape, how, err)
					continue
				}
				if !reflect.DeepEqual(got, a) {
					t.Errorf("%v %v, %s: read %+v", a.Type, a.Shape, how, got)
				}
			}
		}
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		a    *Array
		want string
	}{
		{&Array{Type(7), nil, []uint8{1}}, "idx: write: unknown type Type(0x07)"},
		{&Array{Uint8, []int{1}, []int8{1}}, "idx: write: type uint8 but data of type []int8"},
		{&Array{Uint8, []int{1}, []int{1}}, "idx: write: type uint8 but data of type []int"},
		{&Array{Int16, []int{3}, []int16{1}}, "idx: write: 1 elements for shape [3]"},
		{&Array{Int16, []int{-1}, []int16{}}, "idx: write: size -1 outside [0, 2³²)"},
		{&Array{Uint8, make([]int, 256), []uint8{}}, "idx: write: 256 dimensions, more than 255"},
	} {
		err := Write(io.Discard, tc.a)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Write(%v %v): %v, want %s", tc.a.Type, tc.a.Shape, err, tc.want)
		}
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	a := arrays()[0]
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"a.idx": buf.Bytes(), "a.idx.gz": gz(t, buf.Bytes())} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path)
		if err != nil || !reflect.DeepEqual(got, a) {
			t.Errorf("ReadFile(%s) = %+v, %v", name, got, err)
		}
	}
	path := filepath.Join(dir, "short.idx")
	if err := os.WriteFile(path, buf.Bytes()[:buf.Len()-1], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path)
	want := path + ": offset 12: truncated: expected 6 bytes of data (6 uint8 elements), found 5 bytes"
	if err == nil || err.Error() != want {
		t.Errorf("ReadFile(short.idx): %v, want %s", err, want)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.idx")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing.idx): %v, want a not-exist error", err)
	}
}

// FuzzRead reads arbitrary bytes with a known length and as a stream: no
// panic, the same result both ways, and what is read writes back to the
// same bytes.
func FuzzRead(f *testing.F) {
	for _, a := range arrays() {
		var buf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
		f.Add(gz(f, buf.Bytes()))
	}
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0, 1})
	f.Add(file(Float64, []uint32{1 << 16, 1 << 16}))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Read(bytes.NewReader(b), "f")
		s, serr := Read(iotest.HalfReader(bytes.NewReader(b)), "f")
		if (err == nil) != (serr == nil) || err != nil && err.Error() != serr.Error() {
			t.Fatalf("sized read: %v, stream read: %v", err, serr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T %v: not an *Error", err, err)
			}
			return
		}
		// Compare encodings, not values: NaN != NaN.
		var buf, sbuf bytes.Buffer
		if err := Write(&buf, a); err != nil {
			t.Fatal(err)
		}
		if err := Write(&sbuf, s); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), sbuf.Bytes()) {
			t.Fatalf("sized read %+v, stream read %+v", a, s)
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			if !bytes.Equal(buf.Bytes(), b) {
				t.Fatalf("wrote back %x, read %x", buf.Bytes(), b)
			}
		}
	})
}
