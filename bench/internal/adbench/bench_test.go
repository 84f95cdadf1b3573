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

func BenchmarkBA(b *testing.B) {
	for _, name := range []string{"ba/ba1_n49_m7776_p31843.txt", "ba/ba5_n257_m65132_p225911.txt"} {
		ba, err := ReadBA(openDataB(b, name), name)
		if err != nil {
			b.Fatal(err)
		}
		c, err := NewBACompiled(ba)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name+"/objective", func(b *testing.B) {
			reproj, werr := make([]float64, 2*ba.P), make([]float64, ba.P)
			b.ReportAllocs()
			for b.Loop() {
				c.Objective(reproj, werr)
			}
		})
		b.Run(name+"/jacobian", func(b *testing.B) {
			j := NewBAJacobian(ba)
			b.ReportAllocs()
			for b.Loop() {
				c.Jacobian(j)
			}
		})
	}
}

func BenchmarkLSTM(b *testing.B) {
	for _, name := range []string{"lstm/lstm_l2_c1024.txt", "lstm/lstm_l4_c1024.txt"} {
		m, err := ReadLSTM(openDataB(b, name), name)
		if err != nil {
			b.Fatal(err)
		}
		a := NewLSTMArray(m)
		dst := make([]float64, m.NumParams())
		b.Run(name+"/objective", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Objective()
			}
		})
		b.Run(name+"/gradient", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				a.Gradient(dst)
			}
		})
	}
}
