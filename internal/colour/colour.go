// Package colour colours the columns (or rows) of a sparse structure so
// that the columns of one colour can be computed by one product: the
// greedy distance-2 colouring that sparse Hessians (package hessian) and
// sparse Jacobians (package jacobian) share.
package colour

// Greedy colours the items (columns or rows) in order, each with the
// smallest colour that no earlier item linked to a common neighbour has:
// links[i] are item i's neighbours (rows, say) and back[r] the items of
// neighbour r. For a symmetric structure (a Hessian) links and back are
// the same rows. It returns the colours and their number. Its time is
// the sum over neighbours of the squares of their numbers of items:
// linear for a banded structure.
func Greedy(links, back [][]int32) ([]int32, int) {
	color := make([]int32, len(links))
	mark := make([]int, len(links)+1) // mark[c] == i+1: colour c is taken for item i
	colors := 0
	for i := range links {
		for _, r := range links[i] {
			for _, o := range back[r] {
				if int(o) < i {
					mark[color[o]] = i + 1
				}
			}
		}
		c := 0
		for mark[c] == i+1 {
			c++
		}
		color[i] = int32(c)
		colors = max(colors, c+1)
	}
	return color, colors
}

// Cost returns the time Greedy takes, in steps of its inner loop, with
// neighbours whose items are back: the sum of the squares of their
// numbers of items. Callers check it against a limit before colouring.
func Cost(back [][]int32) int64 {
	var c int64
	for _, items := range back {
		c += int64(len(items)) * int64(len(items))
	}
	return c
}
