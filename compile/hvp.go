package compile

import (
	"fmt"
	"slices"

	"github.com/gobackprop/backprop/op"
)

// HVP stores in hv the product of the Hessian of p at x with v, and in
// grad, unless it is nil, the gradient of p at x; it returns the value of
// p at x. See [Workspace.HVP]. It panics if a slice does not have
// p.NumInputs() elements.
func (p *Program) HVP(hv, grad, x, v []float64) float64 {
	w := p.get()
	val := w.HVP(hv, grad, x, v)
	p.pool.Put(w)
	return val
}

// HVP stores in hv the Hessian-vector product ∇²p(x)·v, and in grad,
// unless it is nil, the gradient ∇p(x); it returns the value p(x).
//
// It runs forward over reverse: a forward pass that carries the tangents
// of every slot along v, then a backward pass that carries, with each
// adjoint, its own tangent, the derivative of the adjoint along v. The
// local first and second partials of each instruction come from the
// primitive table ([op.Info.Partials] and [op.Info.Partials2]), so the
// product is exact up to rounding and costs a small multiple of a
// gradient, whatever the number of inputs. As for gradients, constants are
// not differentiated, and an entry is NaN where the value is NaN or where
// the entry is not finite ([op.Gradient]).
//
// It panics if hv, x or v, or grad when it is not nil, does not have one
// element per input.
func (w *Workspace) HVP(hv, grad, x, v []float64) float64 {
	p := w.p
	if len(hv) != p.nIn {
		panic(fmt.Sprintf("compile: HVP: hv has length %d, want %d inputs", len(hv), p.nIn))
	}
	if len(v) != p.nIn {
		panic(fmt.Sprintf("compile: HVP: v has length %d, want %d inputs", len(v), p.nIn))
	}
	if grad != nil && len(grad) != p.nIn {
		panic(fmt.Sprintf("compile: HVP: grad has length %d, want %d inputs", len(grad), p.nIn))
	}
	w.load(x)
	if w.tan == nil {
		w.tan = make([]float64, len(w.val))
	}
	if w.dep == nil {
		w.dep = make([]bool, len(w.val))
	}
	if w.hadj == nil {
		w.hadj = make([]float64, len(w.val))
		w.adjT = make([]float64, len(w.val))
	}
	copy(w.tan, v)
	w.secondForward()
	w.secondBackward()
	value := w.val[p.out]
	copy(hv, w.adjT[:p.nIn])
	op.Gradient(value, hv)
	if grad != nil {
		copy(grad, w.hadj[:p.nIn])
		op.Gradient(value, grad)
	}
	// The backward pass zeroed the adjoints of the instructions as it
	// read them; zero those of the inputs and constants, and the seed,
	// so that the next HVP finds them all zero without clearing them.
	clear(w.hadj[:p.base])
	clear(w.adjT[:p.base])
	w.hadj[p.out], w.adjT[p.out] = 0, 0
	return value
}

// written reports whether the second-order passes write out the run r
// rather than store its partials from the table in w.sec.
func (w *Workspace) written(r *run) bool {
	if w.generic {
		return false
	}
	switch r.op {
	case op.Add, op.Sub, op.Neg, op.Mul:
		return true
	}
	return false
}

// secondForward runs the forward pass with tangents: it stores the value
// and the tangent of every slot in w.val and w.tan, and, for the runs the
// passes do not write out, the first and second local partials of every
// instruction in w.sec, five an instruction. A tangent is a structural
// zero, left out of every sum, where the slot does not depend on the
// inputs whose element of v is not 0 (w.dep): as in package dual, a
// partial that is infinite with respect to an argument that does not vary
// along v does not poison the product, so that each column of a Hessian
// is NaN only where the chain rule in its own direction meets a partial
// that is not finite.
//
// Add, Sub, Neg and Mul are written out, value and tangent in one loop,
// and store no partials: the backward pass takes them from the values,
// which one pass over a program too large for the caches reads anyway,
// rather than from 40 bytes an instruction written here and read back
// there. Every other operation is evaluated by forward's case, then its
// partials come from the table. A test checks that the written-out cases
// agree with the table bit for bit (see w.generic), and another pins the
// bits of the HVP.
func (w *Workspace) secondForward() {
	p := w.p
	v, t, dep := w.val, w.tan, w.dep
	for i := range p.nIn {
		dep[i] = t[i] != 0
	}
	nsec := 0
	for k := range p.runs {
		r := &p.runs[k]
		code := p.code[r.lo:r.hi]
		res := v[p.base+r.lo:][:len(code)]
		tres := t[p.base+r.lo:][:len(code)]
		dres := dep[p.base+r.lo:][:len(code)]
		if w.written(r) {
			switch r.op {
			case op.Add:
				for i, in := range code {
					res[i] = v[in.a] + v[in.b]
					tres[i], dres[i] = tangent(dep, t, in, 1, 1)
				}
			case op.Sub:
				for i, in := range code {
					res[i] = v[in.a] - v[in.b]
					tres[i], dres[i] = tangent(dep, t, in, 1, -1)
				}
			case op.Neg:
				for i, in := range code {
					res[i] = -v[in.a]
					tres[i], dres[i] = -1*t[in.a], dep[in.a]
				}
			case op.Mul:
				for i, in := range code {
					x, y := v[in.a], v[in.b]
					res[i] = x * y
					tres[i], dres[i] = tangent(dep, t, in, y, x)
				}
			}
			continue
		}
		w.forwardRun(r, false)
		nsec += 5 * len(code)
		if len(w.sec) < nsec {
			w.sec = append(w.sec, make([]float64, nsec-len(w.sec))...)
		}
		sec := w.sec[nsec-5*len(code) : nsec]
		info := r.op.Info()
		unary := info.Arity == 1
		for i, in := range code {
			x, y := v[in.a], v[in.b]
			if unary {
				y = 0
			}
			dx, dy := info.Partials(x, y, res[i])
			dxx, dxy, dyy := info.Partials2(x, y, res[i])
			sec[5*i], sec[5*i+1], sec[5*i+2], sec[5*i+3], sec[5*i+4] = dx, dy, dxx, dxy, dyy
			if unary {
				tres[i], dres[i] = 0, dep[in.a]
				if dres[i] {
					tres[i] = dx * t[in.a]
				}
			} else {
				tres[i], dres[i] = tangent(dep, t, in, dx, dy)
			}
		}
	}
	w.nsec = nsec
}

// tangent returns the tangent dx·t(a) + dy·t(b) of a binary instruction,
// without the terms of arguments whose tangents are structural zeros, and
// whether it is not one itself.
func tangent(dep []bool, t []float64, in instr, dx, dy float64) (float64, bool) {
	da, db := dep[in.a], dep[in.b]
	switch {
	case da && db:
		return dx*t[in.a] + dy*t[in.b], true
	case da:
		return dx * t[in.a], true
	case db:
		return dy * t[in.b], true
	}
	return 0, false
}

// secondBackward runs after secondForward: the backward pass of the
// gradient, which also carries the tangent of every adjoint,
//
//	adj(a)  += adj·∂x
//	adjT(a) += adjT·∂x + adj·(∂²x·t(a) + ∂x∂y·t(b))
//
// and likewise for b, leaving out the terms of constant arguments, of
// second partials the operation's Curvature says are identically zero and
// of tangents that are structural zeros. The written-out cases are the
// general one with the table's partials of their operation put in.
func (w *Workspace) secondBackward() {
	p := w.p
	v, adj, adjT, t, dep := w.val, w.hadj, w.adjT, w.tan, w.dep
	adj[p.out] = 1
	nsec := w.nsec
	for k := len(p.runs) - 1; k >= 0; k-- {
		r := &p.runs[k]
		code := p.code[r.lo:r.hi]
		base := p.base + r.lo
		gs := adj[base:][:len(code)]
		gts := adjT[base:][:len(code)]
		useA, useB := r.flags&constA == 0, r.flags&constB == 0
		if w.written(r) {
			switch r.op {
			case op.Add:
				// ∂x = ∂y = 1, no second partials.
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					g, gt := gs[i], gts[i]
					gs[i], gts[i] = 0, 0
					if useA {
						adj[in.a] += g * 1
						adjT[in.a] += gt * 1
					}
					if useB {
						adj[in.b] += g * 1
						adjT[in.b] += gt * 1
					}
				}
			case op.Sub:
				// ∂x = 1, ∂y = -1, no second partials.
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					g, gt := gs[i], gts[i]
					gs[i], gts[i] = 0, 0
					if useA {
						adj[in.a] += g * 1
						adjT[in.a] += gt * 1
					}
					if useB {
						adj[in.b] += g * -1
						adjT[in.b] += gt * -1
					}
				}
			case op.Neg:
				for i := len(code) - 1; i >= 0; i-- {
					a := code[i].a
					g, gt := gs[i], gts[i]
					gs[i], gts[i] = 0, 0
					adj[a] += g * -1
					adjT[a] += gt * -1
				}
			case op.Mul:
				// ∂x = y, ∂y = x, ∂x∂y = 1.
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					g, gt := gs[i], gts[i]
					gs[i], gts[i] = 0, 0
					x, y := v[in.a], v[in.b]
					if useA {
						adj[in.a] += g * y
						if dep[in.b] {
							adjT[in.a] += gt*y + g*(1*t[in.b])
						} else {
							adjT[in.a] += gt * y
						}
					}
					if useB {
						adj[in.b] += g * x
						if dep[in.a] {
							adjT[in.b] += gt*x + g*(1*t[in.a])
						} else {
							adjT[in.b] += gt * x
						}
					}
				}
			}
			continue
		}
		nsec -= 5 * len(code)
		sec := w.sec[nsec:][:5*len(code)]
		info := r.op.Info()
		curv := info.Curvature
		if info.Arity == 1 {
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				g, gt := gs[i], gts[i]
				gs[i], gts[i] = 0, 0
				d := sec[5*i:][:5]
				adj[a] += g * d[0]
				if curv&op.CurvXX != 0 && dep[a] {
					adjT[a] += gt*d[0] + g*(d[2]*t[a])
				} else {
					adjT[a] += gt * d[0]
				}
			}
			continue
		}
		cxx, cxy, cyy := curv&op.CurvXX != 0, curv&op.CurvXY != 0, curv&op.CurvYY != 0
		for i := len(code) - 1; i >= 0; i-- {
			in := code[i]
			g, gt := gs[i], gts[i]
			gs[i], gts[i] = 0, 0
			d := sec[5*i:][:5]
			ta, tb := t[in.a], t[in.b]
			da, db := dep[in.a], dep[in.b]
			// The terms of the tangent of the adjoint of a: ∂²x·t(a) and
			// ∂x∂y·t(b); of b: ∂x∂y·t(a) and ∂²y·t(b).
			xx, xy, yx, yy := cxx && da, cxy && db, cxy && da, cyy && db
			if useA {
				adj[in.a] += g * d[0]
				h := 0.0
				switch {
				case xx && xy:
					h = d[2]*ta + d[3]*tb
				case xx:
					h = d[2] * ta
				case xy:
					h = d[3] * tb
				}
				if xx || xy {
					adjT[in.a] += gt*d[0] + g*h
				} else {
					adjT[in.a] += gt * d[0]
				}
			}
			if useB {
				adj[in.b] += g * d[1]
				h := 0.0
				switch {
				case yx && yy:
					h = d[3]*ta + d[4]*tb
				case yy:
					h = d[4] * tb
				case yx:
					h = d[3] * ta
				}
				if yx || yy {
					adjT[in.b] += gt*d[1] + g*h
				} else {
					adjT[in.b] += gt * d[1]
				}
			}
		}
	}
}

// HessianSparsity returns the structure of the Hessian of p: for each
// input i, in increasing order, the inputs j for which ∂²p/∂x_i∂x_j is
// not identically zero. It is symmetric. It is found from the program's
// instructions: the Hessian is a sum, over the instructions with a second
// partial that is not identically zero ([op.Info.Curvature]), of the
// products of the sets of inputs their arguments depend on. The sets are
// made only for the arguments of such instructions whose product is not
// empty, so a long sum of local terms, as in the extended Rosenbrock
// function, costs time linear in the program, and so does a sum of
// squares times a constant, 0.5·(x_1² + … + x_n²); a program whose
// Hessian is dense costs at least the number of its nonzero entries.
func (p *Program) HessianSparsity() [][]int32 {
	rows, _ := p.HessianSparsityWithin(0)
	return rows
}

// HessianSparsityWithin is [Program.HessianSparsity] bounded: it gives up,
// returning nil and false, as soon as finding the structure would store
// more than max indices in all, counting the sets of inputs of the
// instructions and the entries of the rows before their repeats are
// merged. Its time and memory are then within a constant times max plus
// the size of the program, so that a caller can refuse a program whose
// structure is too large to find (as (x_1 + … + x_n)², whose partial sums
// alone hold n²/2 indices) before finding it. A max of 0 or less means no
// bound.
func (p *Program) HessianSparsityWithin(max int64) ([][]int32, bool) {
	nIn := p.nIn
	b := budget{max: max}
	// varies[s]: slot s depends on some input. An argument that does not
	// vary has an empty set of inputs, which adds no entry.
	varies := make([]bool, p.nSlot)
	for i := range nIn {
		varies[i] = true
	}
	for _, r := range p.runs {
		unary := r.op.Arity() == 1
		for i := r.lo; i < r.hi; i++ {
			in := p.code[i]
			varies[p.base+i] = varies[in.a] || !unary && varies[in.b]
		}
	}
	// need[s]: the inputs slot s depends on are needed, because a needed
	// slot is made from it or because an instruction's second partials
	// pair it with a set of inputs that is not empty. Without the second
	// condition the sum in 0.5·(x_1² + … + x_n²), which the constant's
	// product with it pairs with nothing, would need all its partial
	// sums, n²/2 indices.
	need := make([]bool, p.nSlot)
	for k := len(p.runs) - 1; k >= 0; k-- {
		r := &p.runs[k]
		curv := r.op.Info().Curvature
		unary := r.op.Arity() == 1
		for i := r.hi - 1; i >= r.lo; i-- {
			in := p.code[i]
			s := p.base + i
			va, vb := varies[in.a], !unary && varies[in.b]
			both := curv&op.CurvXY != 0 && va && vb
			if va && (need[s] || curv&op.CurvXX != 0 || both) {
				need[in.a] = true
			}
			if vb && (need[s] || curv&op.CurvYY != 0 || both) {
				need[in.b] = true
			}
		}
	}
	deps := p.dependencies(need, &b)
	if deps == nil {
		return nil, false
	}
	rows := make([][]int32, nIn)
	pairs := func(a, c []int32) bool {
		if !b.spend(2 * int64(len(a)) * int64(len(c))) {
			return false
		}
		for _, i := range a {
			rows[i] = append(rows[i], c...)
		}
		for _, i := range c {
			rows[i] = append(rows[i], a...)
		}
		return true
	}
	for _, r := range p.runs {
		curv := r.op.Info().Curvature
		if curv == 0 {
			continue
		}
		for _, in := range p.code[r.lo:r.hi] {
			da, db := deps[in.a], deps[in.b]
			if curv&op.CurvXX != 0 && !pairs(da, da) {
				return nil, false
			}
			if r.op.Arity() == 2 {
				if curv&op.CurvXY != 0 && !pairs(da, db) {
					return nil, false
				}
				if curv&op.CurvYY != 0 && !pairs(db, db) {
					return nil, false
				}
			}
		}
	}
	for i, row := range rows {
		slices.Sort(row)
		rows[i] = slices.Compact(row)
	}
	return rows, true
}

// budget counts the indices a structure stores against a bound.
type budget struct {
	max, spent int64 // max ≤ 0: no bound
}

// spend adds n indices and reports whether they are within the bound.
func (b *budget) spend(n int64) bool {
	b.spent += n
	return b.max <= 0 || b.spent <= b.max
}

// dependencies returns, for each slot s with need[s], the sorted inputs
// it depends on (nil for the other slots and for constants). It returns
// nil if the sets, counted as the union of two costs the sum of their
// lengths, overrun b.
func (p *Program) dependencies(need []bool, b *budget) [][]int32 {
	deps := make([][]int32, p.nSlot)
	for i := range p.nIn {
		if need[i] {
			deps[i] = []int32{int32(i)}
		}
	}
	if !b.spend(int64(p.nIn)) {
		return nil
	}
	for _, r := range p.runs {
		unary := r.op.Arity() == 1
		for i := r.lo; i < r.hi; i++ {
			s := p.base + i
			if !need[s] {
				continue
			}
			in := p.code[i]
			if unary || in.a == in.b {
				deps[s] = deps[in.a]
				continue
			}
			if !b.spend(int64(len(deps[in.a]) + len(deps[in.b]))) {
				return nil
			}
			deps[s] = union(deps[in.a], deps[in.b])
		}
	}
	return deps
}

// union merges two sorted sets, sharing an argument when it holds the
// other.
func union(a, b []int32) []int32 {
	switch {
	case len(a) == 0:
		return b
	case len(b) == 0:
		return a
	}
	u := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			u = append(u, a[i])
			i++
		case a[i] > b[j]:
			u = append(u, b[j])
			j++
		default:
			u = append(u, a[i])
			i++
			j++
		}
	}
	u = append(u, a[i:]...)
	u = append(u, b[j:]...)
	if len(u) == len(a) {
		return a
	}
	if len(u) == len(b) {
		return b
	}
	return u
}

// Dependencies returns, for each output of p, the sorted inputs it
// depends on: the sparsity of the Jacobian of a program with several
// outputs, row by row.
func (p *Program) Dependencies() [][]int32 {
	rows, _ := p.DependenciesWithin(0)
	return rows
}

// DependenciesWithin is [Program.Dependencies] bounded: it gives up,
// returning nil and false, as soon as the sets of inputs of the
// instructions it makes would hold more than max indices in all, the union
// of two sets counted as the sum of their lengths, so that its time and
// memory are within a constant times max plus the size of the program.
// An output that sums n inputs one by one holds n²/2 indices in its
// partial sums. A max of 0 or less means no bound.
func (p *Program) DependenciesWithin(max int64) ([][]int32, bool) {
	need := make([]bool, p.nSlot)
	for _, o := range p.outs {
		need[o] = true
	}
	for i := len(p.code) - 1; i >= 0; i-- {
		if need[p.base+int32(i)] {
			need[p.code[i].a] = true
			need[p.code[i].b] = true
		}
	}
	deps := p.dependencies(need, &budget{max: max})
	if deps == nil {
		return nil, false
	}
	rows := make([][]int32, len(p.outs))
	for k, o := range p.outs {
		rows[k] = deps[o]
	}
	return rows, true
}
