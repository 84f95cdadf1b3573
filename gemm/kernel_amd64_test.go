//go:build !purego

package gemm

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
