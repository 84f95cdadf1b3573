// Command backprop differentiates functions written as math: values and
// gradients in every mode, symbolic derivatives in text and LaTeX,
// expression graphs, path sums and step-by-step explanations.
//
// Run 'backprop --help' for the commands.
package main

import (
	"os"

	"github.com/gobackprop/backprop/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
