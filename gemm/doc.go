// Package gemm multiplies dense matrices: the level-3 BLAS routines Dgemm
// and Sgemm, C = alpha·op(A)·op(B) + beta·C, with gonum's row-major
// semantics, written for speed.
//
// # Use
//
// Call Dgemm or Sgemm directly, or install the package behind gonum's
// interfaces so that every blas64/blas32 (and gonum/mat) user gets it:
//
//	blas64.Use(gemm.Implementation{})
//	blas32.Use(gemm.Implementation{})
//
// Implementation embeds gonum's pure-Go implementation and overrides only
// Dgemm and Sgemm; the other BLAS routines are gonum's.
//
// # Algorithm
//
// The product follows the GotoBLAS/BLIS scheme: five loops around a small
// register-blocked micro-kernel. Row-major C = A·B is the column-major
// product Cᵀ = Bᵀ·Aᵀ, so the roles of BLIS's A and B are exchanged:
//
//	for ic in steps of MC over the rows of C
//	  for pc in steps of KC over the inner dimension
//	    pack A[ic:ic+MC, pc:pc+KC] into slivers of MR rows        (L3)
//	    for jc in steps of NC over the columns of C
//	      pack B[pc:pc+KC, jc:jc+NC] into slivers of NR columns   (L2)
//	      for ir in steps of MR: an MR×KC sliver of A stays in L1
//	        for jr in steps of NR: the micro-kernel adds alpha times
//	          an MR×KC by KC×NR product into an MR×NR tile of C
//
// The micro-kernel keeps the MR×NR tile in vector registers: NR columns are
// loaded from the packed B as vectors and each of the MR elements of the
// packed A is broadcast. Packing pads the edges with zeros, so the kernel
// always runs on a whole tile. The AVX-512 kernels load and store through
// opmasks, so a partial tile at the edge of C is computed in place, and
// apply beta as they store the first block of k; the other kernels compute
// a partial tile into a scratch tile and add it in. For small and thin
// products, where packing costs as much as the product, the AVX-512
// kernels read A (either layout) and an untransposed B in place.
//
// # Kernels
//
// On amd64 the kernel is chosen once at start-up with golang.org/x/sys/cpu:
// AVX-512F (14×16 float64, 14×32 float32: 28 of the 32 zmm registers hold
// the tile), else AVX2 with FMA (6×8 float64, 6×16 float32: 12 of the 16
// ymm registers), else the pure-Go kernel, which is also the only one on
// other architectures and under the purego build tag. The assembly is
// generated with avo by the program in internal/asmgen (go generate).
//
// # Special cases
//
// As BLAS requires, beta = 0 sets C without reading it (NaN in C does not
// propagate), and alpha = 0 or k = 0 only scales C by beta.
//
// # Parallelism
//
// Products of at least parallelMin multiply-adds are cut into chunks of
// whole tiles along the longer of the rows and the columns of C, which
// the calling goroutine and up to GOMAXPROCS-1 workers take until none is
// left. The workers are started on first need, poll for work for a few
// tens of microseconds after each job and then park, so that a call
// allocates nothing once warm and back-to-back calls do not pay for
// waking a thread. Every element of C is computed by one goroutine with the
// same summation order whatever the split, so results do not depend on
// GOMAXPROCS.
//
// The workers are the package's one piece of shared state, kept on
// purpose: a pool per caller would leave each caller's products without
// the other cores' help unless it passed the pool down through every
// layer of tensor and autograd, and two pools would fight over the same
// cores. The pool is invisible to callers (nothing to configure, nothing
// to close) and holds no data between jobs.
package gemm
