// Package golden compares the output of tests with files under testdata/,
// and rewrites those files instead when the test binary runs with -update:
//
//	go test ./draw -update
//
// It is for tests only. Importing it defines the -update flag.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files (and generated docs) instead of comparing with them")

// Update reports whether the test binary runs with -update.
func Update() bool { return *update }

// Check compares got with the file testdata/name (name may contain
// slashes), or writes got there with -update. A difference is reported at
// its first line.
func Check(tb testing.TB, name string, got []byte) {
	tb.Helper()
	File(tb, filepath.Join("testdata", filepath.FromSlash(name)), got)
}

// File is Check for a file at any path, such as a generated image under
// docs/.
func File(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != string(got) {
		tb.Errorf("%s differs from the output (check it, then run go test -update to accept it):\n%s", path, FirstDiff(string(want), string(got)))
	}
}

// FirstDiff shows the first line where want and got differ.
func FirstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, a, b)
		}
	}
	return "(equal)"
}
