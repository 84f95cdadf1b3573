package cli

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/gobackprop/backprop/data/mnist"
	"github.com/gobackprop/backprop/train"
)

// plotHistory writes a PNG of the training and test loss (above) and the
// test accuracy (below) per epoch.
func plotHistory(w io.Writer, h []train.Epoch, title string) error {
	loss, acc := plot.New(), plot.New()
	loss.Title.Text = "MNIST, " + title
	loss.Y.Label.Text = "loss"
	acc.X.Label.Text = "epoch"
	acc.Y.Label.Text = "test accuracy (%)"
	trainXY, testXY, accXY := make(plotter.XYs, len(h)), make(plotter.XYs, len(h)), make(plotter.XYs, len(h))
	for i, e := range h {
		x := float64(e.Epoch)
		trainXY[i] = plotter.XY{X: x, Y: e.TrainLoss}
		testXY[i] = plotter.XY{X: x, Y: e.TestLoss}
		accXY[i] = plotter.XY{X: x, Y: 100 * e.TestAccuracy}
	}
	if err := plotutil.AddLinePoints(loss, "training", trainXY, "test", testXY); err != nil {
		return err
	}
	if err := plotutil.AddLinePoints(acc, "test", accXY); err != nil {
		return err
	}
	var ticks []plot.Tick
	step := max(1, len(h)/10)
	for e := 1; e <= len(h); e += step {
		ticks = append(ticks, plot.Tick{Value: float64(e), Label: strconv.Itoa(e)})
	}
	for _, p := range []*plot.Plot{loss, acc} {
		p.X.Min, p.X.Max = 0.5, float64(len(h))+0.5
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Legend.Top = true
	}
	loss.Y.Min = 0
	acc.Legend.Top = false // accuracy rises: its legend goes below the curve
	img := vgimg.NewWith(vgimg.UseWH(6*vg.Inch, 6*vg.Inch), vgimg.UseDPI(96))
	dc := vgdraw.New(img)
	tiles := vgdraw.Tiles{Rows: 2, Cols: 1, PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6), PadRight: vg.Points(12), PadY: vg.Points(12)}
	cs := plot.Align([][]*plot.Plot{{loss}, {acc}}, tiles, dc)
	loss.Draw(cs[0][0])
	acc.Draw(cs[1][0])
	_, err := vgimg.PngCanvas{Canvas: img}.WriteTo(w)
	return err
}

// The layout of the grid of misclassified digits.
const (
	gridCols  = 10
	gridMax   = 100 // digits shown at most
	gridScale = 2   // pixels per MNIST pixel
	gridPad   = 6
	gridLabel = 16 // the height of a label line
)

// errorGrid writes a PNG of the first test digits (at most gridMax)
// whose prediction is wrong, black on white, each with its predicted
// label and, in brackets, its true one.
func errorGrid(w io.Writer, test *mnist.Set, pred []int) error {
	var wrong []int
	for i, p := range pred {
		if p != test.Labels[i] {
			wrong = append(wrong, i)
		}
	}
	shown := wrong[:min(len(wrong), gridMax)]
	cellW, cellH := mnist.Cols*gridScale+gridPad, mnist.Rows*gridScale+gridLabel+gridPad
	rows := max(1, (len(shown)+gridCols-1)/gridCols)
	header := 2 * gridLabel
	img := image.NewRGBA(image.Rect(0, 0, gridCols*cellW+gridPad, header+rows*cellH))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	text := func(x, y int, c color.Color, s string) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	text(gridPad, gridLabel, color.Black, fmt.Sprintf("%d of %d test digits misclassified (%.2f%%); the first %d,", len(wrong), len(pred), 100*float64(len(wrong))/float64(max(1, len(pred))), len(shown)))
	text(gridPad, 2*gridLabel-3, color.Black, "each labelled: predicted (true)")
	pix := test.Images.Data()
	red := color.RGBA{0xc0, 0x10, 0x10, 0xff}
	for k, i := range shown {
		x0, y0 := gridPad+(k%gridCols)*cellW, header+(k/gridCols)*cellH
		for r := range mnist.Rows * gridScale {
			for c := range mnist.Cols * gridScale {
				v := pix[i*mnist.Pixels+(r/gridScale)*mnist.Cols+c/gridScale]
				g := uint8(255 - 255*v + 0.5)
				img.Set(x0+c, y0+r, color.Gray{Y: g})
			}
		}
		text(x0+8, y0+mnist.Rows*gridScale+gridLabel-3, red, strconv.Itoa(pred[i]))
		text(x0+8+7, y0+mnist.Rows*gridScale+gridLabel-3, color.Black, " ("+strconv.Itoa(test.Labels[i])+")")
	}
	return png.Encode(w, img)
}
