package draw

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// TestExprTextsBound checks that the length bound of exprTexts is an
// upper bound: no text longer than the limit is kept, and every shorter
// text of a small expression is.
func TestExprTextsBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	ops := []op.Op{op.Add, op.Sub, op.Mul, op.Div, op.Pow, op.Neg, op.Sin, op.Atan2, op.Max}
	for range 200 {
		g := ir.NewGraph()
		nodes := []ir.ID{g.Var("x"), g.Var("alpha_1"), g.Const(-2.5), g.Const(math.Pi), g.Const(math.NaN())}
		for range 12 {
			o := ops[rng.IntN(len(ops))]
			a, b := nodes[rng.IntN(len(nodes))], nodes[rng.IntN(len(nodes))]
			nodes = append(nodes, g.Apply(o, a, b))
		}
		order := g.Topo(nodes[len(nodes)-1])
		for _, limit := range []int{10, 40, 160} {
			texts := exprTexts(g, order, limit)
			for i, id := range order {
				full := g.String(id)
				if texts[i] != "" && texts[i] != full {
					t.Fatalf("text %q, want %q", texts[i], full)
				}
				if len(full) > limit && texts[i] != "" {
					t.Errorf("limit %d: kept %q of %d bytes", limit, full, len(full))
				}
				if len(full) <= limit/4 && texts[i] == "" {
					t.Errorf("limit %d: dropped %q of %d bytes", limit, full, len(full))
				}
			}
		}
	}
}

func TestNaturalCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int // the sign
	}{
		{"x_1", "x_2", -1},
		{"x_2", "x_10", -1},
		{"x_10", "x_9", 1},
		{"x", "x_1", -1},
		{"a", "b", -1},
		{"x_01", "x_1", 0},
		{"y", "x_100", 1},
		{"x1", "x1", 0},
	}
	for _, tt := range tests {
		got := naturalCompare(tt.a, tt.b)
		if sign(got) != tt.want {
			t.Errorf("naturalCompare(%q, %q) = %d, want sign %d", tt.a, tt.b, got, tt.want)
		}
		if sign(naturalCompare(tt.b, tt.a)) != -tt.want {
			t.Errorf("naturalCompare(%q, %q) is not antisymmetric", tt.b, tt.a)
		}
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestFormatNumbers(t *testing.T) {
	tests := []struct {
		v      float64
		digits int
		want   string
	}{
		{0.5403023058681398, 15, "0.54030230586814"},
		{18260.762731189883, 15, "18260.7627311899"},
		{18260.762731189883, 6, "18260.8"},
		{1e21, 15, "1e+21"},
		{math.NaN(), 15, "NaN"},
		{math.Inf(1), 6, "+Inf"},
		{math.Inf(-1), -1, "-Inf"},
		{-0.5, -1, "-0.5"},
	}
	for _, tt := range tests {
		if got := format(tt.v, tt.digits); got != tt.want {
			t.Errorf("format(%v, %d) = %q, want %q", tt.v, tt.digits, got, tt.want)
		}
	}
	if got := texNumber(1.5e21); got != `1.5 \cdot 10^{21}` {
		t.Errorf("texNumber(1.5e21) = %q", got)
	}
}
