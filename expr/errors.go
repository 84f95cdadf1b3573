package expr

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Position is a place in a source text, for people: a file name, a line and
// a column (both counted from 1; the column counts characters, not bytes).
type Position struct {
	Filename string
	Offset   int // byte offset, from 0
	Line     int
	Column   int
}

func (p Position) String() string {
	s := fmt.Sprintf("%d:%d", p.Line, p.Column)
	if p.Filename != "" {
		s = p.Filename + ":" + s
	}
	return s
}

// Position converts a byte offset in src to a Position.
func position(filename, src string, offset int) Position {
	offset = min(max(offset, 0), len(src))
	line := 1 + strings.Count(src[:offset], "\n")
	start := strings.LastIndexByte(src[:offset], '\n') + 1
	return Position{Filename: filename, Offset: offset, Line: line, Column: 1 + utf8.RuneCountInString(src[start:offset])}
}

// An Error is a problem with a program, at a place in its source. Its
// message shows the source line and a caret under the place.
type Error struct {
	Pos  Position
	Msg  string
	Line string // the source line the error is on, without its newline
}

func (e *Error) Error() string {
	if e.Line == "" && e.Pos.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s: %s\n%s", e.Pos, e.Msg, e.Caret())
}

// CaretWidth is the most characters of a source line that Caret shows: a
// longer line is cut to a window around the error's column, with … where
// it is cut.
const CaretWidth = 100

// Caret returns the source line of the error and, under it, a caret at the
// error's column. A line longer than CaretWidth characters is shown as a
// window around the column. Tabs are shown as spaces, and characters that
// a terminal would not show as one column (control characters, invalid
// UTF-8, zero-width format characters such as a byte-order mark) as
// visible stand-ins (␀ for NUL, � for the others), so that the caret stays
// under its character and the line cannot send control codes to the
// terminal.
func (e *Error) Caret() string {
	col := max(e.Pos.Column-1, 0) // characters before the caret
	// The window [from, to) in characters; n counts the line's characters
	// up to to+1, enough to tell whether the line goes on.
	from, to := 0, CaretWidth
	if col >= CaretWidth-10 {
		from = col - CaretWidth/2
		to = from + CaretWidth
	}
	var b strings.Builder
	b.WriteString("    ")
	if from > 0 {
		b.WriteString("…")
	}
	n := 0
	for i := 0; i < len(e.Line) && n <= to; n++ {
		r, w := utf8.DecodeRuneInString(e.Line[i:])
		if n >= from && n < to {
			b.WriteRune(shown(r, w))
		}
		i += w
	}
	if n > to {
		b.WriteString("…")
	}
	pad := col - from
	if from > 0 {
		pad++ // the …
	}
	b.WriteString("\n    ")
	b.WriteString(strings.Repeat(" ", pad))
	b.WriteByte('^')
	return b.String()
}

// shown is how Caret shows the character r, of w bytes, in one column.
func shown(r rune, w int) rune {
	switch {
	case r == '\t':
		return ' '
	case r == 0:
		return '␀'
	case r == utf8.RuneError && w == 1, r < 0x20, r == 0x7f, 0x80 <= r && r < 0xa0, unicode.Is(unicode.Cf, r):
		return '�'
	}
	return r
}

// ErrorList is a list of errors, in source order. Its Err method returns nil
// for an empty list, so that a function can return list.Err().
type ErrorList []*Error

// MaxErrors is the most errors reported: the first MaxErrors in source
// order. Parsing stops at the MaxErrors-th syntax error; lowering goes
// through the whole program and keeps the first MaxErrors errors. Either
// way a last error without a place says that there were more.
const MaxErrors = 10

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns l as an error, or nil if l is empty.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap returns the errors of the list, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// errorAt makes an Error at byte offset off of src.
func errorAt(filename, src string, off int, format string, args ...any) *Error {
	pos := position(filename, src, off)
	start := strings.LastIndexByte(src[:pos.Offset], '\n') + 1
	end := strings.IndexByte(src[start:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += start
	}
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Line: strings.TrimRight(src[start:end], "\r")}
}

// ErrorAt returns an Error at byte offset off of src, for reporting
// problems found after parsing (such as a NaN produced by a node) at the
// place in the source they come from.
func ErrorAt(filename, src string, off int, msg string) *Error {
	return errorAt(filename, src, off, "%s", msg)
}

// sortErrors puts errors in source order; errors without a place (the
// closing "too many errors") stay last.
func sortErrors(l ErrorList) {
	key := func(e *Error) int {
		if e.Pos.Line == 0 {
			return math.MaxInt
		}
		return e.Pos.Offset
	}
	sort.SliceStable(l, func(i, j int) bool { return key(l[i]) < key(l[j]) })
}
