package dual

import (
	"math"
	"testing"

	"github.com/gobackprop/backprop/ir"
	"github.com/gobackprop/backprop/op"
)

// TestRecordSection1 checks the blocks of section 1 of the seed document:
// f(x) = f_1(f_2(x), f_3(x)) at x = 1.
func TestRecordSection1(t *testing.T) {
	p := parse(t, section1)
	g := p.Graph
	f, _ := p.Target("f")
	tr, err := Record(g, f.Body, map[string]float64{"x": 1}, map[string]float64{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	// The body of f is x, f_2(x), f_3(x) and the call of f_1, in some
	// topological order.
	if len(tr) != 4 {
		t.Fatalf("%d entries, want 4: %+v", len(tr), tr)
	}
	byName := make(map[string]Entry)
	for _, s := range tr {
		n := g.Node(s.Node)
		switch n.Op {
		case op.Var:
			byName[n.Name] = s
		case op.Call:
			byName[n.Fn.Name] = s
		}
	}
	f2, f3 := math.Sin(1), 1+math.E
	tests := []struct {
		name           string
		value, tangent float64
		partials       []float64
	}{
		{"x", 1, 1, nil},
		{"f_2", 0.841470984807897, 0.54030230586814, []float64{math.Cos(1)}},
		{"f_3", 3.71828182845905, 3.21828182845905, []float64{0.5 + math.E}},
		{"f_1", 3*f2*f2 + 5*f2*f3 + 4*f3*f3, 122.045158140265, []float64{6*f2 + 5*f3, 5*f2 + 8*f3}},
	}
	for _, tt := range tests {
		s, ok := byName[tt.name]
		if !ok {
			t.Errorf("no entry for %s", tt.name)
			continue
		}
		if !near(s.Value, tt.value, 1e-14) || !near(s.Tangent, tt.tangent, 1e-14) {
			t.Errorf("%s: value %.15g, tangent %.15g; seed gives %.15g, %.15g", tt.name, s.Value, s.Tangent, tt.value, tt.tangent)
		}
		if len(s.Partials) != len(tt.partials) {
			t.Errorf("%s: partials %v, want %v", tt.name, s.Partials, tt.partials)
			continue
		}
		for i := range tt.partials {
			if !near(s.Partials[i], tt.partials[i], 1e-14) {
				t.Errorf("%s: partial %d = %v, want %v", tt.name, i, s.Partials[i], tt.partials[i])
			}
		}
	}
	if last := tr[len(tr)-1]; last.Node != f.Body {
		t.Errorf("last entry is node %d, want the root %d", last.Node, f.Body)
	}
	if s, ok := tr.Lookup(f.Body); !ok || s.Node != f.Body || s.Tangent != tr[len(tr)-1].Tangent {
		t.Errorf("Lookup(root) = %+v, %v", s, ok)
	}
	if _, ok := tr.Lookup(ir.ID(g.Len())); ok {
		t.Error("Lookup of a node not in the trace succeeded")
	}
}

// TestRecordMatchesJVP checks, on every node of the trace, that the entry
// agrees with JVP of that node, and that each tangent is the sum of the
// partials times the argument tangents.
func TestRecordMatchesJVP(t *testing.T) {
	for _, src := range []string{section1, appendix, "f(a, b) = max(a, b) * abs(a - 1) + a^b / sigmoid(b)\n"} {
		p := parse(t, src)
		g := p.Graph
		f, _ := p.Target("")
		point, tangent := map[string]float64{}, map[string]float64{}
		for i, n := range f.ParamNames(g) {
			point[n] = 2 + float64(i)
			tangent[n] = 1 - 1.5*float64(i)
		}
		tr, err := Record(g, f.Body, point, tangent)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tr {
			v, d, err := JVP(g, s.Node, point, tangent)
			if err != nil {
				t.Fatal(err)
			}
			if v != s.Value || !near(s.Tangent, d, 1e-13) {
				t.Errorf("%s: node %s: entry %v, %v; JVP %v, %v", f.Name, g.String(s.Node), s.Value, s.Tangent, v, d)
			}
			n := g.Node(s.Node)
			if n.Arity() != len(s.Partials) {
				t.Errorf("node %s: %d partials for %d arguments", g.String(s.Node), len(s.Partials), n.Arity())
				continue
			}
			if n.Arity() == 0 {
				continue
			}
			var sum float64
			for i := range n.Arity() {
				a, ok := tr.Lookup(n.Arg(i))
				if !ok {
					t.Fatalf("argument %d of node %d has no entry", i, s.Node)
				}
				if a.Tangent != 0 {
					sum += s.Partials[i] * a.Tangent
				}
			}
			if !near(sum, s.Tangent, 1e-13) {
				t.Errorf("node %s: Σ partials·tangents = %v, tangent %v", g.String(s.Node), sum, s.Tangent)
			}
		}
	}
}

func TestRecordCheck(t *testing.T) {
	p := parse(t, "g(x) = sqrt(x)\nf(x) = g(x) + 1\n")
	e := NewEvaluator(p.Graph)
	f, _ := p.Target("")
	tr, err := e.Record(f.Body, map[string]float64{"x": 0}, map[string]float64{"x": 1})
	if err != nil || len(tr) == 0 || !math.IsInf(tr[len(tr)-1].Tangent, 1) {
		t.Errorf("without Check: %v, %v", tr, err)
	}
	e.Check = true
	if tr, err := e.Record(f.Body, map[string]float64{"x": 0}, map[string]float64{"x": 1}); err == nil || tr != nil {
		t.Errorf("with Check: %v, %v", tr, err)
	}
	if _, err := e.Record(f.Body, nil, nil); err == nil {
		t.Error("no error without a value for x")
	}
}
