package adbench

import (
	"math"

	"github.com/gobackprop/backprop/tape"
)

// GMMTape is the GMM objective written with the scalar tape (package
// tape) the way [GMMObjective] is written with float64: the same loops,
// on tape.Vars. Its objective is GMMObjective itself, as ADBench times a
// tape tool's objective on plain numbers. A GMMTape must be used by one
// goroutine at a time.
type GMMTape struct {
	g    *GMM
	tape *tape.Tape
	q    []tape.Var // Q_k's entries, K×d×d, row by row
	sq   []tape.Var // Σ log-diagonal of each Q_k
	in   []tape.Var // the inner terms of one point
	xc   []tape.Var // x_i − μ_k
	inv  []float64  // their values
}

// NewGMMTape prepares the tape objective of g.
func NewGMMTape(g *GMM) *GMMTape {
	return &GMMTape{g: g, tape: tape.New(), q: make([]tape.Var, g.K*g.D*g.D), sq: make([]tape.Var, g.K), in: make([]tape.Var, g.K), inv: make([]float64, g.K), xc: make([]tape.Var, g.D)}
}

// GMMTapeRecords returns about the number of records a gradient of g
// puts on the tape: d² + 3d + 4 for each point and component.
func GMMTapeRecords(g *GMM) int { return g.N * g.K * (g.D*g.D + 3*g.D + 4) }

// Objective returns the objective at params (in the order of
// [GMM.Params]) with plain float64 loops.
func (a *GMMTape) Objective(params []float64) float64 {
	g := a.g
	k, d := g.K, g.D
	return GMMObjective(g, params[:k], params[k:k+k*d], params[k+k*d:])
}

// Gradient writes the gradient at params into dst and returns the
// objective.
func (a *GMMTape) Gradient(dst, params []float64) float64 {
	v, _ := a.tape.Grad(dst, a.record, params)
	return v
}

// record is the objective on tape Vars x: alphas, means, ICF.
func (a *GMMTape) record(t *tape.Tape, x []tape.Var) tape.Var {
	g := a.g
	n, d, k, tri := g.N, g.D, g.K, g.Tri()
	alphas, means, icf := x[:k], x[k:k+k*d], x[k+k*d:]
	prior := t.Const(0)
	sumqs := t.Const(0)
	for j := range k {
		a.sq[j] = t.Const(0)
		for r := range d {
			for c := range d {
				if c > r {
					continue
				}
				v := icf[j*tri+icfIndex(d, r, c)]
				if r == c {
					a.sq[j] = a.sq[j].Add(v)
					v = tape.Exp(v)
				}
				a.q[(j*d+r)*d+c] = v
				prior = prior.Add(v.Mul(v))
			}
		}
		sumqs = sumqs.Add(a.sq[j])
	}
	slse := t.Const(0)
	for i := range n {
		xi := g.X[i*d : (i+1)*d]
		m := math.Inf(-1)
		for j := range k {
			for c := range d {
				a.xc[c] = means[j*d+c].RSub(xi[c])
			}
			s := t.Const(0)
			for r := range d {
				var v tape.Var
				for c := 0; c <= r; c++ {
					p := a.q[(j*d+r)*d+c].Mul(a.xc[c])
					if c == 0 {
						v = p
					} else {
						v = v.Add(p)
					}
				}
				s = s.Add(v.Mul(v))
			}
			a.in[j] = alphas[j].Add(a.sq[j]).Sub(s.MulConst(0.5))
			a.inv[j] = a.in[j].Value()
			m = max(m, a.inv[j])
		}
		// logsumexp with the largest term's value as a constant shift:
		// the gradient does not depend on it.
		e := t.Const(0)
		for j := range k {
			e = e.Add(tape.Exp(a.in[j].SubConst(m)))
		}
		slse = slse.Add(tape.Log(e).AddConst(m))
	}
	ma := math.Inf(-1)
	for _, v := range alphas {
		ma = max(ma, v.Value())
	}
	ea := t.Const(0)
	for _, v := range alphas {
		ea = ea.Add(tape.Exp(v.SubConst(ma)))
	}
	lseAlpha := tape.Log(ea).AddConst(ma)
	return slse.Sub(lseAlpha.MulConst(float64(n))).
		Add(prior.MulConst(0.5 * g.Gamma * g.Gamma)).
		Sub(sumqs.MulConst(float64(g.M))).
		AddConst(g.gmmConstant())
}
