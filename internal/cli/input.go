package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
)

// inputError marks an error in what the user gave: exit status 2.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// isInput reports whether err is the user's (exit 2) rather than ours (exit 1).
func isInput(err error) bool {
	var ie inputError
	var el expr.ErrorList
	var e *expr.Error
	var nf *ir.NonFiniteError
	return errors.As(err, &ie) || errors.As(err, &el) || errors.As(err, &e) || errors.As(err, &nf)
}

// DefaultMaxBytes is the default of --max-bytes: the largest program, in
// bytes, that backprop reads. A program of functions written as math is a
// few kilobytes; a megabyte leaves room for generated programs while
// keeping the memory of a run to some tens of megabytes.
const DefaultMaxBytes = 1 << 20

// DefaultMaxWork is the default of --max-work: the most node evaluations
// a command may make, about a second or two of evaluation. A program
// whose functions call each other twice per level of nesting doubles its
// work at each level, so thirty levels of a one-line function take 2^30
// evaluations at function level while the text stays a few hundred
// bytes: --max-bytes alone does not bound the time.
const DefaultMaxWork = 100_000_000

// source is where the program comes from: a file argument, -e TEXT, or
// standard input.
type source struct {
	expr     string  // -e
	name     string  // the name errors give the program of -e (default "-e"; the server's is "")
	flags    changed // the command's flags, to tell -e '' from no -e
	fn       string  // --func
	maxBytes int64   // --max-bytes; 0 means no limit
	maxWork  int64   // --max-work; 0 means no limit
	// stop, if not nil, ends long evaluations early (the server's
	// deadline); the command line has none.
	stop ir.Stop
	// tuples lets the target return a tuple (eval, jacobian); the other
	// commands take functions of one result.
	tuples bool
	// work is the expanded size of the target function after load: the
	// node evaluations of one pass over it with every call run.
	work int64
}

// changed is a set of flags that knows which were given (a
// *pflag.FlagSet).
type changed interface {
	Changed(name string) bool
}

// statter is what standard input has when it is a file, a pipe or a
// terminal (an *os.File): a mode that tells them apart.
type statter interface {
	Stat() (os.FileInfo, error)
}

// isTerminal reports whether r is a terminal (or another character
// device), from which a program is never meant to be read by accident.
func isTerminal(r io.Reader) bool {
	s, ok := r.(statter)
	if !ok {
		return false
	}
	st, err := s.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// load reads and parses the program and picks its target function.
func (s *source) load(args []string, stdin io.Reader) (*ir.Program, *ir.Func, error) {
	if s.maxBytes < 0 {
		return nil, nil, badInput("--max-bytes must be 0 (no limit) or positive, got %d", s.maxBytes)
	}
	var name, text string
	var err error
	exprSet := s.expr != "" || s.flags != nil && s.flags.Changed("expr")
	switch {
	case exprSet && len(args) > 0:
		return nil, nil, badInput("give the program either as a file or with -e, not both")
	case exprSet:
		if strings.TrimSpace(s.expr) == "" {
			return nil, nil, badInput("-e: the program is empty: write a definition such as -e 'f(x) = x^2', or an expression such as -e 'x^2'")
		}
		name = "-e"
		if s.flags == nil {
			name = s.name
		}
		text, err = s.read("program", name, strings.NewReader(s.expr), int64(len(s.expr)))
	case len(args) == 0 || args[0] == "-":
		if stdin == nil {
			return nil, nil, badInput("no program: give a file, -e TEXT, or a program on standard input")
		}
		if len(args) == 0 && isTerminal(stdin) {
			return nil, nil, badInput("no program: give a file, -e TEXT, or pipe a program on standard input; " +
				"standard input is a terminal or another device (give - as the file to read it anyway, such as a program typed there and ended with Ctrl-D)")
		}
		name = "<stdin>"
		text, err = s.read("program", name, stdin, -1)
	default:
		name = args[0]
		text, err = s.readFile("program", name)
	}
	if err != nil {
		return nil, nil, err
	}
	prog, err := expr.Parse(name, text)
	if err != nil {
		return nil, nil, err
	}
	fn, err := prog.Target(s.fn)
	if err != nil {
		return nil, nil, badInput("%v", err)
	}
	if len(fn.Outputs) > 0 && !s.tuples {
		return nil, nil, badInput("%s returns a tuple of %d values: use backprop jacobian or eval, or --func to name a function of one value", fn.Name, len(fn.Outputs))
	}
	if s.maxWork < 0 {
		return nil, nil, badInput("--max-work must be 0 (no limit) or positive, got %d", s.maxWork)
	}
	s.work = prog.Graph.ExpandedSize(fn.Body, s.maxWork)
	for _, o := range fn.Outputs {
		s.work = max(s.work, prog.Graph.ExpandedSize(o, s.maxWork))
	}
	if s.maxWork > 0 && s.work > s.maxWork {
		return nil, nil, badInput("%s: one evaluation, with every call running its function's body, takes more than %d node evaluations "+
			"(nested calls multiply: a function that calls another twice doubles its cost); raise the limit with --max-work (0: no limit)",
			fn.Name, s.maxWork)
	}
	return prog, fn, nil
}

// checkPasses refuses a computation of passes evaluations of the program
// loaded when it would take more than --max-work node evaluations.
func (s *source) checkPasses(what string, passes int) error {
	if s.maxWork <= 0 || passes <= 1 || s.work <= s.maxWork/int64(passes) {
		return nil
	}
	return badInput("%s evaluates the program once per input: %d inputs × %d node evaluations is more than --max-work %d; raise it (0: no limit), or use --mode reverse or compiled, which take one pass",
		what, passes, s.work, s.maxWork)
}

// read reads a program of at most s.maxBytes bytes from r, whose size is
// size if known (else -1). It refuses a larger program before reading it
// when the size is known, and as soon as it has read one byte too many
// otherwise, so that memory stays within the limit whatever r holds (such
// as /dev/zero). A NUL byte, which no program holds, stops the reading at
// once with its place; text that is not UTF-8 is refused with the place of
// its first bad byte.
func (s *source) read(what, name string, r io.Reader, size int64) (string, error) {
	limit := s.maxBytes
	tooLarge := func(size int64) error {
		has := fmt.Sprintf("more than %d bytes", limit)
		if size >= 0 {
			has = fmt.Sprintf("%d bytes, more than %d", size, limit)
		}
		return badInput("%s: the %s has %s, the limit: give --max-bytes N to read larger ones (0: no limit)", name, what, has)
	}
	if limit > 0 && size > limit {
		return "", tooLarge(size)
	}
	var b strings.Builder
	if size > 0 {
		b.Grow(int(size))
	}
	if limit > 0 {
		r = io.LimitReader(r, limit+1)
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			b.Write(chunk[:i+1])
			return "", expr.ErrorAt(name, b.String(), b.Len()-1,
				fmt.Sprintf("a NUL byte: this is a binary file, not a %s (backprop reads UTF-8 text)", what))
		}
		b.Write(chunk)
		if limit > 0 && int64(b.Len()) > limit {
			return "", tooLarge(-1)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", badInput("reading %s: %v", name, err)
		}
	}
	text := b.String()
	if !utf8.ValidString(text) {
		for i, r := range text {
			if r == utf8.RuneError {
				if _, w := utf8.DecodeRuneInString(text[i:]); w == 1 {
					return "", expr.ErrorAt(name, text, i,
						fmt.Sprintf("invalid UTF-8 (byte %#02x): backprop reads a %s as UTF-8 text", text[i], what))
				}
			}
		}
	}
	return text, nil
}

// readFile reads the file name, a what such as "program", with read:
// its size, when it is a regular file, refused at once beyond the limit.
func (s *source) readFile(what, name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", badInput("%v", err)
	}
	defer f.Close()
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	return s.read(what, name, f, size)
}

// pair is one name=value of a point; the value is a constant expression
// such as 2, -1.5e-3 or pi/2.
type pair struct{ name, value string }

// pairs splits the values of a point's flag (--at, --from,
// --direction), "x_1=2,x_2=3" each, into their pairs. Several flags add
// up: --at x=1 --at y=2 is --at x=1,y=2. A value @FILE stands for the text
// of FILE, read as a program is (bounded by --max-bytes, UTF-8), its lines
// separating pairs as commas do: the point of a program of 10⁶ inputs
// does not fit on a command line, whose arguments the kernel limits to
// 128 KiB each.
func (s *source) pairs(flag string, lists []string) ([]pair, error) {
	var ps []pair
	for _, list := range lists {
		if strings.TrimSpace(list) == "" {
			continue
		}
		items := strings.Split(list, ",")
		if name, ok := strings.CutPrefix(strings.TrimSpace(list), "@"); ok {
			text, err := s.readFile("point file", name)
			if err != nil {
				return nil, err
			}
			// Lines and commas between pairs; blank ones, such as a
			// file's last newline, separate nothing.
			items = slices.DeleteFunc(strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }),
				func(item string) bool { return strings.TrimSpace(item) == "" })
		}
		for _, item := range items {
			name, val, ok := strings.Cut(item, "=")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, badInput("%s: expected name=value, found %q", flag, item)
			}
			ps = append(ps, pair{name, val})
		}
	}
	return ps, nil
}

// assign gives each parameter of fn its value among ps, and refuses names
// that are not parameters, names given twice and parameters left out.
func assign(ps []pair, g *ir.Graph, fn *ir.Func) ([]float64, error) {
	return assignFlag("--at", ps, g, fn)
}

// assignFlag is assign for the flag named flag.
func assignFlag(flag string, ps []pair, g *ir.Graph, fn *ir.Func) ([]float64, error) {
	params := fn.ParamNames(g)
	x := make([]float64, len(params))
	set := make([]bool, len(params))
	// A map, not indexOf: a point of n parameters would otherwise cost
	// n² comparisons, 11 s of --at for 10⁵ parameters.
	index := make(map[string]int, len(params))
	for i, name := range params {
		index[name] = i
	}
	for _, p := range ps {
		i, ok := index[p.name]
		if !ok {
			return nil, notParam(flag, p.name, fn, params)
		}
		if set[i] {
			return nil, badInput("%s: %s is given twice", flag, p.name)
		}
		v, err := constant(p.value)
		if err != nil {
			return nil, badInput("%s: value of %s: %v", flag, p.name, err)
		}
		x[i], set[i] = v, true
	}
	var missing []string
	for i, ok := range set {
		if !ok {
			missing = append(missing, params[i])
		}
	}
	if len(missing) > 0 {
		return nil, badInput("%s gives no value for %s: write %s %s", flag, listOr(missing), flag, example(params))
	}
	return x, nil
}

// maxListed is the number of names an error lists in full: a program of
// 10⁵ parameters would otherwise make every message about --at a
// megabyte long.
const maxListed = 8

// example writes a point that sets every parameter to 1, "x=1,y=1",
// with "…" for the middle of a long list.
func example(params []string) string {
	return strings.Join(abbreviate(len(params), maxListed, maxListed-1, func(i int) string { return params[i] + "=1" }), ",")
}

// listOr lists names, "x, y", the middle of a long list left out with
// its count.
func listOr(names []string) string {
	parts := abbreviate(len(names), maxListed, maxListed-1, func(i int) string { return names[i] })
	if len(names) > maxListed {
		parts[len(parts)-2] = fmt.Sprintf("… (%d more)", len(names)-maxListed)
	}
	return strings.Join(parts, ", ")
}

// abbreviate returns f(i) for each i below n when n is at most most, and
// otherwise f of the first head, "…" and f(n-1).
func abbreviate(n, most, head int, f func(i int) string) []string {
	if n <= most {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = f(i)
		}
		return parts
	}
	parts := make([]string, 0, head+2)
	for i := range head {
		parts = append(parts, f(i))
	}
	return append(parts, "…", f(n-1))
}

// notParam says that name is not a parameter of fn, whose parameters are
// params, for the flag flag.
func notParam(flag, name string, fn *ir.Func, params []string) error {
	if len(params) == 0 {
		return badInput("%s: %s has no parameters, so no %s", flag, fn.Name, name)
	}
	return badInput("%s: %s is not a parameter of %s (its parameters are %s)", flag, name, fn.Name, listOr(params))
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// constant evaluates a constant expression: a number, pi, e, or arithmetic
// on them.
func constant(text string) (float64, error) {
	prog, err := expr.Parse("", strings.TrimSpace(text))
	if err != nil {
		var el expr.ErrorList
		if errors.As(err, &el) && len(el) > 0 {
			return 0, fmt.Errorf("%q is not a number: %s", text, el[0].Msg)
		}
		return 0, fmt.Errorf("%q is not a number", text)
	}
	fn, _ := prog.Target("")
	if len(fn.Params) > 0 || len(prog.Funcs) != 1 {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	v, err := ir.NewEvaluator(prog.Graph).Eval(fn.Body, nil)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a number", text)
	}
	return v, nil
}
