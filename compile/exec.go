package compile

import (
	"math"

	"github.com/gobackprop/backprop/op"
)

// The passes below switch on the operation of each run of instructions,
// then loop over the run: Go compiles the switch to a jump table, taken
// once a run, and each loop is a few loads, one operation and a store.
// Every case must agree exactly with op's Eval and Partials: the tests
// check that they do, operation by operation, bit for bit. The default
// cases call the table, so that a primitive added there works here
// unchanged (if slowly) until it gets a case of its own.
//
// The backward pass multiplies each adjoint by the local partials as the
// table computes them (g*(1/y), not g/y), so that its results are those of
// any other reverse mode that reads the table.

// forward runs the forward pass over the inputs already in w.val. With
// grad, it also stores the partials the backward pass needs and cannot
// recompute cheaply.
func (w *Workspace) forward(grad bool) {
	for k := range w.p.runs {
		w.forwardRun(&w.p.runs[k], grad)
	}
}

// forwardRun is forward for the instructions of one run.
func (w *Workspace) forwardRun(r *run, grad bool) {
	p := w.p
	v := w.val
	{
		code := p.code[r.lo:r.hi]
		res := v[p.base+r.lo:][:len(code)]
		switch r.op {
		case op.Neg:
			for i, in := range code {
				res[i] = -v[in.a]
			}
		case op.Add:
			// A chain of sums, where each instruction adds to the result
			// of the one before, takes that result from a register
			// rather than from memory, which would have to wait for the
			// store.
			var z float64
			prev := int32(-1)
			s := p.base + r.lo
			for i, in := range code {
				var x, y float64
				if in.a == prev {
					x = z
				} else {
					x = v[in.a]
				}
				if in.b == prev {
					y = z
				} else {
					y = v[in.b]
				}
				z = x + y
				res[i] = z
				prev = s + int32(i)
			}
		case op.Sub:
			for i, in := range code {
				res[i] = v[in.a] - v[in.b]
			}
		case op.Mul:
			for i, in := range code {
				res[i] = v[in.a] * v[in.b]
			}
		case op.Div:
			for i, in := range code {
				res[i] = v[in.a] / v[in.b]
			}
		case op.Pow:
			if !grad {
				for i, in := range code {
					res[i] = op.Power(v[in.a], v[in.b])
				}
				break
			}
			d := w.d[r.d:][:2*len(code)]
			for i, in := range code {
				x, y := v[in.a], v[in.b]
				z := op.Power(x, y)
				res[i] = z
				var dx, dy float64
				if r.flags&constA == 0 {
					dx = op.PowDx(x, y)
				}
				if r.flags&constB == 0 {
					dy = z * math.Log(x)
				}
				d[2*i], d[2*i+1] = dx, dy
			}
		case op.Exp:
			for i, in := range code {
				res[i] = math.Exp(v[in.a])
			}
		case op.Log:
			for i, in := range code {
				res[i] = math.Log(v[in.a])
			}
		case op.Sqrt:
			for i, in := range code {
				res[i] = math.Sqrt(v[in.a])
			}
		case op.Sin:
			if !grad {
				for i, in := range code {
					res[i] = math.Sin(v[in.a])
				}
				break
			}
			d := w.d[r.d:][:len(code)]
			for i, in := range code {
				// Sincos computes Sin and Cos as they do, bit for bit.
				sin, cos := math.Sincos(v[in.a])
				res[i], d[i] = sin, cos
			}
		case op.Cos:
			if !grad {
				for i, in := range code {
					res[i] = math.Cos(v[in.a])
				}
				break
			}
			d := w.d[r.d:][:len(code)]
			for i, in := range code {
				sin, cos := math.Sincos(v[in.a])
				res[i], d[i] = cos, -sin
			}
		case op.Tan:
			for i, in := range code {
				res[i] = math.Tan(v[in.a])
			}
		case op.Asin:
			for i, in := range code {
				res[i] = math.Asin(v[in.a])
			}
		case op.Acos:
			for i, in := range code {
				res[i] = math.Acos(v[in.a])
			}
		case op.Atan:
			for i, in := range code {
				res[i] = math.Atan(v[in.a])
			}
		case op.Atan2:
			for i, in := range code {
				res[i] = math.Atan2(v[in.a], v[in.b])
			}
		case op.Sinh:
			if !grad {
				for i, in := range code {
					res[i] = math.Sinh(v[in.a])
				}
				break
			}
			d := w.d[r.d:][:len(code)]
			for i, in := range code {
				x := v[in.a]
				res[i], d[i] = math.Sinh(x), math.Cosh(x)
			}
		case op.Cosh:
			if !grad {
				for i, in := range code {
					res[i] = math.Cosh(v[in.a])
				}
				break
			}
			d := w.d[r.d:][:len(code)]
			for i, in := range code {
				x := v[in.a]
				res[i], d[i] = math.Cosh(x), math.Sinh(x)
			}
		case op.Tanh:
			for i, in := range code {
				res[i] = math.Tanh(v[in.a])
			}
		case op.Abs:
			for i, in := range code {
				res[i] = math.Abs(v[in.a])
			}
		case op.Min:
			for i, in := range code {
				res[i] = op.MinFunc(v[in.a], v[in.b])
			}
		case op.Max:
			for i, in := range code {
				res[i] = op.MaxFunc(v[in.a], v[in.b])
			}
		case op.Log1p:
			for i, in := range code {
				res[i] = math.Log1p(v[in.a])
			}
		case op.Expm1:
			if !grad {
				for i, in := range code {
					res[i] = math.Expm1(v[in.a])
				}
				break
			}
			d := w.d[r.d:][:len(code)]
			for i, in := range code {
				x := v[in.a]
				res[i], d[i] = math.Expm1(x), math.Exp(x)
			}
		case op.Sigmoid:
			for i, in := range code {
				res[i] = op.SigmoidFunc(v[in.a])
			}
		case op.Relu:
			for i, in := range code {
				res[i] = op.ReluFunc(v[in.a])
			}
		case op.Step:
			for i, in := range code {
				res[i] = op.StepFunc(v[in.a])
			}
		case op.Sign:
			for i, in := range code {
				res[i] = op.SignFunc(v[in.a])
			}
		default:
			info := r.op.Info()
			for i, in := range code {
				res[i] = info.Eval(v[in.a], v[in.b])
			}
		}
	}
}

// backward runs the backward pass after forward(true): one reverse loop
// over the instructions that adds the adjoint of each, times its local
// partials, into the adjoints of its arguments that are not constants.
func (w *Workspace) backward() {
	clear(w.adj)
	w.adj[w.p.out] = 1
	w.backwardSeeded()
}

// backwardSeeded is backward from the adjoints already in w.adj, zero
// but for the outputs.
func (w *Workspace) backwardSeeded() {
	p := w.p
	v, adj := w.val, w.adj
	for k := len(p.runs) - 1; k >= 0; k-- {
		r := &p.runs[k]
		code := p.code[r.lo:r.hi]
		base := p.base + r.lo
		gs := adj[base:][:len(code)]
		res := v[base:][:len(code)]
		// Unary instructions, and binary ones with a constant argument,
		// are never both constant: those were folded.
		switch r.op {
		case op.Neg:
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] -= gs[i]
			}
		case op.Add:
			switch r.flags {
			case 0:
				// As in forward, a chain of sums carries the adjoint in a
				// register.
				var carry float64
				next := int32(-1)
				s := base
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					g := gs[i]
					if s+int32(i) == next {
						g = carry
					}
					a := adj[in.a] + g
					adj[in.a] = a
					b := adj[in.b] + g
					adj[in.b] = b
					switch next = -1; {
					case in.b == s+int32(i)-1:
						carry, next = b, in.b
					case in.a == s+int32(i)-1:
						carry, next = a, in.a
					}
				}
			case constA:
				for i := len(code) - 1; i >= 0; i-- {
					adj[code[i].b] += gs[i]
				}
			case constB:
				for i := len(code) - 1; i >= 0; i-- {
					adj[code[i].a] += gs[i]
				}
			}
		case op.Sub:
			switch r.flags {
			case 0:
				for i := len(code) - 1; i >= 0; i-- {
					g, in := gs[i], code[i]
					adj[in.a] += g
					adj[in.b] -= g
				}
			case constA:
				for i := len(code) - 1; i >= 0; i-- {
					adj[code[i].b] -= gs[i]
				}
			case constB:
				for i := len(code) - 1; i >= 0; i-- {
					adj[code[i].a] += gs[i]
				}
			}
		case op.Mul:
			switch r.flags {
			case 0:
				for i := len(code) - 1; i >= 0; i-- {
					g, in := gs[i], code[i]
					x, y := v[in.a], v[in.b]
					adj[in.a] += g * y
					adj[in.b] += g * x
				}
			case constA:
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					adj[in.b] += gs[i] * v[in.a]
				}
			case constB:
				for i := len(code) - 1; i >= 0; i-- {
					in := code[i]
					adj[in.a] += gs[i] * v[in.b]
				}
			}
		case op.Div:
			for i := len(code) - 1; i >= 0; i-- {
				g, in := gs[i], code[i]
				y := v[in.b]
				if r.flags&constA == 0 {
					adj[in.a] += g * (1 / y)
				}
				if r.flags&constB == 0 {
					adj[in.b] += g * (-res[i] / y)
				}
			}
		case op.Pow:
			d := w.d[r.d:][:2*len(code)]
			for i := len(code) - 1; i >= 0; i-- {
				g, in := gs[i], code[i]
				if r.flags&constA == 0 {
					adj[in.a] += g * d[2*i]
				}
				if r.flags&constB == 0 {
					adj[in.b] += g * d[2*i+1]
				}
			}
		case op.Sin, op.Cos, op.Sinh, op.Cosh, op.Expm1:
			d := w.d[r.d:][:len(code)]
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] += gs[i] * d[i]
			}
		case op.Exp:
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] += gs[i] * res[i]
			}
		case op.Log:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				adj[a] += gs[i] * (1 / v[a])
			}
		case op.Sqrt:
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] += gs[i] * (0.5 / res[i])
			}
		case op.Tan:
			for i := len(code) - 1; i >= 0; i-- {
				z := res[i]
				adj[code[i].a] += gs[i] * (1 + z*z)
			}
		case op.Asin:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				x := v[a]
				adj[a] += gs[i] * (1 / math.Sqrt(1-x*x))
			}
		case op.Acos:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				x := v[a]
				adj[a] += gs[i] * (-1 / math.Sqrt(1-x*x))
			}
		case op.Atan:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				x := v[a]
				adj[a] += gs[i] * (1 / (1 + x*x))
			}
		case op.Atan2:
			for i := len(code) - 1; i >= 0; i-- {
				// The table names the arguments of atan2 (y, x).
				g, in := gs[i], code[i]
				x, y := v[in.a], v[in.b]
				s := y*y + x*x
				if r.flags&constA == 0 {
					adj[in.a] += g * (y / s)
				}
				if r.flags&constB == 0 {
					adj[in.b] += g * (-x / s)
				}
			}
		case op.Tanh:
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] += gs[i] * op.TanhDx(v[code[i].a])
			}
		case op.Abs:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				adj[a] += gs[i] * op.SignFunc(v[a])
			}
		case op.Min, op.Max:
			for i := len(code) - 1; i >= 0; i-- {
				g, in := gs[i], code[i]
				x, y := v[in.a], v[in.b]
				var s float64
				if r.op == op.Min {
					s = op.StepFunc(x - y)
				} else {
					s = op.StepFunc(y - x)
				}
				if r.flags&constA == 0 {
					adj[in.a] += g * (1 - s)
				}
				if r.flags&constB == 0 {
					adj[in.b] += g * s
				}
			}
		case op.Log1p:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				adj[a] += gs[i] * (1 / (1 + v[a]))
			}
		case op.Sigmoid:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				adj[a] += gs[i] * op.SigmoidDx(v[a], res[i])
			}
		case op.Relu:
			for i := len(code) - 1; i >= 0; i-- {
				a := code[i].a
				adj[a] += gs[i] * op.StepFunc(v[a])
			}
		case op.Step, op.Sign:
			// The derivative is 0, but 0 times an infinite adjoint is NaN.
			for i := len(code) - 1; i >= 0; i-- {
				adj[code[i].a] += gs[i] * 0
			}
		default:
			info := r.op.Info()
			for i := len(code) - 1; i >= 0; i-- {
				g, in := gs[i], code[i]
				dx, dy := info.Partials(v[in.a], v[in.b], res[i])
				if r.flags&constA == 0 {
					adj[in.a] += g * dx
				}
				if info.Arity == 2 && r.flags&constB == 0 {
					adj[in.b] += g * dy
				}
			}
		}
	}
}

// tangents runs the tangent pass of forward mode after forward(false). It
// is not a hot loop: it takes the local partials from the table.
func (w *Workspace) tangents() {
	p := w.p
	v, t := w.val, w.tan
	for _, r := range p.runs {
		code := p.code[r.lo:r.hi]
		res := v[p.base+r.lo:][:len(code)]
		tres := t[p.base+r.lo:][:len(code)]
		info := r.op.Info()
		for i, in := range code {
			dx, dy := info.Partials(v[in.a], v[in.b], res[i])
			switch {
			case info.Arity == 1:
				tres[i] = dx * t[in.a]
			case r.flags&constA != 0:
				tres[i] = dy * t[in.b]
			case r.flags&constB != 0:
				tres[i] = dx * t[in.a]
			default:
				tres[i] = dx*t[in.a] + dy*t[in.b]
			}
		}
	}
}
