package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// kernel is a micro-kernel and the block sizes of the loops around it.
type kernel[T float] struct {
	name string
	// fn adds alpha·Â·B̂ into the mr×nr tile of C at c[0], rows ldc
	// apart, where Â is an mr×k sliver packed column by column (mr
	// elements for each p) and B̂ a k×nr sliver packed row by row. k ≥ 1.
	fn func(k int, a, b, c []T, ldc int, alpha T)
	// tile, if not nil, is used instead of fn: it computes the rows×cols
	// corner of a tile of C in the store mode given (modeSet, modeAdd,
	// modeScale), reads no more of C, and reads Â and B̂ with strides as
	// and bs, so that edge tiles need no scratch tile, beta needs no pass
	// of its own over C, and an operand already laid out as the packed
	// one needs no packing.
	tile func(k int, a []T, as int, b []T, bs int, c []T, ldc int, alpha, beta T, rows, cols, mode int)
	// tileRows is tile with Â read from a row-major A, element (i, p) at
	// a[i·as+p].
	tileRows func(k int, a []T, as int, b []T, bs int, c []T, ldc int, alpha, beta T, rows, cols, mode int)
	mr, nr   int
	// kc is the depth of a packed sliver, mc the rows of the packed block
	// of A, nc the columns of the packed block of B; mc is a multiple of
	// mr and nc of nr.
	kc, mc, nc int
	// free holds packing buffers between calls. It is not a sync.Pool:
	// a pool is emptied by every other garbage collection, and a
	// megabyte-sized buffer made again after each one is itself what
	// keeps the collector running.
	freeMu   sync.Mutex
	free     []*[]T
	problems sync.Pool // of *problem[T], for the parallel path
}

// parallelMin is the number of multiply-adds m·n·k below which a product
// runs on the calling goroutine alone. Handing chunks to a worker costs
// 2-7 µs even when it is awake, which pays from about 20 µs of serial
// work. Measured on the MLP shapes and small squares (2 cores, AVX-512):
// going parallel from 1 multiply-add made 64×10×128, 64×128×10 and n = 64
// 40-90% slower, and 256×128×10 55% slower (128×10×256, 12% faster);
// going parallel only from 4·10⁶ made n = 128 15-29% slower.
const parallelMin = 96 * 96 * 96

// The store modes of a tile: how the product meets C.
const (
	modeSet   = 0 // C = alpha·Â·B̂, C not read (beta = 0)
	modeAdd   = 1 // C += alpha·Â·B̂ (beta = 1, and every block of k after the first)
	modeScale = 2 // C = alpha·Â·B̂ + beta·C
)

// problem is one call, after the arguments are checked.
type problem[T float] struct {
	kern    *kernel[T]
	m, n, k int
	alpha   T
	beta    T
	mode    int // the store mode of the first block of k
	a       []T
	lda     int
	aTrans  bool
	b       []T
	ldb     int
	bTrans  bool
	c       []T
	ldc     int
	// The parallel path: chunks taken so far (next) of nchunks, chunks
	// not yet done (pending), and references held by the caller and the
	// workers sent the problem (refs).
	next    atomic.Int64
	nchunks int
	pending sync.WaitGroup
	refs    atomic.Int32
}

// chunks is how many pieces the product is cut into: 1 below parallelMin
// multiply-adds or with GOMAXPROCS = 1, else two for each of GOMAXPROCS
// goroutines (one from bigProduct), at most one per tile along the split
// side. Goroutines take
// chunks until none is left, so that one that starts late (waking a
// parked thread takes 40-200 µs on this VM) takes fewer instead of
// delaying the product.
func (p *problem[T]) chunks() int {
	procs := runtime.GOMAXPROCS(0)
	if p.m*p.n*p.k < parallelMin || procs < 2 {
		return 1
	}
	per := 2 // chunks per goroutine
	if p.m*p.n*p.k >= bigProduct {
		// A late start is small beside this much work, and each chunk
		// packs its own block of the other operand.
		per = 1
	}
	size, unit := p.split()
	return min(per*procs, (size+unit-1)/unit)
}

// bigProduct is the number of multiply-adds from which a product is cut
// into one chunk per goroutine.
const bigProduct = 2 * 256 * 256 * 256

// split returns the side of C that is cut into chunks, the longer of the
// rows and the columns, so that each chunk packs its own block of the
// other operand, and its unit, a tile.
func (p *problem[T]) split() (size, unit int) {
	if p.m >= p.n {
		return p.m, p.kern.mr
	}
	return p.n, p.kern.nr
}

// chunk computes chunk w of the n chunks of C: a run of whole tiles along
// the split side.
func (p *problem[T]) chunk(w, n int) {
	size, unit := p.split()
	tiles := (size + unit - 1) / unit
	lo := min(size, tiles*w/n*unit)
	hi := min(size, tiles*(w+1)/n*unit)
	switch {
	case lo == hi:
	case p.m >= p.n:
		p.block(lo, hi, 0, p.n)
	default:
		p.block(0, p.m, lo, hi)
	}
}

// drain computes chunks until none is left.
func (p *problem[T]) drain() {
	for {
		w := int(p.next.Add(1) - 1)
		if w >= p.nchunks {
			return
		}
		p.chunk(w, p.nchunks)
		p.pending.Done()
	}
}

// work is a worker's share of a problem: whatever chunks are left when
// it gets there, possibly none.
func (p *problem[T]) work() {
	p.drain()
	p.release()
}

// release drops one reference to the problem; the last returns it to the
// pool. A worker may get to a problem after the caller has returned, so
// the caller cannot recycle it alone.
func (p *problem[T]) release() {
	if p.refs.Add(-1) == 0 {
		p.a, p.b, p.c = nil, nil, nil
		p.kern.problems.Put(p)
	}
}

// runParallel computes the product in n chunks on the calling goroutine
// and up to GOMAXPROCS-1 workers, and returns when every chunk is done.
func (p *problem[T]) runParallel(n int) {
	helpers := min(runtime.GOMAXPROCS(0), n) - 1
	startWorkers(helpers)
	p.nchunks = n
	p.next.Store(0)
	p.pending.Add(n)
	p.refs.Store(int32(1 + helpers))
	for range helpers {
		jobs <- p
	}
	p.drain()
	p.pending.Wait()
	p.release()
}

// The worker goroutines are started on first need and then live for the
// life of the process, parked on jobs when idle: handing them a part
// allocates nothing, where starting a goroutine with a closure would.
// After a job a worker polls for the next one for spinFor before it
// parks, because the products of a training step come back to back and
// waking a parked thread costs more than a small product. A job never
// waits for another, so a full queue only delays a caller.
var (
	jobs      = make(chan interface{ work() }, 64)
	workersMu sync.Mutex
	workers   int // started
)

const spinFor = 50 * time.Microsecond

// startWorkers makes sure that at least n workers are running.
func startWorkers(n int) {
	workersMu.Lock()
	for ; workers < n; workers++ {
		go worker()
	}
	workersMu.Unlock()
}

func worker() {
	for j := range jobs {
		j.work()
		for start := time.Now(); time.Since(start) < spinFor; {
			select {
			case j := <-jobs:
				j.work()
				start = time.Now()
			default:
				runtime.Gosched()
			}
		}
	}
}

// block computes rows [i0, i1) and columns [j0, j1) of C.
func (p *problem[T]) block(i0, i1, j0, j1 int) {
	kern := p.kern
	mr, nr := kern.mr, kern.nr
	kc := balance(p.k, kern.kc, 1)
	mc := balance(i1-i0, kern.mc, mr)
	nc := balance(j1-j0, kern.nc, nr)
	buf := kern.buffer(mc*kc + kc*nc + mr*nr)
	defer kern.release(buf)
	ap := (*buf)[:mc*kc]
	bp := (*buf)[mc*kc : mc*kc+kc*nc]
	tile := (*buf)[mc*kc+kc*nc : mc*kc+kc*nc+mr*nr]
	tileA, directA := kern.tile, kern.directA(p, j1-j0)
	if directA && !p.aTrans {
		tileA = kern.tileRows
	}
	directB := kern.directB(p, i1-i0, j1-j0)
	for ic := i0; ic < i1; ic += mc {
		mcur := min(mc, i1-ic)
		whole := 0
		if directA {
			whole = mcur / mr * mr
		}
		for pc := 0; pc < p.k; pc += kc {
			kcur := min(kc, p.k-pc)
			mode, beta := modeAdd, T(1)
			if pc == 0 {
				mode, beta = p.mode, p.beta
			}
			if whole < mcur {
				packA(ap, p.a, p.lda, p.aTrans, ic+whole, pc, mcur-whole, kcur, mr)
			}
			for jc := j0; jc < j1; jc += nc {
				ncur := min(nc, j1-jc)
				if !directB {
					packB(bp, p.b, p.ldb, p.bTrans, pc, jc, kcur, ncur, nr)
				}
				for ir := 0; ir < mcur; ir += mr {
					var a []T
					as, tileFn := mr, kern.tile
					switch {
					case ir >= whole:
						a = ap[(ir-whole)*kcur : (ir-whole+mr)*kcur]
					case p.aTrans:
						a, as, tileFn = p.a[pc*p.lda+ic+ir:], p.lda, tileA
					default:
						a, as, tileFn = p.a[(ic+ir)*p.lda+pc:], p.lda, tileA
					}
					rows := min(mr, mcur-ir)
					for jr := 0; jr < ncur; jr += nr {
						var b []T
						bs := nr
						if directB {
							b, bs = p.b[pc*p.ldb+jc+jr:], p.ldb
						} else {
							b = bp[jr*kcur : (jr+nr)*kcur]
						}
						cols := min(nr, ncur-jr)
						c := p.c[(ic+ir)*p.ldc+jc+jr:]
						if tileFn != nil {
							tileFn(kcur, a, as, b, bs, c, p.ldc, p.alpha, beta, rows, cols, mode)
							continue
						}
						kern.compute(kcur, a, b, c, p.ldc, p.alpha, beta, rows, cols, mode, tile)
					}
				}
			}
		}
	}
}

// Packing an operand pays when its packed slivers are read many times:
// a sliver of A once for each tile along a row of the block of C, B once
// for each sliver of A. Below these counts (or when B is small enough to
// stay in L1 whatever its layout) the tile kernels read the
// operand in place (A either way, B only untransposed), and a small or
// thin product (64×10×128, n = 64) runs 1.5-2× faster; above them packing
// is kept, for the locality the blocked loops are built on. Measured with
// BenchmarkMLPShapes and the square benchmarks: reading in place at every
// size was no faster at n ≥ 256 and slower at n = 1024.
const (
	directTilesA = 16   // tiles of C along a row
	directTilesB = 8    // slivers of A
	directSizeB  = 8192 // or elements of B, at most
)

// directA reports whether the whole slivers of A are read in place
// rather than packed, for a block of ncols columns of C.
func (kern *kernel[T]) directA(p *problem[T], ncols int) bool {
	if kern.tile == nil || (!p.aTrans && kern.tileRows == nil) {
		return false
	}
	return ncols <= directTilesA*kern.nr
}

// directB reports whether B is read in place rather than packed, for a
// block of nrows rows and ncols columns of C.
func (kern *kernel[T]) directB(p *problem[T], nrows, ncols int) bool {
	if kern.tile == nil || p.bTrans {
		return false
	}
	return nrows <= directTilesB*kern.mr || p.k*ncols <= directSizeB
}

// compute does with fn what tile does, for kernels that only add into
// whole tiles: it scales C by beta first, and computes a partial tile
// into the scratch tile and adds that in.
func (kern *kernel[T]) compute(k int, a, b, c []T, ldc int, alpha, beta T, rows, cols, mode int, tile []T) {
	mr, nr := kern.mr, kern.nr
	if mode != modeAdd {
		for i := range rows {
			row := c[i*ldc : i*ldc+cols]
			if mode == modeSet {
				clear(row)
				continue
			}
			for j := range row {
				row[j] *= beta
			}
		}
	}
	if rows == mr && cols == nr {
		kern.fn(k, a, b, c, ldc, alpha)
		return
	}
	clear(tile)
	kern.fn(k, a, b, tile, nr, alpha)
	for i := range rows {
		dst := c[i*ldc : i*ldc+cols]
		for j, v := range tile[i*nr : i*nr+cols] {
			dst[j] += v
		}
	}
}

// maxFree is the number of packing buffers a kernel keeps between calls:
// one for each goroutine of a parallel product on this machine, and one
// for a concurrent call.
const maxFree = 4

// buffer returns a packing buffer of at least n elements whose first
// element is aligned to 64 bytes, for whole-cache-line vector loads.
func (kern *kernel[T]) buffer(n int) *[]T {
	const align = 64
	var zero T
	size := int(unsafe.Sizeof(zero))
	kern.freeMu.Lock()
	var v *[]T
	if last := len(kern.free) - 1; last >= 0 {
		v = kern.free[last]
		kern.free[last] = nil
		kern.free = kern.free[:last]
	}
	kern.freeMu.Unlock()
	if v != nil && cap(*v) >= n {
		return v
	}
	s := make([]T, n+align/size)
	skip := 0
	if r := int(uintptr(unsafe.Pointer(&s[0])) % align); r != 0 {
		skip = (align - r) / size
	}
	s = s[skip : skip+n]
	return &s
}

// release returns a buffer from buffer for later calls.
func (kern *kernel[T]) release(v *[]T) {
	kern.freeMu.Lock()
	if len(kern.free) < maxFree {
		kern.free = append(kern.free, v)
	}
	kern.freeMu.Unlock()
}

func roundUp(n, unit int) int { return (n + unit - 1) / unit * unit }

// balance returns the step, a multiple of unit no larger than
// roundUp(limit, unit), that covers size in the fewest steps of nearly
// equal length: 1024 rows in steps of at most 1008 are two steps of 512,
// not 1008 and a thin 16 that would repack the other operand for little
// work.
func balance(size, limit, unit int) int {
	steps := (size + limit - 1) / limit
	return roundUp((size+steps-1)/steps, unit)
}

// packA copies the mcur×kcur block of op(A) at (ic, pc) into ap, as slivers
// of mr rows, each stored column by column (mr elements for each p), and
// pads the last sliver with zero rows.
func packA[T float](ap, a []T, lda int, trans bool, ic, pc, mcur, kcur, mr int) {
	for ir := 0; ir < mcur; ir += mr {
		s := ap[ir*kcur : (ir+mr)*kcur]
		rows := min(mr, mcur-ir)
		if trans {
			// op(A)[i][p] = a[p*lda+i]: each p is a contiguous run of rows.
			packRuns(s, a, lda, pc, ic+ir, kcur, rows, mr)
		} else {
			// op(A)[i][p] = a[i*lda+p]: each row is a contiguous run of p.
			packCross(s, a, lda, ic+ir, pc, rows, kcur, mr)
		}
	}
}

// packB copies the kcur×ncur block of op(B) at (pc, jc) into bp, as slivers
// of nr columns, each stored row by row (nr elements for each p), and pads
// the last sliver with zero columns.
func packB[T float](bp, b []T, ldb int, trans bool, pc, jc, kcur, ncur, nr int) {
	for jr := 0; jr < ncur; jr += nr {
		s := bp[jr*kcur : (jr+nr)*kcur]
		cols := min(nr, ncur-jr)
		if trans {
			// op(B)[p][j] = b[j*ldb+p]: each column j is a contiguous run of p.
			packCross(s, b, ldb, jc+jr, pc, cols, kcur, nr)
		} else {
			packRuns(s, b, ldb, pc, jc+jr, kcur, cols, nr)
		}
	}
}

// packRuns packs a sliver whose kcur runs of width elements are contiguous
// in x: run p is x[(r0+p)*ld+c0:][:width], stored at s[p*w:] and padded
// with zeros to w.
func packRuns[T float](s, x []T, ld, r0, c0, kcur, width, w int) {
	for p := range kcur {
		dst := s[p*w : p*w+w]
		copy(dst, x[(r0+p)*ld+c0:(r0+p)*ld+c0+width])
		clear(dst[width:])
	}
}

// packCross packs a sliver that lies across x: element i of run p is
// x[(r0+i)*ld+c0+p], for i < width, stored at s[p*w+i]; elements i in
// [width, w) are zero. Eight (then four) rows of x are read side by side,
// so that the writes of one p land together in one cache line.
func packCross[T float](s, x []T, ld, r0, c0, width, kcur, w int) {
	s = s[:kcur*w]
	i := 0
	for ; i+8 <= width; i += 8 {
		x0 := x[(r0+i)*ld+c0:][:kcur]
		x1 := x[(r0+i+1)*ld+c0:][:len(x0)]
		x2 := x[(r0+i+2)*ld+c0:][:len(x0)]
		x3 := x[(r0+i+3)*ld+c0:][:len(x0)]
		x4 := x[(r0+i+4)*ld+c0:][:len(x0)]
		x5 := x[(r0+i+5)*ld+c0:][:len(x0)]
		x6 := x[(r0+i+6)*ld+c0:][:len(x0)]
		x7 := x[(r0+i+7)*ld+c0:][:len(x0)]
		d := s[i:]
		for p, v := range x0 {
			o := d[p*w : p*w+8 : p*w+8]
			o[0], o[1], o[2], o[3] = v, x1[p], x2[p], x3[p]
			o[4], o[5], o[6], o[7] = x4[p], x5[p], x6[p], x7[p]
		}
	}
	for ; i+4 <= width; i += 4 {
		x0 := x[(r0+i)*ld+c0:][:kcur]
		x1 := x[(r0+i+1)*ld+c0:][:len(x0)]
		x2 := x[(r0+i+2)*ld+c0:][:len(x0)]
		x3 := x[(r0+i+3)*ld+c0:][:len(x0)]
		d := s[i:]
		for p, v := range x0 {
			o := d[p*w : p*w+4 : p*w+4]
			o[0], o[1], o[2], o[3] = v, x1[p], x2[p], x3[p]
		}
	}
	for ; i < width; i++ {
		for p, v := range x[(r0+i)*ld+c0:][:kcur] {
			s[p*w+i] = v
		}
	}
	if width < w {
		for p := range kcur {
			clear(s[p*w+width : p*w+w])
		}
	}
}
