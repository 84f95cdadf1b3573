//go:build !amd64 || purego

package kern

// hasAVX512 is false: there are no assembly loops here, and the stubs
// below are never called.
const hasAVX512 = false

func relu64AVX512(d, s []float64)       { panic("kern: no AVX-512") }
func relu32AVX512(d, s []float32)       { panic("kern: no AVX-512") }
func reluVJP64AVX512(d, g, x []float64) { panic("kern: no AVX-512") }
func reluVJP32AVX512(d, g, x []float32) { panic("kern: no AVX-512") }
func add64AVX512(d, a, b []float64)     { panic("kern: no AVX-512") }
func add32AVX512(d, a, b []float32)     { panic("kern: no AVX-512") }
