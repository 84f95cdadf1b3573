package op

import (
	"math"
	"math/rand/v2"
	"testing"
)

// powerCases are exponents and bases at and around the edges of Power's
// fast path and math.Pow's special cases.
var (
	powerBases = []float64{
		0, math.Copysign(0, -1), 1, -1, 2, -2, 3, 0.5, -0.5, 10, 0.1, math.Pi, -math.E,
		0x1p-60, 0x1p60, -0x1p60, 0x1.fffffffffffffp-61, 0x1.0000000000001p60,
		0x1p-1074, 0x1p-1022, math.MaxFloat64, -math.MaxFloat64,
		math.Inf(1), math.Inf(-1), math.NaN(), 1 + 0x1p-52, 1 - 0x1p-53, 1.0000001,
	}
	powerExponents = []float64{
		0, math.Copysign(0, -1), 1, -1, 2, -2, 3, -3, 9, 0.5, -0.5, 1.5, -1.5, 0.25, 0.75,
		0.5 + 0x1p-53, 0.5 - 0x1p-54, 1024, -1024, 1025, -1025, 1023.5, 1024.25, 63, 64, 65,
		1e-300, -1e-300, 1e10, math.Inf(1), math.Inf(-1), math.NaN(), 2.5, 7.3, -7.3, 15,
	}
)

func samePow(x, y float64) (got, want float64, ok bool) {
	got, want = Power(x, y), math.Pow(x, y)
	return got, want, math.Float64bits(got) == math.Float64bits(want) || got != got && want != want
}

// TestPowerIsMathPow checks Power against math.Pow bit for bit on the
// special values, at the edges of the fast path, and on a million random
// pairs across the whole range of the fast path and beyond it.
func TestPowerIsMathPow(t *testing.T) {
	for _, x := range powerBases {
		for _, y := range powerExponents {
			if got, want, ok := samePow(x, y); !ok {
				t.Errorf("Power(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	fails := 0
	for k := range 1_000_000 {
		// |x| log-uniform in 2^±70, so some fall outside the fast path.
		x := math.Exp2(140*r.Float64() - 70)
		if k%3 == 0 {
			x = -x
		}
		var y float64
		switch k % 4 {
		case 0: // integers, where the fast path has no exp or log
			y = float64(r.IntN(2101) - 1050)
		case 1: // small integers, the common case
			y = float64(r.IntN(21) - 10)
		case 2: // any exponent in the fast path's range and a little beyond
			y = 2100*r.Float64() - 1050
		default: // small exponents, with fractions near ±0.5
			y = float64(r.IntN(9)-4) + 0.5 + (r.Float64()-0.5)*0x1p-40
		}
		if got, want, ok := samePow(x, y); !ok {
			if fails++; fails <= 10 {
				t.Errorf("Power(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
	}
	if fails > 10 {
		t.Errorf("and %d more", fails-10)
	}
}

// FuzzPower pins Power to math.Pow on any pair of float64s.
func FuzzPower(f *testing.F) {
	for _, x := range powerBases {
		for _, y := range powerExponents[:8] {
			f.Add(x, y)
		}
	}
	f.Fuzz(func(t *testing.T, x, y float64) {
		if got, want, ok := samePow(x, y); !ok {
			t.Errorf("Power(%v, %v) = %v, math.Pow %v", x, y, got, want)
		}
	})
}

var powSink float64

// BenchmarkPower compares Power with math.Pow on the seed's two powers
// (3^2 and 2^9), a fractional one and one outside the fast path.
func BenchmarkPower(b *testing.B) {
	for _, c := range []struct {
		name string
		x, y float64
	}{{"3^2", 3, 2}, {"2^9", 2, 9}, {"2.1^9.3", 2.1, 9.3}, {"10^400", 10, 400}, {"2^2000", 2, 2000}} {
		b.Run("Power/"+c.name, func(b *testing.B) {
			for b.Loop() {
				powSink = Power(c.x, c.y)
			}
		})
		b.Run("math.Pow/"+c.name, func(b *testing.B) {
			for b.Loop() {
				powSink = math.Pow(c.x, c.y)
			}
		})
	}
}
