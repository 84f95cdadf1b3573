package checkpoint

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/gobackprop/backprop/tensor"
)

// entryType is what an entry holds; its values are the type bytes of the
// file format.
type entryType uint8

const (
	typeFloat32 entryType = 1 // an array of float32
	typeFloat64 entryType = 2 // an array of float64
	typeInt     entryType = 3 // an int64
	typeBytes   entryType = 4 // a byte string
)

func (t entryType) String() string {
	switch t {
	case typeFloat32:
		return "a float32 array"
	case typeFloat64:
		return "a float64 array"
	case typeInt:
		return "an integer"
	case typeBytes:
		return "bytes"
	}
	return fmt.Sprintf("entry type %d", uint8(t))
}

// An entry is one named value of a State. Only the fields of its type
// are set.
type entry struct {
	name  string
	typ   entryType
	shape []int     // arrays
	f32   []float32 // typeFloat32
	f64   []float64 // typeFloat64
	i     int64     // typeInt
	b     []byte    // typeBytes
}

// State is the content of a checkpoint: a kind and named arrays, integers
// and byte strings, in the order they were added. Names are one
// namespace: an integer and an array cannot share a name. A State holds
// copies, never the caller's arrays or slices. Make one with [New] (or
// [Load], [Decode]); a State is not safe for concurrent use.
type State struct {
	// Kind says what wrote the checkpoint and for which model, for
	// example "backprop train mnist: mlp 784-128-10 float32". Load and
	// Decode refuse a checkpoint of another kind.
	Kind string

	entries []entry
	index   map[string]int // name → position in entries
}

// New returns an empty State of the given kind.
func New(kind string) *State {
	return &State{Kind: kind, index: map[string]int{}}
}

// add appends e, or panics if its name is taken.
func (s *State) add(e entry) {
	if _, ok := s.index[e.name]; ok {
		panic(fmt.Sprintf("checkpoint: %q added twice", e.name))
	}
	if s.index == nil {
		s.index = map[string]int{}
	}
	s.index[e.name] = len(s.entries)
	s.entries = append(s.entries, e)
}

// set replaces the entry named e.name if it has e's type, or adds e. It
// panics if the name is taken by an entry of another type.
func (s *State) set(e entry) {
	if i, ok := s.index[e.name]; ok {
		if t := s.entries[i].typ; t != e.typ {
			panic(fmt.Sprintf("checkpoint: %q is %v, not %v", e.name, t, e.typ))
		}
		s.entries[i] = e
		return
	}
	s.add(e)
}

// lookup returns the entry named name, or an error if there is none or
// it is not of type typ.
func (s *State) lookup(name string, typ ...entryType) (*entry, error) {
	i, ok := s.index[name]
	if !ok {
		return nil, fmt.Errorf("checkpoint: no %q in the checkpoint", name)
	}
	e := &s.entries[i]
	if !slices.Contains(typ, e.typ) {
		return nil, fmt.Errorf("checkpoint: %q is %v, not %v", name, e.typ, typ[0])
	}
	return e, nil
}

// is32 reports whether T is float32 (or a type defined on it) rather
// than float64.
func is32[T tensor.Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// AddDense adds a copy of the elements and shape of a under name. It
// panics, with a message starting "checkpoint: ", if name is taken.
func AddDense[T tensor.Float](s *State, name string, a *tensor.Dense[T]) {
	e := entry{name: name, shape: a.Shape()}
	d := a.Data() // the backing slice when contiguous: copied below
	if is32[T]() {
		e.typ, e.f32 = typeFloat32, make([]float32, len(d))
		for i, v := range d {
			e.f32[i] = float32(v)
		}
	} else {
		e.typ, e.f64 = typeFloat64, make([]float64, len(d))
		for i, v := range d {
			e.f64[i] = float64(v)
		}
	}
	s.add(e)
}

// Dense copies the array named name into dst. It returns an error, and
// leaves dst as it was, if there is no such array, or it has another
// element type or another shape than dst. It panics if dst is not
// contiguous.
func Dense[T tensor.Float](s *State, name string, dst *tensor.Dense[T]) error {
	want := typeFloat64
	if is32[T]() {
		want = typeFloat32
	}
	e, err := s.lookup(name, want, typeFloat32, typeFloat64)
	if err != nil {
		return err
	}
	if e.typ != want {
		return fmt.Errorf("checkpoint: %q is %v, not %v", name, e.typ, want)
	}
	if !dst.HasShape(e.shape...) {
		return fmt.Errorf("checkpoint: %q has shape %v, the array to restore it into %v", name, e.shape, dst.Shape())
	}
	if !dst.IsContiguous() {
		panic(fmt.Sprintf("checkpoint: dense: the array to restore %q into is not contiguous", name))
	}
	d := dst.Data()
	if want == typeFloat32 {
		for i, v := range e.f32 {
			d[i] = T(v)
		}
	} else {
		for i, v := range e.f64 {
			d[i] = T(v)
		}
	}
	return nil
}

// SetInt sets the integer named name to v, adding it if it is new. It
// panics if name is taken by an array or bytes.
func (s *State) SetInt(name string, v int64) {
	s.set(entry{name: name, typ: typeInt, i: v})
}

// Int returns the integer named name, or an error if there is none.
func (s *State) Int(name string) (int64, error) {
	e, err := s.lookup(name, typeInt)
	if err != nil {
		return 0, err
	}
	return e.i, nil
}

// SetBytes sets the byte string named name to a copy of b, adding it if
// it is new. It panics if name is taken by an array or an integer.
func (s *State) SetBytes(name string, b []byte) {
	s.set(entry{name: name, typ: typeBytes, b: append([]byte{}, b...)})
}

// Bytes returns a copy of the byte string named name, or an error if
// there is none.
func (s *State) Bytes(name string) ([]byte, error) {
	e, err := s.lookup(name, typeBytes)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, e.b...), nil
}

// Names returns the names of every entry, in the order they were added.
func (s *State) Names() []string {
	names := make([]string, len(s.entries))
	for i, e := range s.entries {
		names[i] = e.name
	}
	return names
}
