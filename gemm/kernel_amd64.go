//go:build !purego

package gemm

import "golang.org/x/sys/cpu"

// The assembly kernels and their block sizes. The tile is MR rows by NR
// columns, NR a multiple of the vector length; KC is chosen so that an
// MR×KC sliver of A stays in the 48 KiB L1 while slivers of B stream
// through it, NC so that the KC×NC block of B fills about half of the
// 2 MiB L2, and MC is large because the packed A block streams from L3.
var (
	dAVX512 = &kernel[float64]{name: "AVX-512 14×16", tile: dtileAVX512, tileRows: dtileRowsAVX512, mr: 14, nr: 16, kc: 256, mc: 1008, nc: 512}
	sAVX512 = &kernel[float32]{name: "AVX-512 14×32", tile: stileAVX512, tileRows: stileRowsAVX512, mr: 14, nr: 32, kc: 256, mc: 1008, nc: 512}
	dAVX2   = &kernel[float64]{name: "AVX2 6×8", fn: dkernAVX2, mr: 6, nr: 8, kc: 256, mc: 1008, nc: 512}
	sAVX2   = &kernel[float32]{name: "AVX2 6×16", fn: skernAVX2, mr: 6, nr: 16, kc: 512, mc: 1008, nc: 512}
)

// hasAVX512 and hasAVX2 say which kernels this CPU can run.
var (
	hasAVX512 = cpu.X86.HasAVX512F && cpu.X86.HasBMI2
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// dkernel and skernel are the kernels in use, the widest the CPU has.
var dkernel, skernel = choose(dAVX512, dAVX2, dgeneric), choose(sAVX512, sAVX2, sgeneric)

func choose[T float](avx512, avx2, generic *kernel[T]) *kernel[T] {
	switch {
	case hasAVX512:
		return avx512
	case hasAVX2:
		return avx2
	}
	return generic
}
