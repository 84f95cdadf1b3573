package adbench

import (
	"math"
	"strings"
	"testing"
)

func TestLSTMTestValues(t *testing.T) {
	const name = "lstm/lstm_l2_c1024.txt"
	e := expectations(t, name)
	m, err := ReadLSTM(openData(t, name), name)
	if err != nil {
		t.Fatal(err)
	}
	a := NewLSTMArray(m)
	grad := make([]float64, m.NumParams())
	f := a.Gradient(grad)
	// ADBench states the objective to 8 significant digits only.
	wantF := floatOf(t, e["objective"])
	if math.Abs(f-wantF) > 5e-9 {
		t.Errorf("objective %.17g, want %.8g", f, wantF)
	}
	if g := a.Objective(); g != f {
		t.Errorf("objective %.17g, gradient's objective %.17g", g, f)
	}
	r := maxRho(t, grad, floatsOf(t, e["gradient"]))
	t.Logf("objective %.10g (ADBench %.8g), gradient max ρ %.3g", f, wantF, r)
	if r > 1e-8 {
		t.Errorf("gradient: max ρ %.3g", r)
	}
}

func TestReadLSTMErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"1 1 1", "x:1: need l ≥ 1, c ≥ 2 and b ≥ 1"},
		{"1 2 1\n1 2 3 4\n5 6 7", "x:3: expected a main parameter, found the end"},
	} {
		_, err := ReadLSTM(strings.NewReader(c.in), "x")
		if err == nil || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("ReadLSTM(%q): %v, want %s…", c.in, err, c.msg)
		}
	}
}
