package adbench

import (
	_ "embed"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/expr"
)

var (
	sqrt = math.Sqrt
	sin  = math.Sin
	cos  = math.Cos
)

//go:embed ba.bp
var baSource string

// BASource returns the program, in backprop's language, of one
// observation's reprojection error: functions ex and ey of the 17 inputs
// r1 r2 r3 c1 c2 c3 f u0 v0 k1 k2 x1 x2 x3 w m1 m2, and ex0 and ey0 for
// a camera without rotation.
func BASource() string { return baSource }

// BAProgram computes BA's residuals and Jacobian from the programs of
// [BASource]: the gradients of ex and ey over the 17 inputs give, in
// their first 15 entries, the two rows of an observation's 2×15 block.
// The observations are shared among GOMAXPROCS goroutines and the blocks
// written straight into the CSR arrays. [NewBACompiled] evaluates the
// programs compiled (package compile, a workspace per goroutine),
// [NewBAGenerated] the Go source that backprop gen wrote from them
// (ba_*_gen.go).
type BAProgram struct {
	b     *BA
	progs [4]*compile.Program // ex, ey, ex0, ey0; nil for the generated code
	pool  sync.Pool           // *baWorker
}

// baGenerated are the generated value and gradient functions of ex, ey,
// ex0 and ey0.
var baGenerated = [4]struct {
	value func(x []float64) float64
	grad  func(grad, x []float64) float64
}{{baEx, baExGrad}, {baEy, baEyGrad}, {baEx0, baEx0Grad}, {baEy0, baEy0Grad}}

// NewBAGenerated returns the BA residuals and Jacobian of b computed by
// the code backprop gen generated from [BASource].
func NewBAGenerated(b *BA) *BAProgram {
	c := &BAProgram{b: b}
	c.pool.New = func() any { return &baWorker{x: make([]float64, 17), g: make([]float64, 17)} }
	return c
}

// value returns program k's value at w.x.
func (c *BAProgram) value(w *baWorker, k int) float64 {
	if c.progs[0] == nil {
		return baGenerated[k].value(w.x)
	}
	return w.ws[k].Value(w.x)
}

// gradient writes program k's gradient at w.x into w.g.
func (c *BAProgram) gradient(w *baWorker, k int) {
	if c.progs[0] == nil {
		baGenerated[k].grad(w.g, w.x)
		return
	}
	w.ws[k].Gradient(w.g, w.x)
}

type baWorker struct {
	ws   [4]*compile.Workspace
	x, g []float64
}

// NewBACompiled parses and compiles the programs of [BASource] for b.
func NewBACompiled(b *BA) (*BAProgram, error) {
	prog, err := expr.Parse("ba.bp", baSource)
	if err != nil {
		return nil, err
	}
	c := &BAProgram{b: b}
	for k, name := range []string{"ex", "ey", "ex0", "ey0"} {
		fn, err := prog.Target(name)
		if err != nil {
			return nil, err
		}
		if c.progs[k], err = compile.Func(prog.Graph, fn, nil); err != nil {
			return nil, fmt.Errorf("compiling %s: %w", name, err)
		}
	}
	c.pool.New = func() any {
		w := &baWorker{x: make([]float64, 17), g: make([]float64, 17)}
		for k, p := range c.progs {
			w.ws[k] = p.NewWorkspace()
		}
		return w
	}
	return c, nil
}

// load fills w.x with observation i's inputs and returns the index of
// the programs to use: 0 (ex, ey) or 2 (ex0, ey0, no rotation).
func (c *BAProgram) load(w *baWorker, i int) int {
	b := c.b
	cam := b.Cams[int(b.Obs[2*i])*BACamParams:][:BACamParams]
	pt := b.X[int(b.Obs[2*i+1])*3:][:3]
	x := w.x
	copy(x, cam)
	copy(x[BACamParams:], pt)
	x[14] = b.W[i]
	x[15], x[16] = b.Feats[2*i], b.Feats[2*i+1]
	if cam[0]*cam[0]+cam[1]*cam[1]+cam[2]*cam[2] == 0 {
		return 2
	}
	return 0
}

// parallel runs f over [0, p) in chunks, on GOMAXPROCS goroutines.
func (c *BAProgram) parallel(f func(w *baWorker, lo, hi int)) {
	const chunk = 2048
	p := c.b.P
	n := min(runtime.GOMAXPROCS(0), (p+chunk-1)/chunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			w := c.pool.Get().(*baWorker)
			defer c.pool.Put(w)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= p {
					return
				}
				f(w, lo, min(lo+chunk, p))
			}
		})
	}
	wg.Wait()
}

// Objective writes the 2p reprojection errors and p weight errors.
func (c *BAProgram) Objective(reproj, werr []float64) {
	c.parallel(func(w *baWorker, lo, hi int) {
		for i := lo; i < hi; i++ {
			k := c.load(w, i)
			reproj[2*i] = c.value(w, k)
			reproj[2*i+1] = c.value(w, k+1)
			werr[i] = 1 - c.b.W[i]*c.b.W[i]
		}
	})
}

// Jacobian writes the Jacobian of the residuals into j, which
// [NewBAJacobian] made: rows 2i and 2i+1 hold the gradients of
// observation i's errors with respect to its camera's 11 parameters, its
// point's 3 and its weight, in those columns; row 2p + i holds the
// derivative −2w_i of the weight error.
func (c *BAProgram) Jacobian(j *CSR) {
	b := c.b
	camCol, ptCol, wCol := 0, BACamParams*b.N, BACamParams*b.N+3*b.M
	c.parallel(func(w *baWorker, lo, hi int) {
		for i := lo; i < hi; i++ {
			k := c.load(w, i)
			cam, pt := int(b.Obs[2*i]), int(b.Obs[2*i+1])
			for r := range 2 {
				row := 2*i + r
				at := BABlock * row
				j.Rows[row] = int32(at)
				c.gradient(w, k+r)
				copy(j.Vals[at:at+BABlock], w.g[:BABlock])
				cols := j.Cols[at : at+BABlock]
				for q := range BACamParams {
					cols[q] = int32(camCol + BACamParams*cam + q)
				}
				for q := range 3 {
					cols[BACamParams+q] = int32(ptCol + 3*pt + q)
				}
				cols[BABlock-1] = int32(wCol + i)
			}
			at := 2*BABlock*b.P + i
			j.Rows[2*b.P+i] = int32(at)
			j.Cols[at] = int32(wCol + i)
			j.Vals[at] = -2 * b.W[i]
		}
	})
	j.Rows[3*b.P] = int32(len(j.Vals))
}
