package compile

import (
	"fmt"
	"math"

	"github.com/gobackprop/backprop/op"
)

// NumOutputs returns the number of outputs of p: 1, or the length of the
// tuple a function returns. The methods of one result (Value, Gradient,
// JVP, HVP, Check) compute the first output.
func (p *Program) NumOutputs() int { return len(p.outs) }

func (w *Workspace) checkOut(what string, s []float64) {
	if len(s) != len(w.p.outs) {
		panic(fmt.Sprintf("compile: %s has length %d, want %d outputs", what, len(s), len(w.p.outs)))
	}
}

func (w *Workspace) checkIn(what string, s []float64) {
	if len(s) != w.p.nIn {
		panic(fmt.Sprintf("compile: %s has length %d, want %d inputs", what, len(s), w.p.nIn))
	}
}

// Values stores the outputs of the program at x in dst. It panics if
// len(dst) is not the number of outputs or len(x) the number of inputs.
func (w *Workspace) Values(dst, x []float64) {
	w.checkOut("Values: dst", dst)
	w.load(x)
	w.forward(false)
	for k, o := range w.p.outs {
		dst[k] = w.val[o]
	}
}

// VJP stores in dst the vector-Jacobian product uᵀ·J at x, one reverse
// pass, and in values, unless it is nil, the outputs. The pass visits only
// the instructions on a path to an output whose weight in u is not 0, so
// that another output's partials that are not finite do not reach the
// product (as 0·Inf would). With u the k-th unit
// vector it is the gradient of output k. An element is NaN where an output
// whose weight in u is not 0 is NaN or where the element is not finite,
// as [op.Gradient] says. It panics if a slice has the wrong length.
func (w *Workspace) VJP(dst, values, x, u []float64) {
	w.checkIn("VJP: dst", dst)
	w.checkOut("VJP: u", u)
	if values != nil {
		w.checkOut("VJP: values", values)
	}
	p := w.p
	w.load(x)
	w.forward(true)
	clear(w.adj)
	nan := false
	for k, o := range p.outs {
		w.adj[o] += u[k]
		if u[k] != 0 && math.IsNaN(w.val[o]) {
			nan = true
		}
		if values != nil {
			values[k] = w.val[o]
		}
	}
	w.backwardLive(u)
	copy(dst, w.adj[:p.nIn])
	v := 0.0
	if nan {
		v = math.NaN()
	}
	op.Gradient(v, dst)
}

// JVPs stores in dst the Jacobian-vector product J·v at x, one forward
// pass carrying tangents, and in values, unless it is nil, the outputs.
// With v the j-th unit vector it is the derivative of every output with
// respect to input j. As in [Workspace.HVP], a tangent is a structural
// zero where a slot does not depend on an input whose element of v is not
// 0, so that a partial that is not finite in another input does not make
// the product NaN; element k is [op.Derivative] of output k and its
// tangent. It panics if a slice has the wrong length.
func (w *Workspace) JVPs(dst, values, x, v []float64) {
	w.checkOut("JVPs: dst", dst)
	w.checkIn("JVPs: v", v)
	if values != nil {
		w.checkOut("JVPs: values", values)
	}
	p := w.p
	w.load(x)
	if w.dep == nil {
		w.dep = make([]bool, len(w.val))
	}
	if w.tan == nil {
		w.tan = make([]float64, len(w.val))
	}
	copy(w.tan, v)
	w.secondForward()
	for k, o := range p.outs {
		t := w.tan[o]
		if !w.dep[o] {
			t = 0
		}
		dst[k] = op.Derivative(w.val[o], t)
		if values != nil {
			values[k] = w.val[o]
		}
	}
}

// backwardLive is the backward pass from the outputs weighted by u,
// through the instructions that lead to one of them only, with the
// partials of the table: not a hot loop.
func (w *Workspace) backwardLive(u []float64) {
	p := w.p
	if w.live == nil {
		w.live = make([]bool, len(w.val))
	}
	v, adj, live := w.val, w.adj, w.live
	clear(live)
	for k, o := range p.outs {
		if u[k] != 0 {
			live[o] = true
		}
	}
	for k := len(p.runs) - 1; k >= 0; k-- {
		r := &p.runs[k]
		info := r.op.Info()
		for i := r.hi - 1; i >= r.lo; i-- {
			s := p.base + i
			if !live[s] {
				continue
			}
			in := p.code[i]
			x, y := v[in.a], v[in.b]
			if info.Arity == 1 {
				y = 0
			}
			dx, dy := info.Partials(x, y, v[s])
			g := adj[s]
			if r.flags&constA == 0 {
				adj[in.a] += g * dx
				live[in.a] = true
			}
			if info.Arity == 2 && r.flags&constB == 0 {
				adj[in.b] += g * dy
				live[in.b] = true
			}
		}
	}
}
