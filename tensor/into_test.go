package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/op"
)

// sameArray reports whether got and want have one shape and the same
// elements bit for bit (NaNs alike).
func sameArray[T Float](got, want *Dense[T]) bool {
	if !SameShape(got, want) {
		return false
	}
	g, w := got.Data(), want.Data()
	for i := range w {
		if !same(float64(g[i]), float64(w[i])) {
			return false
		}
	}
	return true
}

// TestIntoMatches checks every dst-first function against the function
// it stands for, bit for bit, with dst nil and with a reused dst of the
// right shape holding garbage, on random shapes and views (the fast paths
// and the general ones), in both precisions.
func TestIntoMatches(t *testing.T) {
	testIntoMatches[float64](t, 1)
	testIntoMatches[float32](t, 2)
}

func testIntoMatches[T Float](t *testing.T, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 9))
	special := []T{T(math.NaN()), T(math.Inf(1)), T(math.Inf(-1)), 0, T(math.Copysign(0, -1))}
	salt := func(x *Dense[T]) *Dense[T] {
		x = x.Clone()
		for i := range x.data {
			if r.IntN(20) == 0 {
				x.data[i] = special[r.IntN(len(special))]
			}
		}
		return x
	}
	check := func(name string, want *Dense[T], into func(dst *Dense[T]) *Dense[T]) {
		t.Helper()
		if got := into(nil); !sameArray(got, want) {
			t.Fatalf("%s with dst nil:\n%v\nwant\n%v", name, got, want)
		}
		dst := Full(T(math.NaN()), want.shape...)
		if got := into(dst); got != dst || !sameArray(got, want) {
			t.Fatalf("%s into dst:\n%v\nwant\n%v", name, got, want)
		}
	}
	for trial := range 200 {
		rows, cols := r.IntN(5), 1+r.IntN(7)
		x := salt(RandNormal[T](r, rows, cols))
		v := randView[T](r, []int{rows, cols})
		bias := salt(RandNormal[T](r, cols))
		for _, o := range []op.Op{op.Add, op.Sub, op.Mul, op.Div, op.Pow, op.Max} {
			for _, p := range [][2]*Dense[T]{{x, v}, {x, bias}, {bias, x}, {v, bias}, {x, x}} {
				check(fmt.Sprintf("%d %v %v %v", trial, o, p[0].shape, p[1].shape), Apply(o, p[0], p[1]),
					func(d *Dense[T]) *Dense[T] { return ApplyTo(d, o, p[0], p[1]) })
			}
		}
		for _, o := range []op.Op{op.Exp, op.Relu, op.Sin, op.Log} {
			for _, a := range []*Dense[T]{x, v} {
				check(fmt.Sprintf("%d %v", trial, o), Apply(o, a, nil), func(d *Dense[T]) *Dense[T] { return ApplyTo(d, o, a, nil) })
			}
		}
		for _, axes := range [][]int{nil, {0}, {1}, {-1}, {}} {
			for _, keep := range []bool{false, true} {
				name := fmt.Sprintf("%d sum %v %v", trial, axes, keep)
				check(name, Sum(x, axes, keep), func(d *Dense[T]) *Dense[T] { return SumTo(d, x, axes, keep) })
				check(name, Sum(v, axes, keep), func(d *Dense[T]) *Dense[T] { return SumTo(d, v, axes, keep) })
				check("mean", Mean(x, axes, keep), func(d *Dense[T]) *Dense[T] { return MeanTo(d, x, axes, keep) })
				if rows > 0 {
					check("logsumexp", LogSumExp(x, axes, keep), func(d *Dense[T]) *Dense[T] { return LogSumExpTo(d, x, axes, keep) })
					check("logsumexp view", LogSumExp(v, axes, keep), func(d *Dense[T]) *Dense[T] { return LogSumExpTo(d, v, axes, keep) })
				}
			}
		}
		for _, ax := range []int{-1, 0} {
			if ax == 0 && rows == 0 {
				continue // the maximum over no elements panics
			}
			check("softmax", Softmax(x, ax), func(d *Dense[T]) *Dense[T] { return SoftmaxTo(d, x, ax) })
			check("softmax view", Softmax(v, ax), func(d *Dense[T]) *Dense[T] { return SoftmaxTo(d, v, ax) })
		}
		labels := make([]int, rows)
		for i := range labels {
			labels[i] = r.IntN(cols)
		}
		check("xent", SoftmaxCrossEntropy(x, labels), func(d *Dense[T]) *Dense[T] { return SoftmaxCrossEntropyTo(d, x, labels) })
		check("xent view", SoftmaxCrossEntropy(v, labels), func(d *Dense[T]) *Dense[T] { return SoftmaxCrossEntropyTo(d, v, labels) })
		k := r.IntN(4)
		a, b := RandNormal[T](r, cols, k), randView[T](r, []int{k, rows})
		check("matmul", MatMul(b.T(), a.T()), func(d *Dense[T]) *Dense[T] { return MatMulTo(d, b.T(), a.T()) })
		check("gemm", MatMul(b.T(), a.T()), func(d *Dense[T]) *Dense[T] { return Gemm(d, true, true, 1, b, a, 0) })
		c := RandNormal[T](r, rows, cols)
		check("addscaled", Add(c, Mul(Scalar(T(-0.5)), x)), func(d *Dense[T]) *Dense[T] { return AddScaledTo(d, c, -0.5, x) })
	}
}

// TestGemmBeta checks Gemm's alpha and beta: dst = 2·a·b + 3·dst.
func TestGemmBeta(t *testing.T) {
	a := FromSlice([]float64{1, 2, 3, 4}, 2, 2)
	d := FromSlice([]float64{1, 1, 1, 1}, 2, 2)
	Gemm(d, false, true, 2, a, a, 3)
	// a·aᵀ = [[5 11] [11 25]].
	if got := d.String(); got != "[[13. 25.]\n [25. 53.]]" {
		t.Errorf("2·a·aᵀ + 3·1 =\n%s", got)
	}
}

// TestIntoNoAllocs checks that the fast paths allocate nothing. The
// matrix products are left out: package gemm's driver allocates a few
// small objects per call (its problem, and in parallel its WaitGroup and
// closures), which tensor cannot avoid; [TestGemmAllocs] pins that
// tensor adds none.
func TestIntoNoAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	x, w := RandNormal[float32](r, 8, 16), RandNormal[float32](r, 16, 4)
	bias := RandNormal[float32](r, 16)
	h, y, s, c, m := Zeros[float32](8, 16), RandNormal[float32](r, 8, 4), Zeros[float32](16), Zeros[float32](8), Scalar[float32](0)
	g := Zeros[float32](16, 4)
	labels := []int{0, 1, 2, 3, 0, 1, 2, 3}
	if n := testing.AllocsPerRun(10, func() {
		ApplyTo(h, op.Add, x, bias)
		ApplyTo(h, op.Relu, h, nil)
		SumTo(s, x, []int{0}, false)
		SoftmaxCrossEntropyTo(c, y, labels)
		SoftmaxTo(y, y, -1)
		MeanTo(m, c, nil, false)
		LogSumExpTo(c, y, []int{-1}, false)
		AddScaledTo(w, w, -0.1, g)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// TestGemmAllocs checks that MatMulTo and Gemm allocate no more than
// package gemm's kernels do by themselves.
func TestGemmAllocs(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	h, w := RandNormal[float32](r, 8, 16), RandNormal[float32](r, 16, 4)
	y, g := Zeros[float32](8, 4), Zeros[float32](16, 4)
	var impl kernels
	kern := testing.AllocsPerRun(10, func() {
		impl.Sgemm('N', 'N', 8, 4, 16, 1, h.data, 16, w.data, 4, 0, y.data, 4)
		impl.Sgemm('T', 'N', 16, 4, 8, 1, h.data, 16, y.data, 4, 0, g.data, 4)
	})
	ours := testing.AllocsPerRun(10, func() {
		MatMulTo(y, h, w)
		Gemm(g, true, false, 1, h, y, 0)
	})
	if ours != kern {
		t.Errorf("%v allocations, package gemm's kernels alone %v", ours, kern)
	}
}

func TestIntoPanics(t *testing.T) {
	x := Ones[float64](2, 3)
	mustPanic(t, "tensor: add: dst is 3×2 (contiguous: true) but the result is 2×3", func() { ApplyTo(Zeros[float64](3, 2), op.Add, x, x) })
	mustPanic(t, "tensor: exp: dst is 2×3 (contiguous: false) but the result is 2×3", func() { ApplyTo(Zeros[float64](3, 2).T(), op.Exp, x, nil) })
	mustPanic(t, "tensor: gemm: dst is a vector of 2 (contiguous: true) but the result is 2×2", func() { Gemm(Zeros[float64](2), false, true, 1, x, x, 0) })
	mustPanic(t, "tensor: gemm: op(a) is 2×3 but op(b) is 2×3: inner dimensions 3 and 2 differ", func() { Gemm(nil, false, false, 1, x, x, 0) })
	mustPanic(t, "tensor: sum: dst is a scalar (contiguous: true) but the result is a vector of 3", func() { SumTo(Scalar(0.0), x, []int{0}, false) })
}

// TestAddScaledToAliases checks AddScaledTo's three layouts of dst (a new
// array, y itself, x itself) against the loop d[i] = y[i] + alpha*x[i],
// bit for bit, in both precisions, on lengths around the vector widths.
func TestAddScaledToAliases(t *testing.T) {
	testAddScaledToAliases[float64](t)
	testAddScaledToAliases[float32](t)
}

func testAddScaledToAliases[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 3, 7, 8, 9, 16, 17, 31, 100} {
		y, x := RandNormal[T](r, n), RandNormal[T](r, n)
		alpha := T(-0.37)
		want := make([]T, n)
		for i := range want {
			want[i] = y.Data()[i] + alpha*x.Data()[i]
		}
		for _, alias := range []string{"new", "y", "x"} {
			yy, xx := y.Clone(), x.Clone()
			var d *Dense[T]
			switch alias {
			case "y":
				d = yy
			case "x":
				d = xx
			}
			got := AddScaledTo(d, yy, alpha, xx).Data()
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%T n = %d, dst %s: element %d = %v, want %v", alpha, n, alias, i, got[i], want[i])
					break
				}
			}
		}
	}
}

// TestSoftmaxCrossEntropyLSE checks that SoftmaxCrossEntropyLSETo keeps
// LogSumExp's values along the last axis, bit for bit, and that
// SoftmaxCrossEntropyGradLSETo given them returns what
// SoftmaxCrossEntropyGradTo computes on its own, on rows with ±Inf and
// NaN logits too, in both precisions.
func TestSoftmaxCrossEntropyLSE(t *testing.T) {
	testSoftmaxCrossEntropyLSE[float64](t)
	testSoftmaxCrossEntropyLSE[float32](t)
}

func testSoftmaxCrossEntropyLSE[T Float](t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := RandNormal[T](r, 7, 5)
	xs := x.Data()
	xs[5], xs[11], xs[17], xs[20], xs[21] = T(math.Inf(1)), T(math.Inf(-1)), T(math.NaN()), T(math.Inf(1)), T(math.Inf(1))
	labels := []int{0, 1, 2, 3, 4, 0, 1}
	g := RandNormal[T](r, 7)
	lse := RandNormal[T](r, 7) // garbage, overwritten
	loss := SoftmaxCrossEntropyLSETo(Zeros[T](7), lse, x, labels)
	if want := SoftmaxCrossEntropy(x, labels); !sameArray(loss, want) {
		t.Errorf("%T: loss\n%v, want\n%v", T(0), loss, want)
	}
	if want := LogSumExp(x, []int{-1}, false); !sameArray(lse, want) {
		t.Errorf("%T: lse\n%v, want\n%v", T(0), lse, want)
	}
	got := SoftmaxCrossEntropyGradLSETo(nil, x, lse, labels, g)
	if want := SoftmaxCrossEntropyGradTo(nil, x, labels, g); !sameArray(got, want) {
		t.Errorf("%T: gradient\n%v, want\n%v", T(0), got, want)
	}
	mustPanic(t, "tensor: softmaxcrossentropygrad: lse is a vector of 6 (contiguous: true), want a contiguous vector of 7", func() {
		SoftmaxCrossEntropyGradLSETo(nil, x, Zeros[T](6), labels, g)
	})
}
