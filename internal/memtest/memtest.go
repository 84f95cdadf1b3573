// Package memtest measures the memory a computation holds, for tests that
// put a ceiling on it: the live heap after a collection, and a writer that
// samples it while a command streams its output.
package memtest

import (
	"errors"
	"runtime"
)

// LiveHeap returns the bytes of the heap that are reachable, after a
// collection: what a computation holds, however often the collector runs.
func LiveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// ErrFull is the error of a Writer past its Max bytes.
var ErrFull = errors.New("memtest: the writer is full")

// A Writer discards what it is given, up to Max bytes and then fails with
// ErrFull, and every 4 MB records in Peak the most the live heap held
// beyond Base. Make one with NewWriter.
type Writer struct {
	N, Max     int // bytes written, and the most it takes
	Base, Peak uint64
	next       int
}

// NewWriter returns a Writer that takes max bytes, its Base the live heap
// now.
func NewWriter(max int) *Writer { return &Writer{Max: max, Base: LiveHeap()} }

// Write counts p, or fails with ErrFull once Max bytes are written.
func (w *Writer) Write(p []byte) (int, error) {
	if w.N >= w.Max {
		return 0, ErrFull
	}
	w.N += len(p)
	if w.N >= w.next {
		if h := LiveHeap(); h > w.Base {
			w.Peak = max(w.Peak, h-w.Base)
		}
		w.next = w.N + 4<<20
	}
	return len(p), nil
}
