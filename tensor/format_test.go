package tensor

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/internal/golden"
)

// arange returns the numbers a, a+step, … (n of them) as a slice.
func arange(n int, a, step float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = a + float64(i)*step
	}
	return s
}

func to32(s []float64) []float32 {
	out := make([]float32, len(s))
	for i, v := range s {
		out[i] = float32(v)
	}
	return out
}

func sines(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 3 * math.Sin(float64(i)*1.7+0.3)
	}
	return s
}

var nan, inf = math.NaN(), math.Inf(1)

// printCase is an array whose NumPy str is in testdata/print.golden. The
// file is identical to the output of NumPy 1.24.2 for str(np.array(data,
// dtype).reshape(shape)) of every case.
type printCase struct {
	name  string
	f32   bool
	data  []float64
	shape []int
}

var printCases = []printCase{
	{"matrix", false, []float64{1, 2, 3, 4}, []int{2, 2}},
	{"fractions and nan", false, []float64{1.5, 2.25, -3, nan}, []int{4}},
	{"scientific float32", true, []float64{1e-5, 1.5, 2e10}, []int{3}},
	{"scientific with non-finite", false, []float64{1e-5, nan, -inf, 3}, []int{4}},
	{"only non-finite", false, []float64{inf, -inf, nan}, []int{3}},
	{"scalar", false, []float64{1.5}, []int{}},
	{"scalar float32", true, []float64{0.1}, []int{}},
	{"scalar large", false, []float64{1e20}, []int{}},
	{"scalar small", false, []float64{1e-5}, []int{}},
	{"scalar negative zero", false, []float64{math.Copysign(0, -1)}, []int{}},
	{"negative zero", false, []float64{math.Copysign(0, -1), 1}, []int{2}},
	{"scalar nan", false, []float64{nan}, []int{}},
	{"size 0", false, []float64{}, []int{0}},
	{"size 0 matrix", false, []float64{}, []int{2, 0}},
	{"thirds", false, []float64{1.0 / 3, 2.0 / 3, -1}, []int{3}},
	{"float32 tenths", true, []float64{0.1, 0.2, 0.3}, []int{3}},
	{"float64 tenths", false, []float64{0.1, 0.2, 0.30000000000000004}, []int{3}},
	{"1e8", false, []float64{1e8, 1}, []int{2}},
	{"wide ratio", false, []float64{0.5, 600}, []int{2}},
	{"ratio over 1000", false, []float64{0.5, 600, 1000}, []int{3}},
	{"rank 3", false, arange(12, 0, 1), []int{2, 3, 2}},
	{"rank 4", false, arange(4, -1, 0.5), []int{1, 2, 1, 2}},
	{"wrapped row", false, arange(30, 0, 0.1), []int{30}},
	{"wrapped rows", false, arange(100, 0, 1.5), []int{2, 50}},
	{"sines", false, sines(12), []int{3, 4}},
	{"sines float32", true, sines(12), []int{3, 4}},
	{"summarised vector", false, arange(1001, 0, 1), []int{1001}},
	{"summarised matrix", true, arange(1200, 0, 1.0/7), []int{40, 30}},
	{"summarised rank 3", false, arange(2000, 0, 1), []int{2, 10, 100}},
	{"summarised columns only", false, arange(1010, 0, 1), []int{2, 505}},
	{"summarised scientific", false, arange(2000, 1e-3, 1e3), []int{1000, 2}},
}

func (c printCase) String() string {
	if c.f32 {
		return FromSlice(to32(c.data), c.shape...).String()
	}
	return FromSlice(c.data, c.shape...).String()
}

func TestPrintGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range printCases {
		fmt.Fprintf(&b, "== %s\n%s\n", c.name, c)
	}
	golden.Check(t, "print.golden", []byte(b.String()))
}

func TestFormatVerbs(t *testing.T) {
	x := FromSlice([]float64{1.0 / 3, 2}, 2)
	for _, tc := range []struct{ format, want string }{
		{"%v", "[0.33333333 2.        ]"},
		{"%s", "[0.33333333 2.        ]"},
		{"%.3v", "[0.333 2.   ]"},
		{"%.0v", "[0. 2.]"},
		{"%d", "%!d(tensor.Dense 2)"},
	} {
		if got := fmt.Sprintf(tc.format, x); got != tc.want {
			t.Errorf("Sprintf(%q) = %q, want %q", tc.format, got, tc.want)
		}
	}
	// A view prints its own elements.
	m := FromSlice(arange(6, 0, 1), 2, 3)
	if got, want := m.T().Slice(0, 1, 3).String(), "[[1. 4.]\n [2. 5.]]"; got != want {
		t.Errorf("view: %q, want %q", got, want)
	}
}
