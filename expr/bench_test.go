package expr_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
)

// benchmarkParse parses and lowers src b.N times.
func benchmarkParse(b *testing.B, src string, wantErr bool) {
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		_, err := expr.Parse("bench.bp", src)
		if (err != nil) != wantErr {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSeed parses examples/seed.bp.
func BenchmarkParseSeed(b *testing.B) {
	src, err := os.ReadFile("../examples/seed.bp")
	if err != nil {
		b.Fatal(err)
	}
	benchmarkParse(b, string(src), false)
}

// BenchmarkParseSum parses one long sum, x*1 + x*2 + … + x*n: its time
// should grow linearly with n.
func BenchmarkParseSum(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		var s strings.Builder
		s.WriteString("f(x) = x*0")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&s, " + x*%d", i)
		}
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) { benchmarkParse(b, s.String(), false) })
	}
}

// BenchmarkParseDefinitions parses n one-line definitions, each calling the
// one before.
func BenchmarkParseDefinitions(b *testing.B) {
	for _, n := range []int{100, 1000} {
		var s strings.Builder
		s.WriteString("f0(x, y) = x*y + sin(x)\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&s, "f%d(x, y) = f%d(x^2, y - 1) + cos(x*y)/%d\n", i, i-1, i)
		}
		b.Run(fmt.Sprint("n=", n), func(b *testing.B) { benchmarkParse(b, s.String(), false) })
	}
}

// BenchmarkParseNested parses an expression nested MaxDepth levels deep.
func BenchmarkParseNested(b *testing.B) {
	benchmarkParse(b, nested("(", ")", expr.MaxDepth), false)
}

// BenchmarkParseErrors parses a program with more errors than the limit.
func BenchmarkParseErrors(b *testing.B) {
	benchmarkParse(b, tooManyUndefined, true)
}
