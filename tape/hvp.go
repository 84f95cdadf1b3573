package tape

import (
	"fmt"

	"github.com/gobackprop/backprop/op"
)

// HVP returns in dst the product of the Hessian of out with respect to
// wrt and the vector v, one entry per Var of wrt: the derivative along v
// of the gradient [Tape.Gradient] returns. If dst is nil a new slice is
// allocated; otherwise HVP panics if len(dst) != len(wrt). It panics if
// len(v) != len(wrt), and if out or a Var of wrt is not a valid Var of t.
// The value of out is out.Value().
//
// It runs forward over reverse over the recording, from the earliest Var
// of wrt up to out: a tangent pass along v, whose tangents come from the
// recorded local partials, then the backward pass in dual numbers, each
// adjoint with its tangent, the tangents of the local partials coming
// from the second partials of package op's table ([op.Info.Partials2]).
// So the product is exact up to rounding and costs a small multiple of a
// gradient, whatever the number of inputs. It matches compile's
// [compile.Workspace.HVP] on the program of [Tape.Graph]: terms of
// tangents that are structurally zero (of records that do not depend on
// an input whose element of v is not 0) and of second partials the
// operation's [op.Info.Curvature] says are identically zero are left out,
// and an entry is NaN where out's value is NaN or where the entry is not
// finite ([op.Gradient]).
//
// As [Tape.Graph] does, HVP cuts the recording at the Vars of wrt: an
// input need not be a leaf, and is then taken as an independent variable.
// For leaves ([Tape.Var]), the usual case, this is the Hessian of out. A
// Var given twice in wrt moves by the sum of its elements of v, and its
// entries are equal, as its entries of the gradient are. A Var of wrt
// recorded after out has entry 0. The backward pass skips the records out
// does not depend on, as the program of Tape.Graph leaves them out: a NaN
// partial of a record recorded but not used, such as Sqrt of a negative
// Var, does not reach the product (it does reach Tape.Gradient's
// gradient, whose backward pass runs through every record).
//
// A primitive of [Tape.Custom] has no second partials: HVP returns an
// error, and leaves dst unchanged, if out depends on a custom primitive
// that depends on a Var of wrt, whatever v is. Custom primitives that depend on none are
// constants here, and harmless.
//
// HVP does not change the adjoints of the last backward pass
// ([Tape.Adjoint]). Once t has seen a computation of some size, HVP
// allocates nothing.
//
// [compile.Workspace.HVP]: https://pkg.go.dev/github.com/gobackprop/backprop/compile#Workspace.HVP
func (t *Tape) HVP(dst []float64, out Var, wrt []Var, v []float64) ([]float64, error) {
	t.own(out)
	if dst == nil {
		dst = make([]float64, len(wrt))
	} else if len(dst) != len(wrt) {
		panic(fmt.Sprintf("tape: HVP: dst has length %d, want %d (len(wrt))", len(dst), len(wrt)))
	}
	if len(v) != len(wrt) {
		panic(fmt.Sprintf("tape: HVP: v has length %d, want %d (len(wrt))", len(v), len(wrt)))
	}
	lo := out.i
	for _, w := range wrt {
		if w.t != t || w.epoch != t.epoch { // the fast path of load
			t.own(w)
		}
		lo = min(lo, w.i)
	}
	t.hvpRoom(out.i)
	err := t.secondForward(lo, out.i, wrt, v)
	if err == nil {
		t.secondBackward(lo, out.i)
		adjT := t.hadjT
		for k, w := range wrt {
			if w.i > out.i {
				dst[k] = 0
				continue
			}
			dst[k] = adjT[w.i]
		}
		op.Gradient(t.val[out.i], dst)
	}
	// Leave the flags zero, as the next call expects: all of them in the
	// range of this call, and those but reached before it.
	clear(t.dep[lo : out.i+1])
	return dst, err
}

// The flags of a record in the second-order passes, in t.dep. Outside of
// a call of HVP only reached may be set, so that the records before the
// range of a call, which do not depend on its inputs, read as such
// without being cleared.
const (
	varies  = 1 << iota // the tangent is not a structural zero
	depends             // the record depends on an input, whatever v is
	input               // the record is an input: its tangent is seeded and the passes cut there
	reached             // out depends on the record: the backward pass runs through it
)

// curvature is the Curvature of every op code, 0 for the codes that are
// not primitives (leaves, Call, link).
var curvature = func() (c [1 << 8]op.Curvature) {
	for _, o := range op.All() {
		c[o] = o.Info().Curvature
	}
	return c
}()

// hvpRoom makes the slices of the second-order passes long enough for
// records up to out.
func (t *Tape) hvpRoom(out uint32) {
	if len(t.dep) > int(out) {
		return
	}
	n := len(t.val)
	t.tan = make([]float64, n)
	t.dep = make([]uint8, n)
	t.hadj = make([]float64, n)
	t.hadjT = make([]float64, n)
}

// secondForward runs the tangent pass through records lo to out: it
// seeds the tangents of the inputs wrt with v and sets the tangent and
// the flags of every other record. It returns an error if out depends on
// a custom primitive that depends on an input.
func (t *Tape) secondForward(lo, out uint32, wrt []Var, v []float64) error {
	tan, dep := t.tan, t.dep
	for k, w := range wrt {
		if w.i > out {
			continue
		}
		if dep[w.i]&input == 0 {
			tan[w.i] = 0
		}
		tan[w.i] += v[k]
		dep[w.i] = input | depends
	}
	for _, w := range wrt {
		if w.i <= out && tan[w.i] != 0 {
			dep[w.i] |= varies
		}
	}
	sawCustom := false
	for i := lo; i <= out; i++ {
		if dep[i]&input != 0 {
			continue
		}
		r := &t.rec[i]
		x, y := r.xi(), r.yi()
		// An absent or constant operand is a sink, whose flags are zero:
		// the tangent leaves it out.
		fx, fy := dep[x], dep[y]
		f := (fx | fy) & (varies | depends)
		if f&depends != 0 && r.form() == custom {
			sawCustom = true
		}
		dep[i] = f
		switch {
		case fx&fy&varies != 0:
			tan[i] = r.dx*tan[x] + r.dy*tan[y]
		case fx&varies != 0:
			tan[i] = r.dx * tan[x]
		case fy&varies != 0:
			tan[i] = r.dy * tan[y]
		}
	}
	if sawCustom {
		return t.customReached(lo, out)
	}
	return nil
}

// customReached returns an error if out depends, not looking past the
// inputs, on a custom primitive that depends on an input.
func (t *Tape) customReached(lo, out uint32) error {
	dep := t.dep
	reach := make([]bool, out-lo+1)
	reach[out-lo] = true
	for i := out; i >= lo; i-- {
		if !reach[i-lo] || dep[i]&input != 0 || dep[i]&depends == 0 {
			continue
		}
		r := &t.rec[i]
		if r.form() == custom && r.op() != link {
			return fmt.Errorf("tape: HVP: record %d is a custom primitive that depends on the inputs, whose second partials are unknown", int(i)-sinks)
		}
		for _, j := range [2]uint32{r.xi(), r.yi()} {
			if j >= lo {
				reach[j-lo] = true
			}
		}
	}
	return nil
}

// secondBackward runs after secondForward: the backward pass from out
// down to the records after lo, which carries with each adjoint its
// tangent,
//
//	adj(x)  += adj·∂x
//	adjT(x) += adjT·∂x + adj·(∂²x·t(x) + ∂x∂y·t(y))
//
// and likewise for y, leaving out the terms of constant operands (kept in
// a record's partial, their updates go to a sink), of second partials
// that the operation's Curvature says are identically zero, and of
// tangents that are structural zeros, as compile's HVP does, in the same
// order of operations.
func (t *Tape) secondBackward(lo, out uint32) {
	adj, adjT, tan, dep, val := t.hadj, t.hadjT, t.tan, t.dep, t.val
	clear(adj[lo : out+1])
	clear(adjT[lo : out+1])
	clear(adj[:sinks])
	clear(adjT[:sinks])
	adj[out] = 1
	dep[out] |= reached
	for i := out; i > lo; i-- {
		fi := dep[i]
		if fi&(input|reached) != reached {
			// The cut: an input is an independent variable. And the
			// records out does not depend on: their partials, which
			// may be NaN, must not reach the inputs.
			continue
		}
		g, gt := adj[i], adjT[i]
		r := &t.rec[i]
		x, y := r.xi(), r.yi()
		dep[x] |= reached
		dep[y] |= reached
		if fi&varies == 0 {
			// No tangent reaches this record: its second partials meet
			// only structural zeros.
			adj[x] += g * r.dx
			adjT[x] += gt * r.dx
			adj[y] += g * r.dy
			adjT[y] += gt * r.dy
			continue
		}
		o := r.op()
		curv := curvature[o]
		switch r.form() {
		case vc: // y is a sink, the constant in dy
			adj[x] += g * r.dx
			if curv&op.CurvXX != 0 {
				dxx, _, _ := o.Partials2(val[x], r.dy, val[i])
				adjT[x] += gt*r.dx + g*(dxx*tan[x])
			} else {
				adjT[x] += gt * r.dx
			}
			continue
		case cv: // x is a sink, the constant in dx
			adj[y] += g * r.dy
			if curv&op.CurvYY != 0 {
				_, _, dyy := o.Partials2(r.dx, val[y], val[i])
				adjT[y] += gt*r.dy + g*(dyy*tan[y])
			} else {
				adjT[y] += gt * r.dy
			}
			continue
		}
		// Both operands are records or sinks (unary operations, whose
		// curvature is CurvXX alone). Custom primitives reached here
		// depend on no input and have no curvature.
		fx, fy := dep[x]&varies != 0, dep[y]&varies != 0
		xx, xy, yx, yy := curv&op.CurvXX != 0 && fx, curv&op.CurvXY != 0 && fy, curv&op.CurvXY != 0 && fx, curv&op.CurvYY != 0 && fy
		var dxx, dxy, dyy float64
		switch {
		case o == op.Mul:
			dxy = 1
		case xx || xy || yx || yy:
			yv := val[y]
			if o.Arity() == 1 {
				yv = 0
			}
			dxx, dxy, dyy = o.Partials2(val[x], yv, val[i])
		}
		tx, ty := tan[x], tan[y]
		adj[x] += g * r.dx
		switch {
		case xx && xy:
			adjT[x] += gt*r.dx + g*(dxx*tx+dxy*ty)
		case xx:
			adjT[x] += gt*r.dx + g*(dxx*tx)
		case xy:
			adjT[x] += gt*r.dx + g*(dxy*ty)
		default:
			adjT[x] += gt * r.dx
		}
		adj[y] += g * r.dy
		switch {
		case yx && yy:
			adjT[y] += gt*r.dy + g*(dxy*tx+dyy*ty)
		case yy:
			adjT[y] += gt*r.dy + g*(dyy*ty)
		case yx:
			adjT[y] += gt*r.dy + g*(dxy*tx)
		default:
			adjT[y] += gt * r.dy
		}
	}
}
