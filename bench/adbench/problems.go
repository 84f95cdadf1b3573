package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/gobackprop/backprop/bench/internal/adbench"
)

func prepareGMM(path string, c *config) ([]*problem, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	// The header, to skip what is too large before reading it.
	var d, k, n int
	if _, err := fmt.Fscan(bufio.NewReader(f), &d, &k, &n); err == nil && n*k*d > c.maxGMM {
		return nil, fmt.Sprintf("n·K·d = %d > -maxgmm %d: arrays of n·K·d numbers would not fit in memory", n*k*d, c.maxGMM), nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	g, err := adbench.ReadGMM(f, path)
	if err != nil {
		return nil, "", err
	}
	a := adbench.NewGMMArray(g)
	grad := make([]float64, g.NumParams())
	var value float64
	size := fmt.Sprintf("n=%d d=%d K=%d", g.N, g.D, g.K)
	ps := []*problem{{
		tool:       "backprop-array",
		size:       size,
		objective:  func() { value = a.Objective() },
		derivative: func() { value = a.Gradient(grad) },
		summary:    func() ([]float64, []float64) { return []float64{value}, grad },
		writeF:     func(w io.Writer) error { return adbench.WriteValue(w, a.Objective()) },
		writeJ:     func(w io.Writer) error { return adbench.WriteVector(w, grad) },
	}}
	if adbench.GMMTapeRecords(g) > c.maxTape {
		return ps, "", nil
	}
	tp := adbench.NewGMMTape(g)
	params := g.Params()
	tgrad := make([]float64, g.NumParams())
	var tvalue float64
	return append(ps, &problem{
		tool:       "backprop-tape",
		size:       size,
		objective:  func() { tvalue = tp.Objective(params) },
		derivative: func() { tvalue = tp.Gradient(tgrad, params) },
		summary:    func() ([]float64, []float64) { return []float64{tvalue}, tgrad },
		writeF:     func(w io.Writer) error { return adbench.WriteValue(w, tp.Objective(params)) },
		writeJ:     func(w io.Writer) error { return adbench.WriteVector(w, tgrad) },
	}), "", nil
}

func prepareBA(path string, c *config) ([]*problem, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	var n, m, p int
	if _, err := fmt.Fscan(bufio.NewReader(f), &n, &m, &p); err == nil && p > c.maxObs {
		return nil, fmt.Sprintf("p = %d > -maxobs %d: the Jacobian would take %.1f GB", p, c.maxObs, float64(p)*31*12/1e9), nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, "", err
	}
	b, err := adbench.ReadBA(f, path)
	if err != nil {
		return nil, "", err
	}
	cp, err := adbench.NewBACompiled(b)
	if err != nil {
		return nil, "", err
	}
	// The tools run in turn, so they share the residuals and the
	// Jacobian (3.4 GB for ba19).
	reproj, werr := make([]float64, 2*b.P), make([]float64, b.P)
	j := adbench.NewBAJacobian(b)
	var ps []*problem
	for _, t := range []struct {
		name string
		p    *adbench.BAProgram
	}{{"backprop-compiled", cp}, {"backprop-generated", adbench.NewBAGenerated(b)}} {
		ps = append(ps, &problem{
			tool:       t.name,
			size:       fmt.Sprintf("n=%d m=%d p=%d", b.N, b.M, b.P),
			objective:  func() { t.p.Objective(reproj, werr) },
			derivative: func() { t.p.Jacobian(j) },
			summary: func() ([]float64, []float64) {
				t.p.Objective(reproj, werr)
				g := append([]float64(nil), j.Vals[:2*adbench.BABlock]...)
				return []float64{reproj[0], reproj[1], werr[0]}, append(g, j.Vals[2*adbench.BABlock*b.P])
			},
			writeF: func(w io.Writer) error {
				t.p.Objective(reproj, werr)
				return adbench.WriteBAErrors(w, reproj, werr)
			},
			writeJ: func(w io.Writer) error { return adbench.WriteCSR(w, j) },
		})
	}
	return ps, "", nil
}

func prepareLSTM(path string) ([]*problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := adbench.ReadLSTM(f, path)
	if err != nil {
		return nil, err
	}
	a := adbench.NewLSTMArray(m)
	grad := make([]float64, m.NumParams())
	var value float64
	return []*problem{{
		tool:       "backprop-array",
		size:       fmt.Sprintf("l=%d c=%d b=%d", m.L, m.C, m.B),
		objective:  func() { value = a.Objective() },
		derivative: func() { value = a.Gradient(grad) },
		summary:    func() ([]float64, []float64) { return []float64{value}, grad },
		writeF:     func(w io.Writer) error { return adbench.WriteValue(w, a.Objective()) },
		writeJ:     func(w io.Writer) error { return adbench.WriteVector(w, grad) },
	}}, nil
}
