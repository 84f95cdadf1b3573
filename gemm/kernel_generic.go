package gemm

// kernGeneric is the pure-Go micro-kernel: a 4×4 tile in 16 scalar
// accumulators, which fits the floating-point registers of arm64 and
// most other 64-bit architectures.
func kernGeneric[T float](k int, a, b, c []T, ldc int, alpha T) {
	var (
		c00, c01, c02, c03 T
		c10, c11, c12, c13 T
		c20, c21, c22, c23 T
		c30, c31, c32, c33 T
	)
	a = a[:4*k]
	b = b[:4*k]
	for p := 0; p < 4*k; p += 4 {
		a4 := a[p : p+4 : p+4]
		b4 := b[p : p+4 : p+4]
		a0, a1, a2, a3 := a4[0], a4[1], a4[2], a4[3]
		b0, b1, b2, b3 := b4[0], b4[1], b4[2], b4[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	r := c[:4:4]
	r[0] += alpha * c00
	r[1] += alpha * c01
	r[2] += alpha * c02
	r[3] += alpha * c03
	r = c[ldc : ldc+4 : ldc+4]
	r[0] += alpha * c10
	r[1] += alpha * c11
	r[2] += alpha * c12
	r[3] += alpha * c13
	r = c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r[0] += alpha * c20
	r[1] += alpha * c21
	r[2] += alpha * c22
	r[3] += alpha * c23
	r = c[3*ldc : 3*ldc+4 : 3*ldc+4]
	r[0] += alpha * c30
	r[1] += alpha * c31
	r[2] += alpha * c32
	r[3] += alpha * c33
}

// dgeneric and sgeneric are the pure-Go kernels with their block sizes.
var (
	dgeneric = &kernel[float64]{name: "generic 4×4", fn: kernGeneric[float64], mr: 4, nr: 4, kc: 256, mc: 256, nc: 512}
	sgeneric = &kernel[float32]{name: "generic 4×4", fn: kernGeneric[float32], mr: 4, nr: 4, kc: 256, mc: 256, nc: 1024}
)
