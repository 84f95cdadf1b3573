package tensor

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSoftmaxHand(t *testing.T) {
	x := FromSlice([]float64{1, 2, 1000, 1001, -1000, 1000}, 3, 2)
	for _, tc := range []struct {
		name string
		got  *Dense[float64]
		want string
	}{
		{"softmax", Softmax(x, -1), "[[0.26894142 0.73105858]\n [0.26894142 0.73105858]\n [0.         1.        ]]"},
		{"softmax axis 0", Softmax(FromSlice([]float64{0, 0}, 2, 1), 0), "[[0.5]\n [0.5]]"},
		{"logsoftmax", LogSoftmax(x, 1), "[[-1.31326169e+00 -3.13261688e-01]\n [-1.31326169e+00 -3.13261688e-01]\n [-2.00000000e+03  0.00000000e+00]]"},
		{"cross-entropy", SoftmaxCrossEntropy(x, []int{1, 0, 0}), "[3.13261688e-01 1.31326169e+00 2.00000000e+03]"},
		{"onehot", OneHot[float64]([]int{1}, 2), "[[0. 1.]]"},
	} {
		if s := tc.got.String(); s != tc.want {
			t.Errorf("%s:\n%s\nwant\n%s", tc.name, s, tc.want)
		}
	}
}

// TestSoftmaxNaive checks on random logits, in both precisions, that
// softmax rows sum to 1, that log-softmax is the log of softmax, and that
// the cross-entropy is -log(softmax) at the label, against naive float64
// formulas.
func TestSoftmaxNaive(t *testing.T) {
	testSoftmaxNaive[float64](t, 1, 1e-13)
	testSoftmaxNaive[float32](t, 2, 1e-5)
}

func testSoftmaxNaive[T Float](t *testing.T, seed uint64, tol float64) {
	r := rand.New(rand.NewPCG(seed, 13))
	for range 50 {
		rows, c := 1+r.IntN(5), 1+r.IntN(6)
		x := RandNormal[T](r, rows, c)
		x = Mul(x, Scalar(T(4)))
		labels := make([]int, rows)
		for i := range labels {
			labels[i] = r.IntN(c)
		}
		sm, lsm, ce := Softmax(x, 1), LogSoftmax(x, -1), SoftmaxCrossEntropy(x, labels)
		for i := range rows {
			var z float64
			for j := range c {
				z += math.Exp(float64(x.At(i, j)))
			}
			for j := range c {
				p := math.Exp(float64(x.At(i, j))) / z
				if !close(float64(sm.At(i, j)), p, tol) || !close(float64(lsm.At(i, j)), math.Log(p), tol) {
					t.Fatalf("row %d of %v: softmax %g, log-softmax %g, want %g", i, x, sm.At(i, j), lsm.At(i, j), p)
				}
			}
			want := -math.Log(math.Exp(float64(x.At(i, labels[i]))) / z)
			if !close(float64(ce.At(i)), want, tol) {
				t.Fatalf("row %d of %v: cross-entropy %g, want %g", i, x, ce.At(i), want)
			}
		}
		// Rank 3: the leading axes are rows.
		ce3 := SoftmaxCrossEntropy(x.Reshape(1, rows, c), labels)
		if ce3.Rank() != 2 || !close(float64(ce3.At(0, 0)), float64(ce.At(0)), 0) {
			t.Fatalf("rank 3 cross-entropy %v, want %v", ce3, ce)
		}
	}
}
