package adbench

import (
	"io"
)

// Camera, point and block sizes of bundle adjustment.
const (
	BACamParams = 11 // r1 r2 r3 C1 C2 C3 f u0 v0 k1 k2
	BABlock     = BACamParams + 3 + 1
)

// BA is an input of ADBench's bundle adjustment problem: n cameras, m
// points and p observations, observation i of point Obs[2i+1] by camera
// Obs[2i] with feature Feats[2i:2i+2] and weight W[i].
type BA struct {
	N, M, P int
	Cams    []float64 // 11·n
	X       []float64 // 3·m
	W       []float64 // p
	Feats   []float64 // 2·p
	Obs     []int32   // 2·p
}

// maxBAObs bounds p, and so the memory reading a file may take.
const maxBAObs = 1 << 26

// ReadBA reads ADBench's BA input format: "n m p", then one camera (11
// numbers), one point (3), one weight and one feature (2), which ADBench
// replicates: every camera, point, weight and feature is the one given,
// and observation i is of point i mod m by camera i mod n. A header's p is
// taken as it is, as ADBench does (ba20's header says p = 28987644 where
// its file name says 2987644). name is used in errors.
func ReadBA(r io.Reader, name string) (*BA, error) {
	s := newScanner(r, name)
	var b BA
	var err error
	if b.N, err = s.count("n", 1<<24); err != nil {
		return nil, err
	}
	if b.M, err = s.count("m", 1<<26); err != nil {
		return nil, err
	}
	if b.P, err = s.count("p", maxBAObs); err != nil {
		return nil, err
	}
	if b.N == 0 || b.M == 0 || b.P == 0 {
		return nil, s.errorf("n, m and p must be positive, found %d %d %d", b.N, b.M, b.P)
	}
	var cam [BACamParams]float64
	var x [3]float64
	var w [1]float64
	var feat [2]float64
	if err := s.floats(cam[:], "a camera parameter"); err != nil {
		return nil, err
	}
	if err := s.floats(x[:], "a point coordinate"); err != nil {
		return nil, err
	}
	if err := s.floats(w[:], "a weight"); err != nil {
		return nil, err
	}
	if err := s.floats(feat[:], "a feature coordinate"); err != nil {
		return nil, err
	}
	if t, err := s.next(); err != io.EOF {
		return nil, s.errorf("expected the end of the file after the feature, found %q", t)
	}
	b.Cams = make([]float64, BACamParams*b.N)
	for i := range b.N {
		copy(b.Cams[i*BACamParams:], cam[:])
	}
	b.X = make([]float64, 3*b.M)
	for i := range b.M {
		copy(b.X[3*i:], x[:])
	}
	b.W = make([]float64, b.P)
	b.Feats = make([]float64, 2*b.P)
	b.Obs = make([]int32, 2*b.P)
	for i := range b.P {
		b.W[i] = w[0]
		b.Feats[2*i], b.Feats[2*i+1] = feat[0], feat[1]
		b.Obs[2*i], b.Obs[2*i+1] = int32(i%b.N), int32(i%b.M)
	}
	return &b, nil
}

// NumCols returns the number of columns of the Jacobian: 11n + 3m + p.
func (b *BA) NumCols() int { return BACamParams*b.N + 3*b.M + b.P }

// NumRows returns the number of rows of the Jacobian: 2p + p.
func (b *BA) NumRows() int { return 3 * b.P }

// CSR is a sparse matrix in compressed sparse row form, as ADBench writes
// BA's Jacobian: row r's entries are Vals[Rows[r]:Rows[r+1]], in the
// columns Cols[Rows[r]:Rows[r+1]].
type CSR struct {
	NRows, NCols int
	Rows, Cols   []int32
	Vals         []float64
}

// NewBAJacobian returns the Jacobian's CSR with its arrays allocated:
// 15 entries in each of the 2p rows of reprojection errors, one in each
// of the p rows of weight errors.
func NewBAJacobian(b *BA) *CSR {
	nnz := 2*BABlock*b.P + b.P
	return &CSR{
		NRows: b.NumRows(), NCols: b.NumCols(),
		Rows: make([]int32, b.NumRows()+1),
		Cols: make([]int32, nnz),
		Vals: make([]float64, nnz),
	}
}

// baObjectivePlain computes the residuals of observation i with plain
// Go, the formulas of ADBench's ba.h, for the tests.
func baResidualPlain(cam, x []float64, w float64, feat []float64) (ex, ey float64) {
	o := [3]float64{x[0] - cam[3], x[1] - cam[4], x[2] - cam[5]}
	r := cam[:3]
	var p [3]float64
	sq := r[0]*r[0] + r[1]*r[1] + r[2]*r[2]
	cr := [3]float64{r[1]*o[2] - r[2]*o[1], r[2]*o[0] - r[0]*o[2], r[0]*o[1] - r[1]*o[0]}
	if sq != 0 {
		t := sqrt(sq)
		c, s := cos(t), sin(t)
		dot := (r[0]*o[0] + r[1]*o[1] + r[2]*o[2]) / t
		for a := range 3 {
			p[a] = o[a]*c + cr[a]/t*s + r[a]/t*dot*(1-c)
		}
	} else {
		for a := range 3 {
			p[a] = o[a] + cr[a]
		}
	}
	u, v := p[0]/p[2], p[1]/p[2]
	rsq := u*u + v*v
	l := 1 + cam[9]*rsq + cam[10]*rsq*rsq
	return w * (u*l*cam[6] + cam[7] - feat[0]), w * (v*l*cam[6] + cam[8] - feat[1])
}
