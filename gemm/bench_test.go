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

// mlpShape is one matrix product of a training step of a 784-128-10
// network at a batch size: the forward products, the weight gradients
// (Aᵀ·B) and the input gradients (A·Bᵀ).
type mlpShape struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}

func mlpShapes() []mlpShape {
	var s []mlpShape
	for _, bs := range []int{64, 256} {
		s = append(s,
			mlpShape{fmt.Sprintf("b%d/X·W1", bs), blas.NoTrans, blas.NoTrans, bs, 128, 784},
			mlpShape{fmt.Sprintf("b%d/H·W2", bs), blas.NoTrans, blas.NoTrans, bs, 10, 128},
			mlpShape{fmt.Sprintf("b%d/Hᵀ·dY", bs), blas.Trans, blas.NoTrans, 128, 10, bs},
			mlpShape{fmt.Sprintf("b%d/dY·W2ᵀ", bs), blas.NoTrans, blas.Trans, bs, 128, 10},
			mlpShape{fmt.Sprintf("b%d/Xᵀ·dH", bs), blas.Trans, blas.NoTrans, 784, 128, bs},
			mlpShape{fmt.Sprintf("b%d/dH·W1ᵀ", bs), blas.NoTrans, blas.Trans, bs, 784, 128},
		)
	}
	return s
}

// BenchmarkMLPShapes times the products of a 784-128-10 training step at
// batch 64 and 256, in both precisions.
func BenchmarkMLPShapes(b *testing.B) {
	b.Run("f64", func(b *testing.B) { benchMLP(b, Dgemm) })
	b.Run("f32", func(b *testing.B) { benchMLP(b, Sgemm) })
}

// benchMLP times C = op(A)·op(B) + 0·C for the shapes of an MLP step and
// reports GFLOP/s, 2mnk per product.
func benchMLP[T float](b *testing.B, f gemmFunc[T]) {
	for _, s := range mlpShapes() {
		b.Run(s.name, func(b *testing.B) {
			rnd := rand.New(rand.NewPCG(1, uint64(s.m*s.n*s.k)))
			lda, ldb := s.k, s.n
			x := randMat(rnd, s.m, s.k, s.k, T(0))
			if s.tA == blas.Trans {
				x, lda = randMat(rnd, s.k, s.m, s.m, T(0)), s.m
			}
			y := randMat(rnd, s.k, s.n, s.n, T(0))
			if s.tB == blas.Trans {
				y, ldb = randMat(rnd, s.n, s.k, s.k, T(0)), s.k
			}
			z := make([]T, s.m*s.n)
			b.ReportAllocs()
			for b.Loop() {
				f(s.tA, s.tB, s.m, s.n, s.k, 1, x, lda, y, ldb, 0, z, s.n)
			}
			flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
