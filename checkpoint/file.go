package checkpoint

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gobackprop/backprop/internal/atomicfile"
)

// FileName is the name of the checkpoint file in its directory.
const FileName = "checkpoint.bpck"

// Save writes s to the file [FileName] in dir, creating dir if it is
// missing, atomically: the file is written beside its target, flushed to
// disk and renamed over the previous checkpoint, so that a crash or a
// kill -9 at any moment leaves the previous checkpoint or the new one,
// complete. Temporary files that a killed Save left in dir are removed
// first; so dir must have one writer at a time.
func Save(dir string, s *State) error {
	if err := atomicfile.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if err := atomicfile.RemoveStale(path); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return atomicfile.WriteFile(path, func(w io.Writer) error { return Encode(w, s) })
}

// Load reads the checkpoint in dir, checks it whole, and returns its
// State, or an error naming the file and what is wrong with it: a
// truncated or corrupt file, another format, or another kind than kind
// (any kind if kind is ""). When dir holds no checkpoint the error says
// so and wraps [fs.ErrNotExist].
func Load(dir, kind string) (*State, error) {
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &noCheckpointError{dir: dir, err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	s, err := decode(data, kind)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return s, nil
}

// noCheckpointError is Load's error for a directory without a checkpoint.
type noCheckpointError struct {
	dir string
	err error // an fs.ErrNotExist
}

func (e *noCheckpointError) Error() string { return "no checkpoint in " + e.dir }
func (e *noCheckpointError) Unwrap() error { return e.err }
