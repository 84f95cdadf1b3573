package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// convCase is the geometry of one convolution or pooling test.
type convCase struct {
	n, c, h, w, out, kh, kw int
	win                     Window
}

func (tc convCase) String() string {
	return fmt.Sprintf("x%dx%dx%dx%d_k%dx%dx%d_%v", tc.n, tc.c, tc.h, tc.w, tc.out, tc.kh, tc.kw, tc.win)
}

var convCases = []convCase{
	{1, 1, 5, 5, 1, 3, 3, Window{}},
	{2, 3, 7, 6, 4, 3, 2, Window{}},
	{2, 2, 7, 7, 3, 3, 3, Window{Padding: [2]int{1, 1}}},
	{2, 2, 8, 9, 3, 3, 3, Window{Stride: [2]int{2, 3}, Padding: [2]int{1, 2}}},
	{1, 2, 9, 9, 2, 3, 2, Window{Stride: [2]int{2, 1}, Padding: [2]int{2, 1}, Dilation: [2]int{2, 3}}},
	{3, 1, 6, 6, 2, 5, 5, Window{Padding: [2]int{2, 2}}},
	{2, 2, 7, 7, 2, 3, 3, Window{Padding: [2]int{2, 2}, Dilation: [2]int{2, 2}}}, // "same", dilated
	{2, 2, 6, 6, 2, 3, 3, Window{Padding: [2]int{1, 2}}},                         // wider than x
	{1, 1, 2, 2, 1, 1, 1, Window{Padding: [2]int{3, 0}}},                         // rows of padding only
}

// stride, pad and dil return the resolved window (stride 0 is def).
func resolve(win Window, kh, kw, def int) (sh, sw, ph, pw, dh, dw int) {
	sh, sw = win.Stride[0], win.Stride[1]
	if sh == 0 {
		sh = max(1, def*kh)
	}
	if sw == 0 {
		sw = max(1, def*kw)
	}
	return sh, sw, win.Padding[0], win.Padding[1], max(1, win.Dilation[0]), max(1, win.Dilation[1])
}

// naiveConv computes the convolution by its definition, in float64.
func naiveConv(x, w *Dense[float64], win Window) *Dense[float64] {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	out, kh, kw := w.shape[0], w.shape[2], w.shape[3]
	sh, sw, ph, pw, dh, dw := resolve(win, kh, kw, 0)
	oh := (h+2*ph-dh*(kh-1)-1)/sh + 1
	ow := (wd+2*pw-dw*(kw-1)-1)/sw + 1
	y := Zeros[float64](n, out, oh, ow)
	for i := range n {
		for o := range out {
			for a := range oh {
				for b := range ow {
					s := 0.0
					for ci := range c {
						for ki := range kh {
							for kj := range kw {
								ih, iw := a*sh+ki*dh-ph, b*sw+kj*dw-pw
								if ih >= 0 && ih < h && iw >= 0 && iw < wd {
									s += x.At(i, ci, ih, iw) * w.At(o, ci, ki, kj)
								}
							}
						}
					}
					y.Set(s, i, o, a, b)
				}
			}
		}
	}
	return y
}

// naiveConvGrad computes the cotangents of x and w from g by the
// definition: every product's cotangent, added in.
func naiveConvGrad(g, x, w *Dense[float64], win Window) (gx, gw *Dense[float64]) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	out, kh, kw := w.shape[0], w.shape[2], w.shape[3]
	sh, sw, ph, pw, dh, dw := resolve(win, kh, kw, 0)
	gx, gw = Zeros[float64](x.shape...), Zeros[float64](w.shape...)
	for i := range n {
		for o := range out {
			for a := range g.shape[2] {
				for b := range g.shape[3] {
					gv := g.At(i, o, a, b)
					for ci := range c {
						for ki := range kh {
							for kj := range kw {
								ih, iw := a*sh+ki*dh-ph, b*sw+kj*dw-pw
								if ih >= 0 && ih < h && iw >= 0 && iw < wd {
									gx.Set(gx.At(i, ci, ih, iw)+gv*w.At(o, ci, ki, kj), i, ci, ih, iw)
									gw.Set(gw.At(o, ci, ki, kj)+gv*x.At(i, ci, ih, iw), o, ci, ki, kj)
								}
							}
						}
					}
				}
			}
		}
	}
	return gx, gw
}

func closeArrays(t *testing.T, what string, got, want *Dense[float64], tol float64) {
	t.Helper()
	if !SameShape(got, want) {
		t.Fatalf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
	}
	g, w := got.Data(), want.Data()
	for i := range w {
		if !close(g[i], w[i], tol) {
			t.Errorf("%s: element %d is %v, want %v", what, i, g[i], w[i])
			return
		}
	}
}

// TestConv2D checks the convolution and its cotangents against the
// definitions written as loops, with strides, paddings and dilations, on
// views that are not contiguous, with and without scratch kept between
// calls.
func TestConv2D(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var work ConvWork[float64]
	for _, tc := range convCases {
		t.Run(tc.String(), func(t *testing.T) {
			x := randView[float64](r, []int{tc.n, tc.c, tc.h, tc.w})
			w := randView[float64](r, []int{tc.out, tc.c, tc.kh, tc.kw})
			want := naiveConv(x, w, tc.win)
			closeArrays(t, "conv2d", Conv2D(x, w, tc.win), want, 1e-12)
			y := Full(math.NaN(), want.Shape()...)
			closeArrays(t, "conv2dto", Conv2DTo(y, x, w, tc.win, &work), want, 1e-12)
			g := randView[float64](r, want.Shape())
			wx, ww := naiveConvGrad(g, x, w, tc.win)
			for _, wk := range []*ConvWork[float64]{&work, nil} {
				gx, gw := Full(math.NaN(), x.Shape()...), Full(math.NaN(), w.Shape()...)
				Conv2DGradTo(gx, gw, g, x, w, tc.win, wk)
				closeArrays(t, "gx", gx, wx, 1e-12)
				closeArrays(t, "gw", gw, ww, 1e-12)
			}
		})
	}
}

// TestConv2DFloat32 checks that float32 agrees with float64 within
// float32's rounding.
func TestConv2DFloat32(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, w := RandNormal[float32](r, 2, 3, 9, 9), RandNormal[float32](r, 4, 3, 3, 3)
	win := Window{Padding: [2]int{1, 1}}
	got := Conv2D(x, w, win)
	want := naiveConv(convert(x), convert(w), win)
	closeArrays(t, "conv2d float32", convert(got), want, 1e-5)
}

func convert(x *Dense[float32]) *Dense[float64] {
	d := x.Data()
	out := make([]float64, len(d))
	for i, v := range d {
		out[i] = float64(v)
	}
	return FromSlice(out, x.Shape()...)
}

// naivePool computes max-pooling by its definition: the first of equal
// maxima, the first NaN.
func naivePool(x *Dense[float64], kh, kw int, win Window) (*Dense[float64], []int) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	sh, sw, ph, pw, dh, dw := resolve(win, kh, kw, 1)
	oh := (h+2*ph-dh*(kh-1)-1)/sh + 1
	ow := (wd+2*pw-dw*(kw-1)-1)/sw + 1
	y := Zeros[float64](n, c, oh, ow)
	var idx []int
	for i := range n {
		for ci := range c {
			for a := range oh {
				for b := range ow {
					m, at := math.Inf(-1), -1
					for ki := range kh {
						for kj := range kw {
							ih, iw := a*sh+ki*dh-ph, b*sw+kj*dw-pw
							if ih < 0 || ih >= h || iw < 0 || iw >= wd {
								continue
							}
							v := x.At(i, ci, ih, iw)
							if at < 0 || v > m || math.IsNaN(v) && !math.IsNaN(m) {
								m, at = v, ((i*c+ci)*h+ih)*wd+iw
							}
						}
					}
					y.Set(m, i, ci, a, b)
					idx = append(idx, at)
				}
			}
		}
	}
	return y, idx
}

// TestMaxPool2D checks max-pooling and its argmax against the definition,
// on data with ties (small integers) and NaNs, and its cotangent.
func TestMaxPool2D(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []convCase{
		{2, 3, 8, 8, 0, 2, 2, Window{}},
		{1, 2, 7, 9, 0, 2, 2, Window{}}, // an odd row and column left out
		{1, 2, 7, 7, 0, 3, 3, Window{Stride: [2]int{2, 2}, Padding: [2]int{1, 1}}},
		{2, 1, 6, 9, 0, 2, 3, Window{Stride: [2]int{1, 2}}},
		{1, 2, 9, 9, 0, 3, 2, Window{Stride: [2]int{2, 1}, Padding: [2]int{1, 1}, Dilation: [2]int{2, 2}}},
	} {
		t.Run(tc.String(), func(t *testing.T) {
			x := randView[float64](r, []int{tc.n, tc.c, tc.h, tc.w})
			d := x.Data()
			for i := range d {
				d[i] = float64(r.IntN(4))
				switch r.IntN(40) {
				case 0:
					d[i] = math.NaN()
				case 1:
					d[i] = math.Copysign(0, -1) // equal to +0, chosen if first
				}
			}
			x = FromSlice(d, x.Shape()...)
			want, wantIdx := naivePool(x, tc.kh, tc.kw, tc.win)
			closeArrays(t, "maxpool2d", MaxPool2D(x, tc.kh, tc.kw, tc.win), want, 0)
			idx := make([]int, len(wantIdx))
			MaxPool2DTo(Full(math.NaN(), want.Shape()...), idx, x, tc.kh, tc.kw, tc.win)
			for i := range idx {
				if idx[i] != wantIdx[i] {
					t.Fatalf("argmax[%d] = %d, want %d", i, idx[i], wantIdx[i])
				}
			}
			g := RandNormal[float64](r, want.Shape()...)
			wg := Zeros[float64](x.Shape()...)
			for i, k := range wantIdx {
				wg.data[k] += g.data[i]
			}
			closeArrays(t, "maxpool2d grad", MaxPool2DGradTo(Full(math.NaN(), x.Shape()...), g, idx, x), wg, 0)
		})
	}
}

func TestAddBias(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	x := randView[float64](r, []int{2, 3, 4})
	b := RandNormal[float64](r, 3)
	got := AddBias(x, b, 1)
	want := Add(x, b.Reshape(3, 1))
	closeArrays(t, "addbias", got, want, 0)
	b4 := RandNormal[float64](r, 4)
	closeArrays(t, "addbias last", AddBias(x, b4, -1), Add(x, b4), 0)
	closeArrays(t, "sumexcept", SumExcept(x, 1), Sum(x, []int{0, 2}, false), 1e-14)
	closeArrays(t, "sumexcept last", SumExcept(x, -1), Sum(x, []int{0, 1}, false), 1e-14)
}

func TestConvPanics(t *testing.T) {
	x := Zeros[float64](2, 3, 5, 5)
	mustPanic(t, "tensor: conv2d: x is 3×5×5, not batch×channels×height×width", func() { Conv2D(Zeros[float64](3, 5, 5), Zeros[float64](1, 3, 3, 3), Window{}) })
	mustPanic(t, "tensor: conv2d: w is 3×3, not out×in×kh×kw", func() { Conv2D(x, Zeros[float64](3, 3), Window{}) })
	mustPanic(t, "tensor: conv2d: x is 2×3×5×5 but w is 4×2×3×3: 3 and 2 input channels differ", func() { Conv2D(x, Zeros[float64](4, 2, 3, 3), Window{}) })
	mustPanic(t, "tensor: conv2d: x is 2×3×5×5 but the kernel spans 7×7 with padding 0×0", func() { Conv2D(x, Zeros[float64](4, 3, 7, 7), Window{}) })
	mustPanic(t, "tensor: conv2d: dst is 2×4×3×3 (contiguous: true) but the result is 2×4×5×5", func() {
		Conv2DTo(Zeros[float64](2, 4, 3, 3), x, Zeros[float64](4, 3, 3, 3), Window{Padding: [2]int{1, 1}}, nil)
	})
	mustPanic(t, "tensor: maxpool2d: padding 2×0 is more than half the kernel 3×3", func() { MaxPool2D(x, 3, 3, Window{Padding: [2]int{2, 0}}) })
	mustPanic(t, "tensor: addbias: x is 2×3×5×5 but b is a vector of 4, not a vector of 3 (x's axis 1)", func() { AddBias(x, Zeros[float64](4), 1) })
}

func BenchmarkConv2D(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x, w := RandNormal[float32](r, 64, 16, 14, 14), RandNormal[float32](r, 32, 16, 5, 5)
	win := Window{Padding: [2]int{2, 2}}
	var work ConvWork[float32]
	y := Conv2DTo(nil, x, w, win, &work)
	gx, gw := Zeros[float32](x.Shape()...), Zeros[float32](w.Shape()...)
	b.Run("forward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Conv2DTo(y, x, w, win, &work)
		}
	})
	b.Run("backward", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Conv2DGradTo(gx, gw, y, x, w, win, &work)
		}
	})
	// One image's columns, and back.
	g := conv2DGeom("bench", x.shape, w.shape, win)
	g.n = 1
	chw, ckk := g.c*g.h*g.w, g.c*g.kh*g.kw
	cols := make([]float32, ckk*g.oh*g.ow)
	b.Run("im2col", func(b *testing.B) {
		for b.Loop() {
			im2colRows(cols, x.flat()[:chw], g, 0, ckk)
		}
	})
	b.Run("col2im", func(b *testing.B) {
		for b.Loop() {
			col2imChannels(gx.flat()[:chw], cols, g, 0, g.c)
		}
	})
}

// TestConv2DProcs checks that a convolution and its cotangents are the
// same, bit for bit, on one goroutine and on several: a batch of three
// groups of images, large enough to be shared.
func TestConv2DProcs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x, w := RandNormal[float32](r, 2*groupImages+3, 8, 10, 10), RandNormal[float32](r, 6, 8, 5, 5)
	win := Window{Padding: [2]int{2, 2}}
	run := func(procs int) [3][]float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		var work ConvWork[float32]
		y := Conv2DTo(nil, x, w, win, &work)
		g := y.Clone()
		for i, v := range g.Data() {
			g.Data()[i] = v * float32(i%7-3)
		}
		gx, gw := Zeros[float32](x.Shape()...), Zeros[float32](w.Shape()...)
		Conv2DGradTo(gx, gw, g, x, w, win, &work)
		return [3][]float32{y.Data(), gx.Data(), gw.Data()}
	}
	one, two := run(1), run(2)
	for k, name := range []string{"y", "gx", "gw"} {
		for i := range one[k] {
			if math.Float32bits(one[k][i]) != math.Float32bits(two[k][i]) {
				t.Fatalf("%s[%d]: %v on one goroutine, %v on two", name, i, one[k][i], two[k][i])
			}
		}
	}
}

func BenchmarkMaxPool2D(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	x := RandNormal[float32](r, 64, 16, 28, 28)
	y := Zeros[float32](64, 16, 14, 14)
	argmax := make([]int, y.Size())
	b.ReportAllocs()
	for b.Loop() {
		MaxPool2DTo(y, argmax, x, 2, 2, Window{})
	}
}
