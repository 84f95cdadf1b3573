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
		Short: "Write Go source code for the value and the gradient of a program",
		Long: `gen writes gofmt'ed, dependency-free Go source (package math only) for the
value and the gradient of the program's function: func F(x []float64)
float64 and func FGrad(grad, x []float64) float64, F the function's name
with its first letter in upper case (or --name), x in the order of its
parameters; with --hessian also func FHVP(hv, x, v []float64) float64, the
product of the Hessian with v by forward over reverse. The code is
straight-line, with common subexpressions as named temporaries and no
allocation. It goes to standard output, or to FILE with
-o, whole or not at all; a //go:generate line can run it.`,
		Example: `  backprop gen examples/seed.bp --package seed
  backprop gen -e 'f(x, y) = 100*(y - x^2)^2 + (1 - x)^2' --name Rosenbrock -o rosenbrock.go`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			prog, fn, err := c.src.load(args, e.stdin)
			if err != nil {
				return err
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
	f.BoolVar(&hess, "hessian", false, "also write NameHVP(hv, x, v []float64) float64, the Hessian-vector product")
	return cmd
}
