package cli

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/gen"
)

func (e *env) genCmd() *cobra.Command {
	var c common
	var pkg, name, out string
	var hess bool
	cmd := &cobra.Command{
		Use:   "gen [PROGRAM] [--package NAME] [--name NAME] [--hessian] [-o FILE]",
		Short: "Write Go source code for the value and the gradient (or the Jacobian) of a program",
		Long: `gen writes gofmt'ed, dependency-free Go source (package math only) for the
value and the gradient of the program's function: func F(x []float64)
float64 and func FGrad(grad, x []float64) float64, F the function's name
with its first letter in upper case (or --name), x in the order of its
parameters; with --hessian also func FHVP(hv, x, v []float64) float64, the
product of the Hessian with v by forward over reverse.

For a function that returns a tuple of m values, F(x, y) = (x*y, sin(x) + y),
it writes func F(out, x []float64), the values in out, and func
FJacobian(jac, out, x []float64), the values and the m×n Jacobian in jac,
row-major (jac[i*n+j] the derivative of value i in x[j]): by one reverse
sweep per value, or one forward sweep per input when there are fewer inputs
than values, as backprop jacobian's auto mode. --hessian takes functions of
one value only.

The code is straight-line, with common subexpressions as named temporaries
and no allocation. It goes to standard output, or to FILE with -o, whole or
not at all; a //go:generate line can run it.`,
		Example: `  backprop gen examples/seed.bp --package seed
  backprop gen -e 'f(x, y) = 100*(y - x^2)^2 + (1 - x)^2' --name Rosenbrock -o rosenbrock.go
  backprop gen -e 'F(r, t) = (r*cos(t), r*sin(t))' --name Polar`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c.src.tuples = true
			prog, fn, err := c.src.load(args, e.stdin)
			if err != nil {
				return err
			}
			if hess && len(fn.Outputs) > 0 {
				return badInput("--hessian: %s returns a tuple of %d values, which has no Hessian-vector product: leave out --hessian for %s and %sJacobian, or name a function of one value with --func",
					fn.Name, len(fn.Outputs), goName(name, fn.Name), goName(name, fn.Name))
			}
			source := "-e"
			if len(args) > 0 {
				source = args[0]
			}
			command := strings.TrimSpace("backprop gen " + strings.Join(args, " "))
			var b bytes.Buffer
			if err := gen.Go(&b, prog.Graph, fn, &gen.Settings{Package: pkg, Name: name, Source: source, Command: command, Hessian: hess}); err != nil {
				return err
			}
			w, done, err := e.output(out)
			if err != nil {
				return err
			}
			_, err = w.Write(b.Bytes())
			return done(err)
		},
	}
	c.register(cmd, false)
	f := cmd.Flags()
	f.StringVar(&pkg, "package", "", "the package `NAME` (default: the Go name in lower case)")
	f.StringVar(&name, "name", "", "the Go `NAME` of the value function (default: the function's name, capitalised)")
	f.StringVarP(&out, "output", "o", "", "write to `FILE` instead of standard output")
	f.BoolVar(&hess, "hessian", false, "also write NameHVP(hv, x, v []float64) float64, the Hessian-vector product (functions of one value)")
	return cmd
}

// goName is the Go name gen gives the function fn: --name, or fn's.
func goName(name, fn string) string {
	if name != "" {
		return name
	}
	return gen.GoName(fn)
}
