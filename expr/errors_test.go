package expr_test

import (
	"errors"
	"fmt"
	"github.com/gobackprop/backprop/internal/golden"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gobackprop/backprop/expr"
)

// errorCase is a malformed program and the errors Parse must report, in
// source order, each as "line:column: message" (or just the message for
// errors that have no place, such as the error limit).
type errorCase struct {
	name string
	src  string
	want []string
}

// nested returns the source of an expression nested depth times by the
// prefix pre (such as "(" or "-"), one prefix a line so that the caret
// lines of the golden file stay short; a newline after an opening
// parenthesis or an operator continues the expression.
func nested(pre, post string, depth int) string {
	return strings.Repeat(pre+"\n", depth) + "x" + strings.Repeat(post, depth)
}

// tooManyUndefined is a definition with 12 undefined variables, two more
// than expr.MaxErrors.
const tooManyUndefined = "f(x) = a + b + c + d + g + h + i + j + k + l + m + n"

func undefinedVars() []string {
	var want []string
	for i, name := range strings.Fields("a b c d g h i j k l") {
		want = append(want, fmt.Sprintf("1:%d: undefined variable %s in f (its parameters are x)", 8+4*i, name))
	}
	return append(want, "too many errors (12 in all; the first 10 are shown)")
}

func manyParens() []string { return manyParensFrom(1, expr.MaxErrors) }

// manyParensFrom is the errors of n lines of ')' from line first, and the
// error limit.
func manyParensFrom(first, n int) []string {
	var want []string
	for i := first; i < first+n; i++ {
		want = append(want, fmt.Sprintf("%d:1: expected an expression, found ')'", i))
	}
	return append(want, "too many errors (stopped after 10)")
}

// errorCases is the catalogue of errors a user can meet.
var errorCases = []errorCase{
	// Empty programs.
	{"empty program", "", []string{
		"1:1: the program is empty: write a definition such as f(x) = x^2, or an expression"}},
	{"only comments", "# nothing here\n\n", []string{
		"3:1: the program is empty: write a definition such as f(x) = x^2, or an expression"}},
	{"only separators", ";;\n", []string{
		"2:1: the program is empty: write a definition such as f(x) = x^2, or an expression"}},

	// Operators without operands.
	{"trailing operator", "f(x) = x +", []string{"1:11: expected an expression, found end of input"}},
	{"trailing power", "f(x) = x ^ 2 ^", []string{"1:15: expected an expression, found end of input"}},
	{"trailing minus", "f(x) = -", []string{"1:9: expected an expression, found end of input"}},
	{"operator before separator", "f(x) = x +; g(x) = x", []string{"1:11: expected an expression, found end of line"}},
	{"two operators", "f(x) = x * * 2", []string{"1:12: expected an expression, found '*'"}},
	{"three stars", "f(x) = x***2", []string{"1:11: expected an expression, found '*'"}},
	{"two powers", "f(x) = x ** ** 2", []string{"1:13: expected an expression, found '**'"}},
	{"double caret", "f(x) = x ^^ 2", []string{"1:11: expected an expression, found '^'"}},
	{"leading division", "f(x) = / x", []string{"1:8: expected an expression, found '/'"}},
	{"empty body", "f(x) = ", []string{"1:8: expected an expression, found end of input"}},
	{"empty body before newline", "f(x) =\n", []string{"2:1: expected an expression, found end of input"}},

	// Parentheses.
	{"unclosed parenthesis", "f(x) = (x + 1", []string{"1:14: expected ')', found end of input"}},
	{"unclosed nested parenthesis", "f(x) = ((x)", []string{"1:12: expected ')', found end of input"}},
	{"extra closing parenthesis", "f(x) = x + 1)", []string{"1:13: expected end of line, found ')'"}},
	{"lone closing parenthesis", ")", []string{"1:1: expected an expression, found ')'"}},
	{"empty parentheses", "f(x) = ()", []string{"1:9: expected an expression, found ')'"}},
	{"newline inside parentheses", "f(x) = (x\n+ 1)", []string{
		"1:10: expected ')', found end of line",
		"2:4: expected end of line, found ')'"}}, // the next line, + 1), is read as a statement of its own
	{"unclosed call", "f(x) = sin(x", []string{"1:13: expected ',' or ')' in the arguments of sin, found end of input"}},
	{"missing comma", "f(x) = atan2(x y)", []string{"1:16: expected ',' or ')' in the arguments of atan2, found name y"}},
	{"leading comma", "f(x) = sin(, x)", []string{"1:12: expected an expression, found ','"}},
	{"trailing comma in parameters", "f(x, ) = x", []string{"1:6: expected an expression, found ')'"}},

	// Juxtaposition.
	{"2x", "f(x) = 2x", []string{"1:9: expected an operator after number 2, found name x (write 2*x, not 2x)"}},
	{"2(x)", "f(x) = 2(x + 1)", []string{"1:9: expected an operator after number 2, found '(' (write 2*x, not 2x)"}},
	{"2 pi", "f(x) = 2 pi", []string{"1:10: expected an operator after number 2, found name pi (write 2*x, not 2x)"}},
	{"2e is 2 then e", "f(x) = 2e", []string{"1:9: expected an operator after number 2, found name e (write 2*x, not 2x)"}},
	{"2e-x is 2 then e", "f(x) = 2e-x", []string{"1:9: expected an operator after number 2, found name e (write 2*x, not 2x)"}},
	{"hexadecimal", "f(x) = 0x10", []string{"1:8: hexadecimal numbers are not supported: write 16 for 0x10"}},
	{"hexadecimal in capitals", "f(x) = 0XFF*x", []string{"1:8: hexadecimal numbers are not supported: write 255 for 0XFF"}},
	{"hexadecimal too large", "f(x) = 0x1ffffffffffffffff", []string{"1:8: hexadecimal numbers are not supported: write 0x1ffffffffffffffff in decimal"}},
	{"binary", "f(x) = 0b101", []string{"1:8: binary numbers are not supported: write 5 for 0b101"}},
	{"octal", "f(x) = 0o17", []string{"1:8: octal numbers are not supported: write 15 for 0o17"}},
	{"0x then a name", "f(x) = 0xy", []string{"1:9: expected an operator after number 0, found name xy (write 2*x, not 2x)"}},
	{"digit separator", "f(x) = 1_000", []string{"1:8: digit separators are not supported: write 1000 for 1_000"}},
	{"digit separators", "f(x) = 1_000_000*x", []string{"1:8: digit separators are not supported: write 1000000 for 1_000_000"}},
	{"two names", "f(x) = x y", []string{"1:10: expected end of line, found name y"}},
	{"call without parentheses", "f(x) = sin x", []string{"1:12: expected end of line, found name x"}},
	{"name then number", "f(x) = x 2", []string{"1:10: expected end of line, found number 2"}},
	{"two decimal points", "f(x) = 1..2", []string{"1:10: expected end of line, found number .2"}},

	// Numbers.
	{"number too large", "f(x) = 1e999*x", []string{"1:8: number 1e999 is out of range"}},
	{"negative number too large", "f(x) = x^-1e400", []string{"1:11: number 1e400 is out of range"}},
	{"lone decimal point", "f(x) = .", []string{"1:8: expected an expression, found illegal character \".\""}},

	// Characters.
	{"illegal character", "f(x) = x $ 2", []string{"1:10: expected end of line, found illegal character \"$\""}},
	{"illegal character first", "$", []string{"1:1: expected an expression, found illegal character \"$\""}},
	{"unicode operator", "f(x) = x × 2", []string{"1:10: expected end of line, found illegal character \"×\" (U+00D7, a multiplication sign: write * to multiply)"}},
	{"middle dot", "f(x) = 2·x", []string{"1:9: expected end of line, found illegal character \"·\" (U+00B7, a middle dot: write * to multiply)"}},
	{"minus sign", "f(x) = x − 1", []string{"1:10: expected end of line, found illegal character \"−\" (U+2212, a minus sign: write - to subtract or negate)"}},
	{"leading minus sign", "f(x) = −x", []string{"1:8: expected an expression, found illegal character \"−\" (U+2212, a minus sign: write - to subtract or negate)"}},
	{"division sign", "f(x) = x ÷ 2", []string{"1:10: expected end of line, found illegal character \"÷\" (U+00F7, a division sign: write / to divide)"}},
	{"superscript", "f(x) = x²", []string{"1:9: expected end of line, found illegal character \"²\" (U+00B2, a superscript: write ^2)"}},
	{"byte-order mark at the start is skipped", "\ufefff(x) = y", []string{"1:8: undefined variable y in f (its parameters are x)"}},
	{"byte-order mark inside", "f(x) = \ufeffx", []string{"1:8: expected an expression, found illegal character \"\\ufeff\" (U+FEFF, a byte-order mark, skipped only at the start of a program: delete it)"}},
	{"control character", "f(x) = x\x1b[31m", []string{"1:9: expected end of line, found illegal character \"\\x1b\""}},
	{"NUL byte", "f(x) = x\x00", []string{"1:9: expected end of line, found illegal character \"\\x00\""}},
	{"unicode symbol", "f(x) = ∞", []string{"1:8: expected an expression, found illegal character \"∞\""}},
	{"no-break space after unicode name", "f(α) = α +\u00a01", []string{"1:11: expected an expression, found illegal character \"\\u00a0\" (U+00A0, a no-break space: write a plain space)"}},
	{"invalid UTF-8", "f(x) = \xff", []string{"1:8: expected an expression, found illegal character \"\\xff\""}},
	{"tabs count as one column", "f(x) =\tx +\t)", []string{"1:12: expected an expression, found ')'"}},
	{"backslash not before newline", "f(x) = x \\ 2", []string{"1:10: expected end of line, found illegal character \"\\\\\""}},

	// Definitions.
	{"definition without parameters", "f = x^2", []string{"1:1: a definition needs parameters: write f(x) = …"}},
	{"variable assignment", "x = 1", []string{"1:1: a definition needs parameters: write x(x) = …"}},
	{"number as parameter", "f(2) = 2", []string{"1:3: a parameter must be a name"}},
	{"expression as parameter", "f(x + 1) = x", []string{"1:3: a parameter must be a name"}},
	{"call as parameter", "f(g(x)) = x", []string{"1:3: a parameter must be a name"}},
	{"parenthesised head", "(f(x)) = x", []string{"1:8: expected a definition name(parameters) = expression before '='"}},
	{"number head", "2 = x", []string{"1:3: expected a definition name(parameters) = expression before '='"}},
	{"two equals signs", "f(x) = x = 1", []string{"1:10: expected end of line, found '='"}},
	{"definition after operator", "f(x) = x *\n\ng(x) = 1", []string{"3:6: expected end of line, found '='"}},
	{"curried head", "f(x)(y) = x", []string{"1:5: expected end of line, found '('"}},

	// Bare expressions.
	{"bare expression not last", "x + 1\nf(x) = x", []string{"1:1: a bare expression must be the last statement of a program"}},
	{"two bare expressions", "x\ny", []string{"1:1: a bare expression must be the last statement of a program"}},

	// Nesting.
	{"too deep parentheses", nested("(", ")", expr.MaxDepth+1), []string{
		fmt.Sprintf("%d:1: expression nested too deeply (more than %d levels)", expr.MaxDepth+1, expr.MaxDepth)}},
	{"too deep minus", nested("-", "", expr.MaxDepth+1), []string{
		fmt.Sprintf("%d:1: expression nested too deeply (more than %d levels)", expr.MaxDepth+1, expr.MaxDepth)}},
	{"too deep calls", nested("sin(", ")", expr.MaxDepth+1), []string{
		fmt.Sprintf("%d:4: expression nested too deeply (more than %d levels)", expr.MaxDepth+1, expr.MaxDepth)}},

	// Several syntax errors, reported in source order.
	{"several syntax errors", "f(x) = )\ng(x) = 2x\nh(x) = (x", []string{
		"1:8: expected an expression, found ')'",
		"2:9: expected an operator after number 2, found name x (write 2*x, not 2x)",
		"3:10: expected ')', found end of input"}},
	{"bare expression not last among syntax errors", "x + 1\n)\ny + 2", []string{
		"1:1: a bare expression must be the last statement of a program",
		"2:1: expected an expression, found ')'"}},
	{"syntax error limit", strings.Repeat(")\n", expr.MaxErrors+2), manyParens()},

	// Unknown names.
	{"unknown function", "f(x) = foo(x)", []string{"1:8: undefined function foo"}},
	{"misspelt built-in", "f(x) = son(x)", []string{"1:8: undefined function son (did you mean sin?)"}},
	{"truncated built-in", "f(x) = sqr(x)", []string{"1:8: undefined function sqr (did you mean sqrt?)"}},
	{"capitalised built-in", "f(x) = Exp(x)", []string{"1:8: undefined function Exp (did you mean exp?)"}},
	{"capitalised sin", "f(x) = Sin(x)", []string{"1:8: undefined function Sin (did you mean sin?)"}}, // not min, at the same edit distance
	{"suggestion ties go to the first name", "f(x) = lg(x)", []string{"1:8: undefined function lg (did you mean ln?)"}},
	{"misspelt user function", "square(x) = x^2\ng(x) = sqare(x)", []string{"2:8: undefined function sqare (did you mean square?)"}},
	{"unknown variable", "f(x) = y", []string{"1:8: undefined variable y in f (its parameters are x)"}},
	{"unknown variable of two", "f(x, y) = x + z", []string{"1:15: undefined variable z in f (its parameters are x, y)"}},
	{"unknown variable without parameters", "f() = y", []string{"1:7: undefined variable y in f (its parameters are none)"}},
	{"unknown unicode variable", "f(α) = β", []string{"1:8: undefined variable β in f (its parameters are α)"}},

	// Wrong numbers of arguments.
	{"built-in with too many arguments", "f(x) = sin(x, x)", []string{"1:8: sin: expected 1 argument, got 2"}},
	{"built-in without arguments", "f(x) = sin()", []string{"1:8: sin: expected 1 argument, got 0"}},
	{"binary built-in with one argument", "f(x) = atan2(x)", []string{"1:8: atan2: expected 2 arguments, got 1"}},
	{"pow with one argument", "f(x) = pow(x)", []string{"1:8: pow: expected 2 arguments, got 1"}},
	{"user function with one argument (the seed's message)", "g(x, y) = x*y\nf(x) = g(x)", []string{"2:8: g: expected 2 arguments, got 1"}},
	{"user function with three arguments", "g(x) = x\nf(x) = g(x, x, x)", []string{"2:8: g: expected 1 argument, got 3"}},
	{"bare call with two arguments", "f(x) = x\nf(1, 2)", []string{"2:1: f: expected 1 argument, got 2"}},

	// Functions and variables confused.
	{"function used as a variable", "g(x, y) = x\nf(x) = g", []string{"2:8: g is a function of 2 arguments: call it as g(…)"}},
	{"function of one argument used as a variable", "g(x) = x\nf(x) = g + 1", []string{"2:8: g is a function of 1 argument: call it as g(…)"}},
	{"built-in used as a variable", "f(x) = sin + x", []string{"1:8: sin is a built-in function: call it as sin(…)"}},
	{"ln used as a variable", "ln", []string{"1:1: ln is a built-in function: call it as ln(…)"}},
	{"variable called as a function", "f(x) = x(2)", []string{"1:8: x is a variable, not a function"}},
	{"free variable called as a function", "x + x(2)", []string{"1:5: x is a variable, not a function"}},
	{"pi called as a function", "f(x) = pi(2)", []string{"1:8: pi is a constant, not a function"}},
	{"e called as a function", "e(2)", []string{"1:1: e is a constant, not a function"}},

	// Recursion.
	{"direct recursion", "f(x) = f(x) + 1", []string{"1:8: recursive definition: f calls f (backprop functions cannot call themselves)"}},
	{"mutual recursion", "f(x) = g(x)\ng(x) = f(x)", []string{"2:8: recursive definition: f calls g calls f (backprop functions cannot call themselves)"}},
	{"recursion through three functions", "f(x) = g(x)\ng(x) = h(x)\nh(x) = 2*f(x)", []string{"3:10: recursive definition: f calls g calls h calls f (backprop functions cannot call themselves)"}},
	{"recursion below a caller", "f(x) = g(x)\ng(x) = 1 + g(x)", []string{"2:12: recursive definition: g calls g (backprop functions cannot call themselves)"}},

	// Duplicate and reserved names.
	{"duplicate definition", "f(x) = x\nf(y) = y", []string{"2:1: f is defined twice (first at test.bp:1:1)"}},
	{"duplicate parameter", "f(x, y, x) = x", []string{"1:9: parameter x of f is named twice"}},
	{"pi as a function name", "pi(x) = x", []string{"1:1: cannot define pi: pi is a constant"}},
	{"e as a function name", "e(x) = x", []string{"1:1: cannot define e: e is a constant"}},
	{"built-in as a function name", "sin(x) = x", []string{"1:1: cannot define sin: sin is a built-in function"}},
	{"ln as a function name", "ln(x) = x", []string{"1:1: cannot define ln: ln is a built-in function"}},
	{"pow as a function name", "pow(x, y) = x^y", []string{"1:1: cannot define pow: pow is a built-in function"}},
	{"pi as a parameter", "f(pi) = pi", []string{"1:3: cannot use pi as a parameter of f: pi is a constant"}},
	{"e as a parameter", "f(x, e) = x", []string{"1:6: cannot use e as a parameter of f: e is a constant"}},
	{"built-in as a parameter", "f(cos) = cos", []string{"1:3: cannot use cos as a parameter of f: cos is a built-in function"}},

	// Several semantic errors, reported in source order.
	{"several semantic errors", "f(x) = y + foo(x)\nf(x) = 1\ng(sin) = 2", []string{
		"1:8: undefined variable y in f (its parameters are x)",
		"1:12: undefined function foo",
		"2:1: f is defined twice (first at test.bp:1:1)",
		"3:3: cannot use sin as a parameter of g: sin is a built-in function"}},
	{"semantic error limit", tooManyUndefined, undefinedVars()},
	{"semantic error limit keeps the first errors in source order", "f(x) = a + b + c + d + g + h + i + j + k + l\nq(x) = 1\nq(x) = 2",
		append(undefinedVars()[:10], "too many errors (11 in all; the first 10 are shown)")},
	{"syntax error limit keeps a bare expression first", "x + 1\n" + strings.Repeat(")\n", expr.MaxErrors), append([]string{
		"1:1: a bare expression must be the last statement of a program"}, manyParensFrom(2, expr.MaxErrors-1)...)},

	// Long lines: the caret line is a window of the line.
	{"long line, error at the start", "f(x) = $ + " + strings.Repeat("x + ", 100) + "x", []string{
		"1:8: expected an expression, found illegal character \"$\""}},
	{"long line, error in the middle", "f(x) = " + strings.Repeat("x + ", 50) + "$" + strings.Repeat(" + x", 50), []string{
		"1:208: expected an expression, found illegal character \"$\""}},
	{"long line, error at the end", "f(x) = " + strings.Repeat("x + ", 100), []string{
		"1:408: expected an expression, found end of input"}},
	{"long line of wide characters", "f(α) = " + strings.Repeat("α + ", 50) + "β" + strings.Repeat(" + α", 50), []string{
		"1:208: undefined variable β in f (its parameters are α)"}},
}

// short returns src, or its start and length if it is long.
func short(src string) string {
	if len(src) <= 80 {
		return fmt.Sprintf("%q", src)
	}
	return fmt.Sprintf("%q… (%d bytes)", src[:40], len(src))
}

// TestErrors checks the message and the place of every error of the
// catalogue, that the caret line points at the place, and the full text of
// the errors against testdata/errors.golden.
func TestErrors(t *testing.T) {
	if len(errorCases) < 40 {
		t.Fatalf("the catalogue has %d cases, want at least 40", len(errorCases))
	}
	var out strings.Builder
	names := make(map[string]bool)
	for _, tc := range errorCases {
		if names[tc.name] {
			t.Errorf("two cases are named %q", tc.name)
		}
		names[tc.name] = true
		prog, err := expr.Parse("test.bp", tc.src)
		fmt.Fprintf(&out, "== %s: %s\n", tc.name, short(tc.src))
		if err == nil {
			out.WriteString("(no error)\n\n")
			t.Errorf("%s: Parse(%s) = %v, nil; want errors %q", tc.name, short(tc.src), prog, tc.want)
			continue
		}
		fmt.Fprintf(&out, "%v\n\n", err)
		if prog != nil {
			t.Errorf("%s: Parse returned a program and an error", tc.name)
		}
		var list expr.ErrorList
		if !errors.As(err, &list) {
			t.Errorf("%s: error %T is not an expr.ErrorList", tc.name, err)
			continue
		}
		var got []string
		for _, e := range list {
			if e.Pos.Line == 0 {
				got = append(got, e.Msg)
				continue
			}
			got = append(got, fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg))
			checkError(t, tc.name, strings.TrimPrefix(tc.src, "\ufeff"), e) // positions count after a byte-order mark
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: Parse(%s) errors:\n%s\nwant:\n%s", tc.name, short(tc.src), strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		var first *expr.Error
		if !errors.As(err, &first) || first != list[0] {
			t.Errorf("%s: errors.As does not find the first *expr.Error of the list", tc.name)
		}
	}
	golden.Check(t, "errors.golden", []byte(out.String()))
}

// checkError checks that e's position agrees with its byte offset in src,
// that e.Line is the source line it is on, and that the caret stands under
// the character at the offset.
func checkError(t *testing.T, name, src string, e *expr.Error) {
	t.Helper()
	off := e.Pos.Offset
	if off < 0 || off > len(src) {
		t.Errorf("%s: offset %d outside the source (%d bytes)", name, off, len(src))
		return
	}
	line := 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	col := 1 + utf8.RuneCountInString(src[start:off])
	if e.Pos.Line != line || e.Pos.Column != col || e.Pos.Filename != "test.bp" {
		t.Errorf("%s: position %v, but offset %d is at test.bp:%d:%d", name, e.Pos, off, line, col)
	}
	lines := strings.Split(src, "\n")
	if want := strings.TrimRight(lines[line-1], "\r"); e.Line != want {
		t.Errorf("%s: error line %q, want %q", name, e.Line, want)
	}
	checkCaret(t, name, e, src[off:])
	if want := fmt.Sprintf("%v: %s\n%s", e.Pos, e.Msg, e.Caret()); e.Error() != want {
		t.Errorf("%s: Error() = %q, want %q", name, e.Error(), want)
	}
}

// checkCaret checks that the caret lines of e show at most a window of
// expr.CaretWidth characters of its line (the whole line if it is not
// longer), one character a column, and that the caret stands under the
// character that begins rest (the source from the error on).
func checkCaret(t *testing.T, name string, e *expr.Error, rest string) {
	t.Helper()
	caret := strings.Split(e.Caret(), "\n")
	if len(caret) != 2 || !strings.HasPrefix(caret[0], "    ") || !strings.HasPrefix(caret[1], "    ") ||
		strings.TrimLeft(caret[1], " ") != "^" {
		t.Errorf("%s: caret lines\n%s\nare not a line and a caret under it", name, e.Caret())
		return
	}
	shown := []rune(caret[0][4:])
	lineLen := utf8.RuneCountInString(e.Line)
	switch {
	case lineLen <= expr.CaretWidth && len(shown) != lineLen:
		t.Errorf("%s: the caret line shows %d characters of a line of %d", name, len(shown), lineLen)
	case lineLen > expr.CaretWidth && len(shown) > expr.CaretWidth+2:
		t.Errorf("%s: the caret line shows %d characters, more than %d and two …", name, len(shown), expr.CaretWidth)
	}
	col := len(caret[1]) - 5
	if rest == "" || rest[0] == '\n' || rest[0] == '\r' {
		if col != len(shown) && !(col == len(shown)-1 && shown[col] == '…') {
			t.Errorf("%s: the caret at column %d is not at the end of the line shown, %q", name, col+1, caret[0])
		}
		return
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if col >= len(shown) {
		t.Errorf("%s: the caret at column %d is past the line shown, %q", name, col+1, caret[0])
		return
	}
	switch got := shown[col]; {
	case got == r, r == '\t' && got == ' ', got == '␀' && r == 0, got == '\uFFFD':
	default:
		t.Errorf("%s: the caret at column %d is under %q, not %q, in %q", name, col+1, got, r, caret[0])
	}
}

// TestErrorListLimit checks that the error limit stops parsing: the list
// has MaxErrors errors and one last error that says so.
func TestErrorListLimit(t *testing.T) {
	for _, src := range []string{strings.Repeat(")\n", 100), tooManyUndefined} {
		_, err := expr.Parse("", src)
		var list expr.ErrorList
		if !errors.As(err, &list) {
			t.Fatalf("Parse(%s) = %v, want an ErrorList", short(src), err)
		}
		if len(list) != expr.MaxErrors+1 {
			t.Errorf("Parse(%s): %d errors, want %d", short(src), len(list), expr.MaxErrors+1)
		}
		if last := list[len(list)-1]; !strings.HasPrefix(last.Error(), "too many errors") || !strings.Contains(last.Error(), "10") {
			t.Errorf("Parse(%s): last error %q, want the error limit", short(src), last.Error())
		}
		if n := strings.Count(err.Error(), "\n"); n != 3*expr.MaxErrors {
			t.Errorf("Parse(%s): error text has %d newlines, want %d", short(src), n, 3*expr.MaxErrors)
		}
	}
}

// TestErrorListMethods checks the methods of an empty, a one-error and a
// two-error list.
func TestErrorListMethods(t *testing.T) {
	var empty expr.ErrorList
	if empty.Err() != nil {
		t.Errorf("empty ErrorList: Err() = %v, want nil", empty.Err())
	}
	if empty.Error() != "no errors" {
		t.Errorf("empty ErrorList: Error() = %q", empty.Error())
	}
	_, err := expr.Parse("a.bp", "f(x) = y\ng(x) = z")
	var list expr.ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("Parse: %v, want two errors", err)
	}
	if got, want := list[:1].Error(), list[0].Error(); got != want {
		t.Errorf("one-error list: Error() = %q, want %q", got, want)
	}
	want := "a.bp:1:8: undefined variable y in f (its parameters are x)\n    f(x) = y\n           ^\n" +
		"a.bp:2:8: undefined variable z in g (its parameters are x)\n    g(x) = z\n           ^"
	if err.Error() != want {
		t.Errorf("Error() =\n%s\nwant\n%s", err, want)
	}
	if n := len(list.Unwrap()); n != 2 {
		t.Errorf("Unwrap: %d errors, want 2", n)
	}
	if !errors.Is(err, list[1]) {
		t.Errorf("errors.Is does not find the second error")
	}
}

// TestErrorCRLF checks that a carriage return is not part of the source
// line shown under an error.
func TestErrorCRLF(t *testing.T) {
	_, err := expr.Parse("", "f(x) = x\r\ng(x) = y\r\n")
	var e *expr.Error
	if !errors.As(err, &e) {
		t.Fatalf("Parse: %v, want an *expr.Error", err)
	}
	if e.Line != "g(x) = y" || e.Pos.Line != 2 || e.Pos.Column != 8 {
		t.Errorf("error at %v on line %q, want 2:8 on \"g(x) = y\"", e.Pos, e.Line)
	}
}

// TestParseExprErrors checks ParseExpr, which accepts one expression only.
func TestParseExprErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"f(x) = x", "1:1: expected an expression, found a definition"},
		{"x\ny", "1:1: a bare expression must be the last statement of a program"},
		{"", "1:1: the program is empty: write a definition such as f(x) = x^2, or an expression"},
		{"2x", "1:2: expected an operator after number 2, found name x (write 2*x, not 2x)"},
	}
	for _, tc := range tests {
		x, err := expr.ParseExpr(tc.src)
		if err == nil {
			t.Errorf("ParseExpr(%q) = %v, want an error", tc.src, x)
			continue
		}
		if got, _, _ := strings.Cut(err.Error(), "\n"); got != tc.want {
			t.Errorf("ParseExpr(%q): %q, want %q", tc.src, got, tc.want)
		}
	}
}
