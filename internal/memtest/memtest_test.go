package memtest

import (
	"errors"
	"runtime"
	"testing"
)

func TestWriter(t *testing.T) {
	w := NewWriter(10 << 20)
	var held [][]byte
	chunk := make([]byte, 1<<20)
	var err error
	for range 16 {
		held = append(held, make([]byte, 1<<20)) // 1 MB more held per MB written
		if _, err = w.Write(chunk); err != nil {
			break
		}
	}
	if !errors.Is(err, ErrFull) || w.N != 10<<20 {
		t.Errorf("after %d bytes: error %v, want ErrFull after 10 MB", w.N, err)
	}
	if w.Peak < 4<<20 {
		t.Errorf("Peak = %d, want at least the 4 MB held when it sampled", w.Peak)
	}
	runtime.KeepAlive(held)
}
