package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultPerm is the permission of a new file whose target does not exist
// yet. A file that replaces an existing one keeps the existing one's
// permission bits.
const DefaultPerm os.FileMode = 0o644

// A File is the new content of a file, written to a temporary file beside
// it until Commit. It buffers its writes. A File is not safe for
// concurrent use.
type File struct {
	path string // the target
	tmp  *os.File
	buf  *bufio.Writer
	perm os.FileMode
	done bool
}

// Create starts a new content for the file at path: it creates a
// temporary file in the same directory (so that the final rename does not
// cross file systems). The target is not touched until Commit.
func Create(path string) (*File, error) {
	perm := DefaultPerm
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file", path)
		}
		perm = st.Mode().Perm()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // not the temporary name, which means nothing to the caller
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{path: path, tmp: tmp, buf: bufio.NewWriter(tmp), perm: perm}, nil
}

// Name returns the path of the target file.
func (f *File) Name() string { return f.path }

// Write writes p to the new content. It fails after Commit or Abort.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("%s: write after Commit or Abort", f.path)
	}
	return f.buf.Write(p)
}

// Commit makes the new content the file's: it flushes and syncs the
// temporary file, gives it its permission, renames it over the target and
// syncs the directory. On error the temporary file is removed and the
// target is unchanged (unless the error is in the last step, syncing the
// directory, when the rename is done but may not survive a crash). Commit
// after Commit or Abort is an error.
func (f *File) Commit() (err error) {
	if f.done {
		return fmt.Errorf("%s: Commit after Commit or Abort", f.path)
	}
	f.done = true
	name := f.tmp.Name()
	defer func() {
		if err != nil {
			f.tmp.Close()
			os.Remove(name)
			err = fmt.Errorf("%s: %w", f.path, err)
		}
	}()
	if err := f.buf.Flush(); err != nil {
		return err
	}
	if err := f.tmp.Chmod(f.perm); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if err := f.tmp.Sync(); err != nil {
		return err
	}
	if err := f.tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, f.path); err != nil {
		return err
	}
	return syncDir(filepath.Dir(f.path))
}

// Abort discards the new content: it removes the temporary file and leaves
// the target as it was. Abort after Commit or Abort does nothing, so that
// it can be deferred.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	name := f.tmp.Name()
	return errors.Join(f.tmp.Close(), os.Remove(name))
}

// syncDir flushes a directory, so that a rename in it is on stable
// storage. Systems that cannot sync a directory (Windows) are not asked to.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// WriteFile writes the file at path atomically with the content that write
// writes: the target is replaced only if write returns nil and the commit
// succeeds.
func WriteFile(path string, write func(w io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := write(f); err != nil {
		return err
	}
	return f.Commit()
}

// RemoveStale removes the temporary files that writers of path killed
// before Commit or Abort left behind in its directory. Call it only when
// no other process is writing path: that writer's temporary file would be
// removed too, and its Commit would fail (without touching the target).
func RemoveStale(path string) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	prefix := "." + base + ".tmp-"
	for _, e := range es {
		if strings.HasPrefix(e.Name(), prefix) && e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// MkdirAll creates the directory dir and any missing parents, as
// os.MkdirAll does, and flushes the parent of each directory it creates,
// so that a file committed in dir afterwards does not vanish with its
// directory in a crash.
func MkdirAll(dir string, perm os.FileMode) error {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, perm); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := syncDir(filepath.Dir(missing[i])); err != nil {
			return fmt.Errorf("%s: %w", missing[i], err)
		}
	}
	return nil
}
