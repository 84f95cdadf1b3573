package adbench

import (
	"fmt"
	"io"
	"math"
	"strconv"
)

// GMM is an input of ADBench's Gaussian mixture model problem: K
// components in d dimensions fitted to n points.
type GMM struct {
	D, K, N int
	Alphas  []float64 // K weights, before the softmax
	Means   []float64 // K×d, row by row
	ICF     []float64 // K×(d + d(d−1)/2): log-diagonal, then the strictly-lower entries of Q_k column by column
	X       []float64 // n×d points, row by row
	Gamma   float64   // the Wishart prior's γ
	M       int       // and its m
	// Replicated says that the file held one point, which X repeats n
	// times, as in ADBench's 2.5M instances.
	Replicated bool
}

// Tri returns the number of entries of one component's ICF row.
func (g *GMM) Tri() int { return g.D + g.D*(g.D-1)/2 }

// NumParams returns the length of the gradient: alphas, means and ICF.
func (g *GMM) NumParams() int { return g.K + g.K*g.D + g.K*g.Tri() }

// Params returns alphas, means and ICF in one slice, in the order of
// ADBench's gradient.
func (g *GMM) Params() []float64 {
	p := append([]float64(nil), g.Alphas...)
	p = append(p, g.Means...)
	return append(p, g.ICF...)
}

// maxGMMPoints bounds the points of a file, and so the memory that
// reading it may take (the 2.5M instances replicate one point).
const maxGMMPoints = 1 << 23

// ReadGMM reads ADBench's GMM input format: "d K n", the K alphas, the K
// means of d numbers, the K ICF rows, the n points of d numbers, and
// "γ m". A file that holds one point where the header says n is read as
// ADBench reads its 2.5M instances: that point n times, with Replicated
// set. name is used in errors.
func ReadGMM(r io.Reader, name string) (*GMM, error) {
	s := newScanner(r, name)
	var g GMM
	var err error
	if g.D, err = s.count("d", 1<<10); err != nil {
		return nil, err
	}
	if g.K, err = s.count("K", 1<<14); err != nil {
		return nil, err
	}
	if g.N, err = s.count("n", maxGMMPoints); err != nil {
		return nil, err
	}
	if g.D == 0 || g.K == 0 || g.N == 0 {
		return nil, s.errorf("d, K and n must be positive, found %d %d %d", g.D, g.K, g.N)
	}
	g.Alphas = make([]float64, g.K)
	g.Means = make([]float64, g.K*g.D)
	g.ICF = make([]float64, g.K*g.Tri())
	if err := s.floats(g.Alphas, "an alpha"); err != nil {
		return nil, err
	}
	if err := s.floats(g.Means, "a mean's coordinate"); err != nil {
		return nil, err
	}
	if err := s.floats(g.ICF, "an icf entry"); err != nil {
		return nil, err
	}
	// The points, then γ and m: read all that is left, and tell a full
	// file from a replicated one by its length.
	var rest []float64
	for {
		t, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, s.errorf("reading a point: %v", err)
		}
		v, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return nil, s.errorf("expected a point's coordinate, γ or m, found %q", t)
		}
		rest = append(rest, v)
		if len(rest) > g.N*g.D+2 {
			return nil, s.errorf("more numbers than n = %d points of d = %d and γ, m", g.N, g.D)
		}
	}
	switch len(rest) {
	case g.N*g.D + 2:
		g.X = rest[:g.N*g.D]
	case g.D + 2:
		g.Replicated = true
		g.X = make([]float64, g.N*g.D)
		for i := range g.N {
			copy(g.X[i*g.D:], rest[:g.D])
		}
	default:
		return nil, s.errorf("found %d numbers after the icf rows: expected n·d + 2 = %d (points, γ, m) or d + 2 = %d (one replicated point)", len(rest), g.N*g.D+2, g.D+2)
	}
	g.Gamma = rest[len(rest)-2]
	m := rest[len(rest)-1]
	if m != math.Trunc(m) || m < 0 {
		return nil, s.errorf("the Wishart m must be a non-negative integer, found %v", m)
	}
	g.M = int(m)
	return &g, nil
}

// multiLogGamma returns log Γ_p(a), the multivariate log-gamma function.
func multiLogGamma(a float64, p int) float64 {
	r := float64(p*(p-1)) / 4 * math.Log(math.Pi)
	for j := range p {
		lg, _ := math.Lgamma(a - float64(j)/2)
		r += lg
	}
	return r
}

// gmmConstant returns the terms of the objective that do not depend on
// the parameters: −n·d/2·log 2π and the Wishart normaliser −K·(C − log Γ_d(n'/2)).
func (g *GMM) gmmConstant() float64 {
	d := float64(g.D)
	nn := float64(g.D + g.M + 1)
	c := nn * d * math.Log(g.Gamma/math.Sqrt2)
	return -float64(g.N)*d*0.5*math.Log(2*math.Pi) - float64(g.K)*(c-multiLogGamma(0.5*nn, g.D))
}

// icfIndex returns the index in an ICF row of Q's entry (r, c), r ≥ c.
func icfIndex(d, r, c int) int {
	if r == c {
		return r
	}
	// Columns 0..c−1 hold d−1, d−2, … strictly-lower entries.
	return d + c*(2*d-c-1)/2 + (r - c - 1)
}

// GMMObjective computes the objective with plain loops, for the tests'
// cross-checks.
func GMMObjective(g *GMM, alphas, means, icf []float64) float64 {
	d, k, t := g.D, g.K, g.Tri()
	y := make([]float64, d)
	inner := make([]float64, k)
	var slse, prior, sumqsAll float64
	qs := make([][]float64, k)
	sumqs := make([]float64, k)
	for j := range k {
		qs[j] = make([]float64, d*d)
		for r := range d {
			for c := 0; c <= r; c++ {
				v := icf[j*t+icfIndex(d, r, c)]
				if r == c {
					sumqs[j] += v
					v = math.Exp(v)
				}
				qs[j][r*d+c] = v
				prior += v * v
			}
		}
		sumqsAll += sumqs[j]
	}
	for i := range g.N {
		x := g.X[i*d : (i+1)*d]
		for j := range k {
			var s float64
			for r := range d {
				var v float64
				for c := 0; c <= r; c++ {
					v += qs[j][r*d+c] * (x[c] - means[j*d+c])
				}
				y[r] = v
				s += v * v
			}
			inner[j] = alphas[j] + sumqs[j] - 0.5*s
		}
		slse += logSumExp(inner)
	}
	return g.gmmConstant() + slse - float64(g.N)*logSumExp(alphas) +
		0.5*g.Gamma*g.Gamma*prior - float64(g.M)*sumqsAll
}

func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return math.Log(s) + m
}

func (g *GMM) String() string { return fmt.Sprintf("GMM d=%d K=%d n=%d", g.D, g.K, g.N) }
