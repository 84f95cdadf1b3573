package tensor

import (
	"unsafe"

	"gonum.org/v1/gonum/blas"

	kernel "github.com/gobackprop/backprop/gemm"
	"github.com/gobackprop/backprop/tensor/internal/kern"
)

// kernels is the BLAS implementation of the matrix products: package
// gemm's packed kernels (AVX-512 or AVX2 where the CPU has them). Any type
// with gonum's Sgemm and Dgemm methods can take its place.
type kernels = kernel.Implementation

// gemm sets c = alpha·a·b + beta·c (c is not read when beta is 0), where a is m×k (stored transposed when ta), b is k×n
// (transposed when tb) and c is m×n, each row-major with the leading
// dimensions lda, ldb and ldc, through the BLAS of [kernels]. T's
// underlying type is float32 or float64, whose slices it passes as such.
func gemm[T Float](ta, tb bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				if beta == 0 {
					row[j] = 0
				} else {
					row[j] *= beta
				}
			}
		}
		return
	}
	tA, tB := blas.NoTrans, blas.NoTrans
	if ta {
		tA = blas.Trans
	}
	if tb {
		tB = blas.Trans
	}
	var impl kernels
	if unsafe.Sizeof(T(0)) == 8 {
		impl.Dgemm(tA, tB, m, n, k, float64(alpha), as[float64](a), lda, as[float64](b), ldb, float64(beta), as[float64](c), ldc)
	} else {
		impl.Sgemm(tA, tB, m, n, k, float32(alpha), as[float32](a), lda, as[float32](b), ldb, float32(beta), as[float32](c), ldc)
	}
}

// as returns s as a slice of E, T's underlying type, without copying.
func as[E, T Float](s []T) []E { return kern.As[E](s) }
