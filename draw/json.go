package draw

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/gobackprop/backprop/ir"
)

// number is a float64 written to JSON with every digit (the shortest
// decimal that reads back exactly), and the non-finite numbers, which
// JSON lacks, as the strings "NaN", "+Inf" and "-Inf".
type number float64

func (v number) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte(`"` + format(f, -1) + `"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func numbers(v []float64) []number {
	n := make([]number, len(v))
	for i, x := range v {
		n[i] = number(x)
	}
	return n
}

// writeJSON writes v indented, without escaping <, > and & (which
// expressions contain).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type graphJSON struct {
	Output ir.ID      `json:"output"`
	Nodes  []nodeJSON `json:"nodes"`
	Edges  []edgeJSON `json:"edges"`
}

type nodeJSON struct {
	ID      ir.ID  `json:"id"`
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	Expr    string `json:"expr,omitempty"`
	LaTeX   string `json:"latex,omitempty"`
	Value   number `json:"value"`
	Adjoint number `json:"adjoint"`
	Level   int    `json:"level"`
}

type edgeJSON struct {
	From    ir.ID  `json:"from"`
	To      ir.ID  `json:"to"`
	Arg     int    `json:"arg"`
	Name    string `json:"name"`
	Of      string `json:"of"`
	Param   string `json:"param"`
	Partial string `json:"partial,omitempty"`
	LaTeX   string `json:"latex,omitempty"`
	Value   number `json:"value"`
}

// JSON writes the graph as JSON for other tools: the output's node ID,
// the nodes (id, kind, label, expr, latex, value, adjoint, level) and the
// edges (from and to as node IDs, arg, the name of the partial such as
// "∂₂f_2", of, param, partial, latex, value),
// with numbers in full precision and the non-finite ones as the strings
// "NaN", "+Inf" and "-Inf". Empty texts are left out.
func (d *Graph) JSON(w io.Writer) error {
	out := graphJSON{Nodes: make([]nodeJSON, len(d.Nodes)), Edges: make([]edgeJSON, len(d.Edges))}
	if len(d.Nodes) > 0 {
		out.Output = d.Nodes[d.Output].ID
	}
	for i, n := range d.Nodes {
		out.Nodes[i] = nodeJSON{
			ID: n.ID, Kind: n.Kind.String(), Label: n.Label, Expr: n.Expr, LaTeX: n.LaTeX,
			Value: number(n.Value), Adjoint: number(n.Adjoint), Level: n.Level,
		}
	}
	for i, e := range d.Edges {
		out.Edges[i] = edgeJSON{
			From: d.Nodes[e.From].ID, To: d.Nodes[e.To].ID, Arg: e.Arg,
			Name: e.Name(), Of: e.Of, Param: e.Param, Partial: e.Partial, LaTeX: e.LaTeX, Value: number(e.Value),
		}
	}
	return writeJSON(w, out)
}

type pathJSON struct {
	Nodes   []string `json:"nodes"`
	IDs     []ir.ID  `json:"ids"`
	Factors []number `json:"factors"`
	Product number   `json:"product"`
}

// JSON writes the paths as JSON: {"wrt": "x_1", "paths": [{"nodes":
// [labels], "ids": [node IDs], "factors": [...], "product": p}, ...],
// "count": n, "omitted": m, "sum": s, "gradient": g}. The counts are
// exact integers, however large.
func (s *PathSet) JSON(w io.Writer) error { return s.listing().json(w) }

// json writes l as JSON, indented as writeJSON would indent the whole
// object, one path at a time.
func (l *listing) json(w io.Writer) error {
	bw := bufio.NewWriter(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// value writes v as a member of the top-level object, or with the
	// indentation of an element of its array of paths.
	value := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	}
	bw.WriteString("{\n  \"wrt\": ")
	if err := value(l.Label); err != nil {
		return err
	}
	bw.WriteString(",\n  \"paths\": [")
	enc.SetIndent("    ", "  ")
	first := true
	sum, err := l.sum(func(p *Path) error {
		if first {
			bw.WriteString("\n    ")
		} else {
			bw.WriteString(",\n    ")
		}
		first = false
		return value(pathJSON{Nodes: p.Labels, IDs: p.Nodes, Factors: numbers(p.Factors), Product: number(p.Product)})
	})
	if err != nil {
		return err
	}
	if !first {
		bw.WriteString("\n  ")
	}
	bw.WriteString("],\n  \"count\": " + l.Count.String() + ",\n  \"omitted\": " + l.Omitted.String() + ",\n  \"sum\": ")
	value(number(sum))
	bw.WriteString(",\n  \"gradient\": ")
	value(number(l.Gradient))
	bw.WriteString("\n}\n")
	return bw.Flush()
}
