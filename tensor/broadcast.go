package tensor

import "fmt"

// BroadcastTo returns a view of x with the given shape, as NumPy's
// broadcast_to: x's axes are aligned with the last axes of shape, and an
// axis of size 1 is repeated with stride 0. It panics if x does not
// broadcast to shape.
func BroadcastTo[T Float](x *Dense[T], shape ...int) *Dense[T] {
	s := broadcastStrides("broadcastto", "x", x, shape)
	return &Dense[T]{shape: clone(shape), strides: s, data: x.data, offset: x.offset}
}

// BroadcastShapes returns the shape to which arrays of the given shapes
// broadcast, as NumPy's broadcast_shapes. It panics if they do not.
func BroadcastShapes(shapes ...[]int) []int {
	out := []int{}
	for i, s := range shapes {
		if i == 0 {
			out = clone(s)
			continue
		}
		out = broadcastShapes("broadcastshapes", fmt.Sprintf("shape %d", i-1), out, fmt.Sprintf("shape %d", i), s)
	}
	return out
}

// broadcastShapes returns the broadcast shape of a and b, named an and bn
// in the message of the panic if they do not broadcast.
func broadcastShapes(name, an string, a []int, bn string, b []int) []int {
	r := max(len(a), len(b))
	out := make([]int, r)
	for p := 1; p <= r; p++ {
		da, db := 1, 1
		if p <= len(a) {
			da = a[len(a)-p]
		}
		if p <= len(b) {
			db = b[len(b)-p]
		}
		switch {
		case da == db || db == 1:
			out[r-p] = da
		case da == 1:
			out[r-p] = db
		default:
			panic(fmt.Sprintf("tensor: %s: %s is %s but %s is %s: sizes %d and %d in %s differ and neither is 1",
				name, an, describe(a), bn, describe(b), da, db, fromEnd(p)))
		}
	}
	return out
}

// broadcastStrides returns the strides of a view of x with the given
// shape: x's strides aligned at the last axes, and 0 for the axes that
// broadcast.
func broadcastStrides[T Float](name, arg string, x *Dense[T], shape []int) []int {
	r := len(shape)
	if len(x.shape) > r {
		panic(fmt.Sprintf("tensor: %s: %s is %s, which has more axes than %s", name, arg, describe(x.shape), describe(shape)))
	}
	s := make([]int, r)
	for p := 1; p <= len(x.shape); p++ {
		d, want := x.shape[len(x.shape)-p], shape[r-p]
		switch d {
		case want:
			s[r-p] = x.strides[len(x.shape)-p]
		case 1:
			s[r-p] = 0
		default:
			panic(fmt.Sprintf("tensor: %s: %s is %s, which does not broadcast to %s: size %d in %s is neither %d nor 1",
				name, arg, describe(x.shape), describe(shape), d, fromEnd(p), want))
		}
	}
	return s
}

// fromEnd names the axis p places from the end (1: the last).
func fromEnd(p int) string {
	if p == 1 {
		return "the last axis"
	}
	return fmt.Sprintf("axis %d from the end", p)
}
