package adbench

import (
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// GMMArray is the GMM objective written with the array engine
// (package tensor/autograd), as a user of the library would: the Q_k
// are built from the ICF rows by one product with a constant 0/1
// matrix, and Q_k·(x_i − μ_k) for all i and k is one matrix product
// of the points, with a column of ones, by the Q_k stacked, with the
// Q_k·μ_k below them.
//
// The tape is kept between calls, so that once warm a call reuses its
// arrays. A GMMArray must be used by one goroutine at a time.
type GMMArray struct {
	g    *GMM
	tape *autograd.Tape[float64]

	alphas, means, icf *tensor.Dense[float64]   // the parameters: K, K×d, K×t
	blocks             []*tensor.Dense[float64] // n_b×(d+1): blocks of the points, each with a column of ones
	pickDiag           *tensor.Dense[float64]   // t×d: the log-diagonal of an ICF row
	placeDiag          *tensor.Dense[float64]   // d×d²: diagonal entry r to Q's entry (r, r)
	placeLower         *tensor.Dense[float64]   // t×d²: an ICF entry below the diagonal to its entry (r, c) of Q
	half, gamma2, m, n *tensor.Dense[float64]   // scalars
	constant           float64
}

// gmmBlock is the number of elements of the n_b×K·d arrays of a block of
// points: 512 KB, in the L2 cache.
const gmmBlock = 1 << 16

// NewGMMArray prepares the array objective of g.
func NewGMMArray(g *GMM) *GMMArray {
	d, k, t := g.D, g.K, g.Tri()
	a := &GMMArray{
		g:          g,
		tape:       autograd.New[float64](),
		alphas:     tensor.FromSlice(append([]float64(nil), g.Alphas...), k),
		means:      tensor.FromSlice(append([]float64(nil), g.Means...), k, d),
		icf:        tensor.FromSlice(append([]float64(nil), g.ICF...), k, t),
		pickDiag:   tensor.Zeros[float64](t, d),
		placeDiag:  tensor.Zeros[float64](d, d*d),
		placeLower: tensor.Zeros[float64](t, d*d),
		half:       tensor.Scalar(-0.5),
		gamma2:     tensor.Scalar(0.5 * g.Gamma * g.Gamma),
		m:          tensor.Scalar(float64(g.M)),
		n:          tensor.Scalar(float64(g.N)),
		constant:   g.gmmConstant(),
	}
	xa := make([]float64, g.N*(d+1))
	for i := range g.N {
		copy(xa[i*(d+1):], g.X[i*d:(i+1)*d])
		xa[i*(d+1)+d] = 1
	}
	rows := max(16, gmmBlock/(k*d))
	for lo := 0; lo < g.N; lo += rows {
		hi := min(lo+rows, g.N)
		a.blocks = append(a.blocks, tensor.FromSlice(xa[lo*(d+1):hi*(d+1)], hi-lo, d+1))
	}
	for r := range d {
		for c := range r {
			a.placeLower.Set(1, icfIndex(d, r, c), r*d+c)
		}
		a.pickDiag.Set(1, r, r)
		a.placeDiag.Set(1, r, r*d+r)
	}
	return a
}

// SetParams copies p, in the order of [GMM.Params], into the parameters.
func (a *GMMArray) SetParams(p []float64) {
	k, d := a.g.K, a.g.D
	copy(a.alphas.Data(), p[:k])
	copy(a.means.Data(), p[k:k+k*d])
	copy(a.icf.Data(), p[k+k*d:])
}

// record records the objective on the tape and returns it with the
// parameters' Vars.
func (a *GMMArray) record() (out, alphas, means, icf autograd.Var[float64]) {
	t := a.tape
	t.Reset()
	g := a.g
	d, k := g.D, g.K
	alphas, means, icf = t.Var(a.alphas), t.Var(a.means), t.Var(a.icf)

	// Q_k, K×d² row by row: the log-diagonal picked out of the ICF rows
	// and exponentiated, and the lower entries, each placed by a product
	// with a constant 0/1 matrix.
	logdiag := autograd.MatMul(icf, t.Const(a.pickDiag))
	sumqs := autograd.Sum(logdiag, []int{1}, false)
	qs := autograd.Add(autograd.MatMul(autograd.Exp(logdiag), t.Const(a.placeDiag)), autograd.MatMul(icf, t.Const(a.placeLower)))

	// Q_k·(x_i − μ_k) = (X·Wᵀ)[i, k·d + r] − (Q_k·μ_k)[r], W the Q_k
	// stacked K·d×d: one product [X 1]·[Wᵀ; −(Q_k·μ_k)ᵀ], so that the
	// subtraction costs no pass over the n×K·d result.
	w := autograd.Reshape(qs, k*d, d)
	nqmu := autograd.MatMul(autograd.Reshape(qs, k, d, d), autograd.Reshape(autograd.Apply(op.Neg, means), k, d, 1))
	wa := autograd.Concatenate(0, autograd.Transpose(w, 1, 0), autograd.Reshape(nqmu, 1, k*d))
	base := autograd.Add(alphas, sumqs)

	// Σ_i logsumexp_k(α_k + Σ log-diag − ½·|Q_k(x_i − μ_k)|²), over
	// blocks of points whose n_b×K·d arrays stay in cache: the backward
	// pass reads them again, which from memory would cost more than the
	// forward pass's product.
	var slse autograd.Var[float64]
	for b, xb := range a.blocks {
		nb := xb.Dim(0)
		y := autograd.MatMul(t.Const(xb), wa)
		sq := autograd.SumSquares(autograd.Reshape(y, nb, k, d), []int{2}, false)
		inner := autograd.Add(base, autograd.Mul(t.Const(a.half), sq))
		lse := autograd.Sum(autograd.LogSumExp(inner, []int{1}, false), nil, false)
		if b == 0 {
			slse = lse
		} else {
			slse = autograd.Add(slse, lse)
		}
	}
	lseAlpha := autograd.LogSumExp(alphas, nil, false)
	like := autograd.Sub(slse, autograd.Mul(t.Const(a.n), lseAlpha))

	// The Wishart prior: ½γ²·Σ Q entries² − m·Σ log-diagonals.
	prior := autograd.Sub(
		autograd.Mul(t.Const(a.gamma2), autograd.SumSquares(qs, nil, false)),
		autograd.Mul(t.Const(a.m), autograd.Sum(sumqs, nil, false)))
	out = autograd.Add(like, prior)
	return out, alphas, means, icf
}

// Objective returns the objective at the parameters.
func (a *GMMArray) Objective() float64 {
	out, _, _, _ := a.record()
	return out.Value().Data()[0] + a.constant
}

// Gradient writes the gradient, in the order of [GMM.Params], into dst
// and returns the objective.
func (a *GMMArray) Gradient(dst []float64) float64 {
	out, alphas, means, icf := a.record()
	a.tape.Backward(out)
	k, d := a.g.K, a.g.D
	copy(dst[:k], a.tape.Grad(alphas).Data())
	copy(dst[k:k+k*d], a.tape.Grad(means).Data())
	copy(dst[k+k*d:], a.tape.Grad(icf).Data())
	return out.Value().Data()[0] + a.constant
}
