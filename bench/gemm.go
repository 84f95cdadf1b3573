package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/gobackprop/backprop/gemm"
)

// gemmSizes are the square n of the gemm task, as in run.sh gemm.
var gemmSizes = []int{64, 128, 256, 512, 1024}

// gemmRecord is one measurement of the gemm task, in the shape that
// ../shared/peers/pytorch/run.sh prints, so that the two outputs join on
// task and metric.
type gemmRecord struct {
	Task   string  `json:"task"`
	Tool   string  `json:"tool"`
	Metric string  `json:"metric"`
	Value  float64 `json:"value"`
}

type gemmTool[T float32 | float64] struct {
	name string
	fn   func(tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)
}

// runGemm measures C = A·B for square n in float32 and float64 with
// backprop's gemm and gonum's pure-Go BLAS, and writes one record a line
// (JSON) or a Markdown table. The metric is gflops = 2n³ / seconds, the
// median of five timings of enough products to last about 0.1 s at 1
// GFLOP/s, as run.sh measures.
func runGemm(w io.Writer, asJSON bool, log io.Writer) error {
	var recs []gemmRecord
	recs = append(recs, measureGemm("f32", []gemmTool[float32]{
		{"backprop", gemm.Sgemm}, {"gonum", gonum.Implementation{}.Sgemm}}, log)...)
	recs = append(recs, measureGemm("f64", []gemmTool[float64]{
		{"backprop", gemm.Dgemm}, {"gonum", gonum.Implementation{}.Dgemm}}, log)...)
	if asJSON {
		return writeRecords(w, recs)
	}
	fmt.Fprintf(w, "| task | backprop GFLOP/s | gonum GFLOP/s | ratio |\n|---|---|---|---|\n")
	for i := 0; i+1 < len(recs); i += 2 {
		b, g := recs[i], recs[i+1]
		fmt.Fprintf(w, "| %s | %.1f | %.1f | %.1f× |\n", b.Task, b.Value, g.Value, b.Value/g.Value)
	}
	return nil
}

func measureGemm[T float32 | float64](prec string, tools []gemmTool[T], log io.Writer) []gemmRecord {
	var recs []gemmRecord
	for _, n := range gemmSizes {
		rnd := rand.New(rand.NewPCG(0, uint64(n)))
		a, b, c := make([]T, n*n), make([]T, n*n), make([]T, n*n)
		for i := range a {
			a[i], b[i] = T(rnd.Float64()), T(rnd.Float64())
		}
		flops := 2 * float64(n) * float64(n) * float64(n)
		inner := max(1, int(2e8/flops))
		for _, t := range tools {
			call := func() { t.fn(blas.NoTrans, blas.NoTrans, n, n, n, 1, a, n, b, n, 0, c, n) }
			call()
			var samples []float64
			for range 5 {
				start := time.Now()
				for range inner {
					call()
				}
				samples = append(samples, time.Since(start).Seconds()/float64(inner))
			}
			slices.Sort(samples)
			r := gemmRecord{Task: fmt.Sprintf("gemm_%s_n%d", prec, n), Tool: t.name, Metric: "gflops", Value: flops / samples[2] / 1e9}
			fmt.Fprintf(log, "%s %s: %.1f GFLOP/s\n", r.Task, r.Tool, r.Value)
			recs = append(recs, r)
		}
	}
	return recs
}

// writeRecords writes recs as JSON, one record a line, the shape of
// run.sh's output.
func writeRecords(w io.Writer, recs []gemmRecord) error {
	enc := json.NewEncoder(w)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
