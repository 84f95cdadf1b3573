package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for predict's IMAGE
	_ "image/jpeg" // (PNG is imported by plot.go)
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/data/mnist"
	"github.com/gobackprop/backprop/tensor"
	"github.com/gobackprop/backprop/tensor/autograd"
)

// defaultMaxPixels is the default of --max-pixels: the largest image, in
// pixels, that predict decodes (a 5000×5000 photograph; decoding costs
// about 8 bytes a pixel).
const defaultMaxPixels = 25_000_000

func (e *env) predictCmd() *cobra.Command {
	var dir, data string
	var index, maxPixels int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "predict --checkpoint DIR (IMAGE | --index N)",
		Short: "Classify a digit with a network trained by 'backprop train mnist'",
		Long: fmt.Sprintf(`predict rebuilds the network saved in the checkpoint directory of
'backprop train mnist --checkpoint DIR', classifies one image and prints
the probability of each digit.

The image is IMAGE, a PNG, JPEG or GIF file of any size, or with --index N
the test image N of MNIST (0 to 9999). A file is prepared as MNIST's
digits were: made grey (transparent pixels count as white), inverted if
its background is light (MNIST digits are white on black), cropped to its
ink, scaled to fit 20×20 pixels and centred by its centre of mass in
28×28. Images over --max-pixels pixels (default %d) are refused before
they are decoded.`, defaultMaxPixels),
		Example: `  backprop train mnist --epochs 3 --checkpoint run1
  backprop predict --checkpoint run1 --index 0
  backprop predict --checkpoint run1 digit.png --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("predict takes one image, got %d arguments: %s", len(args), strings.Join(args, " "))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			limit, err := maxFlag("max-pixels", maxPixels)
			if err != nil {
				return err
			}
			if dir == "" {
				return badInput("predict: give the network with --checkpoint DIR (a directory written by 'backprop train mnist --checkpoint DIR')")
			}
			byIndex := cmd.Flags().Changed("index")
			if byIndex == (len(args) == 1) {
				return badInput("predict: give either an image file or --index N, not both or neither")
			}
			if byIndex && (index < 0 || index >= mnist.NTest) {
				return badInput("--index: expected a test image from 0 to %d, found %d", mnist.NTest-1, index)
			}
			s, m, err := loadModel(dir)
			if err != nil {
				return err
			}
			var pixels []float32
			label := -1
			if byIndex {
				_, test, err := loadMNIST(data)
				if err != nil {
					return err
				}
				pixels = test.Images.Data()[index*mnist.Pixels : (index+1)*mnist.Pixels]
				label = test.Labels[index]
			} else {
				pixels, err = readDigit(args[0], limit)
				if err != nil {
					return err
				}
			}
			var probs []float64
			if m.Float64 {
				probs, err = classify[float64](s, m, pixels)
			} else {
				probs, err = classify[float32](s, m, pixels)
			}
			if err != nil {
				return err
			}
			return e.printPrediction(probs, label, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "checkpoint", "", "the checkpoint `DIR` that 'backprop train mnist' wrote")
	f.IntVar(&index, "index", 0, "classify MNIST's test image `N` (0 to 9999)")
	f.StringVar(&data, "data", "", "read the MNIST files from `DIR` (with --index)")
	f.IntVar(&maxPixels, "max-pixels", defaultMaxPixels, "refuse images of more than `N` pixels (0: no limit)")
	f.BoolVar(&asJSON, "json", false, "print one JSON object (an error too: {\"error\": {...}})")
	return cmd
}

// loadMNIST loads the data set from dir, or from the module cache.
func loadMNIST(dir string) (train, test *mnist.Set, err error) {
	if dir == "" {
		d, err := mnist.Dir()
		if err != nil {
			return nil, nil, err
		}
		return mnist.Load(d)
	}
	train, test, err = mnist.Load(dir)
	if err != nil {
		return nil, nil, badInput("--data: %v", err)
	}
	return train, test, nil
}

// loadModel reads the checkpoint in dir and the description of its
// network.
func loadModel(dir string) (*checkpoint.State, *model, error) {
	s, err := checkpoint.Load(dir, checkpointKind)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, badInput("--checkpoint: %v: train one with 'backprop train mnist --checkpoint %s'", err, dir)
	}
	if err != nil {
		return nil, nil, badInput("--checkpoint: %v", err)
	}
	b, err := s.Bytes("meta")
	var m model
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	if err != nil {
		return nil, nil, badInput("--checkpoint: %s: no description of its network (%v)", dir, err)
	}
	return s, &m, nil
}

// classify rebuilds the network of m with the parameters of s and
// returns the probabilities of the ten digits for the 784 pixels.
func classify[T tensor.Float](s *checkpoint.State, m *model, pixels []float32) ([]float64, error) {
	net, _, err := build[T](m)
	if err != nil {
		return nil, err
	}
	for _, p := range net.Params() {
		if err := checkpoint.Dense(s, "param/"+p.Name, p.Value); err != nil {
			return nil, badInput("--checkpoint: %v", err)
		}
	}
	if t, ok := net.(interface{ SetTraining(bool) }); ok {
		t.SetTraining(false)
	}
	x := make([]T, len(pixels))
	for i, v := range pixels {
		x[i] = T(v)
	}
	tp := autograd.New[T]()
	logits := net.Forward(tp, tp.Const(tensor.FromSlice(x, 1, mnist.Pixels)))
	p := tensor.SoftmaxTo(nil, logits.Value(), 1).Data()
	probs := make([]float64, len(p))
	for i, v := range p {
		probs[i] = float64(v)
	}
	return probs, nil
}

func (e *env) printPrediction(probs []float64, label int, asJSON bool) error {
	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	if asJSON {
		ps := make([]num, len(probs))
		for i, p := range probs {
			ps[i] = num(p)
		}
		o := object{{"prediction", best}, {"probabilities", ps}}
		if label >= 0 {
			o = append(o, field{"label", label})
		}
		return writeJSON(e.stdout, o)
	}
	if label >= 0 {
		fmt.Fprintf(e.stdout, "prediction %d (label %d)\n", best, label)
	} else {
		fmt.Fprintf(e.stdout, "prediction %d\n", best)
	}
	for i, p := range probs {
		fmt.Fprintf(e.stdout, "%d  %6.2f%%  %s\n", i, 100*p, strings.Repeat("█", int(math.Round(40*p))))
	}
	return nil
}

// readDigit decodes the image at path and prepares it as MNIST's digits
// were (see predict's help): 784 pixels in [0, 1], white on black.
func readDigit(path string, maxPixels int) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, badInput("%v", err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return nil, badInput("%s: not a PNG, JPEG or GIF image: %v", path, err)
	}
	if n := cfg.Width * cfg.Height; maxPixels > 0 && n > maxPixels || n == 0 {
		return nil, badInput("%s: %d×%d pixels, refused: at most %d (raise the limit with --max-pixels)", path, cfg.Width, cfg.Height, maxPixels)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, badInput("%s: %v", path, err)
	}
	return digit(img), nil
}

// digit returns the 28×28 MNIST-like image of img.
func digit(img image.Image) []float32 {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	grey := make([]float64, w*h)
	for y := range h {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied
			lum := (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl) + float64(0xffff-a)) / 0xffff
			grey[y*w+x] = min(1, lum)
		}
	}
	// Invert a light background: the mean of the border decides.
	var border float64
	var nb int
	for y := range h {
		for x := range w {
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				border += grey[y*w+x]
				nb++
			}
		}
	}
	if border/float64(nb) > 0.5 {
		for i, v := range grey {
			grey[i] = 1 - v
		}
	}
	// Crop to the ink.
	x0, y0, x1, y1 := w, h, -1, -1
	for y := range h {
		for x := range w {
			if grey[y*w+x] > 0.2 {
				x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		x0, y0, x1, y1 = 0, 0, w-1, h-1
	}
	cw, ch := x1-x0+1, y1-y0+1
	// Scale the longer side to 20 pixels, each target pixel the mean of
	// the source pixels it covers (sampled on a grid of k×k points).
	scale := 20 / float64(max(cw, ch))
	tw, th := max(1, int(math.Round(float64(cw)*scale))), max(1, int(math.Round(float64(ch)*scale)))
	k := max(1, int(math.Ceil(1/scale)))
	small := make([]float64, tw*th)
	for ty := range th {
		for tx := range tw {
			var s float64
			for sy := range k {
				for sx := range k {
					fx := (float64(tx) + (float64(sx)+0.5)/float64(k)) / scale
					fy := (float64(ty) + (float64(sy)+0.5)/float64(k)) / scale
					px, py := x0+min(cw-1, int(fx)), y0+min(ch-1, int(fy))
					s += grey[py*w+px]
				}
			}
			small[ty*tw+tx] = s / float64(k*k)
		}
	}
	// Centre by the centre of mass.
	var mx, my, mass float64
	for y := range th {
		for x := range tw {
			v := small[y*tw+x]
			mx, my, mass = mx+v*float64(x), my+v*float64(y), mass+v
		}
	}
	ox, oy := (mnist.Cols-tw)/2, (mnist.Rows-th)/2
	if mass > 0 {
		ox = min(mnist.Cols-tw, max(0, int(math.Round(float64(mnist.Cols)/2-mx/mass))))
		oy = min(mnist.Rows-th, max(0, int(math.Round(float64(mnist.Rows)/2-my/mass))))
	}
	out := make([]float32, mnist.Pixels)
	for y := range th {
		for x := range tw {
			out[(oy+y)*mnist.Cols+ox+x] = float32(small[y*tw+x])
		}
	}
	return out
}
