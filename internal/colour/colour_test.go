package colour

import (
	"math/rand/v2"
	"testing"
)

// TestGreedy checks on known structures that the colours are as few as
// expected, and on random ones that no two items sharing a neighbour
// have one colour.
func TestGreedy(t *testing.T) {
	tridiagonal := func(n int) [][]int32 {
		rows := make([][]int32, n)
		for i := range n {
			for j := max(0, i-1); j <= min(n-1, i+1); j++ {
				rows[i] = append(rows[i], int32(j))
			}
		}
		return rows
	}
	for _, tc := range []struct {
		name string
		rows [][]int32
		want int
	}{
		{"empty", nil, 0},
		{"diagonal", [][]int32{{0}, {1}, {2}}, 1},
		{"dense 3", [][]int32{{0, 1, 2}, {0, 1, 2}, {0, 1, 2}}, 3},
		{"tridiagonal 100", tridiagonal(100), 3},
	} {
		if _, n := Greedy(tc.rows, tc.rows); n != tc.want {
			t.Errorf("%s: %d colours, want %d", tc.name, n, tc.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		items, neighbours := 1+r.IntN(20), 1+r.IntN(20)
		links := make([][]int32, items)
		back := make([][]int32, neighbours)
		for i := range items {
			for nb := range neighbours {
				if r.IntN(4) == 0 {
					links[i] = append(links[i], int32(nb))
					back[nb] = append(back[nb], int32(i))
				}
			}
		}
		color, n := Greedy(links, back)
		for nb, its := range back {
			seen := map[int32]int32{}
			for _, i := range its {
				if color[i] < 0 || int(color[i]) >= n {
					t.Fatalf("trial %d: item %d has colour %d of %d", trial, i, color[i], n)
				}
				if o, ok := seen[color[i]]; ok {
					t.Fatalf("trial %d: items %d and %d share neighbour %d and colour %d", trial, o, i, nb, color[i])
				}
				seen[color[i]] = i
			}
		}
	}
}

// TestCost checks the cost on a tridiagonal structure: rows of 2, 3, …,
// 3, 2 items.
func TestCost(t *testing.T) {
	rows := [][]int32{{0, 1}, {0, 1, 2}, {1, 2, 3}, {2, 3}}
	if c := Cost(rows); c != 4+9+9+4 {
		t.Errorf("Cost = %d, want %d", c, 4+9+9+4)
	}
	if c := Cost(nil); c != 0 {
		t.Errorf("Cost(nil) = %d", c)
	}
}
