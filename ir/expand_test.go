package ir_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
)

// TestExpandedSize checks the count on programs whose expansion is small,
// linear, and exponential, and that an exponential one is counted in
// linear time (it would not finish otherwise: 2^60 evaluations).
func TestExpandedSize(t *testing.T) {
	nested := func(levels int) string {
		var b strings.Builder
		b.WriteString("g0(y) = sin(y)\n")
		for i := 1; i < levels; i++ {
			fmt.Fprintf(&b, "g%d(y) = g%d(2*y) + g%d(3*y)\n", i, i-1, i-1)
		}
		fmt.Fprintf(&b, "f(x) = g%d(x)\n", levels-1)
		return b.String()
	}
	tests := []struct {
		name  string
		src   string
		limit int64
		want  int64
	}{
		{"no calls", "f(x) = sin(x)*x + x", 0, 4},
		// f's body: x, a call (2 nodes); g's body: y, sin(y) (2 nodes).
		{"one call", "g(y) = sin(y)\nf(x) = g(x)", 0, 4},
		// f: x, 2, 2*x, g(x), g(2*x), + (6 nodes) and two calls of g (2 each).
		{"two calls", "g(y) = sin(y)\nf(x) = g(x) + g(2*x)", 0, 10},
		// Level i: y, 2, 2*y, 3, 3*y, two calls, + (8 nodes) plus twice level i-1.
		{"nested 3", nested(3), 0, 2 + (8 + 2*(8+2*2))},
		{"nested 60, limited", nested(60), 1e6, 1e6 + 1},
		{"nested 70, no limit: saturated", nested(70), 0, 1<<63 - 1},
	}
	for _, tt := range tests {
		p, err := expr.Parse(tt.name, tt.src)
		if err != nil {
			t.Fatal(err)
		}
		fn, err := p.Target("")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Graph.ExpandedSize(fn.Body, tt.limit); got != tt.want {
			t.Errorf("%s: ExpandedSize = %d, want %d", tt.name, got, tt.want)
		}
	}
}
