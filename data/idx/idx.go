package idx

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// Type is an IDX type code, the third byte of the magic number.
type Type byte

// The IDX type codes.
const (
	Uint8   Type = 0x08
	Int8    Type = 0x09
	Int16   Type = 0x0B
	Int32   Type = 0x0C
	Float32 Type = 0x0D
	Float64 Type = 0x0E
)

// Size returns the size of one element of type t in bytes, or 0 if t is
// not an IDX type code.
func (t Type) Size() int {
	switch t {
	case Uint8, Int8:
		return 1
	case Int16:
		return 2
	case Int32, Float32:
		return 4
	case Float64:
		return 8
	}
	return 0
}

// String returns the Go name of the element type, such as "uint8", or
// "Type(0x07)" if t is not an IDX type code.
func (t Type) String() string {
	switch t {
	case Uint8:
		return "uint8"
	case Int8:
		return "int8"
	case Int16:
		return "int16"
	case Int32:
		return "int32"
	case Float32:
		return "float32"
	case Float64:
		return "float64"
	}
	return fmt.Sprintf("Type(%#02x)", byte(t))
}

// MaxElements is the largest number of elements [Read] accepts: a header
// that declares more is refused before anything is allocated.
const MaxElements = 1 << 30

// Array is the content of an IDX file: its element type, its shape and
// its elements in row-major order.
type Array struct {
	Type  Type
	Shape []int
	// Data is a []uint8, []int8, []int16, []int32, []float32 or []float64,
	// as Type says, of length the product of Shape.
	Data any
}

// Error is an error in the content of an IDX file.
type Error struct {
	Name   string // the file name, as given to Read or ReadFile
	Offset int64  // the byte offset of the problem
	Gzip   bool   // whether Offset counts bytes of decompressed data
	Msg    string
	Err    error // the underlying I/O or gzip error, if any
}

// Error returns "name: offset N: message", with " (decompressed)" after
// N for a gzip file and ": " and the underlying error if there is one.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Name)
	b.WriteString(": offset ")
	b.WriteString(strconv.FormatInt(e.Offset, 10))
	if e.Gzip {
		b.WriteString(" (decompressed)")
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying I/O or gzip error, if any.
func (e *Error) Unwrap() error { return e.Err }

// ReadFile reads the IDX file at path, gzip-compressed or not. Errors in
// its content are [*Error] values naming path.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return read(f, path, size)
}

// Read reads one IDX array from r, gzip-compressed or not, to its end:
// bytes after the data are an error. name names the input in errors. When
// r has a method Len() int giving the number of unread bytes (as
// [bytes.Reader], [bytes.Buffer] and [strings.Reader] do), the header is
// checked against it before the data is allocated.
func Read(r io.Reader, name string) (*Array, error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return read(r, name, size)
}

// read reads an IDX array from r, which holds size bytes, or an unknown
// number if size < 0.
func read(r io.Reader, name string, size int64) (*Array, error) {
	br := bufio.NewReader(r)
	d := &decoder{name: name}
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, d.errorf(err, "bad gzip header")
		}
		defer z.Close()
		d.gzip = true
		br = bufio.NewReader(z)
		size = -1
	}
	d.r = br
	return d.decode(size)
}

type decoder struct {
	r    *bufio.Reader
	name string
	off  int64 // bytes consumed
	gzip bool
}

func (d *decoder) errorf(err error, format string, args ...any) *Error {
	return &Error{Name: d.name, Offset: d.off, Gzip: d.gzip, Msg: fmt.Sprintf(format, args...), Err: err}
}

// full reads len(buf) bytes of what; a short read is a truncation.
func (d *decoder) full(buf []byte, what string) error {
	n, err := io.ReadFull(d.r, buf)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return d.errorf(nil, "truncated: expected %s (%d bytes), found %d bytes", what, len(buf), n)
	}
	d.off += int64(n)
	if err != nil {
		return d.errorf(err, "reading %s", what)
	}
	return nil
}

func (d *decoder) decode(size int64) (*Array, error) {
	var magic [4]byte
	if err := d.full(magic[:], "a magic number"); err != nil {
		return nil, err
	}
	if magic[0] != 0 || magic[1] != 0 {
		d.off = 0
		return nil, d.errorf(nil, "bad magic number %#08x: expected two zero bytes, a type code and the number of dimensions", binary.BigEndian.Uint32(magic[:]))
	}
	t := Type(magic[2])
	if t.Size() == 0 {
		d.off = 2
		return nil, d.errorf(nil, "unknown type code %#02x: expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e", magic[2])
	}
	rank := int(magic[3])
	sizes := make([]byte, 4*rank)
	if err := d.full(sizes, fmt.Sprintf("%d dimension sizes", rank)); err != nil {
		return nil, err
	}
	shape := make([]int, rank)
	n := int64(1)
	for i := range shape {
		s := binary.BigEndian.Uint32(sizes[4*i:])
		shape[i] = int(s) // the limit below keeps int(s) meaningful on 32-bit platforms
		if s == 0 {
			n = 0
		}
	}
	if n != 0 {
		for i, s := range shape {
			if int64(s) > MaxElements/n || s < 0 {
				d.off = 4
				return nil, d.errorf(nil, "dimensions %s: more than %d elements (the first %d sizes already exceed it)", dims(sizes), MaxElements, i+1)
			}
			n *= int64(s)
		}
	}
	need := n * int64(t.Size())
	if need > math.MaxInt {
		d.off = 4
		return nil, d.errorf(nil, "dimensions %s: %d bytes of data, too many for this platform", dims(sizes), need)
	}
	var data []byte
	if size >= 0 {
		// The length is known: check it before allocating.
		switch have := size - d.off; {
		case have < need:
			return nil, d.errorf(nil, "truncated: expected %d bytes of data (%d %s elements), found %d bytes", need, n, t, have)
		case have > need:
			d.off += need
			return nil, d.errorf(nil, "trailing bytes after the data")
		}
		data = make([]byte, need)
		if err := d.full(data, "the data"); err != nil {
			return nil, err
		}
	} else {
		// The length is unknown: let the buffer grow with the data
		// actually read, not with what the header claims.
		var buf bytes.Buffer
		m, err := buf.ReadFrom(io.LimitReader(d.r, need))
		if err != nil && err != io.ErrUnexpectedEOF { // a cut gzip stream is a truncation
			d.off += m
			return nil, d.errorf(err, "reading the data")
		}
		if m < need {
			return nil, d.errorf(nil, "truncated: expected %d bytes of data (%d %s elements), found %d bytes", need, n, t, m)
		}
		d.off += m
		data = buf.Bytes()
	}
	// The end: nothing may follow, and a gzip stream must end with a
	// valid checksum, which gzip.Reader checks at io.EOF.
	var one [1]byte
	if k, err := d.r.Read(one[:]); k > 0 {
		return nil, d.errorf(nil, "trailing bytes after the data")
	} else if err != io.EOF {
		if err == nil {
			err = io.ErrNoProgress
		}
		if err == io.ErrUnexpectedEOF {
			return nil, d.errorf(nil, "truncated: the gzip stream ends without its checksum")
		}
		return nil, d.errorf(err, "after the data")
	}
	return &Array{Type: t, Shape: shape, Data: decodeData(t, data, int(n))}, nil
}

// dims formats the big-endian uint32 sizes as 60000×28×28.
func dims(sizes []byte) string {
	var b strings.Builder
	for i := 0; i < len(sizes); i += 4 {
		if i > 0 {
			b.WriteString("×")
		}
		b.WriteString(strconv.FormatUint(uint64(binary.BigEndian.Uint32(sizes[i:])), 10))
	}
	return b.String()
}

// decodeData converts n big-endian elements of type t.
func decodeData(t Type, b []byte, n int) any {
	be := binary.BigEndian
	switch t {
	case Uint8:
		return b[:n:n]
	case Int8:
		s := make([]int8, n)
		for i := range s {
			s[i] = int8(b[i])
		}
		return s
	case Int16:
		s := make([]int16, n)
		for i := range s {
			s[i] = int16(be.Uint16(b[2*i:]))
		}
		return s
	case Int32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(be.Uint32(b[4*i:]))
		}
		return s
	case Float32:
		s := make([]float32, n)
		for i := range s {
			s[i] = math.Float32frombits(be.Uint32(b[4*i:]))
		}
		return s
	case Float64:
		s := make([]float64, n)
		for i := range s {
			s[i] = math.Float64frombits(be.Uint64(b[8*i:]))
		}
		return s
	}
	panic("idx: unreachable: type " + t.String())
}

// Write writes a as an uncompressed IDX file to w; wrap w in a
// [gzip.Writer] for a compressed one. It returns an error if a's type is
// not an IDX type, if Data's type does not match it, if it has more than
// 255 dimensions, a size outside [0, 2³²), or if the length of Data is not
// the product of the sizes.
func Write(w io.Writer, a *Array) error {
	if a.Type.Size() == 0 {
		return fmt.Errorf("idx: write: unknown type %v", a.Type)
	}
	if len(a.Shape) > 255 {
		return fmt.Errorf("idx: write: %d dimensions, more than 255", len(a.Shape))
	}
	n := 1
	for _, s := range a.Shape {
		if s < 0 || int64(s) > math.MaxUint32 {
			return fmt.Errorf("idx: write: size %d outside [0, 2³²)", s)
		}
		n *= s
	}
	t, l := typeLen(a.Data)
	if t != a.Type {
		return fmt.Errorf("idx: write: type %v but data of type %T", a.Type, a.Data)
	}
	if l != n {
		return fmt.Errorf("idx: write: %d elements for shape %v", l, a.Shape)
	}
	bw := bufio.NewWriter(w)
	bw.Write([]byte{0, 0, byte(a.Type), byte(len(a.Shape))})
	var buf [8]byte
	be := binary.BigEndian
	for _, s := range a.Shape {
		be.PutUint32(buf[:], uint32(s))
		bw.Write(buf[:4])
	}
	switch d := a.Data.(type) {
	case []uint8:
		bw.Write(d)
	case []int8:
		for _, v := range d {
			bw.WriteByte(byte(v))
		}
	case []int16:
		for _, v := range d {
			be.PutUint16(buf[:], uint16(v))
			bw.Write(buf[:2])
		}
	case []int32:
		for _, v := range d {
			be.PutUint32(buf[:], uint32(v))
			bw.Write(buf[:4])
		}
	case []float32:
		for _, v := range d {
			be.PutUint32(buf[:], math.Float32bits(v))
			bw.Write(buf[:4])
		}
	case []float64:
		for _, v := range d {
			be.PutUint64(buf[:], math.Float64bits(v))
			bw.Write(buf[:8])
		}
	}
	return bw.Flush() // bufio.Writer keeps the first error of the writes
}

// typeLen returns the IDX type and the length of a slice of elements, or
// 0 and 0 if data is not one.
func typeLen(data any) (Type, int) {
	switch d := data.(type) {
	case []uint8:
		return Uint8, len(d)
	case []int8:
		return Int8, len(d)
	case []int16:
		return Int16, len(d)
	case []int32:
		return Int32, len(d)
	case []float32:
		return Float32, len(d)
	case []float64:
		return Float64, len(d)
	}
	return 0, 0
}
