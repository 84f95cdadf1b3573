//go:build !purego

package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// extraKernels64 and extraKernels32 are the narrower assembly kernels this
// CPU can also run, so that an AVX-512 machine tests the AVX2 ones too.
func extraKernels64() []*kernel[float64] {
	if hasAVX512 && hasAVX2 {
		return []*kernel[float64]{dAVX2}
	}
	return nil
}

func extraKernels32() []*kernel[float32] {
	if hasAVX512 && hasAVX2 {
		return []*kernel[float32]{sAVX2}
	}
	return nil
}

func TestTileAVX512(t *testing.T) {
	if !hasAVX512 {
		t.Skip("no AVX-512F and BMI2")
	}
	testTile(t, dAVX512, false)
	testTile(t, sAVX512, false)
	testTile(t, dAVX512, true)
	testTile(t, sAVX512, true)
}

// testTile checks kern.tile on every corner rows×cols of a tile, in each
// store mode, with Â and B̂ read at strides wider than the tile: the
// corner must be the product, NaN in C must not leak in mode 0, and
// nothing outside the corner may be read (NaN there) or written.
//
// With rowA it checks kern.tileRows, which reads Â from a row-major A.
func testTile[T float](t *testing.T, kern *kernel[T], rowA bool) {
	fn := kern.tile
	if rowA {
		fn = kern.tileRows
	}
	rnd := rand.New(rand.NewPCG(5, 6))
	mr, nr := kern.mr, kern.nr
	const k, ldc = 5, 50
	as, bs := mr+3, nr+7
	nan := T(math.NaN())
	for rows := 1; rows <= mr; rows++ {
		for cols := 1; cols <= nr; cols++ {
			for mode := modeSet; mode <= modeScale; mode++ {
				a := randMat(rnd, k, mr, as, nan)
				at := func(i, p int) T { return a[p*as+i] }
				if rowA {
					a = randMat(rnd, mr, k, as, nan)
					at = func(i, p int) T { return a[i*as+p] }
				}
				b := randMat(rnd, k, cols, bs, nan)
				for range bs {
					b = append(b, nan)
				}
				c := randMat(rnd, mr+1, ldc, ldc, T(0))
				if mode == modeSet {
					for i := range rows {
						for j := range cols {
							c[i*ldc+j] = nan
						}
					}
				}
				alpha, beta := T(1.5), T(-0.5)
				want := append([]T(nil), c...)
				for i := range rows {
					for j := range cols {
						var s T
						for p := range k {
							s += at(i, p) * b[p*bs+j]
						}
						switch mode {
						case modeSet:
							want[i*ldc+j] = alpha * s
						case modeAdd:
							want[i*ldc+j] += alpha * s
						default:
							want[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
						}
					}
				}
				fn(k, a, as, b, bs, c, ldc, alpha, beta, rows, cols, mode)
				for i := range c {
					d := math.Abs(float64(c[i] - want[i]))
					if !(d <= 1e-5*(1+math.Abs(float64(want[i])))) {
						t.Fatalf("%s (rowA %v): rows %d cols %d mode %d: c[%d][%d] = %v, want %v", kern.name, rowA, rows, cols, mode, i/ldc, i%ldc, c[i], want[i])
					}
				}
			}
		}
	}
}
