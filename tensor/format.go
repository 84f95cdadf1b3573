package tensor

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"
)

// NumPy's default print options.
const (
	printPrecision = 8    // fractional digits at most
	printThreshold = 1000 // arrays of more elements are summarised
	printEdgeItems = 3    // entries shown at each end of a summarised axis
	printLineWidth = 75
)

// String returns x as NumPy's str prints it: [[1. 2.]\n [3. 4.]] for a
// matrix, 1.5 for a scalar, [] for an array of size 0, with the
// summarising and wrapping described in the package documentation.
func (x *Dense[T]) String() string { return x.format(printPrecision, false) }

// Format implements fmt.Formatter: the verbs %v and %s print x as
// [Dense.String] does, and a precision (%.3v) sets the greatest number of
// fractional digits (NumPy's precision option, 8 by default), for a
// scalar too (as NumPy's array2string).
func (x *Dense[T]) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v', 's':
		p, ok := f.Precision()
		if !ok {
			p = printPrecision
		}
		fmt.Fprint(f, x.format(p, ok))
	default:
		fmt.Fprintf(f, "%%!%c(tensor.Dense %s)", verb, dims(x.shape))
	}
}

// format formats x with at most prec fractional digits. A scalar is
// printed as NumPy's str prints it, unless the precision is explicit:
// then as np.array2string does with that precision.
func (x *Dense[T]) format(prec int, explicit bool) string {
	bits := 8 * int(unsafe.Sizeof(T(0)))
	if x.Size() == 0 {
		return "[]"
	}
	if len(x.shape) == 0 && explicit {
		v := float64(x.data[x.offset])
		f := newFloatFormat([]float64{v}, prec, bits)
		return f.format(v)
	}
	if len(x.shape) == 0 {
		return scalarString(float64(x.data[x.offset]), bits)
	}
	summary := x.Size() > printThreshold
	ff := newFloatFormat(shown(x, summary), prec, bits)
	var b strings.Builder
	p := printer[T]{x: x, f: ff, summary: summary, b: &b}
	idx := make([]int, 0, len(x.shape))
	b.WriteString(p.array(idx, " ", printLineWidth))
	return b.String()
}

// shown returns the elements of x that are printed: all of them, or the
// first and last printEdgeItems entries of each axis when summarised.
func shown[T Float](x *Dense[T], summary bool) []float64 {
	v := x
	if summary {
		for k, d := range x.shape {
			if d > 2*printEdgeItems {
				head := v.Slice(k, 0, printEdgeItems)
				tail := v.Slice(k, d-printEdgeItems, d)
				v = Concatenate(k, head, tail)
			}
		}
	}
	data := v.Data()
	out := make([]float64, len(data))
	for i, e := range data {
		out[i] = float64(e)
	}
	return out
}

type printer[T Float] struct {
	x       *Dense[T]
	f       floatFormat
	summary bool
	b       *strings.Builder
}

// array formats the sub-array of x at the index prefix idx, as NumPy's
// _formatArray does with a separator of one space.
func (p *printer[T]) array(idx []int, hang string, width int) string {
	axis := len(idx)
	left := len(p.x.shape) - axis
	if left == 0 {
		return p.f.format(float64(p.x.At(idx...)))
	}
	nextHang := hang + " "
	nextWidth := width - 1
	n := p.x.shape[axis]
	lead, trail := 0, n
	summarise := p.summary && 2*printEdgeItems < n
	if summarise {
		lead, trail = printEdgeItems, printEdgeItems
	}
	at := func(i int) []int { return append(idx[:axis:axis], i) }
	var s strings.Builder
	if left == 1 {
		elemWidth := width - 1 // max(len(separator.rstrip()), len("]"))
		line := hang
		extend := func(word string, w int) {
			if len(line)+len(word) > w && len(line) > len(hang) {
				s.WriteString(strings.TrimRight(line, " "))
				s.WriteString("\n")
				line = hang
			}
			line += word
		}
		for i := range lead {
			extend(p.array(at(i), nextHang, nextWidth), elemWidth)
			line += " "
		}
		if summarise {
			extend("...", elemWidth)
			line += " "
		}
		for i := trail; i > 1; i-- {
			extend(p.array(at(n-i), nextHang, nextWidth), elemWidth)
			line += " "
		}
		extend(p.array(at(n-1), nextHang, nextWidth), elemWidth)
		s.WriteString(line)
	} else {
		sep := strings.Repeat("\n", left-1)
		for i := range lead {
			s.WriteString(hang + p.array(at(i), nextHang, nextWidth) + sep)
		}
		if summarise {
			s.WriteString(hang + "..." + sep)
		}
		for i := trail; i > 1; i-- {
			s.WriteString(hang + p.array(at(n-i), nextHang, nextWidth) + sep)
		}
		s.WriteString(hang + p.array(at(n-1), nextHang, nextWidth))
	}
	return "[" + s.String()[len(hang):] + "]"
}

// floatFormat is the common format of the elements of an array, chosen
// from all of them as NumPy's FloatingFormat does.
type floatFormat struct {
	bits      int  // 32 or 64: the precision of the shortest representations
	exp       bool // scientific notation
	prec      int  // greatest number of fractional digits
	padLeft   int  // width of the integer part (with the sign)
	padRight  int  // width of the fractional part (fixed) or of all after the point (scientific)
	expDigits int  // digits of the exponent (scientific)
	mantissa  int  // fractional digits of every mantissa (scientific)
}

func newFloatFormat(data []float64, prec, bits int) floatFormat {
	f := floatFormat{bits: bits, prec: prec}
	var finite []float64
	minAbs, maxAbs := math.Inf(1), 0.0
	neginf := false
	for _, v := range data {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			neginf = neginf || math.IsInf(v, -1)
			continue
		}
		finite = append(finite, v)
		if a := math.Abs(v); a != 0 {
			minAbs, maxAbs = min(minAbs, a), max(maxAbs, a)
		}
	}
	if maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs/minAbs > 1e3) {
		f.exp = true
	}
	if len(finite) > 0 {
		if f.exp {
			for _, v := range finite {
				m, e := f.scientific(v)
				ip, fp, _ := strings.Cut(m, ".")
				f.padLeft = max(f.padLeft, len(ip))
				f.mantissa = max(f.mantissa, len(fp))
				f.expDigits = max(f.expDigits, len(e)-1)
			}
			f.padRight = f.expDigits + 2 + f.mantissa
		} else {
			for _, v := range finite {
				ip, fp, _ := strings.Cut(f.positional(v), ".")
				f.padLeft = max(f.padLeft, len(ip))
				f.padRight = max(f.padRight, len(fp))
			}
		}
	}
	if len(finite) < len(data) {
		off := f.padRight + 1
		inf := len("inf") - off
		if neginf {
			inf++
		}
		f.padLeft = max(f.padLeft, len("nan")-off, inf)
	}
	return f
}

// positional returns the shortest digits of v that identify it, rounded
// to at most prec fractional digits, with a point and no trailing zeros:
// "1.", "0.25", "-3.5".
func (f *floatFormat) positional(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, f.bits)
	if _, fp, ok := strings.Cut(s, "."); ok && len(fp) > f.prec {
		s = strconv.FormatFloat(v, 'f', f.prec, f.bits)
		if strings.Contains(s, ".") {
			s = strings.TrimRight(s, "0")
		}
	}
	if !strings.Contains(s, ".") {
		s += "."
	}
	return s
}

// scientific returns the mantissa of v with a point ("1.", "1.5") and its
// exponent with its sign ("+10", "-05").
func (f *floatFormat) scientific(v float64) (m, e string) {
	s := strconv.FormatFloat(v, 'e', -1, f.bits)
	m, e, _ = strings.Cut(s, "e")
	if _, fp, ok := strings.Cut(m, "."); ok && len(fp) > f.prec {
		s = strconv.FormatFloat(v, 'e', f.prec, f.bits)
		m, e, _ = strings.Cut(s, "e")
		if strings.Contains(m, ".") {
			m = strings.TrimRight(m, "0")
		}
	}
	if !strings.Contains(m, ".") {
		m += "."
	}
	return m, e
}

// format formats one element in the common format.
func (f *floatFormat) format(v float64) string {
	width := f.padLeft + f.padRight + 1
	switch {
	case math.IsNaN(v):
		return pad("nan", width)
	case math.IsInf(v, 1):
		return pad("inf", width)
	case math.IsInf(v, -1):
		return pad("-inf", width)
	}
	if f.exp {
		// Every mantissa has as many digits as the longest needs: those
		// that are not needed to identify v are v's own digits (NumPy's
		// min_digits), not zeros.
		m, e, _ := strings.Cut(strconv.FormatFloat(v, 'e', f.mantissa, f.bits), "e")
		ip, fp, _ := strings.Cut(m, ".")
		sign, digits := e[:1], e[1:]
		digits = strings.Repeat("0", max(0, f.expDigits-len(digits))) + digits
		return pad(ip, f.padLeft) + "." + fp + "e" + sign + digits
	}
	ip, fp, _ := strings.Cut(f.positional(v), ".")
	return pad(ip, f.padLeft) + "." + fp + strings.Repeat(" ", f.padRight-len(fp))
}

// pad right-aligns s in width characters.
func pad(s string, width int) string {
	if len(s) >= width {
		return s
	}
	return strings.Repeat(" ", width-len(s)) + s
}

// scalarString formats a scalar as Python's repr of a float, which is
// NumPy's str of a 0-d array: "1.0", "0.25", "1e-05", "1e+16", "nan".
func scalarString(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, bits)
	}
	s := strconv.FormatFloat(v, 'f', -1, bits)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}
