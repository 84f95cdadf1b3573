package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/gobackprop/backprop/internal/golden"
)

// TestContract checks the command's contract, one row per promise: the
// exit status (0 ok, 2 bad input, 1 internal failure) and fragments of
// standard output and standard error.
func TestContract(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		stdout []string // fragments
		stderr []string
	}{
		{"unknown command", []string{"frob"}, "", 2, nil, []string{`unknown command "frob"`}},
		{"misspelt command", []string{"gard"}, "", 2, nil, []string{`unknown command "gard"`, "grad"}},
		{"unknown flag", []string{"grad", "--bogus"}, "", 2, nil, []string{"unknown flag: --bogus", "backprop grad --help"}},
		{"explain forward without inputs", []string{"explain", "-e", "2+3", "--mode", "forward"}, "", 2, nil,
			[]string{"f has no inputs to differentiate by"}},
		{"explain forward by an unused input", []string{"explain", "-e", "f(x, y) = x^2", "--at", "x=1,y=1", "--mode", "forward", "--wrt", "y"}, "", 2, nil,
			[]string{"f does not depend on y"}},
		{"diff of a function of no inputs", []string{"diff", "-e", "2+3"}, "", 2, nil, []string{"f has no parameters to differentiate by"}},
		{"--at for a function of no inputs", []string{"eval", "-e", "2+3", "--at", "x=1"}, "", 2, nil, []string{"--at: f has no parameters, so no x"}},
		{"--at twice adds up", []string{"eval", "-e", "x - y", "--at", "x=1", "--at", "y=3"}, "", 0, []string{"f(x=1, y=3) = -2"}, nil},
		{"--at twice for one name", []string{"eval", "-e", "x - y", "--at", "x=1,y=2", "--at", "y=3"}, "", 2, nil, []string{"--at: y is given twice"}},
		{"-e '' is an error", []string{"eval", "-e", ""}, "f(x) = x", 2, nil, []string{"-e: the program is empty"}},
		{"-e blank is an error", []string{"eval", "-e", "  "}, "f(x) = x", 2, nil, []string{"-e: the program is empty"}},
		{"no program on empty stdin", []string{"eval"}, "", 2, nil, []string{"<stdin>:1:1: the program is empty"}},
		{"--max-nodes 0 is no limit", []string{"graph", "-e", "x*x", "--at", "x=1", "--max-nodes", "0"}, "", 0, []string{"digraph"}, nil},
		{"--max-nodes negative", []string{"graph", "-e", "x*x", "--at", "x=1", "--max-nodes", "-1"}, "", 2, nil, []string{"--max-nodes must be 0 (no limit) or positive"}},
		{"--max-nodes names the flag", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--max-nodes", "3"}, "", 2, nil,
			[]string{"more than --max-nodes 3", "--max-nodes 6"}},
		{"--level functions not suggested at function level", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--max-nodes", "3"}, "", 2, nil, nil},
		{"--level functions suggested at primitive level", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--max-nodes", "3", "--level", "primitives"}, "", 2, nil,
			[]string{"--max-nodes 11", "--level functions"}},
		{"-o extension that graph refuses", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "-o", "g.txt"}, "", 2, nil,
			[]string{"a graph is not written as .txt", ".dot, .gv, .svg, .png or .json"}},
		{"-o without extension", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "-o", "g"}, "", 2, nil,
			[]string{"no file extension", "--format"}},
		{"--max-bytes", []string{"eval", "-e", "x + 1", "--at", "x=1", "--max-bytes", "4"}, "", 2, nil,
			[]string{"has 5 bytes, more than 4", "--max-bytes"}},
		{"--max-bytes on stdin", []string{"eval", "--at", "x=1", "--max-bytes", "4"}, "x + 1", 2, nil,
			[]string{"<stdin>: the program has more than 4 bytes", "--max-bytes"}},
		{"--max-bytes 0 is no limit", []string{"eval", "-e", "x + 1", "--at", "x=1", "--max-bytes", "0"}, "", 0, []string{"= 2"}, nil},
		{"--max-bytes negative", []string{"eval", "-e", "x", "--at", "x=1", "--max-bytes", "-1"}, "", 2, nil, []string{"--max-bytes must be 0 (no limit) or positive"}},
		{"NUL byte", []string{"eval"}, "f(x) = x\n\x00\x00", 2, nil, []string{"<stdin>:2:1: a NUL byte"}},
		{"invalid UTF-8", []string{"eval"}, "f(x) = x\ng(x) = \xff", 2, nil, []string{"<stdin>:2:8: invalid UTF-8 (byte 0xff)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, status := run(t, tt.stdin, tt.args...)
			if status != tt.status {
				t.Errorf("status %d, want %d\nstderr: %s", status, tt.status, errs)
			}
			for _, f := range tt.stdout {
				if !strings.Contains(out, f) {
					t.Errorf("stdout does not contain %q:\n%s", f, out)
				}
			}
			for _, f := range tt.stderr {
				if !strings.Contains(errs, f) {
					t.Errorf("stderr does not contain %q:\n%s", f, errs)
				}
			}
			if tt.status != 0 && (out != "" || !strings.HasPrefix(errs, "backprop: ")) {
				t.Errorf("an error wrote stdout %q, stderr %q; want stderr only, after 'backprop: '", out, errs)
			}
		})
	}
}

// TestNoLevelSuggestedAtFunctionLevel checks that an error does not
// suggest the level the command already runs at.
func TestNoLevelSuggestedAtFunctionLevel(t *testing.T) {
	_, errs, _ := run(t, "", "graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--max-nodes", "3")
	if strings.Contains(errs, "--level") {
		t.Errorf("at function level the error suggests a level: %s", errs)
	}
}

// TestJSONErrors checks that with --json every command writes an error as
// one JSON object on stdout, as well as text on stderr.
func TestJSONErrors(t *testing.T) {
	type errObj struct {
		Message string
		File    string
		Line    int
		Column  int
		Errors  []struct {
			Message      string
			File         string
			Line, Column int
		}
	}
	tests := []struct {
		name   string
		args   []string
		status int
		want   errObj
		errors int // length of the "errors" list
	}{
		{"syntax", []string{"grad", "-e", "x^", "--at", "x=1"}, 2, errObj{Message: "expected an expression, found end of input", File: "-e", Line: 1, Column: 3}, 0},
		{"several errors", []string{"eval", "-e", "f(x) = y + z"}, 2, errObj{Message: "undefined variable y in f (its parameters are x)", File: "-e", Line: 1, Column: 8}, 2},
		{"flag", []string{"grad", "examples/seed.bp", "--at", "x_1=two,x_2=3"}, 2, errObj{Message: `--at: value of x_1: "two" is not a number`}, 0},
		{"unknown flag", []string{"grad", "--bogus"}, 2, errObj{Message: "unknown flag: --bogus (see 'backprop grad --help')"}, 0},
		{"check", []string{"eval", "-e", "1 + log(x)", "--at", "x=-1", "--check"}, 2, errObj{File: "-e", Line: 1, Column: 5}, 0},
		{"ops", []string{"ops", "extra"}, 2, errObj{Message: "ops takes at most 0 program file, got 1 arguments: extra"}, 0},
		{"diff", []string{"diff", "examples/seed.bp", "--wrt", "z"}, 2, errObj{Message: "--wrt: z is not a parameter of f (its parameters are x_1, x_2)"}, 0},
		{"graph", []string{"graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--max-nodes", "-1"}, 2, errObj{}, 0},
		{"paths", []string{"paths", "examples/seed.bp", "--at", "x_1=2,x_2=3", "--wrt", "q"}, 2, errObj{}, 0},
		{"explain", []string{"explain", "-e", "2", "--mode", "forward"}, 2, errObj{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errs, status := run(t, "", append(tt.args, "--json")...)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if !strings.HasPrefix(errs, "backprop: ") {
				t.Errorf("no text on stderr: %q", errs)
			}
			var res struct{ Error *errObj }
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&res); err != nil || res.Error == nil {
				t.Fatalf("stdout is not one error object: %v\n%s", err, out)
			}
			if dec.More() {
				t.Errorf("more than one JSON value on stdout:\n%s", out)
			}
			got := *res.Error
			if tt.want.Message != "" && got.Message != tt.want.Message {
				t.Errorf("message %q, want %q", got.Message, tt.want.Message)
			}
			if got.Message == "" || !strings.Contains(errs, strings.SplitN(got.Message, "\n", 2)[0]) {
				t.Errorf("message %q is not the one on stderr %q", got.Message, errs)
			}
			if got.File != tt.want.File || got.Line != tt.want.Line || got.Column != tt.want.Column {
				t.Errorf("place %s:%d:%d, want %s:%d:%d", got.File, got.Line, got.Column, tt.want.File, tt.want.Line, tt.want.Column)
			}
			if len(got.Errors) != tt.errors {
				t.Errorf("%d errors listed, want %d", len(got.Errors), tt.errors)
			}
			if tt.want.Line == 0 && strings.Contains(out, `"line"`) {
				t.Errorf("an error without a place has a line: %s", out)
			}
		})
	}
	// The object of a program with several errors.
	out, _, _ := run(t, "", "eval", "-e", "f(x) = y + z", "--json")
	golden.Check(t, "error-json.golden", []byte(out))
}

// fakeTerminal is standard input as a terminal.
type fakeTerminal struct{ io.Reader }

func (fakeTerminal) Stat() (os.FileInfo, error) { return terminalInfo{}, nil }

type terminalInfo struct{ os.FileInfo }

func (terminalInfo) Mode() os.FileMode { return os.ModeDevice | os.ModeCharDevice | 0o620 }

// TestTerminal checks that with no program and a terminal on standard
// input the command says what it expects instead of waiting for input.
func TestTerminal(t *testing.T) {
	var out, errb strings.Builder
	stdin := fakeTerminal{strings.NewReader("f(x) = x")}
	status := Run([]string{"eval", "--at", "x=1"}, stdin, &out, &errb)
	if status != 2 || !strings.Contains(errb.String(), "no program: give a file, -e TEXT, or pipe a program") ||
		!strings.Contains(errb.String(), "standard input is a terminal") {
		t.Errorf("status %d, stderr %q", status, errb.String())
	}
	// "-" reads the terminal.
	out.Reset()
	errb.Reset()
	status = Run([]string{"eval", "--at", "x=1", "-"}, stdin, &out, &errb)
	if status != 0 || out.String() != "f(x=1) = 1\n" {
		t.Errorf("with -: status %d, stdout %q, stderr %q", status, out.String(), errb.String())
	}
}

// TestOutputAtomic checks that graph -o replaces a file whole and that a
// failed run leaves an old file as it was, without temporary files.
func TestOutputAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.svg")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs, status := run(t, "", "graph", "examples/seed.bp", "--at", "x_1=2", "-o", path)
	if status != 2 {
		t.Fatalf("status %d, want 2 (%s)", status, errs)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("a failed run changed the file: %.20q", b)
	}
	if _, errs, status = run(t, "", "graph", "examples/seed.bp", "--at", "x_1=2,x_2=3", "-o", path); status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "</svg>") {
		t.Errorf("the file is not a whole SVG: %.40q…", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("the directory holds %d files, want 1 (no temporary file left)", len(es))
	}
}

// zeros is an endless reader of NUL bytes, as /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// repeat is a reader of n bytes of a text repeated, made as it is read
// (so that the test itself does not hold it).
type repeat struct {
	text string
	n    int
	off  int
}

func (r *repeat) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(len(p), r.n)]
	for i := range p {
		p[i] = r.text[(r.off+i)%len(r.text)]
	}
	r.off += len(p)
	r.n -= len(p)
	return len(p), nil
}

// TestInputMemory checks that oversized input is refused early with the
// limit and its flag, allocating a small multiple of the limit at most:
// /dev/zero (which took 6.3 GB before the limit) and a 50 MB program (4.7
// GB). The ceiling is checked with the runtime's statistics, not a clock.
func TestInputMemory(t *testing.T) {
	// The text grows by doubling to the limit and one byte more: 4 MiB in
	// all; twice that leaves room.
	const ceiling = 8 * DefaultMaxBytes
	tests := []struct {
		name  string
		stdin func() io.Reader
		msg   string
	}{
		{"/dev/zero", func() io.Reader { return zeros{} }, "<stdin>:1:1: a NUL byte"},
		{"50 MB program", func() io.Reader { return &repeat{text: "x + ", n: 50 << 20} },
			"<stdin>: the program has more than 1048576 bytes, the limit: give --max-bytes N"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			var out, errb strings.Builder
			stdin := tt.stdin()
			runtime.GC()
			runtime.ReadMemStats(&before)
			status := Run([]string{"grad"}, stdin, &out, &errb)
			runtime.ReadMemStats(&after)
			if status != 2 || !strings.Contains(errb.String(), tt.msg) {
				t.Errorf("status %d, stderr %q; want 2 and %q", status, errb.String(), tt.msg)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > ceiling {
				t.Errorf("allocated %d bytes, more than %d", alloc, ceiling)
			} else {
				t.Logf("allocated %d bytes", alloc)
			}
		})
	}
	// A file is refused from its size, before reading it.
	path := filepath.Join(t.TempDir(), "big.bp")
	if err := os.WriteFile(path, []byte(strings.Repeat("x + ", 1<<20)), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, errs, status := run(t, "", "grad", path)
	runtime.ReadMemStats(&after)
	if status != 2 || !strings.Contains(errs, "has 4194304 bytes, more than 1048576") {
		t.Errorf("file: status %d, stderr %q", status, errs)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > DefaultMaxBytes/4 {
		t.Errorf("file: allocated %d bytes for a refusal from the size", alloc)
	}
}

// TestHelp checks that every command has a long description, examples and
// a description of every flag, and that each command's help runs.
func TestHelp(t *testing.T) {
	root := newRoot(nil, io.Discard, io.Discard)
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if c.Long == "" || c.Example == "" {
			t.Errorf("%s: no Long help or no Example", c.Name())
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				t.Errorf("%s --%s: no description", c.Name(), f.Name)
			}
		})
		out, errs, status := run(t, "", c.Name(), "--help")
		if status != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("%s --help: status %d, stderr %q, no examples in\n%s", c.Name(), status, errs, out)
		}
	}
}
