package draw

import (
	"strconv"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/latex"
	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/sym"
)

// partial is the symbolic label of an edge.
type partial struct {
	of    string // what is differentiated: "f_2", "sin(x)", "(x*y)"
	ofTeX string // the same in LaTeX
	param string // the parameter's name
	// fn names the function or operation ("f_2", "mul", "pow") and args
	// are its parameters as the formula text writes them ("x", "y", or a
	// constant argument's number): the signature f_2(x, y) or pow(x, 2).
	fn, fnTeX     string
	args, argsTeX []string
	text          string // the partial derivative as text, "" if too long
	latex         string // the same in LaTeX
}

// symbolic computes the symbolic partial derivatives on the edges of a
// graph. It builds them on a scratch graph of its own, so the graph of
// the result it draws is only read: the partials of a call are those of
// the called function's body (copied, with the calls in it inlined) with
// respect to its parameters, and those of a primitive come from op's
// table in terms of its parameters x and y, with a constant argument
// written as the number.
type symbolic struct {
	src   *ir.Graph
	s     *ir.Graph
	b     *sym.Builder
	calls map[*ir.Func][]partial
	prims map[primKey][]partial
	memo  map[string]ir.ID // copies of calls: function and arguments -> body
	funcs map[*ir.Func]int // the number of each function in memo's keys
}

type primKey struct {
	op     op.Op
	cx, cy bool    // whether x and y are constants
	vx, vy float64 // and if so, their values
}

func newSymbolic(src *ir.Graph) *symbolic {
	s := ir.NewGraph()
	return &symbolic{
		src: src, s: s, b: sym.NewBuilder(s),
		calls: make(map[*ir.Func][]partial),
		prims: make(map[primKey][]partial),
		memo:  make(map[string]ir.ID),
		funcs: make(map[*ir.Func]int),
	}
}

// partials returns the labels of the edges from node n to its arguments.
func (sy *symbolic) partials(n *ir.Node) []partial {
	switch {
	case n.Op == op.Call:
		return sy.call(n.Fn)
	case n.Op.IsPrimitive():
		return sy.prim(n)
	}
	return nil
}

func (sy *symbolic) call(fn *ir.Func) []partial {
	if p, ok := sy.calls[fn]; ok {
		return p
	}
	params := make([]ir.ID, len(fn.Params))
	bind := make(map[ir.ID]ir.ID, len(fn.Params))
	for k, q := range fn.Params {
		params[k] = sy.s.Var(sy.src.Node(q).Name)
		bind[q] = params[k]
	}
	copied := &ir.Func{Name: fn.Name, Params: params, Body: sy.copy(fn.Body, bind)}
	d := sym.Partials(sy.s, copied)
	args := fn.ParamNames(sy.src)
	argsTeX := make([]string, len(args))
	for k, a := range args {
		argsTeX[k] = latex.Name(a)
	}
	p := make([]partial, len(d))
	for k := range d {
		p[k] = sy.label(fn.Name, latex.FuncName(fn.Name), sy.src.Node(fn.Params[k]).Name, d[k])
		p[k].fn, p[k].fnTeX, p[k].args, p[k].argsTeX = fn.Name, latex.FuncName(fn.Name), args, argsTeX
	}
	sy.calls[fn] = p
	return p
}

func (sy *symbolic) prim(n *ir.Node) []partial {
	k := primKey{op: n.Op}
	if v, ok := sy.src.IsConst(n.X); ok {
		k.cx, k.vx = true, v
	}
	if n.Y != ir.None {
		if v, ok := sy.src.IsConst(n.Y); ok {
			k.cy, k.vy = true, v
		}
	}
	if p, ok := sy.prims[k]; ok {
		return p
	}
	param := func(name string, c bool, v float64) ir.ID {
		if c {
			return sy.s.Const(v)
		}
		return sy.s.Var(name)
	}
	x, y := param("x", k.cx, k.vx), ir.None
	if n.Y != ir.None {
		y = param("y", k.cy, k.vy)
	}
	// The node itself is built as it is, not simplified: the rules
	// expect v to be the operation applied to x and y.
	v := sy.s.Apply(n.Op, x, y)
	dx, dy := n.Op.Info().Rule(sy.b, x, y, v)
	of, ofTeX := sy.s.String(v), latex.String(sy.s, v)
	if n.Op.Info().Notation != op.Function {
		of, ofTeX = "("+of+")", `\left(`+ofTeX+`\right)`
	}
	p := []partial{sy.label(of, ofTeX, "x", dx)}
	if n.Y != ir.None {
		p = append(p, sy.label(of, ofTeX, "y", dy))
	}
	args, argsTeX := []string{sy.s.String(x)}, []string{latex.String(sy.s, x)}
	if n.Y != ir.None {
		args, argsTeX = append(args, sy.s.String(y)), append(argsTeX, latex.String(sy.s, y))
	}
	w := n.Op.Word()
	for i := range p {
		p[i].fn, p[i].fnTeX, p[i].args, p[i].argsTeX = w, `\operatorname{`+w+`}`, args, argsTeX
	}
	sy.prims[k] = p
	return p
}

func (sy *symbolic) label(of, ofTeX, param string, d ir.ID) partial {
	p := partial{of: of, ofTeX: ofTeX, param: param}
	order := sy.s.Topo(d)
	if t := exprTexts(sy.s, order, maxExprLen); len(t) > 0 {
		p.text = t[len(t)-1]
	}
	if p.text != "" {
		p.latex = latexString(sy.s, d)
	}
	return p
}

// copy returns root of the source graph rebuilt on the scratch graph,
// with each variable in bind replaced by its image and the calls inlined.
func (sy *symbolic) copy(root ir.ID, bind map[ir.ID]ir.ID) ir.ID {
	order := sy.src.Topo(root)
	img := make(map[ir.ID]ir.ID, len(order))
	for _, id := range order {
		n := sy.src.Node(id)
		switch n.Op {
		case op.Const:
			img[id] = sy.s.Const(n.Val)
		case op.Var:
			if v, ok := bind[id]; ok {
				img[id] = v
			} else {
				img[id] = sy.s.Var(n.Name)
			}
		case op.Call:
			fi, ok := sy.funcs[n.Fn]
			if !ok {
				fi = len(sy.funcs)
				sy.funcs[n.Fn] = fi
			}
			key := strconv.Itoa(fi)
			sub := make(map[ir.ID]ir.ID, len(n.Args))
			for k, q := range n.Fn.Params {
				a := img[n.Args[k]]
				sub[q] = a
				key += "," + strconv.Itoa(int(a))
			}
			body, ok := sy.memo[key]
			if !ok {
				body = sy.copy(n.Fn.Body, sub)
				sy.memo[key] = body
			}
			img[id] = body
		default:
			y := ir.None
			if n.Y != ir.None {
				y = img[n.Y]
			}
			img[id] = sy.s.Apply(n.Op, img[n.X], y)
		}
	}
	return img[root]
}

// latexOf returns the LaTeX of node id of g whose text is text, or "" if
// the text is empty (too long).
func latexOf(g *ir.Graph, id ir.ID, text string) string {
	if text == "" {
		return ""
	}
	return latexString(g, id)
}

// latexString returns node id of g in LaTeX.
func latexString(g *ir.Graph, id ir.ID) string { return latex.String(g, id) }
