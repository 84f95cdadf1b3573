package gen

import (
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// hvp writes NameHVP(hv, x, v []float64) float64: forward over reverse,
// written out. After the values (as for the gradient), a tangent pass
// gives each node that depends on an input its derivative along v, u…
// (w… for the inputs, v's elements); the reverse pass then carries with
// each adjoint b… its tangent e… (h… for the inputs), adding for the edge
// from z = f(a, c) to a
//
//	e_a += e_z·∂f/∂a + b_z·(∂²f/∂a²·u_a + ∂²f/∂a∂c·u_c)
//
// with the second partials of op's table, and hv[i] is h_i. Unlike the
// compiled mode, which leaves out the tangents of the nodes that do not
// depend on the inputs whose element of v is not 0 (structural zeros),
// the generated code knows nothing of v when it is written: an infinite
// partial off v's direction makes an entry NaN here where the compiled
// mode's is finite. Where every partial is finite the two agree up to
// rounding.
func (wr *writer) hvp() {
	s := wr.s
	n := len(wr.fn.Params)
	wr.tmpQ = 0
	wr.p("\n// %sHVP stores in hv the product of the Hessian of %s at x with v, by\n", s.Name, s.Name)
	wr.p("// forward over reverse, and returns the value. An entry is NaN where the\n")
	if n > 0 {
		wr.p("// value is NaN or the entry is not finite. It panics if hv, x or v has\n")
		wr.p("// fewer than %d elements.\n", n)
	} else {
		wr.p("// value is NaN or the entry is not finite.\n")
	}
	wr.p("func %sHVP(hv, x, v []float64) float64 {\n", s.Name)
	if n > 0 {
		wr.p("\t_ = hv[%d]\n\t_ = v[%d]\n", n-1, n-1)
	}
	wr.forward(true)
	live := wr.dep[wr.root]
	// need[id]: the tangent of id is read, by a second-order term or by
	// the tangent of a node whose tangent is read.
	need := make([]bool, wr.g.Len())
	curv := make([]op.Curvature, wr.g.Len()) // the second partials used at each node
	if live {
		for k := len(wr.order) - 1; k >= 0; k-- {
			id := wr.order[k]
			nd := wr.g.Node(id)
			if !wr.dep[id] || !nd.Op.IsPrimitive() {
				continue
			}
			c := nd.Op.Info().Curvature
			dx, dy := wr.dep[nd.X], nd.Y != ir.None && wr.dep[nd.Y]
			if !dx {
				c &^= op.CurvXX | op.CurvXY
			}
			if !dy {
				c &^= op.CurvYY | op.CurvXY
			}
			curv[id] = c
			need[nd.X] = need[nd.X] || dx && (c&(op.CurvXX|op.CurvXY) != 0 || need[id])
			if dy {
				need[nd.Y] = need[nd.Y] || c&(op.CurvYY|op.CurvXY) != 0 || need[id]
			}
		}
	}
	// read[id]: the adjoint of id is read, by its second-order terms or by
	// the adjoint of an argument that is read (arguments come first in
	// order).
	read := make([]bool, wr.g.Len())
	for _, id := range wr.order {
		nd := wr.g.Node(id)
		if !wr.dep[id] || !nd.Op.IsPrimitive() {
			continue
		}
		read[id] = curv[id] != 0 || wr.dep[nd.X] && read[nd.X] ||
			nd.Y != ir.None && wr.dep[nd.Y] && read[nd.Y]
	}
	// The tangents.
	tan := make([]string, wr.g.Len())
	for _, id := range wr.order {
		if !need[id] {
			continue
		}
		nd := wr.g.Node(id)
		if nd.Op == op.Var {
			i := strconv.Itoa(wr.input[id])
			tan[id] = "w" + i
			wr.line(tan[id], " := v[", i, "]")
			continue
		}
		u := "u" + wr.name[id][1:]
		tan[id] = u
		dx, dy := wr.firstPartials(id, nd)
		declared := false
		for j, a := range []ir.ID{nd.X, nd.Y} {
			if a == ir.None || !wr.dep[a] {
				continue
			}
			d := dx
			if j == 1 {
				d = dy
			}
			if declared {
				wr.line(u, " += ", product(d, tan[a]))
			} else {
				wr.line(u, " := ", product(d, tan[a]))
				declared = true
			}
		}
	}
	// The reverse pass, with the tangents of the adjoints; the inputs'
	// adjoints themselves are not needed, only their tangents.
	adj := make([]string, wr.g.Len())
	adjT := make([]string, wr.g.Len())
	add := func(id ir.ID, term, termT string) {
		if adjT[id] != "" {
			if adj[id] != "" {
				wr.line(adj[id], " += ", term)
			}
			wr.line(adjT[id], " += ", termT)
			return
		}
		if i := wr.input[id]; i >= 0 {
			adjT[id] = "h" + strconv.Itoa(i)
		} else {
			k := wr.name[id][1:]
			adjT[id] = "e" + k
			if read[id] {
				adj[id] = "b" + k
				wr.line(adj[id], " := ", term)
			}
		}
		wr.line(adjT[id], " := ", termT)
	}
	if live {
		k := wr.name[wr.root][1:]
		adj[wr.root], adjT[wr.root] = "b"+k, "e"+k
		switch {
		case wr.input[wr.root] >= 0:
			adj[wr.root], adjT[wr.root] = "", "h"+strconv.Itoa(wr.input[wr.root])
		case read[wr.root]:
			wr.line(adj[wr.root], " := 1.0")
		default:
			adj[wr.root] = ""
		}
		wr.line(adjT[wr.root], " := 0.0")
	}
	for k := len(wr.order) - 1; k >= 0; k-- {
		id := wr.order[k]
		nd := wr.g.Node(id)
		g, gt := adj[id], adjT[id]
		if gt == "" || !nd.Op.IsPrimitive() {
			continue
		}
		dx, dy := wr.firstPartials(id, nd)
		xx, xy, yy := wr.secondPartials(id, nd, curv[id])
		for j, a := range []ir.ID{nd.X, nd.Y} {
			if a == ir.None || !wr.dep[a] {
				continue
			}
			d, own, cross, other := dx, xx, xy, nd.Y
			if j == 1 {
				d, own, cross, other = dy, yy, xy, nd.X
			}
			term := ""
			if wr.input[a] < 0 {
				term = product(d, g)
			}
			termT := product(d, gt)
			// The second-order part, g·(own·u_a + cross·u_other), one
			// statement a term so that each stays a plain product.
			if own != "" {
				wr.addSecond(&termT, g, own, tan[a])
			}
			if cross != "" {
				wr.addSecond(&termT, g, cross, tan[other])
			}
			add(a, term, termT)
		}
	}
	for i, p := range wr.fn.Params {
		if adjT[p] != "" {
			wr.line("hv[", strconv.Itoa(i), "] = ", adjT[p])
		} else {
			wr.line("hv[", strconv.Itoa(i), "] = 0")
		}
	}
	wr.p("\tval := %s\n", wr.name[wr.root])
	if n > 0 {
		wr.p("\tchk := val - val + %s\n", wr.finiteSum(elems{"hv", n}))
		wr.p("\tif chk != 0 {\n")
		wr.p("\t\tfor i, d := range hv[:%d] {\n", n)
		wr.p("\t\t\tif val != val || d-d != 0 {\n\t\t\t\thv[i] = math.NaN()\n\t\t\t}\n\t\t}\n\t}\n")
	}
	wr.p("\treturn val\n}\n")
}

// addSecond adds g·(f·u) to the tangent term *t, one operation a
// statement (q… temporaries, so that each line is in gofmt's layout
// whatever the precedences), and makes *t the sum's temporary.
func (wr *writer) addSecond(t *string, g, f, u string) {
	q := func(e string) string {
		name := "q" + strconv.Itoa(wr.tmpQ)
		wr.tmpQ++
		wr.line(name, " := ", e)
		return name
	}
	fu := u
	if f != "1" {
		fu = q(product(f, u))
	}
	if strings.Contains(*t, " ") {
		*t = q(*t)
	}
	*t = q(*t + " + " + q(g+" * "+fu))
}

// product is the Go expression d·g for a partial d ("" for 1, "-1").
func product(d, g string) string {
	switch d {
	case "":
		return g
	case "-1":
		return "-" + g
	}
	return g + " * " + d
}

// firstPartials returns the node's first partials as names or literals
// (hoisted by shared), "" for 1 and "-1" for -1.
func (wr *writer) firstPartials(id ir.ID, nd *ir.Node) (dx, dy string) {
	b := ""
	if nd.Y != ir.None {
		b = wr.name[nd.Y]
	}
	dx, dy = wr.partials(nd, wr.name[nd.X], b, wr.name[id])
	// Only the partials in the arguments that depend on the inputs are
	// read: the others must not become unused temporaries.
	if wr.dep[nd.X] {
		dx = wr.hoist(dx)
	} else {
		dx = ""
	}
	if nd.Y != ir.None && wr.dep[nd.Y] {
		dy = wr.hoist(dy)
	} else {
		dy = ""
	}
	return dx, dy
}

// hoist returns e if it is "", -1, a name or a literal, and otherwise a
// variable holding it.
func (wr *writer) hoist(e string) string {
	if e == "" || e == "-1" || simple(e) {
		return e
	}
	if len(e) > 1 && e[0] == '(' && e[len(e)-1] == ')' && balanced(e[1:len(e)-1]) {
		e = e[1 : len(e)-1]
	}
	return wr.shared(e)
}

// simple reports whether e is a name or an unsigned number.
func simple(e string) bool {
	for _, r := range e {
		if !(r == '_' || r == '.' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return e != ""
}

// balanced reports whether the parentheses of e balance without going
// below zero, so that (e) is one parenthesised expression.
func balanced(e string) bool {
	depth := 0
	for _, r := range e {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// secondPartials returns the node's second partials ∂²/∂x², ∂²/∂x∂y and
// ∂²/∂y² as names or literals, "" where the table's are identically 0,
// with the table's formulas (op's Partials2) written as Go.
func (wr *writer) secondPartials(id ir.ID, nd *ir.Node, want op.Curvature) (xx, xy, yy string) {
	if want == 0 {
		return "", "", ""
	}
	xx, xy, yy = wr.second(id, nd, want)
	if want&op.CurvXX == 0 {
		xx = ""
	}
	if want&op.CurvXY == 0 {
		xy = ""
	}
	if want&op.CurvYY == 0 {
		yy = ""
	}
	return xx, xy, yy
}

// second returns the second partials of want (and possibly others).
func (wr *writer) second(id ir.ID, nd *ir.Node, want op.Curvature) (xx, xy, yy string) {
	a, v := wr.name[nd.X], wr.name[id]
	b := ""
	if nd.Y != ir.None {
		b = wr.name[nd.Y]
	}
	sh := wr.shared
	// only builds e if it is wanted, so that no temporary goes unused.
	only := func(c op.Curvature, e func() string) string {
		if want&c == 0 {
			return ""
		}
		return e()
	}
	switch nd.Op {
	case op.Mul:
		return "", "1", ""
	case op.Div:
		return "", only(op.CurvXY, func() string { return sh("-1 / (" + b + " * " + b + ")") }),
			only(op.CurvYY, func() string { return sh("2 * " + v + " / (" + b + " * " + b + ")") })
	case op.Pow:
		y := wr.g.Node(nd.Y)
		if y.Op == op.Const {
			c := y.Val
			if c == 2 {
				return "2", "", "" // 2·Pow(x, 0) = 2 for every x, NaN included
			}
			return sh(literal(c*(c-1)) + " * " + wr.helper("pow") + "(" + a + ", " + literal(c-2) + ")"), "", ""
		}
		ym1 := ""
		if want&(op.CurvXX|op.CurvXY) != 0 {
			ym1 = sh(b + " - 1")
		}
		l := ""
		if want&(op.CurvXY|op.CurvYY) != 0 {
			l = sh("math.Log(" + a + ")")
		}
		xx = only(op.CurvXX, func() string {
			return sh(b + " * " + ym1 + " * " + wr.helper("pow") + "(" + a + ", " + sh(b+" - 2") + ")")
		})
		xy = only(op.CurvXY, func() string {
			return sh(sh(wr.helper("pow")+"("+a+", "+ym1+")") + " * (1 + " + sh(b+" * "+l) + ")")
		})
		yy = only(op.CurvYY, func() string { return sh(v + " * " + l + " * " + l) })
		return xx, xy, yy
	case op.Exp, op.Sinh, op.Cosh:
		return v, "", ""
	case op.Log:
		return sh("-1 / (" + a + " * " + a + ")"), "", ""
	case op.Sqrt:
		return sh("-0.25 / (" + v + " * " + v + " * " + v + ")"), "", ""
	case op.Sin, op.Cos:
		return sh("-" + v), "", ""
	case op.Tan:
		return sh("2 * " + v + " * (1 + " + v + "*" + v + ")"), "", ""
	case op.Asin, op.Acos:
		q := sh("1 - " + a + "*" + a)
		sign := ""
		if nd.Op == op.Acos {
			sign = "-"
		}
		return sh(sign + a + " * math.Pow(" + q + ", -1.5)"), "", ""
	case op.Atan:
		r := sh("1 + " + a + "*" + a)
		return sh("-2 * " + a + " / (" + r + " * " + r + ")"), "", ""
	case op.Atan2:
		// atan2(y, x) with y = a and x = b.
		r := sh(b + "*" + b + " + " + a + "*" + a)
		r2 := sh(r + " * " + r)
		return only(op.CurvXX, func() string { return sh("-2 * " + b + " * " + a + " / " + r2) }),
			only(op.CurvXY, func() string { return sh(sh(a+"*"+a+" - "+b+"*"+b) + " / " + r2) }),
			only(op.CurvYY, func() string { return sh("2 * " + b + " * " + a + " / " + r2) })
	case op.Tanh:
		c := sh("math.Cosh(" + a + ")")
		td := sh("1 / (" + c + " * " + c + ")")
		return sh("-2 * " + v + " * " + td), "", ""
	case op.Log1p:
		r := sh("1 + " + a)
		return sh("-1 / (" + r + " * " + r + ")"), "", ""
	case op.Expm1:
		return sh("math.Exp(" + a + ")"), "", ""
	case op.Sigmoid:
		sd := sh(v + " * " + wr.helper("sigmoid") + "(-" + a + ")")
		h := sh(a + " / 2")
		th := sh("math.Tanh(" + h + ")")
		return sh("-" + sd + " * " + th), "", ""
	}
	// Neg, Add, Sub, Abs, Min, Max, Relu, Step, Sign: no curvature.
	return "", "", ""
}
