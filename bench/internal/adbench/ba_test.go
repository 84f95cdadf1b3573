package adbench

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/gen"
)

func readBA(t *testing.T, name string) *BA {
	t.Helper()
	b, err := ReadBA(openData(t, name), name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// baTools returns BA's compiled and generated tools for b.
func baTools(t *testing.T, b *BA) map[string]*BAProgram {
	t.Helper()
	c, err := NewBACompiled(b)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*BAProgram{"compiled": c, "generated": NewBAGenerated(b)}
}

func TestBATestValues(t *testing.T) {
	b := readBA(t, "ba/test.txt")
	for name, c := range baTools(t, b) {
		t.Run(name, func(t *testing.T) { testBATestValues(t, b, c) })
	}
}

func testBATestValues(t *testing.T, b *BA, c *BAProgram) {
	e := expectations(t, "ba/test.txt")
	reproj, werr := make([]float64, 2*b.P), make([]float64, b.P)
	c.Objective(reproj, werr)
	r1 := maxRho(t, reproj, floatsOf(t, e["reproj_err"]))
	r2 := maxRho(t, werr, floatsOf(t, e["w_err"]))
	j := NewBAJacobian(b)
	c.Jacobian(j)
	if j.NRows != int(floatOf(t, e["J_nrows"])) || j.NCols != int(floatOf(t, e["J_ncols"])) || len(j.Rows) != int(floatOf(t, e["J_rows_len"])) || len(j.Cols) != int(floatOf(t, e["J_cols_len"])) {
		t.Fatalf("Jacobian %d×%d with %d rows entries and %d columns", j.NRows, j.NCols, len(j.Rows), len(j.Cols))
	}
	r3 := maxRho(t, j.Vals, floatsOf(t, e["J_vals_csr_order"]))
	t.Logf("max ρ: reprojection errors %.3g, weight errors %.3g, Jacobian %.3g", r1, r2, r3)
	if r1 > 1e-8 || r2 > 1e-8 || r3 > 1e-8 {
		t.Errorf("max ρ: reprojection errors %.3g, weight errors %.3g, Jacobian %.3g", r1, r2, r3)
	}
	for r := range j.NRows {
		if j.Rows[r+1] < j.Rows[r] {
			t.Fatalf("rows not increasing at %d", r)
		}
		for q := j.Rows[r]; q < j.Rows[r+1]; q++ {
			if c := j.Cols[q]; c < 0 || int(c) >= j.NCols {
				t.Fatalf("column %d out of range", c)
			}
		}
	}
}

// TestBAPlain checks the compiled residuals against plain Go at points
// with and without rotation, and the Jacobian against central
// differences of plain Go.
func TestBAPlain(t *testing.T) {
	b, err := ReadBA(strings.NewReader("1 1 1\n0.3 -0.2 0.1 1 2 3 400 5 -8 0.08 0.002\n7 0.5 30\n0.4\n270 830\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	for _, rot := range [][3]float64{{0.3, -0.2, 0.1}, {0, 0, 0}} {
		copy(b.Cams, rot[:])
		for name, c := range baTools(t, b) {
			t.Run(name, func(t *testing.T) { testBAPlain(t, b, c, rot) })
		}
	}
}

func testBAPlain(t *testing.T, b *BA, c *BAProgram, rot [3]float64) {
	{
		reproj, werr := make([]float64, 2), make([]float64, 1)
		c.Objective(reproj, werr)
		ex, ey := baResidualPlain(b.Cams, b.X, b.W[0], b.Feats)
		if rho(ex, reproj[0]) > 1e-14 || rho(ey, reproj[1]) > 1e-14 {
			t.Errorf("rotation %v: compiled (%v, %v), plain (%v, %v)", rot, reproj[0], reproj[1], ex, ey)
		}
		j := NewBAJacobian(b)
		c.Jacobian(j)
		in := append(append(append([]float64(nil), b.Cams...), b.X...), b.W[0])
		for q := range BABlock {
			h := 1e-6 * math.Max(1, math.Abs(in[q]))
			at := func(d float64) (float64, float64) {
				v := append([]float64(nil), in...)
				v[q] += d
				return baResidualPlain(v[:11], v[11:14], v[14], b.Feats)
			}
			px, py := at(h)
			mx, my := at(-h)
			for r, fd := range []float64{(px - mx) / (2 * h), (py - my) / (2 * h)} {
				if got := j.Vals[BABlock*r+q]; math.Abs(got-fd) > 1e-5*math.Max(1, math.Abs(fd)) {
					t.Errorf("rotation %v: J[%d][%d] = %.10g, central differences %.10g", rot, r, q, got, fd)
				}
			}
		}
	}
}

func TestReadBAErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"1 1", "x:1: expected p, found the end of the file"},
		{"1 1 0", "x:1: n, m and p must be positive"},
		{"1 1 1\n1 2 3", "x:2: expected a camera parameter, found the end"},
		{"1 1 1\n0 0 0 0 0 0 0 0 0 0 0\n0 0 0\n1\n2 3\n4", `x:6: expected the end of the file after the feature, found "4"`},
	} {
		_, err := ReadBA(strings.NewReader(c.in), "x")
		if err == nil || !strings.HasPrefix(err.Error(), c.msg) {
			t.Errorf("ReadBA(%q): %v, want %s…", c.in, err, c.msg)
		}
	}
}

func TestWriteCSR(t *testing.T) {
	var s strings.Builder
	j := &CSR{NRows: 2, NCols: 3, Rows: []int32{0, 1, 2}, Cols: []int32{2, 0}, Vals: []float64{1.5, -2}}
	if err := WriteCSR(&s, j); err != nil {
		t.Fatal(err)
	}
	want := "2 3\n3\n0 1 2 \n2\n2 0 \n1.5000000000000000e+00 -2.0000000000000000e+00 "
	if s.String() != want {
		t.Errorf("got %q, want %q", s.String(), want)
	}
}

// TestBAParallel checks the Jacobian that the goroutines assemble, on
// an instance of many chunks, against the observations' gradients one by
// one, and the CSR structure; under -race it checks their sharing.
func TestBAParallel(t *testing.T) {
	b := readBA(t, "ba/ba1_n49_m7776_p31843.txt")
	c, err := NewBACompiled(b)
	if err != nil {
		t.Fatal(err)
	}
	j := NewBAJacobian(b)
	c.Jacobian(j)
	reproj, werr := make([]float64, 2*b.P), make([]float64, b.P)
	c.Objective(reproj, werr)
	w := c.pool.Get().(*baWorker)
	grad := make([]float64, 17)
	for _, i := range []int{0, 1, 2047, 2048, 2049, b.P/2 + 3, b.P - 1} {
		k := c.load(w, i)
		for r := range 2 {
			v := w.ws[k+r].Gradient(grad, w.x)
			if v != reproj[2*i+r] {
				t.Errorf("observation %d row %d: residual %v, one by one %v", i, r, reproj[2*i+r], v)
			}
			at := int(j.Rows[2*i+r])
			if at != BABlock*(2*i+r) {
				t.Fatalf("row %d starts at %d", 2*i+r, at)
			}
			for q := range BABlock {
				if j.Vals[at+q] != grad[q] {
					t.Errorf("J[%d][%d] = %v, one by one %v", 2*i+r, q, j.Vals[at+q], grad[q])
				}
			}
			if cam := int(j.Cols[at]); cam != BACamParams*(i%b.N) {
				t.Errorf("row %d: first column %d, want camera %d's", 2*i+r, cam, i%b.N)
			}
		}
	}
	if int(j.Rows[len(j.Rows)-1]) != len(j.Vals) {
		t.Errorf("last row offset %d, want %d", j.Rows[len(j.Rows)-1], len(j.Vals))
	}
}

// TestBAGeneratedUpToDate regenerates ba_*_gen.go from ba.bp with
// package gen, as go generate does with backprop gen, and compares.
func TestBAGeneratedUpToDate(t *testing.T) {
	prog, err := expr.Parse("bench/internal/adbench/ba.bp", baSource)
	if err != nil {
		t.Fatal(err)
	}
	for fn, name := range map[string]string{"ex": "baEx", "ey": "baEy", "ex0": "baEx0", "ey0": "baEy0"} {
		f, err := prog.Target(fn)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := gen.Go(&b, prog.Graph, f, &gen.Settings{Package: "adbench", Name: name, Source: "bench/internal/adbench/ba.bp", Command: "backprop gen bench/internal/adbench/ba.bp"}); err != nil {
			t.Fatal(err)
		}
		file := "ba_" + fn + "_gen.go"
		have, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(have, b.Bytes()) {
			t.Errorf("%s is out of date with ba.bp: run go generate in bench/internal/adbench", file)
		}
	}
}
