package cli

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/gobackprop/backprop/compile"
	"github.com/gobackprop/backprop/minimize"
)

// The contour plot's grid is gridSize×gridSize evaluations, with
// contourLevels levels.
const (
	gridSize      = 120
	contourLevels = 24
)

// grid is f sampled on a regular grid, non-finite values replaced by the
// largest finite one so that contouring skips them.
type grid struct {
	x, y     []float64
	z        []float64 // z[r*len(x)+c]
	min, max float64
}

func (g *grid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g *grid) Z(c, r int) float64 { return g.z[r*len(g.x)+c] }
func (g *grid) X(c int) float64    { return g.x[c] }
func (g *grid) Y(r int) float64    { return g.y[r] }
func (g *grid) Min() float64       { return g.min }
func (g *grid) Max() float64       { return g.max }

// sample evaluates p on a grid over [x0, x1]×[y0, y1].
func sample(p *compile.Program, x0, x1, y0, y1 float64) *grid {
	g := &grid{x: make([]float64, gridSize), y: make([]float64, gridSize), z: make([]float64, gridSize*gridSize)}
	for i := range gridSize {
		t := float64(i) / (gridSize - 1)
		g.x[i] = x0 + t*(x1-x0)
		g.y[i] = y0 + t*(y1-y0)
	}
	g.min, g.max = math.Inf(1), math.Inf(-1)
	pt := make([]float64, 2)
	for r, y := range g.y {
		for c, x := range g.x {
			pt[0], pt[1] = x, y
			v := p.Value(pt)
			g.z[r*gridSize+c] = v
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				g.min, g.max = min(g.min, v), max(g.max, v)
			}
		}
	}
	for i, v := range g.z {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			g.z[i] = g.max
		}
	}
	return g
}

// levels are contour levels at evenly spaced quantiles of the grid's
// values: they follow the function wherever its values crowd (a narrow
// valley such as Rosenbrock's spans five orders of magnitude), which
// evenly spaced values would not.
func (g *grid) levels() []float64 {
	vals := slices.Clone(g.z)
	slices.Sort(vals)
	var out []float64
	for k := 1; k <= contourLevels; k++ {
		// Quantiles crowded towards the low end, where the minimum is.
		q := math.Pow(float64(k)/(contourLevels+1), 1.5)
		v := vals[int(q*float64(len(vals)-1))]
		if len(out) == 0 || v > out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// bounds returns a box around the path with a margin, never empty.
func bounds(steps []minimize.Step, i int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range steps {
		if v := s.X[i]; !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	if lo > hi {
		return -1, 1
	}
	span := max(hi-lo, 0.5, 0.1*math.Max(math.Abs(lo), math.Abs(hi)))
	mid := (lo + hi) / 2
	return mid - 0.65*span, mid + 0.65*span
}

// plotPath draws the contours of p, a function of two inputs, around the
// path with the path on top, to the PNG file path, whole or not at all.
func (e *env) plotPath(file string, p *compile.Program, fname string, names []string, method string, steps []minimize.Step) (err error) {
	if len(steps) == 0 {
		return badInput("--plot: no iteration was taken, there is no path to draw")
	}
	x0, x1 := bounds(steps, 0)
	y0, y1 := bounds(steps, 1)
	g := sample(p, x0, x1, y0, y1)

	pl := plot.New()
	pl.Title.Text = fmt.Sprintf("%s(%s, %s) by %s: %d iterations", fname, names[0], names[1], method, len(steps)-1)
	pl.X.Label.Text = names[0]
	pl.Y.Label.Text = names[1]
	pl.X.Min, pl.X.Max, pl.Y.Min, pl.Y.Max = x0, x1, y0, y1
	if g.min <= g.max {
		pl.Add(plotter.NewContour(g, g.levels(), palette.Heat(contourLevels, 1)))
	}
	pts := make(plotter.XYs, 0, len(steps))
	for _, s := range steps {
		if !math.IsNaN(s.X[0]) && !math.IsInf(s.X[0], 0) && !math.IsNaN(s.X[1]) && !math.IsInf(s.X[1], 0) {
			pts = append(pts, plotter.XY{X: s.X[0], Y: s.X[1]})
		}
	}
	if len(pts) > 0 {
		line, dots, err := plotter.NewLinePoints(pts)
		if err != nil {
			return err
		}
		blue := color.RGBA{B: 200, A: 255}
		line.Color, line.Width = blue, vg.Points(1.2)
		dots.Color, dots.Shape, dots.Radius = blue, draw.CircleGlyph{}, vg.Points(1.8)
		ends, err := plotter.NewScatter(plotter.XYs{pts[0], pts[len(pts)-1]})
		if err != nil {
			return err
		}
		ends.Shape, ends.Radius, ends.Color = draw.CrossGlyph{}, vg.Points(5), color.Black
		pl.Add(line, dots, ends)
	}
	wt, err := pl.WriterTo(15*vg.Centimeter, 12*vg.Centimeter, "png")
	if err != nil {
		return err
	}
	w, done, err := e.output(file)
	if err != nil {
		return err
	}
	_, err = wt.WriteTo(w)
	return done(err)
}
