package tensor

// rows calls f once per row of shape — per index of all axes but the
// last, in row-major order — with the length n of a row, the offsets
// offs[o] of the row's first element in each operand o and the operands'
// strides inner[o] along the row. Operand o has strides strides[o] and
// offset offs[o]. Adjacent axes that every operand steps through as one
// are merged first, so that contiguous operands make one long row. A
// scalar shape is one row of length 1; a shape of size 0 has no rows.
//
// f must not keep offs or inner.
func rows(shape []int, strides [][]int, offs []int, f func(n int, offs, inner []int)) {
	for _, d := range shape {
		if d == 0 {
			return
		}
	}
	shape, strides = merge(shape, strides)
	nop := len(offs)
	cur := append(make([]int, 0, 4), offs...)
	inner := make([]int, nop)
	r := len(shape)
	if r == 0 {
		f(1, cur, inner)
		return
	}
	for o := range nop {
		inner[o] = strides[o][r-1]
	}
	n := shape[r-1]
	if r == 1 {
		f(n, cur, inner)
		return
	}
	idx := make([]int, r-1)
	for {
		f(n, cur, inner)
		k := r - 2
		for ; k >= 0; k-- {
			idx[k]++
			for o := range nop {
				cur[o] += strides[o][k]
			}
			if idx[k] < shape[k] {
				break
			}
			for o := range nop {
				cur[o] -= strides[o][k] * shape[k]
			}
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// merge drops axes of size 1 and merges adjacent axes k, k+1 where every
// operand's stride of k is its stride of k+1 times the size of k+1. It
// returns new slices.
func merge(shape []int, strides [][]int) ([]int, [][]int) {
	s := make([]int, 0, len(shape))
	st := make([][]int, len(strides))
	for o := range st {
		st[o] = make([]int, 0, len(shape))
	}
	for k, d := range shape {
		if d == 1 {
			continue
		}
		m := len(s) - 1
		ok := m >= 0
		for o := range strides {
			if !ok {
				break
			}
			ok = st[o][m] == strides[o][k]*d
		}
		if ok {
			s[m] *= d
			for o := range strides {
				st[o][m] = strides[o][k]
			}
			continue
		}
		s = append(s, d)
		for o := range strides {
			st[o] = append(st[o], strides[o][k])
		}
	}
	return s, st
}

// each2 is rows for two operands, with f taking the row length and each
// operand's offset and inner stride.
func each2(shape, sa []int, oa int, sb []int, ob int, f func(n, i, di, j, dj int)) {
	rows(shape, [][]int{sa, sb}, []int{oa, ob}, func(n int, offs, inner []int) {
		f(n, offs[0], inner[0], offs[1], inner[1])
	})
}
