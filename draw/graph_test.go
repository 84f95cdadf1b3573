package draw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/gobackprop/backprop/internal/golden"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
)

func build(t testing.TB, r *reverse.Result) *draw.Graph {
	t.Helper()
	d, err := draw.Build(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestSeedGraph checks the drawing of the seed's figure 2.1: six nodes,
// f_2 twice, and on each edge the partial the reverse pass computed.
func TestSeedGraph(t *testing.T) {
	r := run(t, "seed.bp", reverse.Functions)
	d := build(t, r)
	var labels []string
	for _, n := range d.Nodes {
		labels = append(labels, fmt.Sprintf("%s:%v:%d", n.Label, n.Kind, n.Level))
	}
	want := "x_1:input:0 x_2:input:0 f_2:call:1 f_2:call:2 f_3:call:1 f_1:call:3"
	if got := strings.Join(labels, " "); got != want {
		t.Errorf("nodes = %s, want %s", got, want)
	}
	if out := d.Nodes[d.Output]; out.Label != "f_1" || out.Adjoint != 1 {
		t.Errorf("output = %s with adjoint %g, want f_1 with adjoint 1", out.Label, out.Adjoint)
	}
	if len(d.Edges) != 7 {
		t.Errorf("%d edges, want 7", len(d.Edges))
	}
	for _, e := range d.Edges {
		if got, want := e.Value, r.Partial(e.From, e.Arg); got != want {
			t.Errorf("edge %s: value %g, want the reverse pass's %g", e.Name(), got, want)
		}
		if d.Nodes[e.From].ID != r.Nodes[e.From] || d.Nodes[e.To].ID != r.Graph.Node(r.Nodes[e.From]).Arg(e.Arg) {
			t.Errorf("edge %s does not join the node to its argument %d", e.Name(), e.Arg)
		}
	}
	// The symbolic partials of the seed's building blocks.
	partials := map[string]string{}
	for _, e := range d.Edges {
		partials[e.Name()] = e.Partial
	}
	for name, want := range map[string]string{
		"∂₁f_1": "pi*cos(pi*x)",
		"∂₁f_2": "y*x^(y - 1)",
		"∂₂f_2": "x^y*log(x)",
		"∂₁f_3": "1/x",
	} {
		if partials[name] != want {
			t.Errorf("%s = %q, want %q", name, partials[name], want)
		}
	}
}

// TestLevelsAgree checks that the primitive-level graph gives the inputs
// the same adjoints as the function-level one.
func TestLevelsAgree(t *testing.T) {
	for file := range seedPoints {
		grads := map[reverse.Level]map[string]float64{}
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			d := build(t, run(t, file, level))
			grads[level] = map[string]float64{}
			for _, n := range d.Nodes {
				if n.Kind == draw.Input {
					grads[level][n.Label] = n.Adjoint
				}
			}
		}
		for name, fg := range grads[reverse.Functions] {
			if pg := grads[reverse.Primitives][name]; !near(pg, fg, 1e-12) {
				t.Errorf("%s: ∂/∂%s = %.15g at primitive level, %.15g at function level", file, name, pg, fg)
			}
		}
		if len(grads[reverse.Functions]) == 0 || len(grads[reverse.Functions]) != len(grads[reverse.Primitives]) {
			t.Errorf("%s: inputs %v and %v", file, grads[reverse.Functions], grads[reverse.Primitives])
		}
	}
}

func TestDOTGolden(t *testing.T) {
	tests := []struct {
		file   string
		level  reverse.Level
		golden string
	}{
		{"seed.bp", reverse.Functions, "seed_functions.dot"},
		{"seed.bp", reverse.Primitives, "seed_primitives.dot"},
		{"section1.bp", reverse.Functions, "section1_functions.dot"},
		{"appendix.bp", reverse.Primitives, "appendix_primitives.dot"},
	}
	for _, tt := range tests {
		var a, b bytes.Buffer
		if err := build(t, run(t, tt.file, tt.level)).DOT(&a); err != nil {
			t.Fatal(err)
		}
		// Deterministic: a second build of a second parse gives the same bytes.
		if err := build(t, run(t, tt.file, tt.level)).DOT(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two drawings differ", tt.golden)
		}
		golden.Check(t, tt.golden, a.Bytes())
	}
}

// TestDOTLayout checks the layout rules of the seed's figure: the
// output at the top, the inputs on one rank at the bottom, arrows from a
// node to its arguments.
func TestDOTLayout(t *testing.T) {
	var buf bytes.Buffer
	d := build(t, run(t, "seed.bp", reverse.Functions))
	if err := d.DOT(&buf); err != nil {
		t.Fatal(err)
	}
	dot := buf.String()
	for _, want := range []string{
		"rankdir=BT",
		"dir=back",
		"{rank=min; n2; n3;}", // x_1 and x_2
		"{rank=max; n15;}",    // f_1
		`label="∂₁f_2(x, y) = y*x^(y - 1)\n= 2304"`,
		"<B>f_2</B></TD></TR><TR><TD>value 512</TD></TR><TR><TD>adjoint 3.14159</TD>",
	} {
		if !strings.Contains(dot, want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot)
		}
	}
}

// svgTexts decodes an SVG document and returns its text content; it
// fails the test if the document is not well-formed XML.
func svgTexts(t *testing.T, svg []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	var texts []string
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element is %q, want svg", root)
	}
	return texts
}

func TestSVG(t *testing.T) {
	for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
		d := build(t, run(t, "seed.bp", level))
		var buf bytes.Buffer
		if err := d.SVG(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		texts := strings.Join(svgTexts(t, buf.Bytes()), "\n")
		for _, n := range d.Nodes {
			if !strings.Contains(texts, n.Label) {
				t.Errorf("%v level: SVG has no label %s", level, n.Label)
			}
		}
		wants := []string{"value 512", "adjoint 18260.8", "∂₁f_2(x, y) = y*x^(y - 1)"}
		if level == reverse.Primitives {
			wants[2] = "∂₁pow(x, y) = y*x^(y - 1)"
		}
		for _, want := range wants {
			if !strings.Contains(texts, want) {
				t.Errorf("%v level: SVG has no text %q", level, want)
			}
		}
	}
}

func TestPNG(t *testing.T) {
	d := build(t, run(t, "seed.bp", reverse.Functions))
	var buf bytes.Buffer
	if err := d.PNG(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() < 200 || b.Dy() < 200 {
		t.Fatalf("image is %dx%d, want a picture of six nodes", b.Dx(), b.Dy())
	}
	// The borders of the nodes are drawn as thin lines (go-graphviz alone
	// draws none, and fills the curves of the edges black).
	if n := thinLines(img); n < 4*len(d.Nodes) {
		t.Errorf("%d thin horizontal lines, want at least 4 per node (%d)", n, 4*len(d.Nodes))
	}
}

// thinLines counts the horizontal dark runs of at least 40 pixels that
// have light pixels above and below their middle.
func thinLines(img image.Image) int {
	b := img.Bounds()
	dark := func(x, y int) bool {
		if !(image.Point{x, y}).In(b) {
			return false
		}
		r, g, bl, _ := img.At(x, y).RGBA()
		return r+g+bl < 3*0x8000
	}
	lines := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		run := 0
		for x := b.Min.X; x <= b.Max.X; x++ {
			if x < b.Max.X && dark(x, y) {
				run++
				continue
			}
			if mid := x - run/2; run >= 40 && !dark(mid, y-2) && !dark(mid, y+2) {
				lines++
			}
			run = 0
		}
	}
	return lines
}

// TestRenderConcurrent renders from several goroutines at once: go-graphviz
// is not safe for concurrent use, so the package serializes it.
func TestRenderConcurrent(t *testing.T) {
	d := build(t, run(t, "seed.bp", reverse.Functions))
	var want bytes.Buffer
	if err := d.SVG(context.Background(), &want); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := d.SVG(context.Background(), &buf); err != nil {
				errs[i] = err
			} else if !bytes.Equal(buf.Bytes(), want.Bytes()) {
				errs[i] = errors.New("a concurrent rendering differs")
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

var pngOut = flag.String("png", "", "also write the seed's graph as a PNG image to this file")

// TestDocsSeedGraph keeps docs/seed-graph.svg, the seed's figure 2.1 as
// backprop draws it, up to date: go test -update rewrites it. With
// -png=file it also writes the PNG image, to look at.
func TestDocsSeedGraph(t *testing.T) {
	d := build(t, run(t, "seed.bp", reverse.Functions))
	if *pngOut != "" {
		f, err := os.Create(*pngOut)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.PNG(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := d.SVG(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	golden.File(t, filepath.Join("..", "docs", "seed-graph.svg"), buf.Bytes())
}

func TestTooLarge(t *testing.T) {
	r := run(t, "seed.bp", reverse.Primitives)
	_, err := draw.Build(r, &draw.Settings{MaxNodes: 5})
	var tl *draw.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 5 || tl.Nodes != len(r.Nodes) {
		t.Fatalf("got %v, want a TooLargeError", err)
	}
	if !strings.Contains(err.Error(), "--level functions") {
		t.Errorf("error %q does not suggest --level functions", err)
	}
	if _, err := draw.Build(r, &draw.Settings{MaxNodes: -1}); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

// TestLongExpressions checks that a node whose text would be
// exponentially long (a chain of diamonds) is drawn without its text.
func TestLongExpressions(t *testing.T) {
	g, root := diamonds(70)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := build(t, r)
	if d.Nodes[0].Expr != "x" || d.Nodes[d.Output].Expr != "" {
		t.Errorf("Expr of the input %q, of the output %q; want x and empty", d.Nodes[0].Expr, d.Nodes[d.Output].Expr)
	}
	var buf bytes.Buffer
	if err := d.DOT(&buf); err != nil {
		t.Fatal(err)
	}
}

// diamonds returns the chain x_{k+1} = sin(x_k) + cos(x_k) of n diamonds,
// which has 2^n paths from the output to x.
func diamonds(n int) (*ir.Graph, ir.ID) {
	g := ir.NewGraph()
	x := g.Var("x")
	for range n {
		x = g.Apply(op.Add, g.Apply(op.Sin, x, ir.None), g.Apply(op.Cos, x, ir.None))
	}
	return g, x
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	d := build(t, run(t, "seed.bp", reverse.Functions))
	if err := d.JSON(&buf); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "seed_functions.json", buf.Bytes())
	var got struct {
		Output ir.ID
		Nodes  []struct {
			ID      ir.ID
			Label   string
			Value   float64
			Adjoint float64
		}
		Edges []struct {
			From, To ir.ID
			Partial  string
			LaTeX    string
			Value    float64
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Nodes) != 6 || len(got.Edges) != 7 {
		t.Fatalf("%d nodes and %d edges, want 6 and 7", len(got.Nodes), len(got.Edges))
	}
	for i, n := range got.Nodes {
		if n.Value != d.Nodes[i].Value || n.Adjoint != d.Nodes[i].Adjoint {
			t.Errorf("node %s: JSON has %v, %v; want every digit of %v, %v", n.Label, n.Value, n.Adjoint, d.Nodes[i].Value, d.Nodes[i].Adjoint)
		}
	}
	for _, e := range got.Edges {
		if e.LaTeX == "" || e.Partial == "" {
			t.Errorf("edge %d -> %d has no symbolic partial", e.From, e.To)
		}
	}
}

// TestJSONNonFinite checks that NaN and infinities are written as strings.
func TestJSONNonFinite(t *testing.T) {
	r := runSource(t, "t.bp", "f(x) = sqrt(x) + log(x - 1)", map[string]float64{"x": 0}, reverse.Primitives)
	var buf bytes.Buffer
	if err := build(t, r).JSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Nodes []struct {
			Label   string
			Value   any
			Adjoint any
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	seen := map[any]bool{}
	for _, n := range got.Nodes {
		seen[n.Value], seen[n.Adjoint] = true, true
	}
	for _, want := range []string{"NaN", "+Inf"} {
		if !seen[want] {
			t.Errorf("no %s in %s", want, buf.String())
		}
	}
	if math.IsNaN(r.Output()) != true {
		t.Errorf("output %v, want NaN", r.Output())
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		path string
		want draw.Format
		err  bool
	}{
		{"out/graph.dot", draw.DOT, false},
		{"g.gv", draw.DOT, false},
		{"g.SVG", draw.SVG, false},
		{"g.png", draw.PNG, false},
		{"g.json", draw.JSON, false},
		{"e.txt", draw.Text, false},
		{"e.md", draw.Markdown, false},
		{"e.tex", draw.LaTeX, false},
		{"g.pdf", 0, true},
		{"graph", 0, true},
	}
	for _, tt := range tests {
		got, err := draw.FormatOf(tt.path)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("FormatOf(%q) = %v, %v; want %v, error %v", tt.path, got, err, tt.want, tt.err)
		}
	}
	d := build(t, run(t, "seed.bp", reverse.Functions))
	if err := d.Write(context.Background(), io.Discard, draw.Markdown); err == nil {
		t.Error("a graph written as Markdown: no error")
	}
}

func TestRenderCanceled(t *testing.T) {
	d := build(t, run(t, "seed.bp", reverse.Functions))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.SVG(ctx, io.Discard); !errors.Is(err, context.Canceled) {
		t.Errorf("SVG with a canceled context: %v", err)
	}
}

// TestDOTConstantOutput draws the graph of a constant function: one node.
func TestDOTConstantOutput(t *testing.T) {
	p, err := expr.Parse("c.bp", "f(x) = 5")
	if err != nil {
		t.Fatal(err)
	}
	r, err := reverse.Run(p.Graph, p.Funcs[0].Body, map[string]float64{"x": 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := build(t, r).DOT(&buf); err != nil {
		t.Fatal(err)
	}
	dot := buf.String()
	m := regexp.MustCompile(`\{rank=max; (n\d+);\}`).FindStringSubmatch(dot)
	if m == nil || !strings.Contains(dot, "\t"+m[1]+` [label=<<FONT COLOR="gray35">5</FONT>>`) {
		t.Errorf("DOT of a constant:\n%s", dot)
	}
}
