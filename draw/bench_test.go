package draw_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/reverse"
)

// result1000 runs reverse mode on a random primitive-level expression of
// about 1,000 nodes, in 40 layers of 34 operations.
func result1000(b *testing.B) *reverse.Result {
	b.Helper()
	g, root := layeredDAG(rand.New(rand.NewPCG(7, 8)), 34, 40)
	env := map[string]float64{"x_1": 0.7, "x_2": 1.3, "x_3": 0.1, "x_4": -0.5}
	r, err := reverse.Run(g, root, env, &reverse.Settings{Level: reverse.Primitives})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func BenchmarkBuild1000(b *testing.B) {
	r := result1000(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := draw.Build(r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Nodes)), "nodes")
}

func BenchmarkDOT1000(b *testing.B) {
	d, err := draw.Build(result1000(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.DOT(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSVG1000 lays out and renders a primitive-level graph of about
// 1,000 nodes with Graphviz (go-graphviz, in WebAssembly).
func BenchmarkSVG1000(b *testing.B) {
	d, err := draw.Build(result1000(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.SVG(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d.Nodes)), "nodes")
}

func BenchmarkPathsDiamonds70(b *testing.B) {
	g, root := diamonds(70)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, nil)
	if err != nil {
		b.Fatal(err)
	}
	x, _ := draw.VarID(r, "x")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := draw.Paths(r, x, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWritePaths writes the first 10,000 paths of a chain of 60
// diamonds (121 nodes each, 18.6 MB of text) as they are enumerated;
// BenchmarkPathsWrite lists them first.
func BenchmarkWritePaths(b *testing.B) {
	r, x := diamondPaths(b, 60)
	b.ReportAllocs()
	for b.Loop() {
		if err := draw.WritePaths(io.Discard, draw.Text, r, "", x, draw.MaxPathLimit); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathsWrite(b *testing.B) {
	r, x := diamondPaths(b, 60)
	b.ReportAllocs()
	for b.Loop() {
		s, err := draw.Paths(r, x, draw.MaxPathLimit)
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Text(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func diamondPaths(b *testing.B, n int) (*reverse.Result, ir.ID) {
	g, root := diamonds(n)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, nil)
	if err != nil {
		b.Fatal(err)
	}
	x, _ := draw.VarID(r, "x")
	return r, x
}

func BenchmarkExplain1000(b *testing.B) {
	r := result1000(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := draw.Explain(r, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Text(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLayout measures Graphviz's layout and rendering of
// primitive-level graphs of growing size, to choose DefaultMaxLayout:
//
//	go test ./draw -run X -bench Layout -benchtime 1x -benchmem
func BenchmarkLayout(b *testing.B) {
	for _, n := range []int{100, 200, 400, 800} {
		for _, f := range []draw.Format{draw.SVG, draw.PNG} {
			b.Run(fmt.Sprintf("%v/%d", f, n), func(b *testing.B) {
				g, root := layeredDAG(rand.New(rand.NewPCG(7, 8)), 20, n/20)
				r, err := reverse.Run(g, root, map[string]float64{"x_1": 0.7, "x_2": 1.3, "x_3": 0.1, "x_4": -0.5}, &reverse.Settings{Level: reverse.Primitives})
				if err != nil {
					b.Fatal(err)
				}
				d, err := draw.Build(r, &draw.Settings{MaxNodes: -1, MaxLayout: -1})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := d.Write(context.Background(), io.Discard, f); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(d.Nodes)), "nodes")
				b.ReportMetric(float64(len(d.Edges)), "edges")
			})
		}
	}
}
