package compile_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/internal/seedtest"
)

// hvpPin is the SHA-256 of the bits of the values, gradients and HVPs
// that TestHVPPinned computes, as the HVP computed them before its passes
// were rewritten for speed (commit b5274b9): a change to the passes must
// leave every bit in place (NaN counts as one value).
const hvpPin = "669df1ef45ca451fe12a415b9a2415755954117010bcfcca2049dfceb15eacd5"

// TestHVPPinned pins the HVP bit for bit: random expressions at random
// points, some with arguments where partials are not finite, along
// directions with structural zeros, and the extended Rosenbrock function
// along the colours of its Hessian and a dense direction.
func TestHVPPinned(t *testing.T) {
	h := sha256.New()
	put := func(xs ...float64) {
		var b [8]byte
		for _, x := range xs {
			bits := math.Float64bits(x)
			if math.IsNaN(x) {
				bits = 0x7ff8000000000001
			}
			binary.LittleEndian.PutUint64(b[:], bits)
			h.Write(b[:])
		}
	}
	rnd := rand.New(rand.NewPCG(12, 3))
	special := []float64{0, 1, -1, 2, 0.5, math.Inf(1), 1e-320}
	for range 400 {
		in := 1 + rnd.IntN(4)
		g, root, inputs := randomGraph(rnd, in, 1+rnd.IntN(24))
		p, err := compile.Expr(g, root, inputs, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := p.NewWorkspace()
		x, v := make([]float64, in), make([]float64, in)
		hv, grad := make([]float64, in), make([]float64, in)
		for range 3 {
			for i := range x {
				x[i] = rnd.NormFloat64()
				if rnd.IntN(6) == 0 {
					x[i] = special[rnd.IntN(len(special))]
				}
				v[i] = rnd.NormFloat64()
				if rnd.IntN(3) == 0 {
					v[i] = 0
				}
			}
			put(w.HVP(hv, grad, x, v))
			put(hv...)
			put(grad...)
		}
	}
	for _, n := range []int{2, 10, 1000} {
		p := rosenbrockProgram(t, n)
		w := p.NewWorkspace()
		x := seedtest.RosenbrockStart(n)
		for i := range x {
			x[i] += 0.1 * rnd.NormFloat64()
		}
		v, hv, grad := make([]float64, n), make([]float64, n), make([]float64, n)
		for c := range 3 {
			for i := range v {
				switch c {
				case 2:
					v[i] = rnd.NormFloat64()
				default:
					v[i] = float64((i + c + 1) % 2)
				}
			}
			put(w.HVP(hv, grad, x, v))
			put(hv...)
			put(grad...)
		}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hvpPin {
		t.Errorf("HVP bits hash %s, want %s", got, hvpPin)
	}
}

// TestHVPReuse checks that an HVP on a workspace that other passes and
// other HVPs have used gives the bits of one on a new workspace: the HVP
// keeps its adjoints zero between calls rather than clearing them.
func TestHVPReuse(t *testing.T) {
	rnd := rand.New(rand.NewPCG(13, 4))
	for k := range 200 {
		in := 1 + rnd.IntN(4)
		g, root, inputs := randomGraph(rnd, in, 1+rnd.IntN(24))
		p, err := compile.Expr(g, root, inputs, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := p.NewWorkspace()
		vec := func() []float64 {
			x := make([]float64, in)
			for i := range x {
				x[i] = rnd.NormFloat64()
				if rnd.IntN(3) == 0 {
					x[i] = 0
				}
			}
			return x
		}
		for range 4 {
			x, v := vec(), vec()
			switch rnd.IntN(4) {
			case 0:
				w.Gradient(make([]float64, in), vec())
			case 1:
				w.JVP(vec(), vec())
			case 2:
				w.JVPs(make([]float64, 1), nil, vec(), vec())
			case 3:
				w.HVP(make([]float64, in), nil, vec(), vec())
			}
			hv, grad := make([]float64, in), make([]float64, in)
			hv2, grad2 := make([]float64, in), make([]float64, in)
			val := w.HVP(hv, grad, x, v)
			val2 := p.NewWorkspace().HVP(hv2, grad2, x, v)
			if !identical(val, val2) {
				t.Fatalf("graph %d: value %v, on a new workspace %v", k, val, val2)
			}
			for i := range in {
				if !identical(hv[i], hv2[i]) || !identical(grad[i], grad2[i]) {
					t.Fatalf("graph %d %s: HVP[%d] %v, gradient %v; on a new workspace %v, %v", k, g.String(root), i, hv[i], grad[i], hv2[i], grad2[i])
				}
			}
		}
	}
}
