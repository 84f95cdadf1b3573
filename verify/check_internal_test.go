package verify

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/ir"
)

// TestCheckFailedModes checks that a mode that errors or panics is
// reported as a failure, never as a disagreement of 0, with a gradient
// function that makes chosen modes fail.
func TestCheckFailedModes(t *testing.T) {
	p, err := expr.Parse("f.bp", "f(x, y) = x*y")
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := p.Target("")
	x := []float64{2, 3}
	tests := []struct {
		name               string
		fail               map[Mode]string // "error" or "panic"
		exactMode, numMode Mode
		exactFailed        bool
		numFailed          bool
		errText            []string
	}{
		{"none", nil, Forward, Numeric, false, false, nil},
		{"compiled errors", map[Mode]string{Compiled: "error"}, Compiled, Numeric, true, false, []string{"compiled mode failed: broken"}},
		{"symbolic panics", map[Mode]string{Symbolic: "panic"}, Symbolic, Numeric, true, false, []string{"symbolic mode failed: panic: boom"}},
		{"numeric errors", map[Mode]string{Numeric: "error"}, Forward, Numeric, false, true, []string{"numeric mode failed"}},
		{"reference errors", map[Mode]string{Reverse: "error"}, Reverse, Reverse, true, true, []string{"reverse mode failed"}},
		{"two fail", map[Mode]string{Forward: "panic", Compiled: "error"}, Forward, Numeric, true, false, []string{"forward mode failed: panic: boom", "compiled mode failed: broken"}},
	}
	for _, tt := range tests {
		grad := func(dst []float64, g *ir.Graph, fn *ir.Func, x []float64, m Mode, s *Settings) (float64, []float64, error) {
			switch tt.fail[m] {
			case "error":
				return math.NaN(), nil, errors.New("broken")
			case "panic":
				panic("boom")
			}
			return Gradient(dst, g, fn, x, m, s)
		}
		rep := check(p.Graph, fn, x, nil, grad)
		for _, w := range []struct {
			what   string
			d      Disagreement
			mode   Mode
			failed bool
		}{{"exact", rep.WorstExact(), tt.exactMode, tt.exactFailed}, {"numeric", rep.WorstNumeric(), tt.numMode, tt.numFailed}} {
			switch {
			case w.failed && (!w.d.Failed || w.d.Mode != w.mode || !math.IsInf(w.d.Diff, 1)):
				t.Errorf("%s: worst %s disagreement %+v, want %s mode failed with Diff +Inf", tt.name, w.what, w.d, w.mode)
			case !w.failed && (w.d.Failed || w.d.Diff > 1e-6):
				t.Errorf("%s: worst %s disagreement %+v, want agreement", tt.name, w.what, w.d)
			}
		}
		err := rep.Err()
		if (err == nil) != (tt.errText == nil) {
			t.Errorf("%s: Err() = %v", tt.name, err)
		}
		for _, s := range tt.errText {
			if err == nil || !strings.Contains(err.Error(), s) {
				t.Errorf("%s: Err() = %v, want it to contain %q", tt.name, err, s)
			}
		}
	}
}
