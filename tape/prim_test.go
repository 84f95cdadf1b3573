package tape

import (
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/diff/fd"

	"github.com/gobackprop/backprop/op"
)

// same reports whether a and b are the same float64, bit for bit, or both
// NaN (whose payloads nobody promises).
func same(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Float64bits(a) == math.Float64bits(b)
}

// points are arguments for the comparisons with the table: ordinary
// numbers, kinks, domain edges and the IEEE special values.
var points = []float64{
	-2.5, -1, -0.5, math.Copysign(0, -1), 0, 0.3, 0.5, 1, 2, 3.7,
	1e-300, -1e300, 1e300, math.Inf(1), math.Inf(-1), math.NaN(),
}

// partials returns the value and the recorded partials of v, whatever
// the form of its record.
func partials(v Var) (val, dx, dy float64) {
	t := v.t
	r, val := t.rec[v.i], t.val[v.i]
	switch r.form() {
	case vc:
		return val, r.dx, 0
	case cv:
		return val, 0, r.dy
	}
	return val, r.dx, r.dy
}

// TestPrimitiveTable checks that every primitive records the value and
// partials of package op's table, bit for bit, at every pair of points,
// and that a gradient returns them.
func TestPrimitiveTable(t *testing.T) {
	tp := New()
	for _, o := range op.All() {
		info := o.Info()
		for ai, a := range points {
			ys := points
			if info.Arity == 1 {
				ys = []float64{0}
			}
			for k, b := range ys {
				tp.Reset()
				x, y := tp.Var(a), tp.Var(b)
				if (ai+k)%2 == 1 {
					// x and y of an earlier epoch: the slow path.
					tp.Rewind(tp.Mark())
				}
				var yv Var
				if info.Arity == 2 {
					yv = y
				}
				out := Primitive(o, x, yv)
				want := o.Eval(a, b)
				wx, wy := o.Partials(a, b, want)
				v, dx, dy := partials(out)
				if !same(v, want) || !same(dx, wx) || !same(dy, wy) {
					t.Errorf("%v(%v, %v): value, partials = %v, %v, %v; the table says %v, %v, %v",
						o, a, b, v, dx, dy, want, wx, wy)
					continue
				}
				if tp.op(out.i) != o {
					t.Errorf("%v(%v, %v) recorded op %v", o, a, b, tp.op(out.i))
				}
				// The adjoints are the raw partials; adjoints accumulate from
				// +0, so -0 partials come back as +0.
				tp.Backward(out)
				if gx, gy := tp.Adjoint(x), tp.Adjoint(y); !same(gx, wx+0) || !same(gy, wy+0) {
					t.Errorf("%v(%v, %v): adjoints %v, %v, want %v, %v", o, a, b, gx, gy, wx, wy)
				}
				// A gradient reports them as op.Gradient says.
				g := tp.Gradient(nil, out, []Var{x, y})
				w := op.Gradient(want, []float64{wx + 0, wy + 0})
				if !same(g[0], w[0]) || !same(g[1], w[1]) {
					t.Errorf("%v(%v, %v): gradient %v, want %v", o, a, b, g, w)
				}
			}
		}
	}
}

// TestConstForms checks the operations with a constant operand against
// the table, for every binary primitive: the arithmetic methods, and the
// table's forms that Apply uses for the others.
func TestConstForms(t *testing.T) {
	tp := New()
	for _, o := range op.All() {
		if o.Arity() != 2 {
			continue
		}
		for _, a := range points {
			for k, c := range points {
				tp.Reset()
				x := tp.Var(a)
				if k%2 == 1 {
					tp.Rewind(tp.Mark()) // the slow path
				}
				want := o.Eval(a, c)
				wx, _ := o.Partials(a, c, want)
				v, dx, _ := partials(withConstY(o, x, c))
				if !same(v, want) || !same(dx, wx) {
					t.Errorf("%v(x=%v, c=%v): value, partial = %v, %v; the table says %v, %v", o, a, c, v, dx, want, wx)
				}
				want = o.Eval(c, a)
				_, wy := o.Partials(c, a, want)
				v, _, dy := partials(withConstX(o, c, x))
				if !same(v, want) || !same(dy, wy) {
					t.Errorf("%v(c=%v, x=%v): value, partial = %v, %v; the table says %v, %v", o, c, a, v, dy, want, wy)
				}
			}
		}
	}
}

// TestConstMethods checks that the constant forms record what their
// names say, in the form Graph reads back.
func TestConstMethods(t *testing.T) {
	tp := New()
	x := tp.Var(3)
	tests := []struct {
		name string
		v    Var
		o    op.Op
		f    form
		val  float64
	}{
		{"AddConst", x.AddConst(2), op.Add, vc, 5},
		{"SubConst", x.SubConst(2), op.Sub, vc, 1},
		{"RSub", x.RSub(2), op.Sub, cv, -1},
		{"MulConst", x.MulConst(2), op.Mul, vc, 6},
		{"DivConst", x.DivConst(2), op.Div, vc, 1.5},
		{"RDiv", x.RDiv(6), op.Div, cv, 2},
		{"PowConst", x.PowConst(2), op.Pow, vc, 9},
		{"RPow", x.RPow(2), op.Pow, cv, 8},
	}
	for _, tt := range tests {
		r, v := &tp.rec[tt.v.i], tp.val[tt.v.i]
		if r.op() != tt.o || r.form() != tt.f || v != tt.val {
			t.Errorf("%s recorded %v in form %d with value %v, want %v in form %d with value %v",
				tt.name, r.op(), r.form(), v, tt.o, tt.f, tt.val)
		}
	}
	if tp.Len() != 1+len(tests) {
		t.Errorf("the constant forms took %d records, want %d", tp.Len(), 1+len(tests))
	}
}

// domain returns arguments of o where it is differentiable, away from
// kinks, poles and domain edges.
func domain(o op.Op) [][2]float64 {
	if o.Arity() == 2 {
		return [][2]float64{{0.7, 1.3}, {1.6, 0.4}, {2.2, -0.8}, {0.3, 2.5}}
	}
	var xs []float64
	switch o {
	case op.Log, op.Sqrt:
		xs = []float64{0.35, 0.8, 1.7, 3.2}
	case op.Asin, op.Acos:
		xs = []float64{-0.7, -0.2, 0.35, 0.8}
	case op.Log1p:
		xs = []float64{-0.6, 0.35, 0.8, 1.7}
	default:
		xs = []float64{-1.3, -0.4, 0.35, 0.8, 1.2}
	}
	args := make([][2]float64, len(xs))
	for i, x := range xs {
		args[i] = [2]float64{x, 0}
	}
	return args
}

// TestPrimitiveFD checks the gradient of every primitive, and of the
// constant forms, against central differences of plain float64
// evaluation.
func TestPrimitiveFD(t *testing.T) {
	tp := New()
	settings := &fd.Settings{Formula: fd.Central}
	for _, o := range op.All() {
		for _, p := range domain(o) {
			f := func(x []float64) float64 {
				if o.Arity() == 1 {
					return o.Eval(x[0], 0)
				}
				return o.Eval(x[0], x[1])
			}
			x := p[:o.Arity()]
			want := fd.Gradient(nil, f, x, settings)
			_, got := tp.Grad(nil, func(_ *Tape, v []Var) Var {
				if len(v) == 1 {
					return Primitive(o, v[0], Var{})
				}
				return Primitive(o, v[0], v[1])
			}, x)
			for i := range want {
				if !closeTo(got[i], want[i], 1e-7) {
					t.Errorf("∂%v/∂x%d at %v = %.12g, central differences say %.12g", o, i, x, got[i], want[i])
				}
			}
			if o.Arity() != 2 {
				continue
			}
			// The constant forms, differentiated in their one Var.
			for _, k := range []int{0, 1} {
				c := p[1-k]
				g := func(x []float64) float64 {
					if k == 0 {
						return o.Eval(x[0], c)
					}
					return o.Eval(c, x[0])
				}
				want := fd.Derivative(func(x float64) float64 { return g([]float64{x}) }, p[k], settings)
				_, got := tp.Grad(nil, func(_ *Tape, v []Var) Var {
					if k == 0 {
						return withConstY(o, v[0], c)
					}
					return withConstX(o, c, v[0])
				}, []float64{p[k]})
				if !closeTo(got[0], want, 1e-7) {
					t.Errorf("derivative of %v with constant argument %d = %v at %v: %.12g, central differences say %.12g",
						o, 1-k, c, p[k], got[0], want)
				}
			}
		}
	}
}

// TestOpCodes checks that every op code and form fits in the bits a
// record keeps for them, as the push functions write them: every value of
// an op.Op, not only the codes in use, so that adding a primitive needs no
// change here, with the largest operand indices too.
func TestOpCodes(t *testing.T) {
	if len(op.All())+4 > 1<<opBits {
		t.Fatalf("%d op codes, more than the %d a record keeps", len(op.All())+4, 1<<opBits)
	}
	tp := New()
	check := func(how string, o op.Op, f form, x, y uint32) {
		t.Helper()
		r := &tp.rec[tp.n-1]
		if r.op() != o || r.form() != f || r.xi() != x || r.yi() != y {
			t.Errorf("%s of %v in form %#x with operands %d, %d: decoded as %v in form %#x, operands %d, %d",
				how, o, uint32(f), x, y, r.op(), uint32(r.form()), r.xi(), r.yi())
		}
	}
	for c := 0; c < 1<<8; c++ {
		o := op.Op(c)
		for _, f := range []form{vv, vc, cv, custom} {
			for _, xy := range [][2]uint32{{12345, 678}, {indexMask, indexMask}, {0, 0}} {
				tp.room()
				tp.push(1, xy[0], xy[1], 2, 3, o, f)
				check("push", o, f, xy[0], xy[1])
				tp.room()
				tp.push1(1, xy[0], 2, 3, o, f)
				check("push1", o, f, xy[0], uint32(tp.n-1)&(sinks-1))
			}
		}
		tp.room()
		tp.push0(1, o)
		s := uint32(tp.n-1) & (sinks - 1)
		check("push0", o, vv, s, s)
		tp.room()
		tp.pushc(1, indexMask, 2, 3, o)
		check("pushc", o, cv, uint32(tp.n-1)&(sinks-1)^sinks/2, indexMask)
		tp.Reset()
	}
}

// TestRecordLayout checks the sizes the documentation gives: a record is
// 24 bytes, and so is a Var.
func TestRecordLayout(t *testing.T) {
	if n := unsafe.Sizeof(record{}); n != 24 {
		t.Errorf("a record is %d bytes, the documentation says 24", n)
	}
	if n := unsafe.Sizeof(Var{}); n != 24 {
		t.Errorf("a Var is %d bytes, the documentation says 24", n)
	}
}

// TestSincos checks that math.Sincos, which Sin and Cos use, gives the
// bits of math.Sin and math.Cos, which the table uses.
func TestSincos(t *testing.T) {
	xs := append([]float64{}, points...)
	for _, x := range []float64{math.Pi, math.Pi / 2, 1 << 29, 1 << 40, 1e17, 1e300, math.SmallestNonzeroFloat64} {
		xs = append(xs, x, -x, math.Nextafter(x, 0), math.Nextafter(x, math.Inf(1)))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		xs = append(xs, (r.Float64()-0.5)*math.Pow(2, float64(r.IntN(80)-20)))
	}
	for _, x := range xs {
		s, c := math.Sincos(x)
		if !same(s, math.Sin(x)) || !same(c, math.Cos(x)) {
			t.Fatalf("Sincos(%v) = %v, %v; Sin, Cos = %v, %v", x, s, c, math.Sin(x), math.Cos(x))
		}
	}
}
