package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// num is a float64 that marshals to JSON with full precision, and to the
// strings "NaN", "+Inf" and "-Inf" when it is not finite.
type num float64

func (n num) MarshalJSON() ([]byte, error) {
	v := float64(n)
	switch {
	case math.IsNaN(v):
		return []byte(`"NaN"`), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// object is a JSON object that keeps its keys in insertion order.
type object []field

type field struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// gradObject is {"x_1": g1, "x_2": g2} in parameter order.
func gradObject(names []string, grad []float64) object {
	o := make(object, len(names))
	for i, n := range names {
		o[i] = field{n, num(grad[i])}
	}
	return o
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// fmtNum prints a number for people: 15 significant digits, as the seed
// prints them.
func fmtNum(v float64) string {
	return strconv.FormatFloat(v, 'g', 15, 64)
}

// warnNonFinite names each non-finite number on stderr.
func warnNonFinite(stderr io.Writer, what string, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		fmt.Fprintf(stderr, "warning: %s is %s (run with --check to find the node that produced it)\n", what, fmtNum(v))
	}
}
