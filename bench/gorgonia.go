package main

import (
	"fmt"
	"math"
	"strconv"

	"gorgonia.org/gorgonia"
)

// gorgoniaTool is gorgonia.org/gorgonia: a static graph of scalar nodes,
// differentiated symbolically once with gorgonia.Grad (which adds the
// gradient nodes to the graph) and run by a TapeMachine for each gradient.
//
// Trap: gorgonia hash-conses nodes, and an input's hash is its type, shape
// and name, so two unnamed scalar inputs are merged into one node and the
// gradient silently becomes that of f(x, x). Every input here is named.
type gorgoniaTool struct{}

func (gorgoniaTool) name() string { return "gorgonia" }

// gorgoniaProgram is a differentiated gorgonia graph ready to run.
type gorgoniaProgram struct {
	in    []*gorgonia.Node
	out   *gorgonia.Node
	grads gorgonia.Nodes
	m     gorgonia.VM
}

func (p *gorgoniaProgram) grad(dst, x []float64) (float64, error) {
	if len(dst) != len(p.in) || len(x) != len(p.in) {
		return math.NaN(), fmt.Errorf("gorgonia: %d inputs, got x of %d and dst of %d", len(p.in), len(x), len(dst))
	}
	for i, n := range p.in {
		if err := gorgonia.Let(n, x[i]); err != nil {
			return math.NaN(), err
		}
	}
	defer p.m.Reset()
	if err := p.m.RunAll(); err != nil {
		return math.NaN(), err
	}
	for i, g := range p.grads {
		v, ok := g.Value().Data().(float64)
		if !ok {
			return math.NaN(), fmt.Errorf("gorgonia: gradient %d is %T", i, g.Value().Data())
		}
		dst[i] = v
	}
	v, ok := p.out.Value().Data().(float64)
	if !ok {
		return math.NaN(), fmt.Errorf("gorgonia: value is %T", p.out.Value().Data())
	}
	return v, nil
}

// gorgoniaBuild builds f over n named scalar inputs, differentiates it and
// returns the program. gorgonia's constructors return errors; gorgonia.Must
// turns them into panics, which gorgoniaBuild recovers.
func gorgoniaBuild(n int, f func(g *gorgonia.ExprGraph, x []*gorgonia.Node) *gorgonia.Node) (p *gorgoniaProgram, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("gorgonia: %v", r)
		}
	}()
	g := gorgonia.NewGraph()
	in := make([]*gorgonia.Node, n)
	for i := range in {
		in[i] = gorgonia.NewScalar(g, gorgonia.Float64, gorgonia.WithName("x"+strconv.Itoa(i)))
	}
	out := f(g, in)
	grads, err := gorgonia.Grad(out, in...)
	if err != nil {
		return nil, err
	}
	return &gorgoniaProgram{in: in, out: out, grads: grads, m: gorgonia.NewTapeMachine(g)}, nil
}

func (gorgoniaTool) seed() (gradFunc, error) {
	p, err := gorgoniaBuild(2, func(g *gorgonia.ExprGraph, x []*gorgonia.Node) *gorgonia.Node {
		M := gorgonia.Must
		pi := gorgonia.NewConstant(math.Pi)
		a := M(gorgonia.Pow(x[0], M(gorgonia.Pow(x[1], x[0]))))
		b := M(gorgonia.Log(x[0]))
		return M(gorgonia.Add(M(gorgonia.Sin(M(gorgonia.Mul(pi, a)))), M(gorgonia.Cos(M(gorgonia.Mul(pi, b))))))
	})
	if err != nil {
		return nil, err
	}
	return p.grad, nil
}

func (gorgoniaTool) rosenbrock(n int) (gradFunc, error) {
	p, err := gorgoniaBuild(n, func(g *gorgonia.ExprGraph, x []*gorgonia.Node) *gorgonia.Node {
		M := gorgonia.Must
		one, hundred := gorgonia.NewConstant(1.0), gorgonia.NewConstant(100.0)
		var s *gorgonia.Node
		for i := 0; i+1 < n; i += 2 {
			d := M(gorgonia.Sub(x[i+1], M(gorgonia.Mul(x[i], x[i]))))
			a := M(gorgonia.Mul(hundred, M(gorgonia.Mul(d, d))))
			e := M(gorgonia.Sub(one, x[i]))
			term := M(gorgonia.Add(a, M(gorgonia.Mul(e, e))))
			if s == nil {
				s = term
			} else {
				s = M(gorgonia.Add(s, term))
			}
		}
		return s
	})
	if err != nil {
		return nil, err
	}
	return p.grad, nil
}
