package tape

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/gobackprop/backprop/internal/seedtest"
)

// rosenbrock is the extended Rosenbrock function on the tape, one record
// per scalar operation: Σ 100*(x[2i+1] - x[2i]^2)^2 + (1 - x[2i])^2.
func rosenbrock(_ *Tape, x []Var) Var {
	var sum Var
	for i := 0; i+1 < len(x); i += 2 {
		a, b := x[i], x[i+1]
		d := b.Sub(a.Mul(a))
		e := a.RSub(1)
		term := d.Mul(d).MulConst(100).Add(e.Mul(e))
		if i == 0 {
			sum = term
		} else {
			sum = sum.Add(term)
		}
	}
	return sum
}

var rosenbrockSizes = []int{1000, 100_000, 1_000_000}

// BenchmarkRosenbrock measures a whole gradient on a warm tape: inputs,
// forward pass, backward pass, gathering. Besides the time per gradient
// it reports the time per record and the ratio of the time of a gradient
// to that of the plain Go loop (×plain), both measured in this run.
func BenchmarkRosenbrock(b *testing.B) {
	for _, n := range rosenbrockSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := seedtest.RosenbrockStart(n)
			dst := make([]float64, n)
			t := New()
			t.Grad(dst, rosenbrock, x)
			records := t.Len()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				t.Grad(dst, rosenbrock, x)
			}
			grad := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			b.ReportMetric(grad/float64(records), "ns/record")
			b.ReportMetric(ratio(t, x, dst), "×plain")
		})
	}
}

// ratio returns the time of a gradient of rosenbrock at x over that of
// seedtest.Rosenbrock, each the best of rounds of batches taken in turn, so
// that other load on the machine weighs on both alike.
func ratio(t *Tape, x, dst []float64) float64 {
	const rounds = 15
	k := max(1, 200_000/len(x)) // gradients per batch: a few milliseconds
	kp := 20 * k                // plain loops per batch
	bestGrad, bestPlain := math.Inf(1), math.Inf(1)
	var sum float64
	for range rounds {
		start := time.Now()
		for range k {
			t.Grad(dst, rosenbrock, x)
		}
		bestGrad = min(bestGrad, float64(time.Since(start))/float64(k))
		start = time.Now()
		for range kp {
			sum += seedtest.Rosenbrock(x)
		}
		bestPlain = min(bestPlain, float64(time.Since(start))/float64(kp))
	}
	if math.IsNaN(sum) {
		panic("NaN")
	}
	return bestGrad / bestPlain
}

// BenchmarkRosenbrockHVP measures a Hessian-vector product at n = 1000 on
// a warm tape: inputs, forward pass (recording), tangent pass, backward
// pass in dual numbers, as BenchmarkRosenbrock measures a gradient. It
// reports the ratio of its time to that of a gradient (×grad), both
// measured in this run, taken in turn.
func BenchmarkRosenbrockHVP(b *testing.B) {
	const n = 1000
	x := seedtest.RosenbrockStart(n)
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i%7) - 3
	}
	hv := make([]float64, n)
	t := New()
	hvp := func() {
		t.Reset()
		t.xs = t.inputs(x) // as Grad makes its inputs, without allocating
		xs := t.xs
		if _, err := t.HVP(hv, rosenbrock(t, xs), xs, v); err != nil {
			b.Fatal(err)
		}
	}
	hvp()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		hvp()
	}
	b.StopTimer()
	const rounds, k = 15, 200
	dst := make([]float64, n)
	bestHVP, bestGrad := math.Inf(1), math.Inf(1)
	for range rounds {
		start := time.Now()
		for range k {
			hvp()
		}
		bestHVP = min(bestHVP, float64(time.Since(start))/k)
		start = time.Now()
		for range k {
			t.Grad(dst, rosenbrock, x)
		}
		bestGrad = min(bestGrad, float64(time.Since(start))/k)
	}
	b.ReportMetric(bestHVP/bestGrad, "×grad")
}

// BenchmarkRosenbrockPlain is the plain Go loop of BenchmarkRosenbrock.
func BenchmarkRosenbrockPlain(b *testing.B) {
	for _, n := range rosenbrockSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			x := seedtest.RosenbrockStart(n)
			var sum float64
			for b.Loop() {
				sum += seedtest.Rosenbrock(x)
			}
			if math.IsNaN(sum) {
				b.Fatal("NaN")
			}
		})
	}
}

// BenchmarkSeed measures the gradient of the seed's function of section
// 2.3 on a warm tape.
func BenchmarkSeed(b *testing.B) {
	t := New()
	x := []float64{2, 3}
	dst := make([]float64, 2)
	t.Grad(dst, seed, x)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t.Grad(dst, seed, x)
	}
}
