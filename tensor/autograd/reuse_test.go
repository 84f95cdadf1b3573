package autograd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/op"
	"github.com/gobackprop/backprop/tensor"
)

// sameArray reports whether got and want have one shape and the same
// elements bit for bit (NaNs alike).
func sameArray[T tensor.Float](got, want *tensor.Dense[T]) bool {
	if got == nil || want == nil {
		return got == want
	}
	if !tensor.SameShape(got, want) {
		return false
	}
	g, w := got.Data(), want.Data()
	for i := range w {
		if math.Float64bits(float64(g[i])) != math.Float64bits(float64(w[i])) && !(g[i] != g[i] && w[i] != w[i]) {
			return false
		}
	}
	return true
}

// TestReuseMatchesRules checks every reusing rule against the table's
// rule of its primitive, bit for bit, with no buffers and with buffers of
// the right shape holding garbage, on arguments salted with zeros of both
// signs, infinities and NaNs.
func TestReuseMatchesRules(t *testing.T) {
	testReuseMatchesRules[float64](t, 1)
	testReuseMatchesRules[float32](t, 2)
}

func testReuseMatchesRules[T tensor.Float](t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 11))
	rules, reuse := newRules[T](), newReuseRules[T]()
	special := []T{T(math.NaN()), T(math.Inf(1)), T(math.Inf(-1)), 0, T(math.Copysign(0, -1))}
	salt := func(shape ...int) *tensor.Dense[T] {
		x := tensor.RandNormal[T](r, shape...)
		d := x.Data()
		for i := range d {
			if r.IntN(15) == 0 {
				d[i] = special[r.IntN(len(special))]
			}
		}
		return x
	}
	garbage := func(x *tensor.Dense[T]) *tensor.Dense[T] {
		if x == nil {
			return nil
		}
		return tensor.Full(T(math.NaN()), x.Shape()...)
	}
	type tc struct {
		p    prim
		pa   param[T]
		args [2]*tensor.Dense[T]
		vjp  bool // whether the reusing rule must apply to the VJP
	}
	for trial := range 100 {
		m, k, n := 1+r.IntN(5), 1+r.IntN(6), 1+r.IntN(4)
		x, y, bias := salt(m, k), salt(m, k), salt(k)
		labels := make([]int, m)
		for i := range labels {
			labels[i] = r.IntN(k)
		}
		cases := []tc{
			{elementwise, param[T]{op: op.Add}, [2]*tensor.Dense[T]{x, y}, true},
			{elementwise, param[T]{op: op.Add}, [2]*tensor.Dense[T]{x, bias}, true},
			{elementwise, param[T]{op: op.Add}, [2]*tensor.Dense[T]{bias, x}, true},
			{elementwise, param[T]{op: op.Relu}, [2]*tensor.Dense[T]{x}, true},
			{elementwise, param[T]{op: op.Mul}, [2]*tensor.Dense[T]{x, bias}, false},
			{elementwise, param[T]{op: op.Mul}, [2]*tensor.Dense[T]{x, y}, true},
			{elementwise, param[T]{op: op.Sub}, [2]*tensor.Dense[T]{x, y}, true},
			{elementwise, param[T]{op: op.Sub}, [2]*tensor.Dense[T]{x, bias}, true},
			{elementwise, param[T]{op: op.Sub}, [2]*tensor.Dense[T]{bias, x}, true},
			{elementwise, param[T]{op: op.Tanh}, [2]*tensor.Dense[T]{x}, true},
			{elementwise, param[T]{op: op.Sigmoid}, [2]*tensor.Dense[T]{x}, true},
			{elementwise, param[T]{op: op.Log}, [2]*tensor.Dense[T]{x}, true},
			{elementwise, param[T]{op: op.Exp}, [2]*tensor.Dense[T]{x}, true},
			{matmul, param[T]{}, [2]*tensor.Dense[T]{x, salt(k, n)}, true},
			{matmul, param[T]{}, [2]*tensor.Dense[T]{salt(m, n).T(), x}, true},
			{mean, param[T]{}, [2]*tensor.Dense[T]{x}, true},
			{sum, param[T]{}, [2]*tensor.Dense[T]{x}, true},
			{sum, param[T]{axes: []int{1}}, [2]*tensor.Dense[T]{x}, true},
			{sum, param[T]{axes: []int{-1}, keep: true}, [2]*tensor.Dense[T]{x}, true},
			{sum, param[T]{axes: []int{2, 1}}, [2]*tensor.Dense[T]{salt(m, k, n)}, true},
			{sum, param[T]{axes: []int{0}}, [2]*tensor.Dense[T]{x}, false},
			{logsumexp, param[T]{axes: []int{1}}, [2]*tensor.Dense[T]{x}, true},
			{logsumexp, param[T]{axes: []int{-1}, keep: true}, [2]*tensor.Dense[T]{x}, true},
			{logsumexp, param[T]{}, [2]*tensor.Dense[T]{x}, true},
			{logsumexp, param[T]{axes: []int{2}}, [2]*tensor.Dense[T]{salt(m, k, n)}, true},
			{xent, param[T]{labels: labels}, [2]*tensor.Dense[T]{x}, true},
			{reshape, param[T]{axes: []int{k, 1, m}}, [2]*tensor.Dense[T]{x}, true},
			{reshape, param[T]{axes: []int{m * k}}, [2]*tensor.Dense[T]{x.T()}, true},
		}
		for _, c := range cases {
			name := fmt.Sprintf("%T trial %d: %s %v", T(0), trial, rules[c.p].name, c.pa.op)
			want := rules[c.p].forward(&c.pa, c.args)
			for _, dst := range []*tensor.Dense[T]{nil, garbage(want)} {
				got := reuse[c.p].forward(&c.pa, c.args, dst)
				if !sameArray(got, want) || dst != nil && got != dst {
					t.Fatalf("%s: forward\n%v\nwant\n%v", name, got, want)
				}
			}
			g := salt(want.Shape()...)
			wx, wy := rules[c.p].vjp(&c.pa, g, c.args, want)
			need := [2]bool{true, c.args[1] != nil}
			for _, dst := range [][2]*tensor.Dense[T]{{}, {garbage(wx), garbage(wy)}} {
				gx, gy, ok := reuse[c.p].vjp(&c.pa, g, c.args, want, need, dst)
				if !ok {
					if c.vjp {
						t.Fatalf("%s: the reusing VJP declines", name)
					}
					continue
				}
				if !sameArray(gx, wx) || !sameArray(gy, wy) {
					t.Fatalf("%s: VJP\n%v\n%v\nwant\n%v\n%v", name, gx, gy, wx, wy)
				}
			}
		}
	}
}
