package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

type dims struct{ m, n, k int }

// sizes returns the awkward sizes for kern: degenerate shapes, and one
// more and one less than each block size.
func sizes[T float](kern *kernel[T]) []dims {
	ds := []dims{
		{1, 1, 1}, {17, 33, 5}, {1000, 1, 1000}, {1, 1000, 1}, {3, 3, 1000},
		{1, 1, 0}, {0, 3, 2}, {2, 0, 2}, {5, 7, 1}, {64, 64, 64},
	}
	for _, d := range []int{-1, 0, 1} {
		ds = append(ds,
			dims{kern.mr + d, kern.nr + d, 3},
			dims{2*kern.mr + d, 3*kern.nr - d, 9},
			dims{7, 9, kern.kc + d},
			dims{kern.mc + d, 2*kern.nr + 1, kern.kc + 1},
			dims{kern.mr + 1, kern.nc + d, 2*kern.kc + d},
		)
	}
	return ds
}

// dkernels and skernels are every kernel this machine can run.
func dkernels() []*kernel[float64] {
	ks := []*kernel[float64]{dgeneric}
	if dkernel != dgeneric {
		ks = append(ks, dkernel)
	}
	return append(ks, extraKernels64()...)
}

func skernels() []*kernel[float32] {
	ks := []*kernel[float32]{sgeneric}
	if skernel != sgeneric {
		ks = append(ks, skernel)
	}
	return append(ks, extraKernels32()...)
}

func TestDgemm(t *testing.T) {
	for _, kern := range dkernels() {
		t.Run(kern.name, func(t *testing.T) {
			testGemm(t, kern, gonum.Implementation{}.Dgemm, 1e-16)
		})
	}
}

func TestSgemm(t *testing.T) {
	for _, kern := range skernels() {
		t.Run(kern.name, func(t *testing.T) {
			testGemm(t, kern, gonum.Implementation{}.Sgemm, 6e-8)
		})
	}
}

type gemmFunc[T float] func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// testGemm compares kern with the reference ref on every size of sizes,
// every transpose combination and alpha, beta in {0, 1, -0.5} × {0, 1,
// 2.5} (all nine for small products, one rotating pair for large ones).
// Leading dimensions exceed the rows; the padding of A and B is NaN, so a
// read of it shows, and the padding of C must come back unchanged. C is
// NaN where beta = 0, which must not propagate. The tolerance of each
// element is relative to alpha·Σ|a||b| + |beta·c|.
func testGemm[T float](t *testing.T, kern *kernel[T], ref gemmFunc[T], eps float64) {
	rnd := rand.New(rand.NewPCG(1, 2))
	alphas := []T{0, 1, -0.5}
	betas := []T{0, 1, 2.5}
	pair := 0
	for _, d := range sizes(kern) {
		for _, tA := range transposes {
			for _, tB := range transposes {
				for ia, alpha := range alphas {
					for ib, beta := range betas {
						if d.m*d.n*d.k > 64*64*64 {
							if ia*len(betas)+ib != pair%(len(alphas)*len(betas)) {
								continue
							}
						}
						name := fmt.Sprintf("%dx%dx%d/%c%c/alpha=%v/beta=%v", d.m, d.n, d.k, tA, tB, alpha, beta)
						checkOne(t, name, rnd, kern, ref, eps, tA, tB, d, alpha, beta)
					}
				}
				pair++
			}
		}
	}
}

func checkOne[T float](t *testing.T, name string, rnd *rand.Rand, kern *kernel[T], ref gemmFunc[T], eps float64, tA, tB blas.Transpose, d dims, alpha, beta T) {
	t.Helper()
	m, n, k := d.m, d.n, d.k
	ar, ac := m, k
	if tA == blas.Trans {
		ar, ac = k, m
	}
	br, bc := k, n
	if tB == blas.Trans {
		br, bc = n, k
	}
	lda, ldb, ldc := ac+3, bc+2, n+5
	nan := T(math.NaN())
	a := randMat(rnd, ar, ac, lda, nan)
	b := randMat(rnd, br, bc, ldb, nan)
	c := randMat(rnd, m, n, ldc, T(7))
	if beta == 0 {
		for i := range m {
			for j := range n {
				c[i*ldc+j] = nan
			}
		}
	}
	want := append([]T(nil), c...)
	if beta == 0 {
		// The reference must not see the NaN either: it is what the
		// product must ignore.
		for i := range m {
			for j := range n {
				want[i*ldc+j] = 0
			}
		}
	}
	ref(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, want, ldc)
	// bound[i,j] = |alpha|·Σ|a||b| + |beta·c|.
	absA, absB := absMat(a), absMat(b)
	bound := make([]T, len(c))
	for i := range m {
		for j := range n {
			if beta != 0 {
				bound[i*ldc+j] = T(math.Abs(float64(beta * c[i*ldc+j])))
			}
		}
	}
	ref(tA, tB, m, n, k, T(math.Abs(float64(alpha))), absA, lda, absB, ldb, 1, bound, ldc)

	got := append([]T(nil), c...)
	gemm(kern, tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, got, ldc)
	tol := eps * float64(k+2)
	bad := 0
	for i := range m {
		for j := range ldc {
			idx := i*ldc + j
			if idx >= len(got) {
				break
			}
			g, w := float64(got[idx]), float64(want[idx])
			if j >= n {
				if g != float64(c[idx]) {
					t.Errorf("%s: padding c[%d][%d] changed from %v to %v", name, i, j, c[idx], g)
					return
				}
				continue
			}
			if math.IsNaN(g) || math.Abs(g-w) > tol*float64(bound[idx]) {
				bad++
				if bad <= 3 {
					t.Errorf("%s: c[%d][%d] = %v, want %v (bound %v)", name, i, j, g, w, tol*float64(bound[idx]))
				}
			}
		}
	}
}

// randMat returns an r×c matrix with row stride ld, uniform in [-1, 1), its
// padding set to pad.
func randMat[T float](rnd *rand.Rand, r, c, ld int, pad T) []T {
	if r == 0 {
		return nil
	}
	s := make([]T, (r-1)*ld+c)
	for i := range s {
		if i%ld < c {
			s[i] = T(2*rnd.Float64() - 1)
		} else {
			s[i] = pad
		}
	}
	return s
}

func absMat[T float](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[i] = T(math.Abs(float64(v)))
	}
	return out
}

// TestDeterministic checks that the parallel product equals the serial one
// bit for bit.
func TestDeterministic(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, d := range []dims{{300, 200, 300}, {90, 700, 257}} {
		m, n, k := d.m, d.n, d.k
		a := randMat(rnd, m, k, k, float64(0))
		b := randMat(rnd, k, n, n, float64(0))
		c0 := randMat(rnd, m, n, n, float64(0))
		prev := runtime.GOMAXPROCS(1)
		serial := append([]float64(nil), c0...)
		Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1.5, a, k, b, n, 0.5, serial, n)
		runtime.GOMAXPROCS(max(2, prev))
		parallel := append([]float64(nil), c0...)
		Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1.5, a, k, b, n, 0.5, parallel, n)
		runtime.GOMAXPROCS(prev)
		for i := range serial {
			if serial[i] != parallel[i] {
				t.Fatalf("%v: element %d: serial %v, parallel %v", d, i, serial[i], parallel[i])
			}
		}
	}
}

// TestPanics checks that bad arguments panic as gonum's do.
func TestPanics(t *testing.T) {
	s := make([]float64, 100)
	N, T := blas.NoTrans, blas.Trans
	cases := []struct {
		tA, tB        blas.Transpose
		m, n, k       int
		lda, ldb, ldc int
		la, lb, lc    int
	}{
		{blas.Transpose('X'), N, 2, 2, 2, 2, 2, 2, 4, 4, 4},
		{N, blas.Transpose(0), 2, 2, 2, 2, 2, 2, 4, 4, 4},
		{N, N, -1, 2, 2, 2, 2, 2, 4, 4, 4},
		{N, N, 2, -1, 2, 2, 2, 2, 4, 4, 4},
		{N, N, 2, 2, -1, 2, 2, 2, 4, 4, 4},
		{N, N, 2, 2, 3, 2, 2, 2, 9, 9, 9},
		{T, N, 3, 2, 2, 2, 2, 2, 9, 9, 9},
		{N, N, 2, 3, 2, 2, 2, 3, 9, 9, 9},
		{N, T, 2, 2, 3, 3, 2, 2, 9, 9, 9},
		{N, N, 2, 3, 2, 2, 3, 2, 9, 9, 9},
		{N, N, 2, 2, 2, 2, 2, 2, 3, 4, 4},
		{N, N, 2, 2, 2, 2, 2, 2, 4, 3, 4},
		{N, N, 2, 2, 2, 2, 2, 2, 4, 4, 3},
		{T, T, 2, 2, 2, 2, 2, 2, 3, 4, 4},
		{T, T, 2, 2, 2, 2, 2, 2, 4, 3, 4},
	}
	for _, tc := range cases {
		call := func(f gemmFunc[float64]) (msg any) {
			defer func() { msg = recover() }()
			f(tc.tA, tc.tB, tc.m, tc.n, tc.k, 1, s[:tc.la], tc.lda, s[:tc.lb], tc.ldb, 0, make([]float64, tc.lc), tc.ldc)
			return nil
		}
		want := call(gonum.Implementation{}.Dgemm)
		got := call(Dgemm)
		if want == nil || got != want {
			t.Errorf("%+v: panic %v, want %v", tc, got, want)
		}
	}
}

// TestConcurrent runs parallel products from several goroutines at once,
// so that they share the workers, the pooled problems and the packing
// buffers, and checks each against the serial product.
func TestConcurrent(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	const m, n, k = 130, 150, 120
	a := randMat(rnd, m, k, k, float64(0))
	b := randMat(rnd, k, n, n, float64(0))
	prev := runtime.GOMAXPROCS(1)
	want := make([]float64, m*n)
	Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, want, n)
	runtime.GOMAXPROCS(max(2, prev))
	defer runtime.GOMAXPROCS(prev)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Go(func() {
			c := make([]float64, m*n)
			for range 20 {
				Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n)
				for i := range c {
					if c[i] != want[i] {
						errs <- fmt.Sprintf("goroutine %d: element %d: %v, want %v", g, i, c[i], want[i])
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
