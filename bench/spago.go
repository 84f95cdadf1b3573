package main

import (
	"fmt"
	"math"

	"github.com/nlpodyssey/spago/ag"
	"github.com/nlpodyssey/spago/mat"
)

// spagoTool is github.com/nlpodyssey/spago: define-by-run reverse mode on
// 1×1 tensors. Every gradient records a new graph (operators evaluate as
// they are built; ag.Add runs its forward pass in a goroutine) and
// ag.Backward starts one goroutine per node. Recording is part of the timed
// gradient, as it is in real use.
//
// spago's Pow takes a constant exponent only, so the seed's x^y is written
// exp(y*ln(x)).
type spagoTool struct{}

func (spagoTool) name() string { return "spago" }

func (spagoTool) note(task string) string {
	if task == taskSeed {
		return "x^y written exp(y·ln x)"
	}
	return ""
}

// spagoGrad runs f on fresh scalar inputs, backpropagates, and reads the
// value and the gradient. spago panics and calls log.Fatal on some errors;
// the panics are recovered.
func spagoGrad(dst, x []float64, f func(x []mat.Tensor) mat.Tensor) (v float64, err error) {
	if len(dst) != len(x) {
		return math.NaN(), fmt.Errorf("spago: x has %d elements, dst %d", len(x), len(dst))
	}
	defer func() {
		if r := recover(); r != nil {
			v, err = math.NaN(), fmt.Errorf("spago: %v", r)
		}
	}()
	in := make([]mat.Tensor, len(x))
	for i, xi := range x {
		in[i] = mat.Scalar(xi, mat.WithGrad(true))
	}
	out := f(in)
	if err := ag.Backward(out); err != nil {
		return math.NaN(), err
	}
	for i, n := range in {
		g := n.Grad()
		if g == nil {
			dst[i] = 0 // f does not depend on x[i]
			continue
		}
		dst[i] = g.Item().F64()
	}
	return out.Value().Item().F64(), nil
}

func (spagoTool) seed() (gradFunc, error) {
	pi := mat.Scalar(math.Pi)
	pow := func(x, y mat.Tensor) mat.Tensor { return ag.Exp(ag.Prod(y, ag.Log(x))) }
	f := func(x []mat.Tensor) mat.Tensor {
		a := pow(x[0], pow(x[1], x[0]))
		b := ag.Log(x[0])
		return ag.Add(ag.Sin(ag.Prod(pi, a)), ag.Cos(ag.Prod(pi, b)))
	}
	return func(dst, x []float64) (float64, error) { return spagoGrad(dst, x, f) }, nil
}

func (spagoTool) rosenbrock(n int) (gradFunc, error) {
	one, hundred := mat.Scalar(1.0), mat.Scalar(100.0)
	f := func(x []mat.Tensor) mat.Tensor {
		var s mat.Tensor
		for i := 0; i+1 < len(x); i += 2 {
			d := ag.Sub(x[i+1], ag.Prod(x[i], x[i]))
			a := ag.Prod(hundred, ag.Prod(d, d))
			e := ag.Sub(one, x[i])
			term := ag.Add(a, ag.Prod(e, e))
			if s == nil {
				s = term
			} else {
				s = ag.Add(s, term)
			}
		}
		return s
	}
	return func(dst, x []float64) (float64, error) { return spagoGrad(dst, x, f) }, nil
}
