package train

import (
	"math/bits"
	"math/rand/v2"
)

// Order fills perm with the order in which epoch e visits the samples
// 0…len(perm)-1: a permutation that is a function of (seed, e) alone, so
// that a run resumed in the middle of an epoch needs only the epoch and
// the position in it to continue exactly where it stopped. It is the
// Fisher–Yates shuffle driven by PCG seeded with (seed, e), drawing each
// index by Lemire's unbiased multiply-and-reject method; both are
// specified here rather than borrowed from math/rand/v2's Shuffle, whose
// sequence a future Go release could change, which would make every
// checkpoint unresumable bit for bit. It allocates nothing.
func Order(perm []int, seed uint64, e int) {
	var p rand.PCG
	p.Seed(seed, uint64(e))
	for i := range perm {
		perm[i] = i
	}
	for i := len(perm) - 1; i > 0; i-- {
		j := bounded(&p, uint64(i)+1)
		perm[i], perm[j] = perm[j], perm[i]
	}
}

// bounded returns a uniform integer in [0, n), n > 0, from p (Lemire,
// "Fast random integer generation in an interval", 2019).
func bounded(p *rand.PCG, n uint64) uint64 {
	hi, lo := bits.Mul64(p.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(p.Uint64(), n)
		}
	}
	return hi
}
