package kern

import (
	"math"
	"testing"
)

var specials = []float64{0, math.Copysign(0, -1), 1, -1, 2.5, -2.5, 1e-310, -1e-310, math.MaxFloat64, -math.MaxFloat64,
	math.Inf(1), math.Inf(-1), math.NaN(), -math.NaN(), math.Float64frombits(0xfff8000000000001)}

// TestRelu compares the branch-free loops with their plain twins, bit for
// bit, on every pair of special values.
func TestRelu(t *testing.T) {
	for _, v := range specials {
		want := v
		if v <= 0 {
			want = 0
		}
		d := []float64{7}
		Relu64(d, []float64{v})
		if math.Float64bits(d[0]) != math.Float64bits(want) {
			t.Errorf("Relu64(%v) = %v (%#x), want %v (%#x)", v, d[0], math.Float64bits(d[0]), want, math.Float64bits(want))
		}
		v32 := float32(v)
		w32 := v32
		if v32 <= 0 {
			w32 = 0
		}
		d32 := []float32{7}
		Relu32(d32, []float32{v32})
		if math.Float32bits(d32[0]) != math.Float32bits(w32) {
			t.Errorf("Relu32(%v) = %v, want %v", v32, d32[0], w32)
		}
		for _, g := range specials {
			var want float64
			switch {
			case v > 0:
				want = g
			case v <= 0:
				want = g * 0
			default:
				want = g * v
			}
			d := []float64{7}
			ReluVJP64(d, []float64{g}, []float64{v})
			if !sameBits(d[0], want) {
				t.Errorf("ReluVJP64(g = %v, x = %v) = %v (%#x), want %v (%#x)", g, v, d[0], math.Float64bits(d[0]), want, math.Float64bits(want))
			}
			g32 := float32(g)
			var w32 float32
			switch {
			case v32 > 0:
				w32 = g32
			case v32 <= 0:
				w32 = g32 * 0
			default:
				w32 = g32 * v32
			}
			d32 := []float32{7}
			ReluVJP32(d32, []float32{g32}, []float32{v32})
			if math.Float32bits(d32[0]) != math.Float32bits(w32) && !(w32 != w32 && d32[0] != d32[0]) {
				t.Errorf("ReluVJP32(g = %v, x = %v) = %v, want %v", g32, v32, d32[0], w32)
			}
		}
	}
}

// sameBits reports whether a and b have the same bits, or are both NaN
// (the NaN a product gives depends on its operands' order in hardware).
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b
}

func BenchmarkReluVJP32(b *testing.B) {
	x, g, d := make([]float32, 32768), make([]float32, 32768), make([]float32, 32768)
	for i := range x {
		x[i] = float32(i%7) - 3.5
		g[i] = 1
	}
	for b.Loop() {
		ReluVJP32(d, g, x)
	}
}

func reluVJPPlain32(d, g, x []float32) {
	for i, v := range x {
		switch {
		case v > 0:
			d[i] = g[i]
		case v <= 0:
			d[i] = g[i] * 0
		default:
			d[i] = g[i] * v
		}
	}
}

func BenchmarkReluVJPRandom(b *testing.B) {
	x, g, d := make([]float32, 32768), make([]float32, 32768), make([]float32, 32768)
	s := uint32(1)
	for i := range x {
		s = s*1664525 + 1013904223
		x[i] = float32(int32(s)) / (1 << 31)
		g[i] = 1
	}
	b.Run("branchfree", func(b *testing.B) {
		for b.Loop() {
			ReluVJP32(d, g, x)
		}
	})
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			reluVJPPlain32(d, g, x)
		}
	})
}

// TestVectorLoops runs the exported functions on slices holding every
// pair of special values (as g and x, or a and b), long enough that whole vectors go through the
// assembly loops where there are any, and compares every element with
// the Go loops, bit for bit, at every offset of the tail.
func TestVectorLoops(t *testing.T) {
	var g64, x64 []float64
	for _, g := range specials {
		for _, v := range specials {
			g64, x64 = append(g64, g), append(x64, v)
		}
	}
	g32, x32 := make([]float32, len(g64)), make([]float32, len(x64))
	for i := range g64 {
		g32[i], x32[i] = float32(g64[i]), float32(x64[i])
	}
	for _, n := range []int{0, 1, 7, 8, 15, 16, 17, 33, len(x64)} {
		d, want := make([]float64, n), make([]float64, n)
		Relu64(d, x64[:n])
		relu64Go(want, x64[:n])
		checkBits64(t, "Relu64", n, d, want)
		ReluVJP64(d, g64[:n], x64[:n])
		reluVJP64Go(want, g64[:n], x64[:n])
		checkBits64(t, "ReluVJP64", n, d, want)
		d32, want32 := make([]float32, n), make([]float32, n)
		Relu32(d32, x32[:n])
		relu32Go(want32, x32[:n])
		checkBits32(t, "Relu32", n, d32, want32)
		ReluVJP32(d32, g32[:n], x32[:n])
		reluVJP32Go(want32, g32[:n], x32[:n])
		checkBits32(t, "ReluVJP32", n, d32, want32)
		// Add, with a new d and with d = a.
		for i := range n {
			want[i] = g64[i] + x64[i]
			want32[i] = g32[i] + x32[i]
		}
		Add64(d, g64[:n], x64[:n])
		checkBits64(t, "Add64", n, d, want)
		copy(d, g64)
		Add64(d, d, x64[:n])
		checkBits64(t, "Add64 in place", n, d, want)
		Add32(d32, g32[:n], x32[:n])
		checkBits32(t, "Add32", n, d32, want32)
		copy(d32, g32)
		Add32(d32, d32, x32[:n])
		checkBits32(t, "Add32 in place", n, d32, want32)
	}
}

func checkBits64(t *testing.T, name string, n int, got, want []float64) {
	t.Helper()
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Errorf("%s, n = %d: element %d is %#x, want %#x", name, n, i, math.Float64bits(got[i]), math.Float64bits(want[i]))
		}
	}
}

func checkBits32(t *testing.T, name string, n int, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Errorf("%s, n = %d: element %d is %#x, want %#x", name, n, i, math.Float32bits(got[i]), math.Float32bits(want[i]))
		}
	}
}
