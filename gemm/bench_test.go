package gemm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var benchSizes = []int{64, 128, 256, 512, 1024}

func BenchmarkDgemm(b *testing.B)      { benchGemm(b, Dgemm) }
func BenchmarkSgemm(b *testing.B)      { benchGemm(b, Sgemm) }
func BenchmarkGonumDgemm(b *testing.B) { benchGemm(b, gonum.Implementation{}.Dgemm) }
func BenchmarkGonumSgemm(b *testing.B) { benchGemm(b, gonum.Implementation{}.Sgemm) }

// benchGemm times C = A·B + 0·C for square n and reports GFLOP/s, 2n³ per
// product.
func benchGemm[T float](b *testing.B, f gemmFunc[T]) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(1, uint64(n)))
			x := randMat(rnd, n, n, n, T(0))
			y := randMat(rnd, n, n, n, T(0))
			z := make([]T, n*n)
			b.ReportAllocs()
			for b.Loop() {
				f(blas.NoTrans, blas.NoTrans, n, n, n, 1, x, n, y, n, 0, z, n)
			}
			flops := 2 * float64(n) * float64(n) * float64(n)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
