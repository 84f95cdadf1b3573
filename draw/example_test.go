package draw_test

import (
	"fmt"
	"log"
	"os"

	"github.com/gobackprop/backprop/draw"
	"github.com/gobackprop/backprop/expr"
	"github.com/gobackprop/backprop/reverse"
	"github.com/gobackprop/backprop/verify"
)

// The composite function of the seed's section 2.3.
const seed = `
f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x)    = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))
`

// seedResult runs reverse mode on the seed's function at (2, 3).
func seedResult() *reverse.Result {
	p, err := expr.Parse("seed.bp", seed)
	if err != nil {
		log.Fatal(err)
	}
	f := p.Func("f")
	r, err := reverse.Run(p.Graph, f.Body, map[string]float64{"x_1": 2, "x_2": 3}, &reverse.Settings{Level: reverse.Functions})
	if err != nil {
		log.Fatal(err)
	}
	return r
}

// Build gives the seed's figure 2.1 with the numbers of the reverse pass:
// each node with its value and adjoint, each edge with its partial
// derivative. d.DOT, d.SVG, d.PNG and d.JSON write it out.
func ExampleBuild() {
	d, err := draw.Build(seedResult(), nil)
	if err != nil {
		log.Fatal(err)
	}
	for i, n := range d.Nodes {
		fmt.Printf("%-4s value %-9.6g adjoint %.6g\n", n.Label, n.Value, n.Adjoint)
		for _, e := range d.EdgesOf(i) {
			fmt.Printf("     -> %-4s %s = %s = %.6g\n", d.Nodes[e.To].Label, e.Signature(), e.Partial, e.Value)
		}
	}
	// Output:
	// x_1  value 2         adjoint 18260.8
	// x_2  value 3         adjoint 6689.54
	// f_2  value 9         adjoint 1114.92
	//      -> x_2  ∂₁f_2(x, y) = y*x^(y - 1) = 6
	//      -> x_1  ∂₂f_2(x, y) = x^y*log(x) = 9.88751
	// f_2  value 512       adjoint 3.14159
	//      -> x_1  ∂₁f_2(x, y) = y*x^(y - 1) = 2304
	//      -> f_2  ∂₂f_2(x, y) = x^y*log(x) = 354.891
	// f_3  value 0.693147  adjoint -2.58076
	//      -> x_1  ∂₁f_3(x) = 1/x = 0.5
	// f_1  value -0.570233 adjoint 1
	//      -> f_2  ∂₁f_1(x, y) = pi*cos(pi*x) = 3.14159
	//      -> f_3  ∂₂f_1(x, y) = -(pi*sin(pi*y)) = -2.58076
}

// Paths lists the paths from f_1 down to x_1 of the seed's section 2.3:
// the sum of the products of their edge labels is ∂f/∂x_1.
func ExamplePaths() {
	r := seedResult()
	x1, _ := draw.VarID(r, "x_1")
	s, err := draw.Paths(r, x1, 0)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Text(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Paths from f_1 down to x_1: 3, all listed.
	//   (f_1, f_2, x_1)      = 3.14159265358979·2304                              = 7238.22947387088
	//   (f_1, f_2, f_2, x_1) = 3.14159265358979·354.891356446692·9.88751059801299 = 11023.8236395328
	//   (f_1, f_3, x_1)      = (-2.58076442762861)·0.5                            = -1.29038221381431
	// Sum of the products: 18260.7627311899
	// Gradient ∂f_1/∂x_1 from the reverse pass: 18260.7627311899
}

// WritePaths writes the paths as they are found, here the first two of
// the seed's three in Markdown: its memory does not grow with the limit.
func ExampleWritePaths() {
	r := seedResult()
	x1, _ := draw.VarID(r, "x_1")
	if err := draw.WritePaths(os.Stdout, draw.Markdown, r, "", x1, 2); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Paths from f_1 down to x_1: 3, of which the first 2 are listed and 1 left out.
	//
	// | path | factors | product |
	// | --- | --- | ---: |
	// | `(f_1, f_2, x_1)` | `3.14159265358979·2304` | 7238.22947387088 |
	// | `(f_1, f_2, f_2, x_1)` | `3.14159265358979·354.891356446692·9.88751059801299` | 11023.8236395328 |
	//
	// Sum of the 2 listed products: 18262.0531134037
	//
	// Gradient `∂f_1/∂x_1` from the reverse pass: 18260.7627311899
}

// Explain in forward mode retraces the seed's section 1: the value and
// the derivative of each block, from the innermost outwards.
func ExampleExplain() {
	p, err := expr.Parse("section1.bp", `
f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x)    = sin(x)
f_3(x)    = sqrt(x) + e^x
f(x)      = f_1(f_2(x), f_3(x))
`)
	if err != nil {
		log.Fatal(err)
	}
	r, err := reverse.Run(p.Graph, p.Func("f").Body, map[string]float64{"x": 1}, nil)
	if err != nil {
		log.Fatal(err)
	}
	e, err := draw.Explain(r, &draw.Settings{Mode: verify.Forward})
	if err != nil {
		log.Fatal(err)
	}
	if err := e.Text(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Forward mode at x = 1: the value and the derivative with respect to x of every block, from the innermost outwards.
	//
	//   x                        = 1
	//   x'                       = 1
	//   f_2(1)                   = 0.841470984807897
	//   f_2'(1)                  = 0.54030230586814
	//   f_3(1)                   = 3.71828182845905
	//   f_3'(1)                  = 3.21828182845905
	//   f_1(f_2(1), f_3(1))      = 73.0708306381494
	//   d/dx f_1(f_2(x), f_3(x)) = ∂₁f_1·f_2'(1) + ∂₂f_1·f_3'(1)
	//                            = 23.6402350511426·0.54030230586814 + 33.9536095517118·3.21828182845905
	//                            = 122.045158140265
	//
	// Derivative: df_1/dx = 122.045158140265
	//
	// Local partial derivatives:
	//   ∂₁f_2(x)    = cos(x)
	//   ∂₁f_3(x)    = 1/(2*sqrt(x)) + e^x
	//   ∂₁f_1(x, y) = 6*x + 5*y
	//   ∂₂f_1(x, y) = 5*x + 8*y
}
