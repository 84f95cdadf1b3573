// Package kern holds the element-wise loops of a training step that
// package tensor and tensor/autograd share, written without branches on
// the data: the sign of an activation is as good as random, and a
// mispredicted branch per element costs more than the arithmetic.
// Selections are made on the bits of the numbers with masks, which the
// compiler turns into conditional moves, and each function gives the
// bits its plain-Go twin gives (the tests compare them on ±0, ±Inf, NaN).
//
// On amd64 with AVX-512F the whole vectors of each slice go through
// assembly loops (kern_amd64.s, generated with avo by internal/asmgen),
// which select with compare masks, 8 or 16 elements an instruction, and
// give the same bits; the rest, and every element elsewhere or under the
// purego build tag, through the Go loops. The scalar loops cost about 10
// cycles an element, which made ReLU's VJP and ReLU 9% and 5% of the
// 784-128-10 training step at batch 256 on one core.
package kern

import (
	"math"
	"unsafe"
)

// Float is tensor.Float: float32, float64 and the types made of them.
type Float interface{ ~float32 | ~float64 }

// As returns s as a slice of E, T's underlying type (the caller knows
// which from unsafe.Sizeof), without copying.
func As[E, T Float](s []T) []E {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*E)(unsafe.Pointer(&s[0])), len(s))
}

// b2u returns 1 for true and 0 for false, without a branch.
func b2u(c bool) uint64 {
	var u uint64
	if c {
		u = 1
	}
	return u
}

// Relu64 sets d[i] = relu(s[i]): s[i] where s[i] > 0 or NaN, else +0.
func Relu64(d, s []float64) {
	d = d[:len(s)]
	n := 0
	if hasAVX512 {
		n = len(s) &^ 7
		if n > 0 {
			relu64AVX512(d[:n], s[:n])
		}
	}
	relu64Go(d[n:], s[n:])
}

// relu64Go is Relu64's loop in Go.
func relu64Go(d, s []float64) {
	d = d[:len(s)]
	for i, v := range s {
		b := math.Float64bits(v)
		nan := b2u(b&^(1<<63) > 0x7ff0000000000000)
		zero := b >> 63 &^ nan // negative, -0 included, and not NaN
		d[i] = math.Float64frombits(b &^ -zero)
	}
}

// Relu32 is Relu64 for float32.
func Relu32(d, s []float32) {
	d = d[:len(s)]
	n := 0
	if hasAVX512 {
		n = len(s) &^ 15
		if n > 0 {
			relu32AVX512(d[:n], s[:n])
		}
	}
	relu32Go(d[n:], s[n:])
}

// relu32Go is Relu32's loop in Go.
func relu32Go(d, s []float32) {
	d = d[:len(s)]
	for i, v := range s {
		b := math.Float32bits(v)
		nan := uint32(b2u(b&^(1<<31) > 0x7f800000))
		zero := b >> 31 &^ nan
		d[i] = math.Float32frombits(b &^ -zero)
	}
}

// ReluVJP64 sets d[i] to the cotangent of x[i] in relu(x) given the
// cotangent g[i] of the result, as g·relu'(x) with the table's
// relu' = step: g[i] where x[i] > 0, g[i]·0 where x[i] ≤ 0 (a signed
// zero, NaN for an infinite g), g[i]·x[i] (NaN) where x[i] is NaN.
func ReluVJP64(d, g, x []float64) {
	d, g = d[:len(x)], g[:len(x)]
	n := 0
	if hasAVX512 {
		n = len(x) &^ 7
		if n > 0 {
			reluVJP64AVX512(d[:n], g[:n], x[:n])
		}
	}
	reluVJP64Go(d[n:], g[n:], x[n:])
}

// reluVJP64Go is ReluVJP64's loop in Go.
func reluVJP64Go(d, g, x []float64) {
	d, g = d[:len(x)], g[:len(x)]
	for i, v := range x {
		b := math.Float64bits(v)
		nan := b2u(b&^(1<<63) > 0x7ff0000000000000)
		pos := b2u(int64(b) > 0) // sign 0 and not +0; NaN excluded below
		pos &^= nan
		other := 1 ^ (pos | nan)
		gi := g[i]
		r := math.Float64bits(gi)&-pos | math.Float64bits(gi*0)&-other | math.Float64bits(gi*v)&-nan
		d[i] = math.Float64frombits(r)
	}
}

// ReluVJP32 is ReluVJP64 for float32.
func ReluVJP32(d, g, x []float32) {
	d, g = d[:len(x)], g[:len(x)]
	n := 0
	if hasAVX512 {
		n = len(x) &^ 15
		if n > 0 {
			reluVJP32AVX512(d[:n], g[:n], x[:n])
		}
	}
	reluVJP32Go(d[n:], g[n:], x[n:])
}

// reluVJP32Go is ReluVJP32's loop in Go.
func reluVJP32Go(d, g, x []float32) {
	d, g = d[:len(x)], g[:len(x)]
	for i, v := range x {
		b := math.Float32bits(v)
		nan := uint32(b2u(b&^(1<<31) > 0x7f800000))
		pos := uint32(b2u(int32(b) > 0))
		pos &^= nan
		other := 1 ^ (pos | nan)
		gi := g[i]
		r := math.Float32bits(gi)&-pos | math.Float32bits(gi*0)&-other | math.Float32bits(gi*v)&-nan
		d[i] = math.Float32frombits(r)
	}
}

// Add64 sets d[i] = a[i] + b[i]; d may be a or b. It is the loop of
// element-wise addition and of a sum over a batch's samples (a row added
// into an accumulator at a time, so that each element is summed in the
// order of the rows whatever the vector width).
func Add64(d, a, b []float64) {
	a, b = a[:len(d)], b[:len(d)]
	n := 0
	if hasAVX512 {
		n = len(d) &^ 7
		if n > 0 {
			add64AVX512(d[:n], a[:n], b[:n])
		}
	}
	for i := n; i < len(d); i++ {
		d[i] = a[i] + b[i]
	}
}

// Add32 is Add64 for float32.
func Add32(d, a, b []float32) {
	a, b = a[:len(d)], b[:len(d)]
	n := 0
	if hasAVX512 {
		n = len(d) &^ 15
		if n > 0 {
			add32AVX512(d[:n], a[:n], b[:n])
		}
	}
	for i := n; i < len(d); i++ {
		d[i] = a[i] + b[i]
	}
}
