package main

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

// gomlxTool is github.com/gomlx/gomlx with its pure-Go backend
// backends/simplego (XLA/PJRT is not available here). The function is a
// graph of scalar nodes, one parameter per variable; graph.Gradient adds
// the reverse-mode nodes, and the graph is compiled once, on the first
// Exec, which is done during the setup. Every gradient passes the inputs as
// float64 arguments and reads back scalar tensors.
//
// A single vector parameter sliced into scalars would make the reverse
// pass quadratic: the VJP of each slice pads its adjoint to the full
// vector.
type gomlxTool struct {
	backend backends.Backend
}

func (*gomlxTool) name() string { return "gomlx" }

func (t *gomlxTool) note(task string) string { return "simplego backend" }

// build returns the executor of f and its gradient for n inputs.
func (t *gomlxTool) build(n int, f func(x []*graph.Node) *graph.Node) (grad gradFunc, err error) {
	defer func() {
		if r := recover(); r != nil {
			grad, err = nil, fmt.Errorf("gomlx: %v", r)
		}
	}()
	if t.backend == nil {
		if t.backend, err = simplego.New(""); err != nil {
			return nil, err
		}
	}
	e, err := graph.NewExec(t.backend, func(x []*graph.Node) []*graph.Node {
		y := f(x)
		return append([]*graph.Node{y}, graph.Gradient(y, x...)...)
	})
	if err != nil {
		return nil, err
	}
	args := make([]any, n)
	grad = func(dst, x []float64) (v float64, err error) {
		if len(x) != n || len(dst) != n {
			return math.NaN(), fmt.Errorf("gomlx: %d inputs, got x of %d and dst of %d", n, len(x), len(dst))
		}
		for i, xi := range x {
			args[i] = xi
		}
		out, err := e.Exec(args...)
		if err != nil {
			return math.NaN(), err
		}
		defer func() {
			for _, o := range out {
				o.MustFinalizeAll()
			}
			if r := recover(); r != nil {
				v, err = math.NaN(), fmt.Errorf("gomlx: %v", r)
			}
		}()
		for i := range dst {
			dst[i] = tensors.ToScalar[float64](out[i+1])
		}
		return tensors.ToScalar[float64](out[0]), nil
	}
	// The graph is built and compiled on the first Exec: do it now, at
	// x = 1, so that it is part of the setup.
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	if _, err := grad(make([]float64, n), ones); err != nil {
		return nil, err
	}
	return grad, nil
}

func (t *gomlxTool) seed() (gradFunc, error) {
	return t.build(2, func(x []*graph.Node) *graph.Node {
		g := x[0].Graph()
		pi := graph.Scalar(g, dtypes.Float64, math.Pi)
		a := graph.Pow(x[0], graph.Pow(x[1], x[0]))
		b := graph.Log(x[0])
		return graph.Add(graph.Sin(graph.Mul(pi, a)), graph.Cos(graph.Mul(pi, b)))
	})
}

func (t *gomlxTool) rosenbrock(n int) (gradFunc, error) {
	return t.build(n, func(x []*graph.Node) *graph.Node {
		g := x[0].Graph()
		one, hundred := graph.Scalar(g, dtypes.Float64, 1), graph.Scalar(g, dtypes.Float64, 100)
		var s *graph.Node
		for i := 0; i+1 < len(x); i += 2 {
			d := graph.Sub(x[i+1], graph.Mul(x[i], x[i]))
			a := graph.Mul(hundred, graph.Mul(d, d))
			e := graph.Sub(one, x[i])
			term := graph.Add(a, graph.Mul(e, e))
			if s == nil {
				s = term
			} else {
				s = graph.Add(s, term)
			}
		}
		return s
	})
}
