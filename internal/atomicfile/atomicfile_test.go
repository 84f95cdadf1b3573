package atomicfile_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/internal/atomicfile"
)

// entries returns the names in dir, to check that no temporary file is
// left behind.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	errWrite := errors.New("render failed")
	tests := []struct {
		name  string
		old   string // "" for no file
		write func(io.Writer) error
		err   error
		want  string // content afterwards
	}{
		{"new file", "", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		{"replace", "old content", func(w io.Writer) error { _, err := io.WriteString(w, "new"); return err }, nil, "new"},
		{"failure keeps the old file", "old content", func(w io.Writer) error {
			io.WriteString(w, "half of it")
			return errWrite
		}, errWrite, "old content"},
		{"failure makes no file", "", func(w io.Writer) error {
			io.WriteString(w, "half of it")
			return errWrite
		}, errWrite, ""},
		{"large", "", func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Repeat("x", 1<<20))
			return err
		}, nil, strings.Repeat("x", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.svg")
			if tt.old != "" {
				if err := os.WriteFile(path, []byte(tt.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			err := atomicfile.WriteFile(path, tt.write)
			if !errors.Is(err, tt.err) {
				t.Fatalf("WriteFile: %v, want %v", err, tt.err)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && !os.IsNotExist(rerr):
				t.Errorf("file exists after a failed first write: %q, %v", got, rerr)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("content %.20q, want %.20q", got, tt.want)
			}
			want := []string{"out.svg"}
			if tt.want == "" {
				want = nil
			}
			if names := entries(t, dir); strings.Join(names, " ") != strings.Join(want, " ") {
				t.Errorf("directory holds %q, want %q", names, want)
			}
		})
	}
}

// TestNotTouchedBeforeCommit checks that a reader sees the old content
// while the new one is being written.
func TestNotTouchedBeforeCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.png")
	os.WriteFile(path, []byte("old"), 0o644)
	f, err := atomicfile.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte(strings.Repeat("n", 100000)))
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("before Commit the file holds %.10q, want \"old\"", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); len(got) != 100000 {
		t.Errorf("after Commit the file has %d bytes, want 100000", len(got))
	}
	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v, want nil", err)
	}
	if _, err := f.Write([]byte("x")); err == nil {
		t.Errorf("Write after Commit succeeded")
	}
	if err := f.Commit(); err == nil {
		t.Errorf("second Commit succeeded")
	}
}

func TestPermission(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX permissions")
	}
	dir := t.TempDir()
	kept := filepath.Join(dir, "kept")
	os.WriteFile(kept, []byte("old"), 0o600)
	fresh := filepath.Join(dir, "fresh")
	for path, want := range map[string]os.FileMode{kept: 0o600, fresh: atomicfile.DefaultPerm} {
		if err := atomicfile.WriteFile(path, func(w io.Writer) error { return nil }); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", filepath.Base(path), st.Mode().Perm(), err, want)
		}
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{
		filepath.Join(dir, "no", "such", "dir", "g.svg"),
		dir, // a directory, not a file
	} {
		if _, err := atomicfile.Create(path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Create(%s): %v, want an error naming the path", path, err)
		}
	}
}

func ExampleWriteFile() {
	path := filepath.Join(os.TempDir(), "atomicfile-example.txt")
	defer os.Remove(path)
	err := atomicfile.WriteFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "all or nothing\n")
		return err
	})
	b, _ := os.ReadFile(path)
	fmt.Print(string(b), err)
	// Output:
	// all or nothing
	// <nil>
}

// TestRemoveStale checks that RemoveStale removes the temporary files of
// its target, and only those.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.bin")
	for _, name := range []string{"ck.bin", ".ck.bin.tmp-1", ".ck.bin.tmp-22", ".other.tmp-1", "ck.bin.tmp-3"} {
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	if err := atomicfile.RemoveStale(path); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(entries(t, dir), " "), ".other.tmp-1 ck.bin ck.bin.tmp-3"; got != want {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}

func TestMkdirAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	for range 2 { // the second time, everything exists
		if err := atomicfile.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			t.Fatalf("MkdirAll made no directory: %v", err)
		}
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if err := atomicfile.MkdirAll(filepath.Join(file, "sub"), 0o755); err == nil {
		t.Errorf("MkdirAll under a file succeeded")
	}
}
