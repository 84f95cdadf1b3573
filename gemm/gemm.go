package gemm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's pure-Go BLAS with Dgemm and Sgemm replaced by
// this package's. It satisfies blas.Float64 and blas.Float32, so it
// can be installed with blas64.Use and blas32.Use.
type Implementation struct {
	gonum.Implementation
}

var (
	_ blas.Float64 = Implementation{}
	_ blas.Float32 = Implementation{}
)

// The panic messages are gonum's, so that callers see the same text
// whichever implementation is installed.
const (
	badTranspose = "blas: illegal transpose"
	mLT0         = "blas: m < 0"
	nLT0         = "blas: n < 0"
	kLT0         = "blas: k < 0"
	badLdA       = "blas: bad leading dimension of A"
	badLdB       = "blas: bad leading dimension of B"
	badLdC       = "blas: bad leading dimension of C"
	shortA       = "blas: insufficient length of a"
	shortB       = "blas: insufficient length of b"
	shortC       = "blas: insufficient length of c"
)

// Dgemm computes
//
//	C = alpha·op(A)·op(B) + beta·C
//
// where op(X) is X or Xᵀ as tA and tB say (ConjTrans is Trans), A is m×k,
// B is k×n and C is m×n after op, all row-major with leading dimensions
// lda, ldb and ldc. It panics, with gonum's messages, on an illegal
// transpose, a negative dimension, a leading dimension smaller than a row
// or a slice too short for its matrix.
func (Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is Dgemm in single precision.
func (Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C in double precision; see
// Implementation.Dgemm.
func Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemm(dkernel, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm computes C = alpha·op(A)·op(B) + beta·C in single precision; see
// Implementation.Dgemm.
func Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemm(skernel, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// float is the element type of the kernels.
type float interface{ float32 | float64 }

// checkArgs panics as gonum's Dgemm does on bad arguments. It reports
// whether op(A) and op(B) are transposes.
func checkArgs[T float](tA, tB blas.Transpose, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int) (aTrans, bTrans bool) {
	switch tA {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	switch tB {
	default:
		panic(badTranspose)
	case blas.NoTrans, blas.Trans, blas.ConjTrans:
	}
	if m < 0 {
		panic(mLT0)
	}
	if n < 0 {
		panic(nLT0)
	}
	if k < 0 {
		panic(kLT0)
	}
	aTrans = tA != blas.NoTrans
	bTrans = tB != blas.NoTrans
	if aTrans {
		if lda < max(1, m) {
			panic(badLdA)
		}
	} else if lda < max(1, k) {
		panic(badLdA)
	}
	if bTrans {
		if ldb < max(1, k) {
			panic(badLdB)
		}
	} else if ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	// For k = 0 the length checks of a and b are trivially satisfied.
	if aTrans {
		if len(a) < (k-1)*lda+m {
			panic(shortA)
		}
	} else if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if bTrans {
		if len(b) < (n-1)*ldb+k {
			panic(shortB)
		}
	} else if len(b) < (k-1)*ldb+n {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}
	return
}

func gemm[T float](kern *kernel[T], tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	aTrans, bTrans := checkArgs(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if (alpha == 0 || k == 0) && beta == 1 {
		return
	}
	if alpha == 0 || k == 0 {
		// Only scale C. With beta = 0 C is overwritten, never read.
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			if beta == 0 {
				clear(row)
			} else {
				for j := range row {
					row[j] *= beta
				}
			}
		}
		return
	}
	// beta is applied as the first block of k is stored, so that C is
	// read once (and with beta = 0 never).
	mode := modeScale
	switch beta {
	case 0:
		mode = modeSet
	case 1:
		mode = modeAdd
	}
	p := problem[T]{
		kern: kern, m: m, n: n, k: k, alpha: alpha, beta: beta, mode: mode,
		a: a, lda: lda, aTrans: aTrans,
		b: b, ldb: ldb, bTrans: bTrans,
		c: c, ldc: ldc,
	}
	chunks := p.chunks()
	if chunks == 1 {
		// p stays on the stack.
		p.block(0, m, 0, n)
		return
	}
	// Workers hold a pointer to the problem: it comes from a pool, so
	// that the call allocates nothing.
	q, ok := kern.problems.Get().(*problem[T])
	if !ok {
		q = new(problem[T])
	}
	q.kern, q.m, q.n, q.k, q.alpha, q.beta, q.mode = kern, m, n, k, alpha, beta, mode
	q.a, q.lda, q.aTrans = a, lda, aTrans
	q.b, q.ldb, q.bTrans = b, ldb, bTrans
	q.c, q.ldc = c, ldc
	q.runParallel(chunks)
}
