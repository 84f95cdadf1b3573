package draw_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/golden"
	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/reverse"
)

func paths(t testing.TB, r *reverse.Result, name string, limit int) *draw.PathSet {
	t.Helper()
	id, ok := draw.VarID(r, name)
	if !ok {
		t.Fatalf("no input %s", name)
	}
	s, err := draw.Paths(r, id, limit)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSeedPaths checks the three paths of the seed's section 2.3.
func TestSeedPaths(t *testing.T) {
	s := paths(t, run(t, "seed.bp", reverse.Functions), "x_1", 0)
	want := []struct {
		nodes   string
		product float64
	}{
		{"f_1 f_2 x_1", 7238.22947387088},
		{"f_1 f_2 f_2 x_1", 11023.8236395328},
		{"f_1 f_3 x_1", -1.29038221381431},
	}
	if len(s.Paths) != len(want) || s.Count.Int64() != 3 || !s.Complete() {
		t.Fatalf("%d paths listed of %v, want 3 of 3", len(s.Paths), s.Count)
	}
	for i, p := range s.Paths {
		if got := strings.Join(p.Labels, " "); got != want[i].nodes {
			t.Errorf("path %d = %s, want %s", i, got, want[i].nodes)
		}
		if !near(p.Product, want[i].product, 1e-14) {
			t.Errorf("path %d: product %.15g, want %.15g", i, p.Product, want[i].product)
		}
		prod := 1.0
		for _, f := range p.Factors {
			prod *= f
		}
		if prod != p.Product || len(p.Factors) != len(p.Nodes)-1 {
			t.Errorf("path %d: %d factors with product %g for %d nodes and product %g", i, len(p.Factors), prod, len(p.Nodes), p.Product)
		}
	}
	if !near(s.Sum, 18260.7627311899, 1e-14) || !near(s.Gradient, 18260.7627311899, 1e-14) {
		t.Errorf("sum %.15g, gradient %.15g, want 18260.7627311899", s.Sum, s.Gradient)
	}

	var buf bytes.Buffer
	if err := s.JSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Wrt   string
		Paths []struct {
			Nodes   []string
			Factors []float64
			Product float64
		}
		Count    int
		Sum      float64
		Gradient float64
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Wrt != "x_1" || got.Count != 3 || len(got.Paths) != 3 || got.Paths[1].Nodes[2] != "f_2" ||
		got.Sum != s.Sum || got.Gradient != s.Gradient || got.Paths[2].Product != s.Paths[2].Product {
		t.Errorf("JSON = %s", buf.String())
	}
}

func TestSeedPathsGolden(t *testing.T) {
	r := run(t, "seed.bp", reverse.Functions)
	for _, f := range []draw.Format{draw.Text, draw.Markdown, draw.LaTeX, draw.JSON} {
		var buf bytes.Buffer
		if err := paths(t, r, "x_1", 0).Write(&buf, f); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, "seed_paths_x_1."+ext(f), buf.Bytes())
	}
}

func ext(f draw.Format) string {
	return map[draw.Format]string{draw.Text: "txt", draw.Markdown: "md", draw.LaTeX: "tex", draw.JSON: "json"}[f]
}

// TestPathCountHuge counts the 2^70 paths of a chain of 70 diamonds
// without listing them.
func TestPathCountHuge(t *testing.T) {
	g, root := diamonds(70)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, reverse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := paths(t, r, "x", 0)
	want := new(big.Int).Lsh(big.NewInt(1), 70)
	if s.Count.Cmp(want) != 0 {
		t.Errorf("count = %v, want 2^70 = %v", s.Count, want)
	}
	if len(s.Paths) != draw.DefaultPathLimit || s.Omitted.Cmp(new(big.Int).Sub(want, big.NewInt(draw.DefaultPathLimit))) != 0 {
		t.Errorf("%d paths listed and %v omitted", len(s.Paths), s.Omitted)
	}
	if len(s.Paths[0].Nodes) != 2*70+1 {
		t.Errorf("a path has %d nodes, want 141", len(s.Paths[0].Nodes))
	}
	var buf bytes.Buffer
	if err := s.JSON(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"count": 1180591620717411303424,`) {
		t.Errorf("JSON lacks the exact count:\n%.300s", buf.String())
	}
	if err := s.Text(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "1180591620717411303424, of which the first 20 are listed and 1180591620717411303404 left out") {
		t.Errorf("text does not report the paths left out:\n%.400s", buf.String())
	}
}

// bruteForce enumerates the paths from node id down to wrt by plain
// recursion, without memoization, and returns their number and the sum of
// their products.
func bruteForce(r *reverse.Result, id, wrt ir.ID) (int, float64) {
	if id == wrt {
		return 1, 1
	}
	i, _ := r.Index(id)
	n := r.Graph.Node(id)
	count, sum := 0, 0.0
	for k := range n.Arity() {
		a := n.Arg(k)
		if r.Graph.Op(a) == op.Const {
			continue
		}
		c, s := bruteForce(r, a, wrt)
		count += c
		sum += r.Partial(i, k) * s
	}
	return count, sum
}

// TestPathsRandom checks on random programs that counting agrees with
// brute-force enumeration and that the products of all the paths add up
// to the gradient of the reverse pass.
func TestPathsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(name string, r *reverse.Result) {
		t.Helper()
		for _, in := range []string{"x", "y", "a", "b"} {
			wrt, ok := draw.VarID(r, in)
			if !ok {
				continue
			}
			s, err := draw.Paths(r, wrt, draw.MaxPathLimit)
			if err != nil {
				t.Fatal(err)
			}
			count, _ := bruteForce(r, r.Root, wrt)
			if !s.Count.IsInt64() || s.Count.Int64() != int64(count) {
				t.Errorf("%s: ∂/∂%s: %v paths, brute force finds %d", name, in, s.Count, count)
			}
			if !s.Complete() || len(s.Paths) != count {
				t.Errorf("%s: ∂/∂%s: %d of %v paths listed", name, in, len(s.Paths), s.Count)
			}
			scale := 0.0
			for _, p := range s.Paths {
				scale += math.Abs(p.Product)
			}
			if math.Abs(s.Sum-s.Gradient) > 1e-12*math.Max(1, scale) {
				t.Errorf("%s: ∂/∂%s: the paths sum to %.17g, the gradient is %.17g", name, in, s.Sum, s.Gradient)
			}
		}
	}
	for range 40 {
		g, root := randomDAG(rng, 5+rng.IntN(25))
		r, err := reverse.Run(g, root, map[string]float64{"x": 0.5 + rng.Float64(), "y": 0.5 + rng.Float64()}, reverse.Options{})
		if err != nil {
			t.Fatal(err)
		}
		check(g.String(root), r)
	}
	for range 40 {
		src := randomProgram(rng)
		env := map[string]float64{"a": 0.5 + rng.Float64(), "b": 0.5 + rng.Float64()}
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			check(src, runSource(t, "random.bp", src, env, level))
		}
	}
}

func TestPathsEdgeCases(t *testing.T) {
	r := run(t, "seed.bp", reverse.Functions)
	if _, err := draw.Paths(r, ir.ID(r.Graph.Len()), 0); err == nil {
		t.Error("a node out of the graph: no error")
	}
	// A node of the graph the output does not depend on.
	s, err := draw.Paths(r, r.Graph.Var("unused"), 0)
	if err != nil || s.Count.Sign() != 0 || len(s.Paths) != 0 || s.Gradient != 0 {
		t.Errorf("unused variable: %v, %+v", err, s)
	}
	// The output itself: one empty path.
	s, err = draw.Paths(r, r.Root, 0)
	if err != nil || s.Count.Int64() != 1 || s.Sum != 1 || s.Gradient != 1 {
		t.Errorf("paths to the output: %v, %+v", err, s)
	}
	// An intermediate node: the paths to it give its adjoint.
	inner := r.Nodes[2] // f_2(x_2, x_1)
	s, err = draw.Paths(r, inner, 1)
	if err != nil || s.Count.Int64() != 1 || !near(s.Sum, r.Adjoint(inner), 1e-15) {
		t.Errorf("paths to %s: %v, %+v", r.Graph.String(inner), err, s)
	}
	// The limit.
	s = paths(t, r, "x_1", 2)
	if len(s.Paths) != 2 || s.Omitted.Int64() != 1 || s.Complete() {
		t.Errorf("limit 2: %d listed, %v omitted", len(s.Paths), s.Omitted)
	}
}

// TestPathsMemory lists the most paths allowed of a chain of 60 diamonds
// (2^60 paths, each of 121 nodes) under a memory ceiling, and refuses a
// larger limit at once: a limit of 10^9 used to build the whole listing
// (15 GB) before printing it.
func TestPathsMemory(t *testing.T) {
	g, root := diamonds(60)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, reverse.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := draw.VarID(r, "x")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := draw.Paths(r, x, draw.MaxPathLimit)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(io.Discard, draw.Text); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if a := after.TotalAlloc - before.TotalAlloc; a > 512<<20 {
		t.Errorf("listing %d paths allocated %d bytes", len(s.Paths), a)
	}
	if want := new(big.Int).Lsh(big.NewInt(1), 60); s.Count.Cmp(want) != 0 {
		t.Errorf("count %v, want 2^60", s.Count)
	}
	_, err = draw.Paths(r, x, 1_000_000_000)
	var le *draw.LimitError
	if !errors.As(err, &le) || le.Max != draw.MaxPathLimit {
		t.Errorf("limit 10^9: error %v, want a *LimitError", err)
	}
}
