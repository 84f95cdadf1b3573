package draw

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/goccy/go-graphviz"
	"github.com/goccy/go-graphviz/gvc"
)

// renderer is the Graphviz context all renderings use, made on first use
// and kept for the life of the process, and the lock that serializes its
// use. go-graphviz runs Graphviz compiled to WebAssembly in a single
// module instance shared by the whole process, without locking, so two
// renderings at once would corrupt each other's memory; and every context
// it makes registers callbacks that the module keeps forever (with them,
// a PNG renderer keeps its last image), so making one per rendering leaks
// a few megabytes each time. These are the package's only globals: they
// manage a global of the library, not state of this package.
var renderer struct {
	sync.Mutex
	gv *graphviz.Graphviz
}

// SVG writes the graph as SVG, laid out by Graphviz's dot (in-process,
// through go-graphviz: no Graphviz installation is needed). Each node has
// the expression it computes as its tooltip.
//
// Renderings are done one at a time, and SVG returns ctx's error if ctx
// is done before its turn comes; Graphviz itself cannot be interrupted,
// so SVG returns a *LayoutError for a graph with more nodes plus edges
// than the layout limit of its Settings (DefaultMaxLayout by default)
// rather than start a layout of minutes.
func (d *Graph) SVG(ctx context.Context, w io.Writer) error {
	return d.render(ctx, w, graphviz.SVG)
}

// PNG writes the graph as a PNG image, laid out as for SVG. The text is
// set in DejaVu Sans if the system has it, in Go's own font otherwise.
//
// go-graphviz v0.2.10 keeps about 0.3 MB of WebAssembly memory per PNG
// image it renders, for the life of the process: a long-running server
// should serve SVG.
//
// An image has at most 3,000 pixels a side: a larger drawing is scaled
// down to fit. Like SVG, PNG returns a *LayoutError for a graph larger
// than the layout limit of its Settings.
func (d *Graph) PNG(ctx context.Context, w io.Writer) error {
	return d.render(ctx, w, graphviz.PNG)
}

// maxPNGInches is the largest width and height of a PNG image, in inches
// at maxPNGDPI: Graphviz scales a larger drawing down to fit, so an image
// has at most 3,000 × 3,000 pixels (9 megapixels, 36 MB of RGBA).
const (
	maxPNGInches = 3000.0 / maxPNGDPI
	maxPNGDPI    = 96
)

// CheckLayout returns a *LayoutError if the graph is too large for SVG and
// PNG to lay out, nil otherwise.
func (d *Graph) CheckLayout() error {
	if size := len(d.Nodes) + len(d.Edges); d.maxLayout >= 0 && size > d.maxLayout {
		return &LayoutError{Nodes: len(d.Nodes), Edges: len(d.Edges), Limit: d.maxLayout}
	}
	return nil
}

func (d *Graph) render(ctx context.Context, w io.Writer, format graphviz.Format) error {
	if err := d.CheckLayout(); err != nil {
		return err
	}
	var dot bytes.Buffer
	if err := d.DOT(&dot); err != nil {
		return err
	}
	var out bytes.Buffer
	if err := renderDOT(ctx, dot.Bytes(), format, &out); err != nil {
		return fmt.Errorf("rendering %s: %w", format, err)
	}
	_, err := w.Write(out.Bytes())
	return err
}

// renderDOT lays out and renders a DOT graph with go-graphviz.
func renderDOT(ctx context.Context, dot []byte, format graphviz.Format, w io.Writer) (err error) {
	renderer.Lock()
	defer renderer.Unlock()
	if err := ctx.Err(); err != nil {
		return err // done while waiting for the lock
	}
	// go-graphviz panics in its WebAssembly callbacks on errors it cannot
	// return; they must not escape.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("graphviz: %v", r)
		}
	}()
	if renderer.gv == nil {
		// The context outlives this call: it must not end with ctx.
		gv, err := newGraphviz(context.WithoutCancel(ctx))
		if err != nil {
			return err
		}
		renderer.gv = gv
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return err
	}
	defer g.Close()
	if format == graphviz.PNG {
		g.SetDPI(maxPNGDPI).SetSize(maxPNGInches, maxPNGInches)
	}
	return renderer.gv.Render(ctx, g, format, w)
}

// newGraphviz returns a Graphviz context that renders PNG with
// imageEngine; SVG is built into Graphviz.
func newGraphviz(ctx context.Context) (*graphviz.Graphviz, error) {
	engine := &imageEngine{ImageRenderer: &gvc.ImageRenderer{DefaultRenderEngine: new(gvc.DefaultRenderEngine)}}
	render, err := gvc.NewRenderPlugin(ctx, "png", engine)
	if err != nil {
		return nil, err
	}
	device, err := gvc.PNGDevicePlugin(ctx)
	if err != nil {
		return nil, err
	}
	return graphviz.NewWithPlugins(ctx, render, device)
}

// imageEngine is go-graphviz's PNG renderer with shapes drawn as
// Graphviz's own renderers draw them. go-graphviz v0.2.10 receives every
// shape with filled set, so it fills the cells of tables and the curves of
// edges with the fill colour and never strokes their outlines: edges and
// table borders vanish. Every node this package draws is filled on
// purpose, so imageEngine fills a polygon or ellipse with its fill colour
// (if not transparent) and then strokes its outline with the pen colour,
// and only strokes curves.
type imageEngine struct {
	*gvc.ImageRenderer
}

func visible(c *gvc.Color) bool { return c.RGBAUint()[3] != 0 }

func (e *imageEngine) stroked(job *gvc.Job) bool {
	o := job.Object()
	return o.Pen() != gvc.PenNone && visible(o.PenColor())
}

// Polygon fills then strokes a polygon.
func (e *imageEngine) Polygon(ctx context.Context, job *gvc.Job, a []*gvc.PointFloat, filled bool) error {
	if filled && visible(job.Object().FillColor()) {
		if err := e.ImageRenderer.Polygon(ctx, job, a, true); err != nil {
			return err
		}
	}
	if e.stroked(job) {
		return e.ImageRenderer.Polygon(ctx, job, a, false)
	}
	return nil
}

// Ellipse fills then strokes an ellipse.
func (e *imageEngine) Ellipse(ctx context.Context, job *gvc.Job, a []*gvc.PointFloat, filled bool) error {
	if filled && visible(job.Object().FillColor()) {
		if err := e.ImageRenderer.Ellipse(ctx, job, a, true); err != nil {
			return err
		}
	}
	if e.stroked(job) {
		return e.ImageRenderer.Ellipse(ctx, job, a, false)
	}
	return nil
}

// BezierCurve strokes a curve: the only curves dot draws are edges.
func (e *imageEngine) BezierCurve(ctx context.Context, job *gvc.Job, a []*gvc.PointFloat, _ bool) error {
	if e.stroked(job) {
		return e.ImageRenderer.BezierCurve(ctx, job, a, false)
	}
	return nil
}
