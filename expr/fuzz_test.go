package expr_test

import (
	"errors"
	"testing"

	"github.com/gobackprop/backprop/expr"
)

// FuzzParse checks that no input makes the parser panic, that errors are
// well formed and in source order, and that every program that lowers
// prints, parses back to a structurally equal program, and prints the same
// again. The seed corpus is in testdata/fuzz/FuzzParse; run
//
//	go test -run XXX -fuzz FuzzParse -fuzztime 180s ./expr/
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, src string) {
		file, err := expr.ParseFile("fuzz.bp", src)
		if err != nil {
			checkErrorList(t, src, err)
			return
		}
		if file == nil {
			t.Fatalf("ParseFile(%q) returned neither a file nor an error", src)
		}
		prog, err := expr.Lower(file)
		if err != nil {
			checkErrorList(t, src, err)
			return
		}
		if prog == nil {
			t.Fatalf("Lower(%q) returned neither a program nor an error", src)
		}
		text := printProgram(prog, file.Expr != nil)
		back, err := expr.Parse("printed.bp", text)
		if err != nil {
			t.Fatalf("%q prints as\n%s\nwhich does not parse: %v", src, text, err)
		}
		if ok, why := sameProgram(prog, back); !ok {
			t.Fatalf("%q prints as\n%s\nwhich parses to another program: %s\n%s\nthen\n%s", src, text, why, dump(prog), dump(back))
		}
		if again := printProgram(back, file.Expr != nil); again != text {
			t.Fatalf("%q prints as\n%s\nthen as\n%s", src, text, again)
		}
	})
}

// checkErrorList checks that err is a non-empty ErrorList of at most
// MaxErrors errors (and the error limit), with places inside src, in
// source order.
func checkErrorList(t *testing.T, src string, err error) {
	t.Helper()
	var list expr.ErrorList
	if !errors.As(err, &list) || len(list) == 0 {
		t.Fatalf("error %v (%T) for %q is not a non-empty ErrorList", err, err, src)
	}
	if len(list) > expr.MaxErrors+1 {
		t.Fatalf("%d errors for %q, more than the limit", len(list), src)
	}
	last := -1
	for i, e := range list {
		if e.Msg == "" {
			t.Fatalf("error %d for %q has no message", i, src)
		}
		if e.Pos.Line == 0 {
			if i != len(list)-1 {
				t.Fatalf("error %d for %q has no place and is not last: %v", i, src, err)
			}
			continue
		}
		if e.Pos.Offset < 0 || e.Pos.Offset > len(src) || e.Pos.Column < 1 {
			t.Fatalf("error %d for %q is at %v (offset %d), outside the source", i, src, e.Pos, e.Pos.Offset)
		}
		if e.Pos.Offset < last {
			t.Fatalf("errors for %q are not in source order:\n%v", src, err)
		}
		last = e.Pos.Offset
	}
	_ = err.Error()
}
