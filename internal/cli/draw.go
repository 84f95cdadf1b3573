package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
)

// format parses a --format value among the allowed ones.
func format(name string, allowed ...draw.Format) (draw.Format, error) {
	var names []string
	for _, f := range allowed {
		if f.String() == name {
			return f, nil
		}
		names = append(names, f.String())
	}
	return 0, badInput("--format: expected %s, found %q", strings.Join(names, ", "), name)
}

// textFormat is the format of paths and explanations: JSON with --json,
// else --format, else text.
func textFormat(asJSON bool, name string) (draw.Format, error) {
	switch {
	case asJSON:
		return draw.JSON, nil
	case name == "":
		return draw.Text, nil
	}
	return format(name, draw.Text, draw.Markdown, draw.LaTeX, draw.JSON)
}

// pass loads the program, reads --at and runs reverse mode at --level.
func (c *common) pass(args []string, stdin io.Reader, lvl string) (*ir.Program, *ir.Func, *reverse.Result, error) {
	lv, err := level(lvl)
	if err != nil {
		return nil, nil, nil, err
	}
	prog, fn, err := c.src.load(args, stdin)
	if err != nil {
		return nil, nil, nil, err
	}
	x, err := point(c.at, prog.Graph, fn)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := reverse.Run(prog.Graph, fn.Body, fn.Bind(prog.Graph, x), reverse.Options{Level: lv, Check: c.check})
	if err != nil {
		return nil, nil, nil, sourceError(prog, err)
	}
	return prog, fn, r, nil
}

// output opens -o FILE, or returns stdout.
func (e *env) output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return e.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, badInput("%v", err)
	}
	w := bufio.NewWriter(f)
	return w, func() error {
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}, nil
}

func (e *env) graphCmd() *cobra.Command {
	var c common
	var lvl, fmtName, out string
	var maxNodes, maxLayout int
	cmd := &cobra.Command{
		Use:   "graph [PROGRAM] --at x=1,y=2 [--format dot|svg|png|json] [-o FILE]",
		Short: "Draw the expression graph with values, adjoints and edge partials",
		Long: fmt.Sprintf(`graph draws the expression graph of the program at a point, as in the
seed's figure 2.1: inputs at the bottom, the output at the top, each node
with its value and adjoint (the partial derivative of the output with
respect to it), each edge with the partial derivative of the node it leaves
with respect to that argument, symbolically and as a number.

--level functions (the default) draws calls of user functions as single
nodes; --level primitives draws every primitive operation. The format is
--format, or follows from the extension of -o FILE, or is DOT. SVG and PNG
are rendered in-process: no system Graphviz is needed.

Graphviz's layout takes time and memory that grow faster than the graph:
SVG and PNG are refused for graphs of more than --max-layout nodes and
edges together (default %d); DOT and JSON have no such limit. A PNG image
has at most 3,000 pixels a side: larger drawings are scaled down.`, draw.DefaultMaxLayout),
		Example: `  backprop graph examples/seed.bp --at x_1=2,x_2=3 -o seed.svg
  backprop graph examples/seed.bp --at x_1=2,x_2=3 --level primitives --format dot`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := draw.DOT
			var err error
			switch {
			case c.json:
				f = draw.JSON
			case fmtName != "":
				if f, err = format(fmtName, draw.DOT, draw.SVG, draw.PNG, draw.JSON); err != nil {
					return err
				}
			case out != "" && out != "-":
				if f, err = draw.FormatOf(out); err != nil {
					return badInput("-o: %v", err)
				}
			}
			if f != draw.DOT && f != draw.SVG && f != draw.PNG && f != draw.JSON {
				return badInput("a graph is written as dot, svg, png or json, not %v", f)
			}
			_, _, r, err := c.pass(args, e.stdin, lvl)
			if err != nil {
				return err
			}
			d, err := draw.Build(r, &draw.Options{MaxNodes: maxNodes, MaxLayout: maxLayout})
			var large *draw.TooLargeError
			if errors.As(err, &large) {
				return badInput("%v", err)
			}
			if err != nil {
				return err
			}
			if f == draw.SVG || f == draw.PNG {
				if err := d.CheckLayout(); err != nil {
					return badInput("%v (raise the limit with --max-layout, or write --format dot or json, or draw --level functions)", err)
				}
			}
			w, done, err := e.output(out)
			if err != nil {
				return err
			}
			if err := d.Write(context.Background(), w, f); err != nil {
				done()
				return err
			}
			return done()
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&lvl, "level", "functions", "functions (calls are nodes) or primitives (every operation is a node)")
	fl.StringVar(&fmtName, "format", "", "dot, svg, png or json (default: from the extension of -o, else dot)")
	fl.StringVarP(&out, "output", "o", "", "write to `FILE` instead of standard output")
	fl.IntVar(&maxNodes, "max-nodes", 0, fmt.Sprintf("refuse graphs larger than this (default %d; negative: no limit)", draw.DefaultMaxNodes))
	fl.IntVar(&maxLayout, "max-layout", 0, fmt.Sprintf("refuse SVG and PNG of more than `N` nodes plus edges (default %d; negative: no limit)", draw.DefaultMaxLayout))
	return cmd
}

func (e *env) pathsCmd() *cobra.Command {
	var c common
	var lvl, fmtName, wrt string
	var limit, maxPaths int
	cmd := &cobra.Command{
		Use:   "paths [PROGRAM] --wrt x --at x=1,y=2",
		Short: "List the paths from the output to an input and show that their products sum to the gradient",
		Long: fmt.Sprintf(`paths lists every path in the expression graph from the output to the
input --wrt, the partial derivatives on its edges and their product: the
seed's section 2.3 shows that these products sum to the partial derivative
of the output with respect to the input.

Paths are counted without listing them (their number can grow
exponentially with depth); at most --limit are listed, each written as it
is found, so that memory does not grow with the limit. The output does:
--limit is refused above --max-paths (default %d).`, draw.MaxPathLimit),
		Example: `  backprop paths examples/seed.bp --wrt x_1 --at x_1=2,x_2=3`,
		Args:    args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := textFormat(c.json, fmtName)
			if err != nil {
				return err
			}
			prog, fn, r, err := c.pass(args, e.stdin, lvl)
			if err != nil {
				return err
			}
			i, err := wrtParam(wrt, prog.Graph, fn)
			if err != nil {
				return err
			}
			if limit < 0 {
				return badInput("--limit must be positive, got %d", limit)
			}
			if maxPaths == 0 {
				maxPaths = draw.MaxPathLimit
			}
			if maxPaths > 0 && limit > maxPaths {
				return badInput("--limit %d: at most %d paths are listed (raise the limit with --max-paths); the count covers every path whatever the limit", limit, maxPaths)
			}
			return draw.WritePaths(e.stdout, f, r, fn.Params[i], limit)
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&wrt, "wrt", "", "the input the paths lead to")
	fl.IntVar(&limit, "limit", draw.DefaultPathLimit, "list at most `N` paths (at most --max-paths)")
	fl.IntVar(&maxPaths, "max-paths", 0, fmt.Sprintf("refuse a --limit above `N` (default %d; negative: no limit)", draw.MaxPathLimit))
	fl.StringVar(&lvl, "level", "functions", "functions or primitives")
	fl.StringVar(&fmtName, "format", "", "text, markdown, latex or json")
	return cmd
}

func (e *env) explainCmd() *cobra.Command {
	var c common
	var lvl, fmtName, mode, wrt string
	cmd := &cobra.Command{
		Use:   "explain [PROGRAM] --at x=1,y=2 [--mode reverse|forward] [--wrt x]",
		Short: "Explain the forward and backward passes step by step",
		Long: `explain prints the computation as the seed narrates it. In reverse mode
(the default): the forward pass, each node's value in evaluation order,
then the backward pass, each adjoint as the sum of its contributions edge by
edge. In forward mode: each block's value and derivative with respect to
--wrt, from the innermost block outwards.`,
		Example: `  backprop explain examples/seed.bp --at x_1=2,x_2=3
  backprop explain examples/section1.bp --at x=1 --mode forward --format markdown`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := textFormat(c.json, fmtName)
			if err != nil {
				return err
			}
			var m draw.Mode
			switch mode {
			case "reverse", "":
				m = draw.Reverse
			case "forward":
				m = draw.Forward
			default:
				return badInput("--mode: expected reverse or forward, found %q", mode)
			}
			prog, fn, r, err := c.pass(args, e.stdin, lvl)
			if err != nil {
				return err
			}
			if wrt != "" {
				if _, err := wrtParam(wrt, prog.Graph, fn); err != nil {
					return err
				}
			}
			x, err := draw.Explain(r, &draw.ExplainOptions{Mode: m, Wrt: wrt})
			if err != nil {
				return sourceError(prog, err)
			}
			return x.Write(e.stdout, f)
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&mode, "mode", "reverse", "reverse or forward")
	fl.StringVar(&wrt, "wrt", "", "forward mode: the input to differentiate by (default: the first)")
	fl.StringVar(&lvl, "level", "functions", "functions or primitives")
	fl.StringVar(&fmtName, "format", "", "text, markdown, latex or json")
	return cmd
}
