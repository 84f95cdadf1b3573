package draw

import (
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
	Of      string `json:"of"`
	Param   string `json:"param"`
	Partial string `json:"partial,omitempty"`
	LaTeX   string `json:"latex,omitempty"`
	Value   number `json:"value"`
}

// JSON writes the graph as JSON for other tools: the output's node ID,
// the nodes (id, kind, label, expr, latex, value, adjoint, level) and the
// edges (from and to as node IDs, arg, of, param, partial, latex, value),
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
			Of: e.Of, Param: e.Param, Partial: e.Partial, LaTeX: e.LaTeX, Value: number(e.Value),
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

type pathSetJSON struct {
	Wrt      string     `json:"wrt"`
	Paths    []pathJSON `json:"paths"`
	Count    jsonInt    `json:"count"`
	Omitted  jsonInt    `json:"omitted"`
	Sum      number     `json:"sum"`
	Gradient number     `json:"gradient"`
}

// jsonInt writes a big.Int's decimal digits as a JSON number.
type jsonInt string

func (n jsonInt) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// JSON writes the paths as JSON: {"wrt": "x_1", "paths": [{"nodes":
// [labels], "ids": [node IDs], "factors": [...], "product": p}, ...],
// "count": n, "omitted": m, "sum": s, "gradient": g}. The counts are
// exact integers, however large.
func (s *PathSet) JSON(w io.Writer) error {
	out := pathSetJSON{
		Wrt: s.Label, Paths: make([]pathJSON, len(s.Paths)),
		Count: jsonInt(s.Count.String()), Omitted: jsonInt(s.Omitted.String()),
		Sum: number(s.Sum), Gradient: number(s.Gradient),
	}
	for i, p := range s.Paths {
		out.Paths[i] = pathJSON{Nodes: p.Labels, IDs: p.Nodes, Factors: numbers(p.Factors), Product: number(p.Product)}
	}
	return writeJSON(w, out)
}
