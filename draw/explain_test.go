package draw_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/gobackprop/backprop/internal/golden"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
)

func explain(t testing.TB, r *reverse.Result, mode verify.Mode, wrt string) *draw.Explanation {
	t.Helper()
	e, err := draw.Explain(r, &draw.Settings{Mode: mode, Wrt: wrt})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func write(t testing.TB, e *draw.Explanation, f draw.Format) string {
	t.Helper()
	var buf bytes.Buffer
	if err := e.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestExplainGolden(t *testing.T) {
	tests := []struct {
		file  string
		level reverse.Level
		mode  verify.Mode
		wrt   string
		name  string
	}{
		{"seed.bp", reverse.Functions, verify.Reverse, "", "seed_reverse"},
		{"seed.bp", reverse.Functions, verify.Forward, "x_2", "seed_forward_x_2"},
		{"section1.bp", reverse.Functions, verify.Forward, "", "section1_forward"},
		{"section1.bp", reverse.Primitives, verify.Reverse, "", "section1_primitives_reverse"},
		{"appendix.bp", reverse.Functions, verify.Reverse, "", "appendix_reverse"},
	}
	for _, tt := range tests {
		e := explain(t, run(t, tt.file, tt.level), tt.mode, tt.wrt)
		formats := []draw.Format{draw.Text, draw.Markdown, draw.LaTeX}
		if tt.name == "seed_reverse" {
			formats = append(formats, draw.JSON)
		}
		for _, f := range formats {
			golden.Check(t, tt.name+"."+ext(f), []byte(write(t, e, f)))
		}
	}
}

// TestExplainSeedFigures checks the numbers of the seed's sections 1 and
// 2.3 in the explanations.
func TestExplainSeedFigures(t *testing.T) {
	forward := explain(t, run(t, "section1.bp", reverse.Functions), verify.Forward, "")
	text := flat(write(t, forward, draw.Text))
	for _, want := range []string{
		"f_3'(1) = 3.21828182845905",
		"f_2'(1) = 0.54030230586814",
		"f_3(1) = 3.71828182845905",
		"f_2(1) = 0.841470984807897",
		"d/dx f_1(f_2(x), f_3(x)) = ∂₁f_1·f_2'(1) + ∂₂f_1·f_3'(1)",
		"= 122.045158140265",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("forward mode text lacks %q:\n%s", want, text)
		}
	}
	if !near(forward.Derivative, 122.045158140265, 1e-14) {
		t.Errorf("derivative %.15g, want 122.045158140265", forward.Derivative)
	}
	tex := write(t, forward, draw.LaTeX)
	if !strings.Contains(tex, `f_{3}^{\prime}\left(1\right) &= 3.21828182845905`) {
		t.Errorf("LaTeX lacks f_3'(1):\n%s", tex)
	}

	rev := explain(t, run(t, "seed.bp", reverse.Functions), verify.Reverse, "")
	text = flat(write(t, rev, draw.Text))
	for _, want := range []string{
		"f_2[1] = f_2(x_2, x_1) = 9",
		"f_2[2] = f_2(x_1, f_2[1]) = 512",
		"f_3 = f_3(x_1) = 0.693147180559945",
		"adj(x_1) = adj(f_3)·∂₁f_3 + adj(f_2[2])·∂₁f_2 + adj(f_2[1])·∂₂f_2",
		"= 18260.7627311899",
		"∂f_1/∂x_2 = 6689.54446941267",
		"∂₂f_2(x, y) = x^y*log(x)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("reverse mode text lacks %q:\n%s", want, text)
		}
	}
}

// TestExplainConsistent checks on random programs that each adjoint is
// the sum of its terms in the order the backward pass added them (bit for
// bit), that forward mode gives the reverse-mode gradient, and that the
// values are those of the reverse pass.
func TestExplainConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 30 {
		src := randomProgram(rng)
		env := map[string]float64{"a": 0.5 + rng.Float64(), "b": 0.5 + rng.Float64()}
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			r := runSource(t, "random.bp", src, env, level)
			rev := explain(t, r, verify.Reverse, "")
			for _, a := range rev.Backward {
				if len(a.Terms) == 0 {
					continue
				}
				sum := 0.0
				for _, term := range a.Terms {
					sum += term.Product()
				}
				if sum != a.Value {
					t.Errorf("%s\nadj(%s) = %.17g, its terms sum to %.17g", src, a.Name, a.Value, sum)
				}
			}
			for _, s := range rev.Steps {
				if s.Value != r.Value(s.ID) {
					t.Errorf("%s\nvalue of %s = %g, reverse pass %g", src, s.Name, s.Value, r.Value(s.ID))
				}
			}
			for _, in := range rev.Inputs {
				fwd := explain(t, r, verify.Forward, in.Name)
				if !near(fwd.Derivative, in.Gradient, 1e-11) {
					t.Errorf("%s\n%v level: forward mode ∂/∂%s = %.17g, reverse mode %.17g", src, level, in.Name, fwd.Derivative, in.Gradient)
				}
				for _, s := range fwd.Steps {
					sum := 0.0
					for _, term := range s.Terms {
						sum += term.Product()
					}
					if len(s.Terms) > 0 && !near(sum, s.Tangent, 1e-12) {
						t.Errorf("%s\nderivative of %s = %.17g, its terms sum to %.17g", src, s.Name, s.Tangent, sum)
					}
				}
			}
		}
	}
}

func TestExplainErrors(t *testing.T) {
	r := run(t, "seed.bp", reverse.Functions)
	_, err := draw.Explain(r, &draw.Settings{Mode: verify.Forward, Wrt: "x_3"})
	if err == nil || !strings.Contains(err.Error(), "x_1, x_2") {
		t.Errorf("forward mode by an unknown input: %v", err)
	}
	c := runSource(t, "c.bp", "f(x) = 2*3", map[string]float64{"x": 1}, reverse.Functions)
	if _, err := draw.Explain(c, &draw.Settings{Mode: verify.Forward}); err == nil {
		t.Error("forward mode without inputs: no error")
	}
	if _, err := draw.Explain(r, &draw.Settings{Mode: verify.Symbolic}); err == nil || err.Error() != "explanations follow reverse or forward mode, not symbolic" {
		t.Errorf("symbolic mode: %v", err)
	}
	if e, err := draw.Explain(r, nil); err != nil {
		t.Errorf("nil settings: %v", err)
	} else if e.Mode != verify.Reverse {
		t.Errorf("nil settings: mode %v, want reverse", e.Mode)
	}
	e := explain(t, r, verify.Reverse, "")
	if err := e.Write(&bytes.Buffer{}, draw.SVG); err == nil {
		t.Error("an explanation written as SVG: no error")
	}
}

func TestExplainJSON(t *testing.T) {
	e := explain(t, run(t, "section1.bp", reverse.Functions), verify.Forward, "")
	var got struct {
		Mode       string
		Wrt        string
		Derivative float64
		Steps      []struct {
			Name       string
			Value      float64
			Derivative *float64
		}
	}
	if err := json.Unmarshal([]byte(write(t, e, draw.JSON)), &got); err != nil {
		t.Fatal(err)
	}
	if got.Mode != "forward" || got.Wrt != "x" || got.Derivative != e.Derivative || len(got.Steps) != 4 {
		t.Fatalf("JSON: %+v", got)
	}
	for i, s := range got.Steps {
		if s.Value != e.Steps[i].Value || s.Derivative == nil || *s.Derivative != e.Steps[i].Tangent {
			t.Errorf("step %s: JSON %v, %v; want every digit of %v, %v", s.Name, s.Value, s.Derivative, e.Steps[i].Value, e.Steps[i].Tangent)
		}
	}
	if math.Abs(got.Derivative-122.045158140265) > 1e-12 {
		t.Errorf("derivative %v", got.Derivative)
	}
}

// TestDegenerate runs everything on small and odd programs: a constant, an
// input alone, an argument used twice, a NaN.
func TestDegenerate(t *testing.T) {
	for _, src := range []string{"f(x) = 5", "f(x) = x", "f(x) = x*x", "f(x) = sqrt(x) + log(x - 1)", "f(x, y) = y"} {
		for _, level := range []reverse.Level{reverse.Functions, reverse.Primitives} {
			r := runSource(t, "t.bp", src, map[string]float64{"x": 0, "y": 2}, level)
			d := build(t, r)
			for _, f := range []draw.Format{draw.DOT, draw.JSON} {
				if err := d.Write(context.Background(), io.Discard, f); err != nil {
					t.Errorf("%s: %v: %v", src, f, err)
				}
			}
			for _, name := range []string{"x", "y"} {
				if id, ok := draw.VarID(r, name); ok {
					s, err := draw.Paths(r, id, 0)
					if err != nil {
						t.Fatal(err)
					}
					for _, f := range []draw.Format{draw.Text, draw.Markdown, draw.LaTeX, draw.JSON} {
						if err := s.Write(io.Discard, f); err != nil {
							t.Errorf("%s: paths as %v: %v", src, f, err)
						}
					}
				}
			}
			for _, mode := range []verify.Mode{verify.Reverse, verify.Forward} {
				e, err := draw.Explain(r, &draw.Settings{Mode: mode})
				if err != nil {
					if mode == verify.Forward && src == "f(x) = 5" {
						continue // no inputs
					}
					t.Fatalf("%s: %v: %v", src, mode, err)
				}
				for _, f := range []draw.Format{draw.Text, draw.Markdown, draw.LaTeX, draw.JSON} {
					if err := e.Write(io.Discard, f); err != nil {
						t.Errorf("%s: %v as %v: %v", src, mode, f, err)
					}
				}
			}
		}
	}
	// x*x uses its argument twice: two paths, two terms.
	r := runSource(t, "t.bp", "f(x) = x*x", map[string]float64{"x": 3}, reverse.Primitives)
	x, _ := draw.VarID(r, "x")
	s, _ := draw.Paths(r, x, 0)
	if s.Count.Int64() != 2 || s.Sum != 6 || s.Gradient != 6 {
		t.Errorf("x*x at 3: %v paths summing to %g, gradient %g", s.Count, s.Sum, s.Gradient)
	}
	e := explain(t, r, verify.Reverse, "")
	if last := e.Backward[len(e.Backward)-1]; last.Name != "x" || len(last.Terms) != 2 {
		t.Errorf("adj(x) of x*x: %+v", last)
	}
}

// TestConcurrent builds, explains and lists paths of one result from
// several goroutines (run with -race): they only read the result's graph.
func TestConcurrent(t *testing.T) {
	r := run(t, "seed.bp", reverse.Functions)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := draw.Build(r, nil); err != nil {
				t.Error(err)
			}
			if _, err := draw.Explain(r, &draw.Settings{Mode: verify.Forward}); err != nil {
				t.Error(err)
			}
			if _, err := draw.Paths(r, r.Nodes[0], 0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
