package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// The layout of the format; see the package documentation.
const (
	magic      = "\x89BPCK\r\n\x1a"
	version    = 1
	headerSize = 8 + 4 + 8 + 4                // magic, version, total size, header CRC
	minSize    = headerSize + 4 + 4 + crcSize // and kind length, entry count, CRC
	crcSize    = 4
	// maxDim bounds each size of an array's shape, so that the product
	// of the sizes of an array of no elements (one size 0) still fits in
	// an int.
	maxDim = 1 << 40
)

// castagnoli is the CRC-32C table: the polynomial with hardware support
// on amd64 and arm64.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// size returns the number of bytes of s encoded.
func (s *State) size() int64 {
	n := int64(headerSize + 4 + len(s.Kind) + 4 + crcSize)
	for i := range s.entries {
		e := &s.entries[i]
		n += 1 + 4 + int64(len(e.name))
		switch e.typ {
		case typeFloat32:
			n += 4 + 8*int64(len(e.shape)) + 4*int64(len(e.f32))
		case typeFloat64:
			n += 4 + 8*int64(len(e.shape)) + 8*int64(len(e.f64))
		case typeInt:
			n += 8
		case typeBytes:
			n += 8 + int64(len(e.b))
		}
	}
	return n
}

// An encoder writes little-endian fields to a buffered writer and a CRC
// of everything it writes, remembering the first error.
type encoder struct {
	w   *bufio.Writer
	crc uint32
	buf []byte // scratch
}

func (e *encoder) write(p []byte) {
	e.crc = crc32.Update(e.crc, castagnoli, p)
	e.w.Write(p) // a bufio.Writer keeps its first error for Flush
}

func (e *encoder) u32(v uint32) { e.write(binary.LittleEndian.AppendUint32(e.buf[:0], v)) }
func (e *encoder) u64(v uint64) { e.write(binary.LittleEndian.AppendUint64(e.buf[:0], v)) }

func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.write([]byte(s))
}

// floats writes xs in chunks of the scratch buffer.
func floats[F float32 | float64](e *encoder, xs []F) {
	const chunk = 4096
	for len(xs) > 0 {
		n := min(len(xs), chunk)
		b := e.buf[:0]
		for _, x := range xs[:n] {
			if is32[F]() {
				b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(x)))
			} else {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(x)))
			}
		}
		e.write(b)
		e.buf = b
		xs = xs[n:]
	}
}

// Encode writes s to w in the checkpoint format.
func Encode(w io.Writer, s *State) error {
	if len(s.Kind) > math.MaxUint32 {
		return errors.New("checkpoint: kind longer than 4 GiB")
	}
	e := &encoder{w: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 8*4096)}
	hdr := make([]byte, 0, headerSize)
	hdr = append(hdr, magic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, version)
	hdr = binary.LittleEndian.AppendUint64(hdr, uint64(s.size()))
	hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(hdr, castagnoli))
	e.write(hdr)
	e.str(s.Kind)
	e.u32(uint32(len(s.entries)))
	for i := range s.entries {
		en := &s.entries[i]
		e.write([]byte{byte(en.typ)})
		e.str(en.name)
		switch en.typ {
		case typeFloat32, typeFloat64:
			e.u32(uint32(len(en.shape)))
			for _, d := range en.shape {
				e.u64(uint64(d))
			}
			if en.typ == typeFloat32 {
				floats(e, en.f32)
			} else {
				floats(e, en.f64)
			}
		case typeInt:
			e.u64(uint64(en.i))
		case typeBytes:
			e.u64(uint64(len(en.b)))
			e.write(en.b)
		}
	}
	e.w.Write(binary.LittleEndian.AppendUint32(nil, e.crc))
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Decode reads a checkpoint from r and returns its State, or an error
// if r does not hold a complete, intact checkpoint of the given kind (any
// kind if kind is ""). It reads exactly the bytes of the checkpoint, and
// never allocates much more than it has read, whatever the length fields
// claim.
func Decode(r io.Reader, kind string) (*State, error) {
	var buf bytes.Buffer
	buf.Grow(headerSize)
	if _, err := io.CopyN(&buf, r, headerSize); err != nil && err != io.EOF {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if buf.Len() == headerSize {
		total, err := header(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
		// ReadFrom grows the buffer as data arrives, so that a total
		// claiming more than r holds allocates no more than r holds
		// (beyond the first 256 KiB).
		buf.Grow(int(min(total, 256<<10)))
		if _, err := buf.ReadFrom(io.LimitReader(r, total-headerSize)); err != nil {
			return nil, fmt.Errorf("checkpoint: %w", err)
		}
	}
	s, err := decode(buf.Bytes(), kind)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return s, nil
}

// errTruncated returns the error of data cut at byte n, short of want
// more bytes; atLeast says that the file may be longer still.
func errTruncated(n int, want int64, atLeast bool) error {
	if atLeast {
		return fmt.Errorf("truncated at byte %d (expected at least %d more)", n, want)
	}
	return fmt.Errorf("truncated at byte %d (expected %d more)", n, want)
}

var errNotCheckpoint = errors.New("not a backprop checkpoint")

// header checks the fixed-size header at the start of data and returns
// the total size of the checkpoint it announces.
func header(data []byte) (int64, error) {
	if len(data) < len(magic) {
		if !bytes.HasPrefix([]byte(magic), data) {
			return 0, errNotCheckpoint
		}
		return 0, errTruncated(len(data), int64(headerSize-len(data)), true)
	}
	if string(data[:len(magic)]) != magic {
		return 0, errNotCheckpoint
	}
	if len(data) < headerSize {
		return 0, errTruncated(len(data), int64(headerSize-len(data)), true)
	}
	h := data[:headerSize]
	if crc32.Checksum(h[:headerSize-crcSize], castagnoli) != binary.LittleEndian.Uint32(h[headerSize-crcSize:]) {
		return 0, errors.New("checksum mismatch in the header (file is corrupt)")
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != version {
		return 0, fmt.Errorf("format version %d, but this build of backprop reads version %d only", v, version)
	}
	total := binary.LittleEndian.Uint64(h[12:])
	if total < minSize || total > math.MaxInt64 {
		return 0, fmt.Errorf("impossible size %d in the header (file is corrupt)", total)
	}
	return int64(total), nil
}

// decode decodes the checkpoint that data should be exactly.
func decode(data []byte, kind string) (*State, error) {
	total, err := header(data)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) < total {
		return nil, errTruncated(len(data), total-int64(len(data)), false)
	}
	if int64(len(data)) > total {
		return nil, fmt.Errorf("%d bytes after the end of the checkpoint (file is corrupt)", int64(len(data))-total)
	}
	end := len(data) - crcSize
	if crc32.Checksum(data[:end], castagnoli) != binary.LittleEndian.Uint32(data[end:]) {
		return nil, errors.New("checksum mismatch (file is corrupt)")
	}
	// The checksum holds: what follows fails only on a file made to
	// look intact (or a bug in Encode), but must fail without panicking
	// or allocating more than the file's size all the same.
	d := &decoder{data: data[:end], off: headerSize}
	k := d.str()
	if d.err == nil && kind != "" && k != kind {
		return nil, fmt.Errorf("written by %q, not %q", k, kind)
	}
	s := New(k)
	n := d.u32()
	for i := uint32(0); i < n && d.err == nil; i++ {
		at := d.off
		e := entry{typ: entryType(d.byte())}
		e.name = d.str()
		switch e.typ {
		case typeFloat32, typeFloat64:
			e.shape = d.shape(e.typ)
			if d.err != nil {
				break
			}
			size := 1
			for _, x := range e.shape {
				size *= x
			}
			if e.typ == typeFloat32 {
				b := d.bytes(4 * uint64(size)) // shape checked that it fits
				e.f32 = make([]float32, size)
				for j := range e.f32 {
					e.f32[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
				}
			} else {
				b := d.bytes(8 * uint64(size))
				e.f64 = make([]float64, size)
				for j := range e.f64 {
					e.f64[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
				}
			}
		case typeInt:
			e.i = int64(d.u64())
		case typeBytes:
			e.b = bytes.Clone(d.bytes(d.u64()))
		default:
			d.fail(fmt.Errorf("unknown entry type %d at byte %d (file is corrupt)", e.typ, at))
		}
		if _, dup := s.index[e.name]; dup && d.err == nil {
			d.fail(fmt.Errorf("%q twice (file is corrupt)", e.name))
		}
		if d.err == nil {
			s.add(e)
		}
	}
	if d.err == nil && d.off != len(d.data) {
		d.fail(fmt.Errorf("%d bytes after the last entry (file is corrupt)", len(d.data)-d.off))
	}
	if d.err != nil {
		return nil, d.err
	}
	return s, nil
}

// A decoder reads little-endian fields from data, checking every length
// against the bytes left before reading or allocating. After the first
// error every read returns zero.
type decoder struct {
	data []byte
	off  int
	err  error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

// bytes returns the next n bytes of data, without copying.
func (d *decoder) bytes(n uint64) []byte {
	if d.err != nil {
		return nil
	}
	if left := uint64(len(d.data) - d.off); n > left {
		d.fail(fmt.Errorf("length %d at byte %d runs past the end, %d bytes on (file is corrupt)", n, d.off, left))
		return nil
	}
	b := d.data[d.off : d.off+int(n)]
	d.off += int(n)
	return b
}

func (d *decoder) byte() byte {
	if b := d.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) u32() uint32 {
	if b := d.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) str() string { return string(d.bytes(uint64(d.u32()))) }

// shape reads the rank and sizes of an array of type typ, and checks
// that its elements fit in the bytes left.
func (d *decoder) shape(typ entryType) []int {
	at := d.off
	rank := uint64(d.u32())
	if d.err != nil {
		return nil
	}
	if rank > uint64(len(d.data)-d.off)/8 {
		d.fail(fmt.Errorf("rank %d at byte %d runs past the end (file is corrupt)", rank, at))
		return nil
	}
	width := uint64(4)
	if typ == typeFloat64 {
		width = 8
	}
	shape := make([]int, rank)
	left := uint64(len(d.data)-d.off) - 8*rank // bytes for the elements
	size := uint64(1)
	for i := range shape {
		x := d.u64()
		if x > maxDim {
			d.fail(fmt.Errorf("size %d at byte %d is too large (file is corrupt)", x, at))
			return nil
		}
		shape[i] = int(x)
		if size != 0 && x != 0 && size > left/width/x {
			d.fail(fmt.Errorf("array of shape at byte %d runs past the end (file is corrupt)", at))
			return nil
		}
		size *= x
	}
	if size*width > left {
		d.fail(fmt.Errorf("array of shape at byte %d runs past the end (file is corrupt)", at))
		return nil
	}
	return shape
}
