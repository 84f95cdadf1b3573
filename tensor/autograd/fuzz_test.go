package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tape"
)

// chain is a random program decoded from fuzz bytes: a chain of array
// operations on random small shapes, each new argument an input of its
// own. Decoding the same bytes gives the same program, so that it can be
// run on several backends.
type chain struct {
	data   []byte
	pos    int
	r      *rand.Rand // the inputs' elements
	x      []float64  // if not nil, the inputs' elements instead, in turn
	inputs []int      // the handles of the inputs, in order
	smooth bool       // no kink met: central differences apply
	tame   bool       // no primitive that amplifies rounding without bound
	trace  []string   // what was recorded, for failure messages
}

func newChain(data []byte) *chain {
	var seed uint64
	for i, c := range data {
		seed = seed*131 + uint64(c) + uint64(i)
	}
	return &chain{data: data, r: rand.New(rand.NewPCG(seed, 5)), smooth: true, tame: true}
}

// next returns the next byte, 0 past the end.
func (c *chain) next() int {
	if c.pos >= len(c.data) {
		return 0
	}
	c.pos++
	return int(c.data[c.pos-1])
}

// size draws an axis size: mostly 1 to 3, now and then 0.
func (c *chain) size() int {
	b := c.next()
	if b%11 == 10 {
		return 0
	}
	return 1 + b%3
}

// shape draws a shape of rank 0 to 3.
func (c *chain) shape() []int {
	s := make([]int, c.next()%4)
	for k := range s {
		s[k] = c.size()
	}
	return s
}

// input records a new input of the given shape, its elements drawn in
// [-1.5, 1.5) and exact in float32.
func (c *chain) input(b backend, s []int) int {
	x := make([]float64, size(s))
	for i := range x {
		x[i] = float64(float32(3*c.r.Float64() - 1.5))
	}
	if c.x != nil {
		x, c.x = c.x[:len(x)], c.x[len(x):]
	}
	h := b.input(s, x)
	c.inputs = append(c.inputs, h)
	c.trace = append(c.trace, fmt.Sprintf("input %v", s))
	return h
}

// like returns a shape that broadcasts with s (a suffix of it with some
// sizes 1) or, now and then, one that need not.
func (c *chain) like(s []int) []int {
	if c.next()%16 == 15 {
		return c.shape()
	}
	t := slices.Clone(s[min(len(s), c.next()%(len(s)+1)):])
	for k := range t {
		if c.next()%3 == 0 {
			t[k] = 1
		}
	}
	if c.next()%4 == 0 {
		t = append([]int{c.size()}, t...) // an axis in front: x broadcasts
	}
	return t
}

// axis draws an axis of rank r, negative half the time, now and then out
// of range.
func (c *chain) axis(r int) int {
	b := c.next()
	a := b % max(r, 1)
	if b%2 == 1 {
		a -= r
	}
	if b%32 == 31 {
		a = r
	}
	return a
}

// wild lists the primitives with a pole or an edge of their domain near
// which float32's rounding of their argument changes their value or
// derivative without bound (acos near ±1): float32 is not compared
// with float64 through them.
var wild = map[op.Op]bool{op.Div: true, op.Pow: true, op.Log: true, op.Sqrt: true, op.Tan: true, op.Asin: true, op.Acos: true, op.Atan2: true, op.Log1p: true}

// kinks lists the primitives whose derivative jumps somewhere.
var kinks = map[op.Op]bool{op.Abs: true, op.Min: true, op.Max: true, op.Relu: true, op.Step: true, op.Sign: true}

// run records the program on b and returns the handle of its output.
func (c *chain) run(b backend) int {
	unary, binary := []op.Op{}, []op.Op{}
	for _, o := range op.All() {
		switch {
		case o == op.Atan2:
			// Its branch cut is where chains meet signed zeros: relu(x)·y
			// is -0 for y < 0, logsumexp of -0 alone is +0 as
			// m + log Σ exp(x - m) computes it, and atan2(±0, x < 0) is
			// ±π. TestScalarTape checks it off the cut.
		case o.Arity() == 1:
			unary = append(unary, o)
		default:
			binary = append(binary, o)
		}
	}
	x := c.input(b, c.shape())
	n := 1 + c.next()%5
	for range n {
		s := b.shape(x)
		r := len(s)
		switch k := c.next() % 12; k {
		case 0, 1:
			o := unary[c.next()%len(unary)]
			c.smooth = c.smooth && !kinks[o]
			c.tame = c.tame && !wild[o]
			c.trace = append(c.trace, o.Word())
			x = b.apply(o, x, -1)
		case 2, 3:
			o := binary[c.next()%len(binary)]
			c.smooth = c.smooth && !kinks[o]
			c.tame = c.tame && !wild[o]
			y := c.input(b, c.like(s))
			c.trace = append(c.trace, o.Word())
			if c.next()%2 == 0 {
				x, y = y, x
			}
			x = b.apply(o, x, y)
		case 4:
			kinds := []prim{sum, mean, logsumexp, maximum}
			kind := kinds[c.next()%4]
			var axes []int
			if c.next()%3 != 0 {
				axes = []int{}
				for range c.next() % (r + 1) {
					axes = append(axes, c.axis(r))
				}
			}
			keep := c.next()%2 == 0
			c.trace = append(c.trace, fmt.Sprintf("reduce %d %v %v", kind, axes, keep))
			c.smooth = c.smooth && kind != maximum
			x = b.reduce(kind, x, axes, keep)
		case 5, 6:
			// a·y with y …×k×n, or y·a with y …×m×k.
			t := c.like(s)
			if r >= 2 && len(t) >= 2 && c.next()%8 != 0 {
				t[len(t)-2], t[len(t)-1] = s[r-1], c.size()
				if c.next()%2 == 0 {
					t[len(t)-2], t[len(t)-1] = c.size(), s[r-2]
					y := c.input(b, t)
					c.trace = append(c.trace, "matmul y·x")
					x = b.matmul(y, x)
					break
				}
			}
			y := c.input(b, t)
			c.trace = append(c.trace, "matmul x·y")
			x = b.matmul(x, y)
		case 7:
			var ns []int
			if c.next()%2 == 0 {
				ns = []int{-1}
			} else {
				ns = slices.Clone(s)
				slices.Reverse(ns)
			}
			c.trace = append(c.trace, fmt.Sprintf("reshape %v", ns))
			x = b.reshape(x, ns)
		case 8:
			perm := c.r.Perm(r)
			if c.next()%8 == 0 {
				perm = nil
			}
			c.trace = append(c.trace, fmt.Sprintf("transpose %v", perm))
			x = b.transpose(x, perm)
		case 9:
			kind := []prim{softmax, logsoftmax}[c.next()%2]
			a := c.axis(r)
			c.trace = append(c.trace, fmt.Sprintf("softmax %d %d", kind, a))
			x = b.softmax(kind, x, a)
		case 10:
			a := c.axis(r)
			c.trace = append(c.trace, fmt.Sprintf("concatenate %d", a))
			x = b.concat(a, x, b.apply(op.Sin, x, -1))
		case 11:
			if r == 0 {
				c.trace = append(c.trace, "cross-entropy of a scalar")
				x = b.xent(x, nil)
				break
			}
			rows := size(s[:r-1])
			l := make([]int, rows)
			for i := range l {
				l[i] = c.next() % max(1, s[r-1])
			}
			c.trace = append(c.trace, fmt.Sprintf("cross-entropy %v", l))
			x = b.xent(x, l)
		}
	}
	return x
}

// documented reports whether a panic's value is one of the packages'
// documented programmer-error panics.
func documented(v any) bool {
	s, ok := v.(string)
	return ok && (strings.HasPrefix(s, "tensor: ") || strings.HasPrefix(s, "autograd: "))
}

// fuzzLoss records the chain of data on b and Σ out·w with fixed weights.
func fuzzLoss(b backend, data []byte, x []float64) (*chain, int) {
	c := newChain(data)
	c.x = x
	out := c.run(b)
	s := b.shape(out)
	w := make([]float64, size(s))
	r := rand.New(rand.NewPCG(uint64(len(data)), 9))
	for i := range w {
		w[i] = r.NormFloat64()
	}
	return c, b.reduce(sum, b.apply(op.Mul, out, b.constant(s, w)), nil, false)
}

// FuzzOps builds a random chain of array operations from the fuzz input
// (element-wise with broadcasting, reductions over random axes, matmul,
// reshape, transpose, softmax, concatenate, cross-entropy) on small random
// shapes with size-0 and size-1 axes, and checks that it either panics
// with one of the documented "tensor: " and "autograd: " messages or
// records, and that its gradient then agrees with the scalar tape's in
// float64 and float32, and with central differences where the chain is
// smooth.
func FuzzOps(f *testing.F) {
	for _, s := range []string{"", "\x01\x02\x03\x04", "\x03\x02\x02\x05\x05\x02\x02\x01", "\x02\x03\x01\x04\x09\x00\x07", "\x03\x01\x02\x03\x05\x05\x01\x02\x09", "\x02\x02\x03\x04\x04\x01\x01\x01\x0b\x02\x02"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			c64    *chain
			v64    float64
			g64    []float64
			failed any
			stack  []byte
			tame   bool    // every value and adjoint finite and moderate
			maxAdj float64 // the largest finite adjoint of any record
			maxVal float64 // the largest finite value of any record
		)
		func() {
			defer func() {
				if v := recover(); v != nil {
					failed, stack = v, debug.Stack()
				}
			}()
			b := &arrayBackend[float64]{t: New[float64]()}
			c, loss := fuzzLoss(b, data, nil)
			c64 = c
			b.t.Backward(b.vars[loss])
			v64 = b.vars[loss].Value().At()
			for _, h := range c.inputs {
				g64 = append(g64, b.t.Grad(b.vars[h]).Data()...)
			}
			tame = true
			for _, v := range b.vars {
				for _, e := range append(v.Value().Data(), b.t.Grad(v).Data()...) {
					tame = tame && math.Abs(e) < 1e2
				}
				for _, e := range b.t.Grad(v).Data() {
					if !math.IsInf(e, 0) && !math.IsNaN(e) {
						maxAdj = max(maxAdj, math.Abs(e))
					}
				}
				for _, e := range v.Value().Data() {
					if !math.IsInf(e, 0) && !math.IsNaN(e) {
						maxVal = max(maxVal, math.Abs(e))
					}
				}
			}
		}()
		if failed != nil {
			if !documented(failed) {
				t.Fatalf("panic not documented: %v\n%s", failed, stack)
			}
			return
		}
		name := strings.Join(c64.trace, ", ")
		sb := &scalarBackend{t: tape.New()}
		c, loss := fuzzLoss(sb, data, nil)
		out := sb.arrs[loss].v[0]
		sb.t.Backward(out)
		var want []float64
		for _, h := range c.inputs {
			for _, v := range sb.arrs[h].v {
				want = append(want, sb.t.Adjoint(v))
			}
		}
		if !close(v64, out.Value(), 1e-12) {
			t.Fatalf("%s: float64 loss %g, scalar tape %g", name, v64, out.Value())
		}
		if math.IsInf(v64, 0) || math.IsNaN(v64) {
			// Past an overflow the two orders of evaluation meet
			// Inf - Inf at different places: only the loss must agree.
			return
		}
		// Two orders of summation differ by rounding relative to the
		// largest terms summed, which can be far larger than the result:
		// the tolerance is relative to the largest adjoint too.
		// A difference of large values keeps only their absolute
		// precision, maxVal·2^-52, and the two backends subtract at
		// different places (x - lse in a log-softmax of inputs near 3e5
		// is off by 6e-11 in either, and the adjoints of a sinh chain
		// below it multiply that by 2e7): the rounding allowed relative
		// to the largest adjoint is at least 8·maxVal·2^-52.
		slack := max(1e-12, 8*maxVal*0x1p-52) * maxAdj
		for i := range want {
			if !close(g64[i], want[i], 1e-10) && !(math.Abs(g64[i]-want[i]) <= slack) {
				t.Fatalf("%s: float64: ∂/∂x[%d] = %g, scalar tape %g", name, i, g64[i], want[i])
			}
		}

		// float32 against the float64 scalar tape, to 1% of the
		// gradient's scale (a chain of exps and cosines amplifies
		// float32's rounding a thousandfold; a bug is off by far more), where no primitive of the
		// chain is wild and every value and adjoint of the float64 run is
		// finite and moderate (not near an overflow or a pole, where
		// float32's rounding is amplified without bound).
		if !tame || !c.tame {
			return
		}
		scale := 1.0
		for _, g := range want {
			scale = max(scale, math.Abs(g))
		}
		b32 := &arrayBackend[float32]{t: New[float32]()}
		c32, loss32 := fuzzLoss(b32, data, nil)
		b32.t.Backward(b32.vars[loss32])
		var g32 []float64
		for _, h := range c32.inputs {
			for _, e := range b32.t.Grad(b32.vars[h]).Data() {
				g32 = append(g32, float64(e))
			}
		}
		for i := range want {
			if d := math.Abs(g32[i] - want[i]); !(d <= 1e-2*scale) {
				t.Fatalf("%s: float32: ∂/∂x[%d] = %g, scalar tape %g", name, i, g32[i], want[i])
			}
		}

		// Central differences of the float64 array loss, where the chain
		// is smooth and the loss finite.
		if !c.smooth || len(want) > 64 || math.IsInf(v64, 0) {
			return
		}
		var x []float64
		for _, h := range c.inputs {
			for _, v := range sb.arrs[h].v {
				x = append(x, v.Value())
			}
		}
		f64 := func(x []float64) float64 {
			b := &arrayBackend[float64]{t: New[float64]()}
			_, l := fuzzLoss(b, data, slices.Clone(x))
			return b.vars[l].Value().At()
		}
		// Near a pole or a domain's edge (acos near ±1) the differences
		// themselves are unreliable: they are checked where two step sizes
		// agree.
		fdg := fd.Gradient(nil, f64, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
		fdh := fd.Gradient(nil, f64, x, &fd.Settings{Formula: fd.Central, Step: 2e-6})
		for i := range want {
			if !(math.Abs(fdg[i]-fdh[i]) <= 1e-6*scale) {
				continue
			}
			if d := math.Abs(fdg[i] - want[i]); !(d <= 1e-5*scale) {
				t.Fatalf("%s: ∂/∂x[%d] = %g, central differences %g", name, i, want[i], fdg[i])
			}
		}
	})
}
