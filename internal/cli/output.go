package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gobackprop/backprop/expr"
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

// errorObject is the JSON form of an error: its message and, when it is
// at a place in the program, the file, line and column (counted from 1, the
// column in characters). When the program has several errors, the object
// is the first one's and "errors" lists them all, each in the same form:
//
//	{"message": "undefined variable y in f (its parameters are x)",
//	 "file": "prog.bp", "line": 1, "column": 8,
//	 "errors": [{"message": …, "file": …, "line": 1, "column": 8}, …]}
func errorObject(err error) object {
	var list expr.ErrorList
	var one *expr.Error
	switch {
	case errors.As(err, &list) && len(list) > 0:
		o := positioned(list[0])
		if len(list) > 1 {
			all := make([]object, len(list))
			for i, e := range list {
				all[i] = positioned(e)
			}
			o = append(o, field{"errors", all})
		}
		return o
	case errors.As(err, &one):
		return positioned(one)
	}
	return object{{"message", strings.TrimRight(err.Error(), "\n")}}
}

func positioned(e *expr.Error) object {
	o := object{{"message", e.Msg}}
	if e.Pos.Line > 0 {
		if e.Pos.Filename != "" {
			o = append(o, field{"file", e.Pos.Filename})
		}
		o = append(o, field{"line", e.Pos.Line}, field{"column", e.Pos.Column})
	}
	return o
}
