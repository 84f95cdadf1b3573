package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

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

// source is where the program comes from: a file argument, -e TEXT, or
// standard input.
type source struct {
	expr string // -e
	fn   string // --func
}

// load reads and parses the program and picks its target function.
func (s *source) load(args []string, stdin io.Reader) (*ir.Program, *ir.Func, error) {
	var name, text string
	switch {
	case s.expr != "" && len(args) > 0:
		return nil, nil, badInput("give the program either as a file or with -e, not both")
	case s.expr != "":
		name, text = "-e", s.expr
	case len(args) == 0 || args[0] == "-":
		if stdin == nil {
			return nil, nil, badInput("no program: give a file, -e TEXT, or a program on standard input")
		}
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, nil, badInput("reading standard input: %v", err)
		}
		name, text = "<stdin>", string(b)
	default:
		b, err := os.ReadFile(args[0])
		if err != nil {
			return nil, nil, badInput("%v", err)
		}
		name, text = args[0], string(b)
	}
	prog, err := expr.Parse(name, text)
	if err != nil {
		return nil, nil, err
	}
	fn, err := prog.Target(s.fn)
	if err != nil {
		return nil, nil, badInput("%v", err)
	}
	return prog, fn, nil
}

// point parses --at "x_1=2,x_2=3" against the parameters of fn. Values may
// be constant expressions such as pi/2 or 1e-3.
func point(at string, g *ir.Graph, fn *ir.Func) ([]float64, error) {
	params := fn.ParamNames(g)
	x := make([]float64, len(params))
	set := make([]bool, len(params))
	if strings.TrimSpace(at) != "" {
		for _, item := range strings.Split(at, ",") {
			name, val, ok := strings.Cut(item, "=")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, badInput("--at: expected name=value, found %q", item)
			}
			i := indexOf(params, name)
			if i < 0 {
				return nil, badInput("--at: %s is not a parameter of %s (its parameters are %s)", name, fn.Name, listOr(params))
			}
			if set[i] {
				return nil, badInput("--at: %s is given twice", name)
			}
			v, err := constant(val)
			if err != nil {
				return nil, badInput("--at: value of %s: %v", name, err)
			}
			x[i], set[i] = v, true
		}
	}
	var missing []string
	for i, ok := range set {
		if !ok {
			missing = append(missing, params[i])
		}
	}
	if len(missing) > 0 {
		return nil, badInput("--at gives no value for %s: write --at %s", strings.Join(missing, ", "), example(params))
	}
	return x, nil
}

func example(params []string) string {
	parts := make([]string, len(params))
	for i, p := range params {
		parts[i] = p + "=1"
	}
	return strings.Join(parts, ",")
}

func listOr(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
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
