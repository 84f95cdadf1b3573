package draw

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Format is an output format.
type Format uint8

// The formats. A Graph is written as DOT, SVG, PNG or JSON; an
// Explanation and a PathSet as Text, Markdown, LaTeX or JSON.
const (
	DOT Format = iota + 1
	SVG
	PNG
	JSON
	Text
	Markdown
	LaTeX
)

var formatNames = [...]string{DOT: "dot", SVG: "svg", PNG: "png", JSON: "json", Text: "text", Markdown: "markdown", LaTeX: "latex"}

// String returns the name of the format: dot, svg, png, json, text,
// markdown or latex.
func (f Format) String() string {
	if f > 0 && int(f) < len(formatNames) {
		return formatNames[f]
	}
	return fmt.Sprintf("format(%d)", uint8(f))
}

// FormatOf returns the format of a file from its extension: .dot and .gv,
// .svg, .png, .json, .txt, .md and .tex, in any case.
func FormatOf(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".dot", ".gv":
		return DOT, nil
	case ".svg":
		return SVG, nil
	case ".png":
		return PNG, nil
	case ".json":
		return JSON, nil
	case ".txt":
		return Text, nil
	case ".md":
		return Markdown, nil
	case ".tex":
		return LaTeX, nil
	case "":
		return 0, fmt.Errorf("%s: no file extension to tell the format: use .dot, .svg, .png, .json, .txt, .md or .tex", path)
	default:
		return 0, fmt.Errorf("%s: unknown format %s: use .dot, .svg, .png, .json, .txt, .md or .tex", path, ext)
	}
}

// Write writes the graph in format f: DOT, SVG, PNG or JSON. ctx is used
// by SVG and PNG, as described at [Graph.SVG].
func (d *Graph) Write(ctx context.Context, w io.Writer, f Format) error {
	switch f {
	case DOT:
		return d.DOT(w)
	case SVG:
		return d.SVG(ctx, w)
	case PNG:
		return d.PNG(ctx, w)
	case JSON:
		return d.JSON(w)
	}
	return fmt.Errorf("a graph cannot be written as %v: use dot, svg, png or json", f)
}

// Write writes the explanation in format f: Text, Markdown, LaTeX or
// JSON.
func (e *Explanation) Write(w io.Writer, f Format) error {
	switch f {
	case Text:
		return e.Text(w)
	case Markdown:
		return e.Markdown(w)
	case LaTeX:
		return e.LaTeX(w)
	case JSON:
		return e.JSON(w)
	}
	return fmt.Errorf("an explanation cannot be written as %v: use text, markdown, latex or json", f)
}

// Write writes the paths in format f: Text, Markdown, LaTeX or JSON.
func (s *PathSet) Write(w io.Writer, f Format) error {
	switch f {
	case Text:
		return s.Text(w)
	case Markdown:
		return s.Markdown(w)
	case LaTeX:
		return s.LaTeX(w)
	case JSON:
		return s.JSON(w)
	}
	return fmt.Errorf("paths cannot be written as %v: use text, markdown, latex or json", f)
}
