// Package verify differentiates one function in every mode backprop has
// and reports how far they disagree.
//
// The modes are reverse mode over the DAG (package reverse), forward mode
// with dual numbers (package dual), symbolic differentiation evaluated at
// the point (package sym), compiled gradients (package compile) and
// central differences (package numeric). The first four are exact up to
// rounding and should agree to about 1e-12 relative; numeric differences
// agree to about 1e-7 relative where the function is smooth, so
// disagreements are reported for the exact modes and for numeric
// differences separately.
package verify
