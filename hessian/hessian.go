// Package hessian computes Hessians of compiled programs, exploiting their
// sparsity: the structure found from the program
// ([compile.Program.HessianSparsity]) is coloured so that columns sharing
// no row get one colour, and one Hessian-vector product
// ([compile.Workspace.HVP], forward over reverse) per colour recovers
// every entry. The extended Rosenbrock function, whose Hessian is block
// diagonal, takes two products whatever its size; a dense Hessian takes
// one per input.
//
//	h := hessian.New(p)              // once: sparsity and colouring
//	v := h.Sparse(s, grad, x)       // many times: value, gradient, Hessian
//	h.Dense(m, grad, x)             // or into a gonum *mat.SymDense
//
// Entries follow [op.Gradient]: NaN where the value is NaN or the entry is
// not finite.
package hessian

import (
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/colour"
)

// Sparse is a symmetric matrix in compressed rows: the entries of row i
// are Vals[Start[i]:Start[i+1]], in the columns Cols[Start[i]:Start[i+1]]
// in increasing order. Both triangles are stored.
type Sparse struct {
	N     int
	Start []int
	Cols  []int32
	Vals  []float64
}

// At returns the entry (i, j), 0 outside the structure.
func (s *Sparse) At(i, j int) float64 {
	cols := s.Cols[s.Start[i]:s.Start[i+1]]
	if k, ok := slices.BinarySearch(cols, int32(j)); ok {
		return s.Vals[s.Start[i]+k]
	}
	return 0
}

// NNZ returns the number of entries stored.
func (s *Sparse) NNZ() int { return len(s.Cols) }

// A Hessian computes the Hessians of one program. It holds the sparsity
// and its colouring, worked out once by New, and scratch memory: it is not
// safe for concurrent use.
type Hessian struct {
	p      *compile.Program
	w      *compile.Workspace
	start  []int
	cols   []int32
	color  []int32 // the colour of each column
	colors int
	// The entries each product recovers: entry k = entries[j] of row
	// rowOf[j], for j in byColor[c]:byColor[c+1].
	byColor []int
	entries []int32
	rowOf   []int32
	seed    []float64
	hv      []float64
}

// New returns a Hessian of p.
func New(p *compile.Program) *Hessian {
	return NewFromSparsity(p, p.HessianSparsity())
}

// NewFromSparsity returns a Hessian of p whose structure is rows, which
// must be p's [compile.Program.HessianSparsity]: the structure found once
// with a bound ([compile.Program.HessianSparsityWithin]), and its size
// and [ColoringCost] checked against limits, before the colouring is
// worked out. New finds the structure itself, without a bound.
func NewFromSparsity(p *compile.Program, rows [][]int32) *Hessian {
	n := p.NumInputs()
	if len(rows) != n {
		panic(fmt.Sprintf("hessian: the structure has %d rows, want %d inputs", len(rows), n))
	}
	h := &Hessian{p: p, w: p.NewWorkspace(), start: make([]int, n+1)}
	for i, r := range rows {
		h.start[i+1] = h.start[i] + len(r)
	}
	h.cols = make([]int32, 0, h.start[n])
	for _, r := range rows {
		h.cols = append(h.cols, r...)
	}
	h.color, h.colors = colour.Greedy(rows, rows) // symmetric: columns conflict through rows
	h.byColor = make([]int, h.colors+1)
	for _, j := range h.cols {
		h.byColor[h.color[j]+1]++
	}
	for c := range h.colors {
		h.byColor[c+1] += h.byColor[c]
	}
	fill := slices.Clone(h.byColor[:h.colors])
	h.entries = make([]int32, len(h.cols))
	h.rowOf = make([]int32, len(h.cols))
	for i := range n {
		for k := h.start[i]; k < h.start[i+1]; k++ {
			c := h.color[h.cols[k]]
			h.entries[fill[c]], h.rowOf[fill[c]] = int32(k), int32(i)
			fill[c]++
		}
	}
	h.seed = make([]float64, n)
	h.hv = make([]float64, n)
	return h
}

// ColoringCost returns the steps New and NewFromSparsity take to colour
// the structure rows: the sum of the squares of the rows' lengths, linear
// for a banded structure and n³ for a dense one of n inputs.
func ColoringCost(rows [][]int32) int64 {
	return colour.Cost(rows)
}

// Colors returns the number of Hessian-vector products a Hessian costs.
func (h *Hessian) Colors() int { return h.colors }

// NNZ returns the number of entries in the structure of the Hessian.
func (h *Hessian) NNZ() int { return len(h.cols) }

// Sparse stores the Hessian of the program at x in dst, and the gradient
// in grad unless it is nil, and returns the value. If dst is nil a new
// Sparse is allocated; its structure is that of the program. It panics if
// len(x), or len(grad) when grad is not nil, is not the number of inputs.
func (h *Hessian) Sparse(dst *Sparse, grad, x []float64) (*Sparse, float64) {
	n := h.p.NumInputs()
	if dst == nil {
		dst = &Sparse{}
	}
	dst.N, dst.Start, dst.Cols = n, h.start, h.cols
	if len(dst.Vals) != len(h.cols) {
		dst.Vals = make([]float64, len(h.cols))
	}
	v := h.each(grad, x, func(c int, hv []float64) {
		for e := h.byColor[c]; e < h.byColor[c+1]; e++ {
			dst.Vals[h.entries[e]] = hv[h.rowOf[e]]
		}
	})
	return dst, v
}

// each runs one HVP per colour, calling f with the colour and the
// product, and returns the value.
func (h *Hessian) each(grad, x []float64, f func(c int, hv []float64)) float64 {
	n := h.p.NumInputs()
	if len(x) != n {
		panic(fmt.Sprintf("hessian: x has length %d, want %d inputs", len(x), n))
	}
	if grad != nil && len(grad) != n {
		panic(fmt.Sprintf("hessian: grad has length %d, want %d inputs", len(grad), n))
	}
	// Each HVP returns the value, computed as Value computes it: a
	// separate forward pass is needed only for the gradient, or when
	// there is no product.
	var value float64
	switch {
	case grad != nil:
		value = h.w.Gradient(grad, x)
	case h.colors == 0:
		value = h.w.Value(x)
	}
	for c := range h.colors {
		for j, cj := range h.color {
			h.seed[j] = 0
			if cj == int32(c) {
				h.seed[j] = 1
			}
		}
		v := h.w.HVP(h.hv, nil, x, h.seed)
		if grad == nil {
			value = v
		}
		f(c, h.hv)
	}
	return value
}

// Dense stores the Hessian of the program at x in dst, and the gradient
// in grad unless it is nil, and returns the value. If dst is nil a new
// matrix is allocated; otherwise it must be n×n, n the number of inputs.
// The entry (i, j) with i ≤ j is taken from the product whose colour is
// that of column j.
func (h *Hessian) Dense(dst *mat.SymDense, grad, x []float64) (*mat.SymDense, float64) {
	n := h.p.NumInputs()
	if dst == nil {
		dst = mat.NewSymDense(n, nil)
	} else if r := dst.SymmetricDim(); r != n {
		panic(fmt.Sprintf("hessian: dst is %d×%d, want %d×%d", r, r, n, n))
	}
	raw := dst.RawSymmetric()
	for i := range n {
		clear(raw.Data[i*raw.Stride+i : i*raw.Stride+n])
	}
	v := h.each(grad, x, func(c int, hv []float64) {
		for e := h.byColor[c]; e < h.byColor[c+1]; e++ {
			if i, j := int(h.rowOf[e]), int(h.cols[h.entries[e]]); j >= i {
				raw.Data[i*raw.Stride+j] = hv[i]
			}
		}
	})
	return dst, v
}
