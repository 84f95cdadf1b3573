package tensor

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
)

// Window is the geometry of the sliding window of a 2-D convolution or
// pooling over the last two axes (height and width) of an NCHW batch.
// Each pair is along height, then width. The zero value is stride 1 (for
// pooling: the kernel's size, as in PyTorch), no padding and dilation 1.
type Window struct {
	Stride   [2]int // steps of the window; 0 means 1 (pooling: the kernel's size)
	Padding  [2]int // added on both sides: zeros for a convolution, -∞ for max-pooling
	Dilation [2]int // spacing of the kernel's taps; 0 means 1
}

// geom is a convolution's or pooling's shapes and window, resolved.
type geom struct {
	n, c, h, w     int // input: batch × channels × height × width
	kh, kw         int // kernel
	oh, ow         int // output height and width
	sh, sw, ph, pw int // stride and padding
	dh, dw         int // dilation
}

// newGeom resolves the window of a kernel kh×kw over x (n×c×h×w), with
// stride 0 meaning def (1 or the kernel's size), and computes the output
// size. It panics, naming the operation, if x is not of rank 4 or the
// window does not fit.
func newGeom(name string, x []int, kh, kw int, win Window, poolStride bool) geom {
	if len(x) != 4 {
		panic(fmt.Sprintf("tensor: %s: x is %s, not batch×channels×height×width", name, describe(x)))
	}
	g := geom{n: x[0], c: x[1], h: x[2], w: x[3], kh: kh, kw: kw,
		sh: win.Stride[0], sw: win.Stride[1], ph: win.Padding[0], pw: win.Padding[1],
		dh: max(1, win.Dilation[0]), dw: max(1, win.Dilation[1])}
	if g.sh == 0 {
		g.sh = 1
		if poolStride {
			g.sh = kh
		}
	}
	if g.sw == 0 {
		g.sw = 1
		if poolStride {
			g.sw = kw
		}
	}
	if kh < 1 || kw < 1 || g.sh < 1 || g.sw < 1 || g.ph < 0 || g.pw < 0 || g.dh < 1 || g.dw < 1 {
		panic(fmt.Sprintf("tensor: %s: kernel %d×%d with %+v: sizes and strides must be positive and paddings not negative", name, kh, kw, win))
	}
	eh, ew := g.dh*(kh-1)+1, g.dw*(kw-1)+1 // extent of the dilated kernel
	if g.h+2*g.ph < eh || g.w+2*g.pw < ew {
		panic(fmt.Sprintf("tensor: %s: x is %s but the kernel spans %d×%d with padding %d×%d", name, dims(x), eh, ew, g.ph, g.pw))
	}
	g.oh = (g.h+2*g.ph-eh)/g.sh + 1
	g.ow = (g.w+2*g.pw-ew)/g.sw + 1
	return g
}

// ConvWork is scratch space of [Conv2DTo] and [Conv2DGradTo] kept between
// calls, so that a caller running the same convolution many times (as
// package autograd's tape does) allocates nothing once warm. The zero
// value is ready to use; a ConvWork must not be used by two calls at
// once.
type ConvWork[T Float] struct {
	cols  [][]T // per goroutine: im2col of one image, (c·kh·kw) × (oh·ow)
	gcols [][]T // per goroutine: the cotangent of cols
	gt    [][]T // per goroutine: an image's cotangent transposed, (oh·ow) × out
	part  []T   // per group of images: its share of wᵀ's cotangent, (c·kh·kw) × out
}

// grow returns s resliced to n elements, reallocated if too short.
func grow[T Float](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// scratch returns the per-goroutine buffers of n elements of s, for
// workers goroutines.
func scratch[T Float](s [][]T, workers, n int) [][]T {
	for len(s) < workers {
		s = append(s, nil)
	}
	for w := range workers {
		s[w] = grow(s[w], n)
	}
	return s
}

// groupImages is the number of images of a batch that one goroutine
// convolves in a row, and that share one partial sum of the kernels'
// cotangent. It is a constant, not a share of GOMAXPROCS, so that the
// sums, and the results bit for bit, are the same on any number of cores.
const groupImages = 8

// Conv2D returns the 2-D convolution (a cross-correlation, as in PyTorch
// and every deep-learning library) of x, batch × in × height × width,
// with the kernels w, out × in × kh × kw: a new batch × out × oh × ow
// array, oh = (height + 2·padding - dilation·(kh-1) - 1)/stride + 1 and
// likewise ow. It computes image by image, by im2col and a matrix
// product. It panics, naming the argument and the shapes, if x or w is
// not of rank 4, if their channels differ, or if the window does not fit.
func Conv2D[T Float](x, w *Dense[T], win Window) *Dense[T] {
	return Conv2DTo(nil, x, w, win, nil)
}

// conv2DGeom checks the shapes of x and w and returns the geometry.
func conv2DGeom(name string, x, w []int, win Window) geom {
	if len(w) != 4 {
		panic(fmt.Sprintf("tensor: %s: w is %s, not out×in×kh×kw", name, describe(w)))
	}
	g := newGeom(name, x, w[2], w[3], win, false)
	if w[1] != g.c {
		panic(fmt.Sprintf("tensor: %s: x is %s but w is %s: %d and %d input channels differ", name, dims(x), dims(w), g.c, w[1]))
	}
	return g
}

// Conv2DTo is [Conv2D] writing into dst (nil: a new array; else
// contiguous, of the result's shape, not overlapping x or w), with the
// scratch space work (nil: allocated for this call). With a warm work it
// allocates nothing on contiguous arguments, apart from the goroutines
// that share a batch of more than one group of images across GOMAXPROCS.
//
// Each image's columns, (in·kh·kw) × (oh·ow), stay in the core's cache
// between im2col and the product w·cols, which writes the image's
// out × oh·ow result in place; the columns of a whole batch (20 MB for
// the second layer of nn.NewMNISTCNN) would go to memory and back.
func Conv2DTo[T Float](dst, x, w *Dense[T], win Window, work *ConvWork[T]) *Dense[T] {
	g := conv2DGeom("conv2d", x.shape, w.shape, win)
	out := w.shape[0]
	if dst == nil {
		dst = Zeros[T](g.n, out, g.oh, g.ow)
	} else if !dst.hasShape([]int{g.n, out, g.oh, g.ow}) || !dst.IsContiguous() {
		checkDst("conv2d", dst, []int{g.n, out, g.oh, g.ow})
	}
	if work == nil {
		work = new(ConvWork[T])
	}
	x, w = x.Contiguous(), w.Contiguous()
	p := g.oh * g.ow
	ckk := g.c * g.kh * g.kw
	if g.n == 0 || p == 0 || out == 0 {
		return dst
	}
	groups := (g.n + groupImages - 1) / groupImages
	workers := convWorkers(groups, g.n*p*ckk)
	work.cols = scratch(work.cols, workers, ckk*p)
	c := convCall[T]{g: g, out: out, x: x.flat(), w: w.flat(), y: dst.flat(), work: work}
	c.init()
	if workers == 1 {
		for gr := range groups {
			c.forward(0, gr)
		}
	} else {
		cc := c // escapes to the goroutines; c stays on the stack
		eachParallel(groups, workers, cc.forward)
	}
	return dst
}

// convCall is the arguments of one Conv2DTo or Conv2DGradTo, flat.
type convCall[T Float] struct {
	g         geom
	out       int
	x, w, y   []T // y: the result, or its cotangent
	gx, gw    []T // the cotangents to compute (nil: not needed)
	work      *ConvWork[T]
	one       geom // g of one image
	ckk, p, n int  // c·kh·kw, oh·ow, the images of the batch
}

// init sets the derived sizes, before the goroutines read them.
func (c *convCall[T]) init() {
	c.one = c.g
	c.one.n = 1
	c.ckk, c.p, c.n = c.g.c*c.g.kh*c.g.kw, c.g.oh*c.g.ow, c.g.n
}

// forward computes the images of group gr with the scratch of worker w.
func (c *convCall[T]) forward(w, gr int) {
	chw := c.g.c * c.g.h * c.g.w
	cols := c.work.cols[w]
	for i := gr * groupImages; i < min(c.n, (gr+1)*groupImages); i++ {
		im2colRows(cols, c.x[i*chw:(i+1)*chw], c.one, 0, c.ckk)
		gemm(false, false, c.out, c.p, c.ckk, 1, c.w, c.ckk, cols, c.p, 0, c.y[i*c.out*c.p:(i+1)*c.out*c.p], c.p)
	}
}

// backward computes the cotangents of group gr with the scratch of
// worker w: the group's partial sum of wᵀ's cotangent, its images'
// columns times their cotangents transposed, and the cotangents of its
// images, col2im of wᵀ times their cotangents.
func (c *convCall[T]) backward(w, gr int) {
	chw := c.g.c * c.g.h * c.g.w
	op := c.out * c.p
	lo := gr * groupImages
	for i := lo; i < min(c.n, lo+groupImages); i++ {
		gi := c.y[i*op : (i+1)*op]
		if c.gw != nil {
			cols := c.work.cols[w]
			im2colRows(cols, c.x[i*chw:(i+1)*chw], c.one, 0, c.ckk)
			beta := T(1)
			if i == lo {
				beta = 0
			}
			// gemm reads an untransposed g_iᵀ this thin in place; given
			// g_i to transpose, it would pack it with a strided gather
			// (packCross, 6% of a CNN step), slower than this loop.
			gt := c.work.gt[w]
			for o := range c.out {
				for j, v := range gi[o*c.p : (o+1)*c.p] {
					gt[j*c.out+o] = v
				}
			}
			gemm(false, false, c.ckk, c.out, c.p, 1, cols, c.p, gt, c.out, beta, c.work.part[gr*c.ckk*c.out:(gr+1)*c.ckk*c.out], c.out)
		}
		if c.gx != nil {
			gcols := c.work.gcols[w]
			gemm(true, false, c.ckk, c.p, c.out, 1, c.w, c.ckk, gi, c.p, 0, gcols, c.p)
			col2imChannels(c.gx[i*chw:(i+1)*chw], gcols, c.one, 0, c.g.c)
		}
	}
}

// convWorkers returns the number of goroutines for groups groups of
// images of cost multiply-adds in all: 1 for a batch of one group or
// too little work to share.
func convWorkers(groups, cost int) int {
	if serial(groups, cost) {
		return 1
	}
	return min(groups, runtime.GOMAXPROCS(0))
}

// eachParallel calls f(w, i) for i in [0, n) on workers goroutines (the
// calling one and workers-1 others, w the goroutine's number), each
// taking the next i when done with the last, so that one that starts late
// takes fewer. The calls must not depend on which goroutine makes them.
func eachParallel(n, workers int, f func(w, i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	run := func(w int) {
		for {
			i := int(next.Add(1) - 1)
			if i >= n {
				return
			}
			f(w, i)
		}
	}
	for w := 1; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w)
		}()
	}
	run(0)
	wg.Wait()
}

// Conv2DGradTo computes the cotangents of x and w in y = Conv2D(x, w,
// win) from the cotangent g of y: gx, of x's shape, if gx is not nil, and
// gw, of w's shape, if gw is not nil, each overwritten. gx is the
// transposed convolution of g (col2im of wᵀ·g), gw the product of g with
// the columns of x, image by image as Conv2DTo computes; the images'
// terms of gw are added in groups of groupImages and the groups' sums in
// order, whatever the number of goroutines. It panics, as Conv2D does, on
// shapes that do not match.
func Conv2DGradTo[T Float](gx, gw, g, x, w *Dense[T], win Window, work *ConvWork[T]) {
	geo := conv2DGeom("conv2d grad", x.shape, w.shape, win)
	out := w.shape[0]
	want := []int{geo.n, out, geo.oh, geo.ow}
	if !g.hasShape(want) {
		panic(fmt.Sprintf("tensor: conv2d grad: g is %s but the convolution of x %s and w %s is %s", describe(g.shape), dims(x.shape), dims(w.shape), dims(want)))
	}
	if gx != nil {
		checkDst("conv2d grad", gx, x.shape)
	}
	if gw != nil {
		checkDst("conv2d grad", gw, w.shape)
	}
	if work == nil {
		work = new(ConvWork[T])
	}
	g, w, x = g.Contiguous(), w.Contiguous(), x.Contiguous()
	p := geo.oh * geo.ow
	ckk := geo.c * geo.kh * geo.kw
	if geo.n == 0 || p == 0 || out == 0 || ckk == 0 {
		if gx != nil {
			clear(gx.flat())
		}
		if gw != nil {
			clear(gw.flat())
		}
		return
	}
	groups := (geo.n + groupImages - 1) / groupImages
	workers := convWorkers(groups, 2*geo.n*p*ckk)
	c := convCall[T]{g: geo, out: out, x: x.flat(), w: w.flat(), y: g.flat(), work: work}
	c.init()
	if gw != nil {
		c.gw = gw.flat()
		work.cols = scratch(work.cols, workers, ckk*p)
		work.gt = scratch(work.gt, workers, p*out)
		work.part = grow(work.part, groups*ckk*out)
	}
	if gx != nil {
		c.gx = gx.flat()
		work.gcols = scratch(work.gcols, workers, ckk*p)
	}
	if workers == 1 {
		for gr := range groups {
			c.backward(0, gr)
		}
	} else {
		cc := c // escapes to the goroutines; c stays on the stack
		eachParallel(groups, workers, cc.backward)
	}
	if gw == nil {
		return
	}
	// gw = the sum of the groups' (c·kh·kw) × out parts, transposed.
	d := gw.flat()
	for o := range out {
		row := d[o*ckk : (o+1)*ckk]
		for r := range row {
			row[r] = work.part[r*out+o]
		}
		for gr := 1; gr < groups; gr++ {
			part := work.part[gr*ckk*out:]
			for r := range row {
				row[r] += part[r*out+o]
			}
		}
	}
}

// parallelMin is the number of elements or multiply-adds below which
// the work of a convolution or pooling runs on the calling goroutine
// alone.
const parallelMin = 1 << 16

// serial reports whether n pieces of cost elements in all are better
// done on the calling goroutine alone.
func serial(n, cost int) bool { return n < 2 || cost < parallelMin || runtime.GOMAXPROCS(0) < 2 }

// parallel calls f on pieces [lo, hi) of [0, n), in the calling
// goroutine and GOMAXPROCS-1 others. Each index is handled by one call,
// so results do not depend on the split. (The closure and goroutines
// allocate: callers check serial first and call their loop directly.)
func parallel(n int, f func(lo, hi int)) {
	procs := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	for k := 1; k < procs; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(k*n/procs, (k+1)*n/procs)
		}()
	}
	f(0, n/procs)
	wg.Wait()
}

// im2colRows writes the rows [lo, hi) of the columns of x into cols, a
// (c·kh·kw) × (n·oh·ow) matrix: row (ci, ki, kj) holds, for every image
// and output position, the input element under the kernel's tap (ki, kj)
// in channel ci, or 0 in the padding.
// columns returns, for the kernel column kj, the input column iw0 that
// output column 0 reads, and the output columns [olo, ohi) whose input
// column iw0 + ow·sw is inside the input: the others read padding.
func (g geom) columns(kj int) (iw0, olo, ohi int) {
	iw0 = kj*g.dw - g.pw
	if iw0 < 0 {
		olo = min(g.ow, (-iw0+g.sw-1)/g.sw)
	}
	if g.w-iw0 > 0 {
		ohi = min(g.ow, (g.w-iw0+g.sw-1)/g.sw)
	}
	return iw0, olo, max(ohi, olo)
}

func im2colRows[T Float](cols, x []T, g geom, lo, hi int) {
	if g.sw == 1 {
		im2colRowsW1(cols, x, g, lo, hi)
		return
	}
	p := g.oh * g.ow
	np := g.n * p
	for r := lo; r < hi; r++ {
		ci, kk := r/(g.kh*g.kw), r%(g.kh*g.kw)
		ki, kj := kk/g.kw, kk%g.kw
		row := cols[r*np : (r+1)*np]
		iw0, olo, ohi := g.columns(kj)
		for i := range g.n {
			src := x[(i*g.c+ci)*g.h*g.w : (i*g.c+ci+1)*g.h*g.w]
			for oh := range g.oh {
				d := row[i*p+oh*g.ow : i*p+(oh+1)*g.ow]
				ih := oh*g.sh + ki*g.dh - g.ph
				if ih < 0 || ih >= g.h {
					for j := range d {
						d[j] = 0
					}
					continue
				}
				s := src[ih*g.w : (ih+1)*g.w]
				// Rows are short (tens of elements): loops, not
				// copy and clear, which cost a call each.
				for j := range d[:olo] {
					d[j] = 0
				}
				if g.sw == 1 {
					dd := d[olo:ohi]
					ss := s[olo+iw0 : ohi+iw0]
					ss = ss[:len(dd)]
					for j := range dd {
						dd[j] = ss[j]
					}
				} else {
					for ow := olo; ow < ohi; ow++ {
						d[ow] = s[iw0+ow*g.sw]
					}
				}
				for j := ohi; j < len(d); j++ {
					d[j] = 0
				}
			}
		}
	}
}

// im2colRowsW1 is im2colRows for a stride of 1 along the width, where
// each row of the output is a run of an input row: a copy, with zeros for
// the padding at its ends and for the rows of padding; with "same"
// padding and stride 1 (every convolution of nn.NewMNISTCNN) all the rows
// of a tap are one copy. One image of NewMNISTCNN's second layer takes
// 23 µs, the general loop 96 µs (BenchmarkConv2D/im2col).
func im2colRowsW1[T Float](cols, x []T, g geom, lo, hi int) {
	p := g.oh * g.ow
	np, kk, hw := g.n*p, g.kh*g.kw, g.h*g.w
	for r := lo; r < hi; r++ {
		ci, k := r/kk, r%kk
		ki, kj := k/g.kw, k%g.kw
		// Output columns [olo, ohi) read input columns iw0+olo, ….
		iw0, olo, ohi := g.columns(kj)
		row := cols[r*np : (r+1)*np]
		// Output rows [ra, rb) read input rows ra+ki·dh-ph, ….
		ra := min(g.oh, max(0, g.ph-ki*g.dh))
		rb := max(ra, min(g.oh, g.h+g.ph-ki*g.dh))
		for i := range g.n {
			src := x[(i*g.c+ci)*hw : (i*g.c+ci+1)*hw]
			out := row[i*p : (i+1)*p]
			if g.sh == 1 && g.ow == g.w {
				// Rows as long as the input's ("same" padding): output
				// element e reads input element e+off, so the rows
				// [ra, rb) are one copy, whose elements in the padding
				// columns (from the next or last row) are then zeroed.
				off := (ki*g.dh-g.ph)*g.w + iw0
				lo, hi := max(ra*g.ow, -off), min(rb*g.ow, hw-off)
				clear(out[:ra*g.ow])
				if lo < hi {
					copy(out[lo:hi], src[lo+off:hi+off])
				}
				for oh := ra; oh < rb; oh++ {
					d := out[oh*g.ow : (oh+1)*g.ow]
					for j := range d[:olo] {
						d[j] = 0
					}
					for j := ohi; j < len(d); j++ {
						d[j] = 0
					}
				}
				clear(out[rb*g.ow:])
				continue
			}
			for oh := range g.oh {
				d := out[oh*g.ow : (oh+1)*g.ow]
				ih := oh*g.sh + ki*g.dh - g.ph
				if uint(ih) >= uint(g.h) {
					for j := range d {
						d[j] = 0
					}
					continue
				}
				for j := range d[:olo] {
					d[j] = 0
				}
				copy(d[olo:ohi], src[ih*g.w+iw0+olo:])
				for j := ohi; j < len(d); j++ {
					d[j] = 0
				}
			}
		}
	}
}

// col2imSame adds the entries of one tap's row of columns of one image,
// s, into its plane of the input, dst, for a stride of 1 and rows as long
// as the input's: entry e goes to element e+off, as im2colRowsW1 reads
// them, so that the rows of the tap are one loop. The entries that fall
// in the padding columns would go to the next or last row: they are set
// to zero first, so that they add nothing (dst, summed from +0, is never
// -0, which adding +0 would change).
func col2imSame[T Float](dst, s []T, g geom, ki, iw0, olo, ohi int) {
	ra := min(g.oh, max(0, g.ph-ki*g.dh))
	rb := max(ra, min(g.oh, g.h+g.ph-ki*g.dh))
	if olo > 0 || ohi < g.ow {
		for oh := ra; oh < rb; oh++ {
			d := s[oh*g.ow : (oh+1)*g.ow]
			for j := range d[:olo] {
				d[j] = 0
			}
			for j := ohi; j < len(d); j++ {
				d[j] = 0
			}
		}
	}
	off := (ki*g.dh-g.ph)*g.w + iw0
	lo, hi := max(ra*g.ow, -off), min(rb*g.ow, g.h*g.w-off)
	if lo >= hi {
		return
	}
	src := s[lo:hi]
	d := dst[lo+off:][:len(src)]
	for j, v := range src {
		d[j] += v
	}
}

// col2imChannels sets the channels [lo, hi) of x to the sum, at every
// input element, of the entries of cols ((c·kh·kw) × (n·oh·ow), as
// im2colRows lays them out) that im2colRows copies from it: the transpose
// of im2col. Each element's terms are added in the order of the kernel's
// taps. cols is scratch: its entries in the padding may be zeroed.
func col2imChannels[T Float](x, cols []T, g geom, lo, hi int) {
	p := g.oh * g.ow
	np := g.n * p
	kk := g.kh * g.kw
	for ci := lo; ci < hi; ci++ {
		for i := range g.n {
			clear(x[(i*g.c+ci)*g.h*g.w : (i*g.c+ci+1)*g.h*g.w])
		}
		for k := range kk {
			ki, kj := k/g.kw, k%g.kw
			row := cols[(ci*kk+k)*np : (ci*kk+k+1)*np]
			iw0, olo, ohi := g.columns(kj)
			for i := range g.n {
				dst := x[(i*g.c+ci)*g.h*g.w : (i*g.c+ci+1)*g.h*g.w]
				if g.sh == 1 && g.sw == 1 && g.ow == g.w {
					col2imSame(dst, row[i*p:(i+1)*p], g, ki, iw0, olo, ohi)
					continue
				}
				for oh := range g.oh {
					ih := oh*g.sh + ki*g.dh - g.ph
					if ih < 0 || ih >= g.h {
						continue
					}
					s := row[i*p+oh*g.ow : i*p+(oh+1)*g.ow]
					d := dst[ih*g.w : (ih+1)*g.w]
					if g.sw == 1 {
						d = d[olo+iw0 : ohi+iw0]
						for j, v := range s[olo:ohi] {
							d[j] += v
						}
					} else {
						for ow := olo; ow < ohi; ow++ {
							d[iw0+ow*g.sw] += s[ow]
						}
					}
				}
			}
		}
	}
}

// AddBias returns x plus b along axis: x[…, i, …] + b[i], with i the
// index along axis (negative: from the end), as a convolution's bias is
// added to its channels (axis 1). b must be a vector of x's size along
// axis. It panics, naming the shapes, otherwise.
func AddBias[T Float](x, b *Dense[T], axis int) *Dense[T] { return AddBiasTo(nil, x, b, axis) }

// AddBiasTo is [AddBias] writing into dst (nil: a new array), which may
// be x itself. It allocates nothing on contiguous arguments.
func AddBiasTo[T Float](dst, x, b *Dense[T], axis int) *Dense[T] {
	ax := normAxis("addbias", "axis", axis, x.shape)
	if len(b.shape) != 1 || b.shape[0] != x.shape[ax] {
		panic(fmt.Sprintf("tensor: addbias: x is %s but b is %s, not a vector of %d (x's axis %d)", describe(x.shape), describe(b.shape), x.shape[ax], ax))
	}
	if dst == nil {
		dst = Zeros[T](x.shape...)
	} else if !dst.hasShape(x.shape) || !dst.IsContiguous() {
		checkDst("addbias", dst, x.shape)
	}
	x, b = x.Contiguous(), b.Contiguous()
	c, inner := x.shape[ax], product(x.shape[ax+1:])
	d, s, bs := dst.flat(), x.flat(), b.flat()
	for at := 0; at < len(s); at += c * inner {
		for i, v := range bs {
			blk := s[at+i*inner : at+(i+1)*inner]
			out := d[at+i*inner : at+(i+1)*inner]
			for j, e := range blk {
				out[j] = e + v
			}
		}
	}
	return dst
}

// SumExcept returns the sums of x over every axis but axis (negative:
// from the end): a vector of x's size along axis, the cotangent of
// [AddBias]'s b. The terms are added in row-major order.
func SumExcept[T Float](x *Dense[T], axis int) *Dense[T] { return SumExceptTo(nil, x, axis) }

// SumExceptTo is [SumExcept] writing into dst (nil: a new vector). It
// allocates nothing on a contiguous x.
func SumExceptTo[T Float](dst, x *Dense[T], axis int) *Dense[T] {
	ax := normAxis("sumexcept", "axis", axis, x.shape)
	c := x.shape[ax]
	if dst == nil {
		dst = Zeros[T](c)
	} else if !dst.hasShape([]int{c}) || !dst.IsContiguous() {
		checkDst("sumexcept", dst, []int{c})
	}
	x = x.Contiguous()
	inner := product(x.shape[ax+1:])
	d, s := dst.flat(), x.flat()
	clear(d)
	for at := 0; at < len(s); at += c * inner {
		for i := range d {
			// A local sum, which the compiler keeps in a register where
			// d[i] += e stores at every term: the same additions in the
			// same order.
			acc := d[i]
			for _, e := range s[at+i*inner : at+(i+1)*inner] {
				acc += e
			}
			d[i] = acc
		}
	}
	return dst
}

// MaxPool2D returns the maxima of x, batch × channels × height × width,
// over the windows of kh × kw elements of win (stride 0: the kernel's
// size; padding, at most half the kernel, is -∞): a new batch × channels
// × oh × ow array. NaN propagates. It panics, naming the shapes, if x is
// not of rank 4 or the window does not fit.
func MaxPool2D[T Float](x *Dense[T], kh, kw int, win Window) *Dense[T] {
	return MaxPool2DTo(nil, nil, x, kh, kw, win)
}

// MaxPool2DTo is [MaxPool2D] writing into dst (nil: a new array) and, if
// argmax is not nil (then of dst's size), the position in x of each
// output's maximum: the flat row-major index of the element of x. On a
// tie the first maximum in the window's row-major order is chosen, as
// PyTorch does; where the window holds NaN, its first NaN. It allocates
// nothing on a contiguous x.
func MaxPool2DTo[T Float](dst *Dense[T], argmax []int, x *Dense[T], kh, kw int, win Window) *Dense[T] {
	g := newGeom("maxpool2d", x.shape, kh, kw, win, true)
	if g.ph > kh/2 || g.pw > kw/2 {
		panic(fmt.Sprintf("tensor: maxpool2d: padding %d×%d is more than half the kernel %d×%d", g.ph, g.pw, kh, kw))
	}
	if dst == nil {
		dst = Zeros[T](g.n, g.c, g.oh, g.ow)
	} else if !dst.HasShape(g.n, g.c, g.oh, g.ow) || !dst.IsContiguous() {
		checkDst("maxpool2d", dst, []int{g.n, g.c, g.oh, g.ow})
	}
	if argmax != nil && len(argmax) != dst.Size() {
		panic(fmt.Sprintf("tensor: maxpool2d: argmax has %d elements but the result is %s", len(argmax), dims(dst.shape)))
	}
	x = x.Contiguous()
	d, xs := dst.flat(), x.flat()
	if planes := g.n * g.c; serial(planes, planes*g.oh*g.ow*kh*kw) {
		maxPoolPlanes(d, argmax, xs, g, 0, planes)
	} else {
		parallel(planes, func(lo, hi int) { maxPoolPlanes(d, argmax, xs, g, lo, hi) })
	}
	return dst
}

// MaxPool2DGradTo sets dst, of x's shape, to the cotangent of x in
// MaxPool2DTo(…, argmax, x, …) from the cotangent g of the result: each
// element of g added at its argmax, in order, the others 0. dst nil
// means a new array; an index -1 (a window of padding only) is skipped.
// It panics if g and argmax differ in size or an index is outside x.
func MaxPool2DGradTo[T Float](dst, g *Dense[T], argmax []int, x *Dense[T]) *Dense[T] {
	if g.Size() != len(argmax) {
		panic(fmt.Sprintf("tensor: maxpool2d grad: g is %s but argmax has %d elements", describe(g.shape), len(argmax)))
	}
	if dst == nil {
		dst = Zeros[T](x.shape...)
	} else {
		checkDst("maxpool2d grad", dst, x.shape)
	}
	d := dst.flat()
	clear(d)
	g = g.Contiguous()
	for i, v := range g.flat() {
		if k := argmax[i]; k >= 0 {
			d[k] += v
		}
	}
	return dst
}

// maxPoolPlanes computes the planes (image, channel) [lo, hi) of
// MaxPool2DTo into d and argmax (nil: none) from x.
func maxPoolPlanes[T Float](d []T, argmax []int, s []T, g geom, lo, hi int) {
	if g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 && argmax != nil {
		maxPool2x2(d, argmax, s, g, lo, hi)
		return
	}
	hw, p := g.h*g.w, g.oh*g.ow
	kh, kw := g.kh, g.kw
	negInf := T(math.Inf(-1))
	for plane := lo; plane < hi; plane++ {
		src := s[plane*hw : (plane+1)*hw]
		for oh := range g.oh {
			for ow := range g.ow {
				m, at := negInf, -1
				for ki := range kh {
					ih := oh*g.sh + ki*g.dh - g.ph
					if ih < 0 || ih >= g.h {
						continue
					}
					for kj := range kw {
						iw := ow*g.sw + kj*g.dw - g.pw
						if iw < 0 || iw >= g.w {
							continue
						}
						v := src[ih*g.w+iw]
						if v > m || at < 0 || (v != v && m == m) {
							m, at = v, ih*g.w+iw
						}
					}
				}
				o := plane*p + oh*g.ow + ow
				d[o] = m
				if argmax != nil {
					if at >= 0 {
						at += plane * hw
					}
					argmax[o] = at // -1: a window of padding only
				}
			}
		}
	}
}

// maxPool2x2 is maxPoolPlanes for the 2×2 windows of stride 2 without
// padding of every CNN (nn.NewMNISTCNN's): the four elements of a window
// compared in row-major order as the general loop compares them, without
// its bounds tests, 4× as fast.
func maxPool2x2[T Float](d []T, argmax []int, s []T, g geom, lo, hi int) {
	hw, p := g.h*g.w, g.oh*g.ow
	for plane := lo; plane < hi; plane++ {
		src := s[plane*hw : (plane+1)*hw]
		for oh := range g.oh {
			top := src[2*oh*g.w : (2*oh+1)*g.w]
			bot := src[(2*oh+1)*g.w : (2*oh+2)*g.w]
			o := plane*p + oh*g.ow
			dd, aa := d[o:o+g.ow], argmax[o:o+g.ow]
			base := plane*hw + 2*oh*g.w
			for ow := range dd {
				m, at := top[2*ow], 0
				// v > m, or v is the first NaN.
				if v := top[2*ow+1]; v > m || (v != v && m == m) {
					m, at = v, 1
				}
				if v := bot[2*ow]; v > m || (v != v && m == m) {
					m, at = v, g.w
				}
				if v := bot[2*ow+1]; v > m || (v != v && m == m) {
					m, at = v, g.w+1
				}
				dd[ow] = m
				aa[ow] = base + 2*ow + at
			}
		}
	}
}
