package draw_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"text/tabwriter"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/internal/golden"
	"github.com/gobackprop/backprop/internal/memtest"
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
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, nil)
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
		r, err := reverse.Run(g, root, map[string]float64{"x": 0.5 + rng.Float64(), "y": 0.5 + rng.Float64()}, nil)
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

// textOracle writes s as Text did when it aligned the paths with a
// text/tabwriter, the reference for the widths Text computes beforehand.
func textOracle(s *draw.PathSet) string {
	var b strings.Builder
	var buf bytes.Buffer
	s.Text(&buf)
	head, _, _ := strings.Cut(buf.String(), "\n")
	b.WriteString(head + "\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 1, ' ', 0)
	for _, p := range s.Paths {
		f := make([]string, len(p.Factors))
		for i, v := range p.Factors {
			f[i] = strconv.FormatFloat(v, 'g', 15, 64)
			if strings.HasPrefix(f[i], "-") {
				f[i] = "(" + f[i] + ")"
			}
		}
		if len(f) == 0 {
			f = []string{"1"}
		}
		fmt.Fprintf(tw, "  (%s)\t= %s\t= %s\n", strings.Join(p.Labels, ", "), strings.Join(f, "·"), strconv.FormatFloat(p.Product, 'g', 15, 64))
	}
	tw.Flush()
	_, tail, _ := strings.Cut(buf.String(), "\nSum of the ")
	b.WriteString("Sum of the " + tail)
	return b.String()
}

// jsonOracle writes s as JSON did when it encoded the whole set at once,
// numbers with every digit and the non-finite ones as strings.
func jsonOracle(s *draw.PathSet) string {
	num := func(v float64) json.RawMessage {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return json.RawMessage(`"` + strconv.FormatFloat(v, 'g', -1, 64) + `"`)
		}
		return json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))
	}
	type path struct {
		Nodes   []string          `json:"nodes"`
		IDs     []ir.ID           `json:"ids"`
		Factors []json.RawMessage `json:"factors"`
		Product json.RawMessage   `json:"product"`
	}
	out := struct {
		Wrt      string          `json:"wrt"`
		Paths    []path          `json:"paths"`
		Count    json.RawMessage `json:"count"`
		Omitted  json.RawMessage `json:"omitted"`
		Sum      json.RawMessage `json:"sum"`
		Gradient json.RawMessage `json:"gradient"`
	}{Wrt: s.Label, Paths: []path{}, Count: json.RawMessage(s.Count.String()),
		Omitted: json.RawMessage(s.Omitted.String()), Sum: num(s.Sum), Gradient: num(s.Gradient)}
	for _, p := range s.Paths {
		f := []json.RawMessage{}
		for _, v := range p.Factors {
			f = append(f, num(v))
		}
		out.Paths = append(out.Paths, path{p.Labels, p.Nodes, f, num(p.Product)})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err.Error()
	}
	return buf.String()
}

// TestWritePaths checks on random programs, for every input and the
// output itself, with limits below, at and above the number of paths,
// that WritePaths writes what Paths lists, in every format, and that Text
// and JSON, which write one path at a time, write what a tabwriter and
// an encoder of the whole set wrote.
func TestWritePaths(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	check := func(name string, r *reverse.Result) {
		t.Helper()
		wrts := []ir.ID{r.Root}
		for _, in := range []string{"x", "y", "a", "b"} {
			if id, ok := draw.VarID(r, in); ok {
				wrts = append(wrts, id)
			}
		}
		for _, wrt := range wrts {
			all, err := draw.Paths(r, wrt, draw.MaxPathLimit)
			if err != nil {
				t.Fatal(err)
			}
			n := int(all.Count.Int64())
			for _, limit := range []int{0, 1, 2, 3, n/2 + 1, n - 1, n, n + 1} {
				s, err := draw.Paths(r, wrt, limit)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range []draw.Format{draw.Text, draw.Markdown, draw.LaTeX, draw.JSON} {
					var want, got bytes.Buffer
					if err := s.Write(&want, f); err != nil {
						t.Fatal(err)
					}
					if err := draw.WritePaths(&got, f, r, "", wrt, limit); err != nil {
						t.Fatal(err)
					}
					if got.String() != want.String() {
						t.Fatalf("%s: ∂/∂%s, limit %d, %v: WritePaths wrote\n%s\nPaths(…).Write wrote\n%s%s",
							name, s.Label, limit, f, got.String(), want.String(), diff(got.String(), want.String()))
					}
					oracle := ""
					switch f {
					case draw.Text:
						oracle = textOracle(s)
					case draw.JSON:
						oracle = jsonOracle(s)
					default:
						continue
					}
					if got.String() != oracle {
						t.Fatalf("%s: ∂/∂%s, limit %d, %v:\n%s\nwant\n%s%s", name, s.Label, limit, f, got.String(), oracle, diff(got.String(), oracle))
					}
				}
			}
		}
	}
	for range 30 {
		g, root := randomDAG(rng, 5+rng.IntN(25))
		r, err := reverse.Run(g, root, map[string]float64{"x": 0.5 + rng.Float64(), "y": 0.5 - rng.Float64()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		check(g.String(root), r)
	}
	for range 30 {
		src := randomProgram(rng)
		env := map[string]float64{"a": 0.5 + rng.Float64(), "b": 0.5 - rng.Float64()}
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			check(src, runSource(t, "random.bp", src, env, level))
		}
	}
	check("seed", run(t, "seed.bp", reverse.Functions))
	g, root := diamonds(5)
	r, err := reverse.Run(g, root, map[string]float64{"x": -0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check("diamonds", r)
	if err := draw.WritePaths(io.Discard, draw.DOT, r, "", root, 0); err == nil {
		t.Error("WritePaths in DOT: no error")
	}
	if err := draw.WritePaths(io.Discard, draw.Text, r, "", ir.ID(g.Len()), 0); err == nil {
		t.Error("WritePaths to a node out of the graph: no error")
	}
}

// TestPathsMemory writes the first 10,000 paths of a chain of 60 diamonds
// (2^60 paths, each of 121 nodes: 18.6 MB of text, 57 MB of JSON), and
// the first 10^9 until the output fails after 64 MB, holding at most 1 MB
// beyond the graph; listing the 10,000 paths with Paths before writing
// them holds more than 10 times that (the CLI did: 210 MB of RSS, 15 GB for
// 10^9 paths before the limit was capped). Paths itself refuses a limit
// above MaxPathLimit.
func TestPathsMemory(t *testing.T) {
	g, root := diamonds(60)
	r, err := reverse.Run(g, root, map[string]float64{"x": 0.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := draw.VarID(r, "x")
	const ceiling = 1 << 20
	w := memtest.NewWriter(math.MaxInt)
	s, err := draw.Paths(r, x, draw.MaxPathLimit)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Text(w); err != nil {
		t.Fatal(err)
	}
	if w.Peak < 10*ceiling {
		t.Errorf("Paths then Text held %d bytes, expected more than %d: the test cannot tell streaming apart", w.Peak, 10*ceiling)
	}
	t.Logf("Paths then Text: %d paths, %d bytes, heap held at most %d bytes", len(s.Paths), w.N, w.Peak)
	s = nil
	for _, f := range []draw.Format{draw.Text, draw.JSON} {
		w = memtest.NewWriter(math.MaxInt)
		if err := draw.WritePaths(w, f, r, "", x, draw.MaxPathLimit); err != nil {
			t.Fatal(err)
		}
		if w.Peak > ceiling {
			t.Errorf("%v: writing %d paths (%d bytes) held %d bytes", f, draw.MaxPathLimit, w.N, w.Peak)
		}
		t.Logf("%v: %d paths, %d bytes, heap held at most %d bytes", f, draw.MaxPathLimit, w.N, w.Peak)

		w = memtest.NewWriter(64 << 20)
		if err := draw.WritePaths(w, f, r, "", x, 1_000_000_000); !errors.Is(err, memtest.ErrFull) {
			t.Errorf("%v: limit 10^9 on a failing writer: error %v, want %v", f, err, memtest.ErrFull)
		}
		if w.Peak > ceiling {
			t.Errorf("%v: limit 10^9, %d bytes written: held %d bytes", f, w.N, w.Peak)
		}
		t.Logf("%v: limit 10^9, stopped after %d bytes, heap held at most %d bytes", f, w.N, w.Peak)
	}
	_, err = draw.Paths(r, x, 1_000_000_000)
	var le *draw.LimitError
	if !errors.As(err, &le) || le.Max != draw.MaxPathLimit {
		t.Errorf("Paths, limit 10^9: error %v, want a *LimitError", err)
	}
}
