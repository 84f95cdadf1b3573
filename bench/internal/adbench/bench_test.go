package adbench

import (
	"testing"
)

func benchGMM(b *testing.B, name string, grad bool) {
	g, err := ReadGMM(openDataB(b, name), name)
	if err != nil {
		b.Fatal(err)
	}
	a := NewGMMArray(g)
	dst := make([]float64, g.NumParams())
	b.ReportAllocs()
	for b.Loop() {
		if grad {
			a.Gradient(dst)
		} else {
			a.Objective()
		}
	}
}

func BenchmarkGMM(b *testing.B) {
	for _, name := range []string{"gmm/1k/gmm_d2_K5.txt", "gmm/1k/gmm_d10_K25.txt", "gmm/1k/gmm_d20_K50.txt", "gmm/10k/gmm_d2_K200.txt"} {
		b.Run(name+"/objective", func(b *testing.B) { benchGMM(b, name, false) })
		b.Run(name+"/gradient", func(b *testing.B) { benchGMM(b, name, true) })
	}
}
