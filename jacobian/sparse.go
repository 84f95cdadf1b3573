package jacobian

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/colour"
)

// Sparse is an m×n matrix in compressed rows: the entries of row k are
// Vals[Start[k]:Start[k+1]], in the columns Cols[Start[k]:Start[k+1]] in
// increasing order.
type Sparse struct {
	M, N  int
	Start []int
	Cols  []int32
	Vals  []float64
}

// At returns the entry (k, j), 0 outside the structure.
func (s *Sparse) At(k, j int) float64 {
	for e := s.Start[k]; e < s.Start[k+1]; e++ {
		if int(s.Cols[e]) == j {
			return s.Vals[e]
		}
	}
	return 0
}

// NNZ returns the number of entries stored.
func (s *Sparse) NNZ() int { return len(s.Cols) }

// A Colored computes the Jacobians of one program by colouring its
// sparsity ([compile.Program.Dependencies]): in forward mode, columns
// that share no row get one colour and one Jacobian-vector product per
// colour recovers all their entries; in reverse mode, rows that share no
// column get one colour and one vector-Jacobian product per colour. A
// banded Jacobian costs a handful of products whatever its size. It holds
// the colouring, worked out once by NewColored, and scratch memory: it is
// not safe for concurrent use.
type Colored struct {
	p      *compile.Program
	w      *compile.Workspace
	mode   Mode
	start  []int
	cols   []int32
	color  []int32 // of each column (forward) or row (reverse)
	colors int
	// The entries each product recovers: entry entries[i] in row
	// rowOf[i], for i in byColor[c]:byColor[c+1].
	byColor []int
	entries []int32
	rowOf   []int32
	seed    []float64
	out     []float64
	vals    []float64
}

// NewColored returns a Colored for p in mode: Forward colours columns,
// Reverse rows, and Auto takes whichever needs fewer products (forward on
// a tie).
func NewColored(p *compile.Program, mode Mode) *Colored {
	return NewColoredFromSparsity(p, p.Dependencies(), mode)
}

// NewColoredFromSparsity is NewColored with the structure rows, which must
// be p's [compile.Program.Dependencies]: the structure found once with a
// bound ([compile.Program.DependenciesWithin]), and its size and
// [ColoringCost] checked against limits, before the colouring is worked
// out.
func NewColoredFromSparsity(p *compile.Program, rows [][]int32, mode Mode) *Colored {
	n, m := p.NumInputs(), p.NumOutputs()
	if len(rows) != m {
		panic(fmt.Sprintf("jacobian: the structure has %d rows, want %d outputs", len(rows), m))
	}
	c := &Colored{p: p, w: p.NewWorkspace(), start: make([]int, m+1)}
	for k, r := range rows {
		c.start[k+1] = c.start[k] + len(r)
	}
	c.cols = make([]int32, 0, c.start[m])
	for _, r := range rows {
		c.cols = append(c.cols, r...)
	}
	// The columns' rows, the transpose of the structure.
	colRows := make([][]int32, n)
	for k, r := range rows {
		for _, j := range r {
			colRows[j] = append(colRows[j], int32(k))
		}
	}
	// Columns conflict through rows, rows through columns; Auto colours
	// both ways to compare, the others only their own.
	var fc, rc []int32
	var fn, rn int
	if mode != Reverse {
		fc, fn = colour.Greedy(colRows, rows)
	}
	if mode != Forward {
		rc, rn = colour.Greedy(rows, colRows)
	}
	switch {
	case mode == Forward || mode == Auto && fn <= rn:
		c.mode, c.color, c.colors = Forward, fc, fn
	default:
		c.mode, c.color, c.colors = Reverse, rc, rn
	}
	c.byColor = make([]int, c.colors+1)
	colorOf := func(k int, e int) int32 {
		if c.mode == Forward {
			return c.color[c.cols[e]]
		}
		return c.color[k]
	}
	for k := range m {
		for e := c.start[k]; e < c.start[k+1]; e++ {
			c.byColor[colorOf(k, e)+1]++
		}
	}
	for col := range c.colors {
		c.byColor[col+1] += c.byColor[col]
	}
	fill := append([]int(nil), c.byColor[:c.colors]...)
	c.entries = make([]int32, len(c.cols))
	c.rowOf = make([]int32, len(c.cols))
	for k := range m {
		for e := c.start[k]; e < c.start[k+1]; e++ {
			col := colorOf(k, e)
			c.entries[fill[col]], c.rowOf[fill[col]] = int32(e), int32(k)
			fill[col]++
		}
	}
	c.seed = make([]float64, max(n, m))
	c.out = make([]float64, max(n, m))
	c.vals = make([]float64, m)
	return c
}

// ColoringCost returns the steps NewColoredFromSparsity takes to colour
// the structure rows of a program of n inputs in mode: for Forward the sum
// of the squares of the rows' lengths, for Reverse that of the columns',
// for Auto, which colours both ways, the two.
func ColoringCost(rows [][]int32, n int, mode Mode) int64 {
	var c int64
	if mode != Reverse {
		c += colour.Cost(rows)
	}
	if mode != Forward {
		count := make([]int64, n)
		for _, r := range rows {
			for _, j := range r {
				count[j]++
			}
		}
		for _, k := range count {
			c += k * k
		}
	}
	return c
}

// Mode returns the mode the Jacobian is computed in, Forward or Reverse.
func (c *Colored) Mode() Mode { return c.mode }

// Colors returns the number of products a Jacobian costs.
func (c *Colored) Colors() int { return c.colors }

// Sparse stores the Jacobian of the program at x in dst, and the outputs
// in values unless it is nil, and returns dst. If dst is nil a new Sparse
// is allocated; its structure is that of the program. Entries follow
// [Jacobian]: NaN in every entry of a row whose output is NaN, and where
// the entry is not finite; outside the structure, where Sparse stores
// nothing, the dense Jacobian's entries are 0 (NaN in a row whose output
// is NaN). It panics if len(x), or len(values) when values
// is not nil, does not match the program.
func (c *Colored) Sparse(dst *Sparse, values, x []float64) *Sparse {
	n, m := c.p.NumInputs(), c.p.NumOutputs()
	if len(x) != n {
		panic(fmt.Sprintf("jacobian: x has length %d, want %d inputs", len(x), n))
	}
	if values != nil && len(values) != m {
		panic(fmt.Sprintf("jacobian: values has length %d, want %d outputs", len(values), m))
	}
	if dst == nil {
		dst = &Sparse{}
	}
	dst.M, dst.N, dst.Start, dst.Cols = m, n, c.start, c.cols
	if len(dst.Vals) != len(c.cols) {
		dst.Vals = make([]float64, len(c.cols))
	}
	c.w.Values(c.vals, x)
	if values != nil {
		copy(values, c.vals)
	}
	for col := range c.colors {
		seed := c.seed[:n]
		if c.mode == Reverse {
			seed = c.seed[:m]
		}
		for i := range seed {
			seed[i] = 0
			// A row whose output is NaN is left out of the product, whose
			// every element it would make NaN (Workspace.VJP); its
			// entries are all NaN below.
			if c.color[i] == int32(col) && (c.mode == Forward || !math.IsNaN(c.vals[i])) {
				seed[i] = 1
			}
		}
		if c.mode == Forward {
			c.w.JVPs(c.out[:m], nil, x, seed)
			for i := c.byColor[col]; i < c.byColor[col+1]; i++ {
				dst.Vals[c.entries[i]] = c.out[c.rowOf[i]]
			}
			continue
		}
		c.w.VJP(c.out[:n], nil, x, seed)
		for i := c.byColor[col]; i < c.byColor[col+1]; i++ {
			e := c.entries[i]
			dst.Vals[e] = c.out[c.cols[e]]
			if math.IsNaN(c.vals[c.rowOf[i]]) {
				dst.Vals[e] = math.NaN()
			}
		}
	}
	return dst
}
