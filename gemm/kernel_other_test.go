//go:build !amd64 || purego

package gemm

func extraKernels64() []*kernel[float64] { return nil }
func extraKernels32() []*kernel[float32] { return nil }
