//go:build !amd64 || purego

package gemm

// dkernel and skernel are the kernels in use: the pure-Go ones.
var dkernel, skernel = dgeneric, sgeneric
