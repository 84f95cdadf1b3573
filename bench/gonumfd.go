package main

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/diff/fd"
)

// gonumFDTool is gonum.org/v1/gonum/diff/fd: the numeric gradient by
// central differences of the plain Go function, 2n evaluations of f for n
// variables, so O(n²) time for the Rosenbrock function. It is the baseline
// that automatic differentiation replaces, and it is approximate: it is
// checked with fdTol instead of exactTol.
type gonumFDTool struct{}

// fdTol is the relative tolerance of the central-difference gradient.
const fdTol = 1e-5

func (gonumFDTool) name() string { return "gonum-fd" }

func (gonumFDTool) tolerance() float64 { return fdTol }

func (gonumFDTool) note(task string) string { return "numeric, central differences" }

// fdGrad returns the gradient of f, a function of n variables, by central
// differences.
func fdGrad(n int, f func(x []float64) float64) gradFunc {
	settings := &fd.Settings{Formula: fd.Central}
	return func(dst, x []float64) (float64, error) {
		if len(x) != n || len(dst) != n {
			return math.NaN(), fmt.Errorf("gonum-fd: %d inputs, got x of %d and dst of %d", n, len(x), len(dst))
		}
		fd.Gradient(dst, f, x, settings)
		return f(x), nil
	}
}

func (gonumFDTool) seed() (gradFunc, error) {
	return fdGrad(2, func(x []float64) float64 { return seedPrimal(x[0], x[1]) }), nil
}

func (gonumFDTool) rosenbrock(n int) (gradFunc, error) {
	return fdGrad(n, rosenbrockPrimal), nil
}
