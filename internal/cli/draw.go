package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/atomicfile"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
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
	x, err := c.point(prog.Graph, fn)
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := reverse.Run(prog.Graph, fn.Body, fn.Bind(prog.Graph, x), &reverse.Settings{Level: lv, Check: c.check, Stop: c.src.stop})
	if err != nil {
		return nil, nil, nil, sourceError(prog, err)
	}
	return prog, fn, r, nil
}

// output opens -o FILE, or returns stdout. A file is written through
// package atomicfile: done commits it (the file appears whole, replacing
// any old one) if err is nil, and removes the partial file otherwise, so
// that a failed or interrupted rendering never leaves a truncated file.
// Missing directories of FILE are created, as for gen's -o into the
// directory of a new package.
func (e *env) output(path string) (w io.Writer, done func(err error) error, err error) {
	if path == "" || path == "-" {
		return e.stdout, func(err error) error { return err }, nil
	}
	if err := atomicfile.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, nil, badInput("-o: %v", err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return nil, nil, badInput("-o: %v", err)
	}
	return f, func(err error) error {
		if err != nil {
			f.Abort()
			return err
		}
		return f.Commit()
	}, nil
}

// graphFormats are the formats graph writes, and graphExts the file
// extensions of -o that tell them.
var (
	graphFormats = []draw.Format{draw.DOT, draw.SVG, draw.PNG, draw.JSON}
	graphExts    = ".dot, .gv, .svg, .png or .json"
)

// graphFormat is the format of graph: JSON with --json, else --format,
// else the extension of -o FILE, else DOT.
func graphFormat(asJSON bool, name, out string) (draw.Format, error) {
	switch {
	case asJSON:
		return draw.JSON, nil
	case name != "":
		return format(name, graphFormats...)
	case out == "" || out == "-":
		return draw.DOT, nil
	}
	f, err := draw.FormatOf(out)
	if err == nil && slices.Contains(graphFormats, f) {
		return f, nil
	}
	ext := filepath.Ext(out)
	if ext == "" {
		return 0, badInput("-o %s: no file extension to tell the format: end the name with %s, or give --format", out, graphExts)
	}
	return 0, badInput("-o %s: a graph is not written as %s: end the name with %s, or give --format", out, ext, graphExts)
}

// tooLarge is the error of a graph over --max-nodes: it names the flag
// that draws it anyway, and suggests function level only at primitive
// level, where it helps.
func tooLarge(err *draw.TooLargeError, lvl string) error {
	msg := fmt.Sprintf("the graph has %d nodes, more than --max-nodes %d: give --max-nodes %d (or 0 for no limit) to draw it",
		err.Nodes, err.Limit, err.Nodes)
	if lvl == "primitives" {
		msg += ", or draw calls of functions as single nodes with --level functions"
	}
	return badInput("%s", msg)
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
			return e.graph(context.Background(), &c, args, lvl, fmtName, out, maxNodes, maxLayout)
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&lvl, "level", "functions", "functions (calls are nodes) or primitives (every operation is a node)")
	fl.StringVar(&fmtName, "format", "", "dot, svg, png or json (default: from the extension of -o, else dot)")
	fl.StringVarP(&out, "output", "o", "", "write to `FILE` instead of standard output (whole or not at all: through a temporary file renamed at the end)")
	fl.IntVar(&maxNodes, "max-nodes", draw.DefaultMaxNodes, "refuse graphs of more than `N` nodes (0: no limit)")
	fl.IntVar(&maxLayout, "max-layout", draw.DefaultMaxLayout, "refuse SVG and PNG of more than `N` nodes plus edges (0: no limit)")
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
			return e.paths(&c, args, lvl, fmtName, wrt, limit, maxPaths)
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&wrt, "wrt", "", "the input the paths lead to")
	fl.IntVar(&limit, "limit", draw.DefaultPathLimit, "list at most `N` paths (at most --max-paths)")
	fl.IntVar(&maxPaths, "max-paths", draw.MaxPathLimit, "refuse a --limit above `N` (0: no limit)")
	fl.StringVar(&lvl, "level", "functions", "functions or primitives")
	fl.StringVar(&fmtName, "format", "", "text, markdown, latex or json")
	return cmd
}

func (e *env) explainCmd() *cobra.Command {
	var c common
	var lvl, fmtName, mode, wrt string
	var direction []string
	cmd := &cobra.Command{
		Use:   "explain [PROGRAM] --at x=1,y=2 [--mode reverse|forward] [--wrt x | --direction x=1,y=0.5]",
		Short: "Explain the forward and backward passes step by step",
		Long: `explain prints the computation as the seed narrates it. In reverse mode
(the default): the forward pass, each node's value in evaluation order,
then the backward pass, each adjoint as the sum of its contributions edge by
edge. In forward mode: each block's value and derivative with respect to
--wrt, from the innermost block outwards; or, with --direction, its
derivative in that direction, the directional derivative ∇f·d (the
inputs it leaves out have tangent 0).`,
		Example: `  backprop explain examples/seed.bp --at x_1=2,x_2=3
  backprop explain examples/section1.bp --at x=1 --mode forward --format markdown
  backprop explain examples/seed.bp --at x_1=2,x_2=3 --mode forward --direction x_1=1,x_2=0.5`,
		Args: args(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var dir []pair
			if cmd.Flags().Changed("direction") {
				var err error
				if dir, err = c.src.pairs("--direction", direction); err != nil {
					return err
				}
				if dir == nil {
					dir = []pair{}
				}
			}
			return e.explain(&c, args, lvl, fmtName, mode, wrt, dir)
		},
	}
	c.register(cmd, true)
	fl := cmd.Flags()
	fl.StringVar(&mode, "mode", "reverse", "reverse or forward")
	fl.StringVar(&wrt, "wrt", "", "forward mode: the input to differentiate by (default: the first)")
	fl.StringArrayVar(&direction, "direction", nil, "forward mode: the direction `D` instead of --wrt, such as x_1=1,x_2=0.5; inputs left out are 0")
	fl.StringVar(&lvl, "level", "functions", "functions or primitives")
	fl.StringVar(&fmtName, "format", "", "text, markdown, latex or json")
	return cmd
}

// graph runs graph: the command's, and the server's /api/graph.
func (e *env) graph(ctx context.Context, c *common, args []string, lvl, fmtName, out string, maxNodes, maxLayout int) error {
	f, err := graphFormat(c.json, fmtName, out)
	if err != nil {
		return err
	}
	limit, err := maxFlag("max-nodes", maxNodes)
	if err != nil {
		return err
	}
	layout, err := maxFlag("max-layout", maxLayout)
	if err != nil {
		return err
	}
	_, _, r, err := c.pass(args, e.stdin, lvl)
	if err != nil {
		return err
	}
	d, err := draw.Build(r, &draw.Settings{MaxNodes: limit, MaxLayout: layout})
	var large *draw.TooLargeError
	if errors.As(err, &large) {
		return tooLarge(large, lvl)
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
	return done(d.Write(ctx, w, f))
}

// paths runs paths: the command's, and the server's /api/paths.
func (e *env) paths(c *common, args []string, lvl, fmtName, wrt string, limit, maxPaths int) error {
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
	if _, err := maxFlag("max-paths", maxPaths); err != nil {
		return err
	}
	if maxPaths > 0 && limit > maxPaths {
		return badInput("--limit %d: at most %d paths are listed (raise the limit with --max-paths); the count covers every path whatever the limit", limit, maxPaths)
	}
	// The paths lead from the function computed, f, not from its
	// top node (a call of f_1, say).
	return draw.WritePaths(e.stdout, f, r, fn.Name, fn.Params[i], limit)
}

// explain runs explain: the command's, and the server's /api/explain.
// dir, when not nil, is --direction.
func (e *env) explain(c *common, args []string, lvl, fmtName, mode, wrt string, dir []pair) error {
	f, err := textFormat(c.json, fmtName)
	if err != nil {
		return err
	}
	var m verify.Mode
	switch mode {
	case "reverse", "":
		m = verify.Reverse
	case "forward":
		m = verify.Forward
	default:
		return badInput("--mode: expected reverse or forward, found %q", mode)
	}
	prog, fn, r, err := c.pass(args, e.stdin, lvl)
	if err != nil {
		return err
	}
	if m == verify.Forward && len(fn.Params) == 0 {
		return badInput("explain --mode forward: %s has no inputs to differentiate by", fn.Name)
	}
	var direction map[string]float64
	if dir != nil {
		if m != verify.Forward {
			return badInput("--direction is forward mode's: give --mode forward")
		}
		if wrt != "" {
			return badInput("give --wrt or --direction, not both")
		}
		if direction, err = tangents(dir, prog.Graph, fn, r); err != nil {
			return err
		}
	}
	if wrt != "" {
		i, err := wrtParam(wrt, prog.Graph, fn)
		if err != nil {
			return err
		}
		if _, used := r.Index(fn.Params[i]); !used && m == verify.Forward {
			return badInput("--wrt: %s does not depend on %s: its derivative is 0", fn.Name, wrt)
		}
	}
	x, err := draw.Explain(r, &draw.Settings{Mode: m, Wrt: wrt, Direction: direction, Stop: c.src.stop})
	if err != nil {
		return sourceError(prog, err)
	}
	x.Output = fn.Name // the function computed, not its top node
	return x.Write(e.stdout, f)
}

// tangents reads --direction: a tangent for some of the parameters of fn,
// the others 0. It refuses a name that is not a parameter or is given
// twice, a value that is not a finite number, and a direction in which the
// output does not change at all (only inputs it does not depend on).
func tangents(dir []pair, g *ir.Graph, fn *ir.Func, r *reverse.Result) (map[string]float64, error) {
	params := fn.ParamNames(g)
	d := make(map[string]float64, len(dir))
	moves := false
	for _, p := range dir {
		i := indexOf(params, p.name)
		if i < 0 {
			return nil, notParam("--direction", p.name, fn, params)
		}
		if _, twice := d[p.name]; twice {
			return nil, badInput("--direction: %s is given twice", p.name)
		}
		v, err := constant(p.value)
		if err != nil {
			return nil, badInput("--direction: value of %s: %v", p.name, err)
		}
		if math.IsInf(v, 0) {
			return nil, badInput("--direction: value of %s is %v: give a finite number", p.name, v)
		}
		d[p.name] = v
		if _, used := r.Index(fn.Params[i]); used && v != 0 {
			moves = true
		}
	}
	if !moves {
		return nil, badInput("--direction: %s does not change along it (every tangent of an input it depends on is 0): its derivative is 0; give a nonzero tangent, such as --direction %s=1", fn.Name, params[0])
	}
	return d, nil
}

// maxFlag checks the value v of the flag --name, one of the --max-… limits:
// 0 means no limit, and a negative value is refused. It returns the limit
// as package draw takes it, negative for none.
func maxFlag(name string, v int) (int, error) {
	switch {
	case v < 0:
		return 0, badInput("--%s must be 0 (no limit) or positive, got %d", name, v)
	case v == 0:
		return -1, nil
	}
	return v, nil
}
