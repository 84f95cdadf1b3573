package ir

import "fmt"

// A Func is a user-defined function: named parameters and a body. The
// parameters are Var nodes of the graph the body lives in; applying the
// function binds them to the values of the arguments.
type Func struct {
	Name   string
	Params []ID // the Var node of each parameter, in order
	Body   ID
	// Outputs are the results of a function that returns a tuple,
	// F(x, y) = (x*y, sin(x) + y), in order, and nil for a function of
	// one result. Body is then Outputs[0]: the commands and functions
	// that take one result refuse a function with Outputs.
	Outputs []ID
	// Span is where the function was defined in the source; Spans[i] is
	// where parameter i was named.
	Span Span
}

// ParamNames returns the names of the parameters of fn in g.
func (fn *Func) ParamNames(g *Graph) []string {
	names := make([]string, len(fn.Params))
	for i, p := range fn.Params {
		names[i] = g.Node(p).Name
	}
	return names
}

// Bind returns the variables of fn's parameters bound by name to x, for
// evaluators that take a name → value map. It panics if len(x) is not the
// number of parameters.
func (fn *Func) Bind(g *Graph, x []float64) map[string]float64 {
	if len(x) != len(fn.Params) {
		panic(fmt.Sprintf("ir: %s has %d parameters, got %d values", fn.Name, len(fn.Params), len(x)))
	}
	env := make(map[string]float64, len(x))
	for i, p := range fn.Params {
		env[g.nodes[p].Name] = x[i]
	}
	return env
}

// Program is a graph with the functions defined on it, in the order they
// were defined.
type Program struct {
	Graph *Graph
	Funcs []*Func
	// Filename and Source are the name and text of the source the
	// program was parsed from, if any.
	Filename string
	Source   string
}

// Func returns the function called name, or nil.
func (p *Program) Func(name string) *Func {
	for _, f := range p.Funcs {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Target returns the function a program computes: the one called name, or
// the last one defined when name is empty.
func (p *Program) Target(name string) (*Func, error) {
	if len(p.Funcs) == 0 {
		return nil, fmt.Errorf("the program defines no function")
	}
	if name == "" {
		return p.Funcs[len(p.Funcs)-1], nil
	}
	if f := p.Func(name); f != nil {
		return f, nil
	}
	return nil, fmt.Errorf("the program defines no function %q", name)
}
