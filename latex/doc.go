// Package latex prints expressions of the DAG as LaTeX, in the style of
// SymPy's latex() that the seed document shows: x^{y}, \frac{a}{b},
// \sin{\left(\pi x \right)}, \log{\left(x \right)}, \sqrt{x}, e^{x},
// \left|x\right|, products juxtaposed (5 x y), negative terms as a - b.
//
// # Layout
//
// Sums and differences are flattened into one list of signed terms, and a
// negation is distributed over a sum, as SymPy does: x - (y + z) prints as
// x - y - z. Products and quotients are flattened into a numerator and a
// denominator: a negative factor, a negative constant or a negative
// constant power (x^{-2}) moves to the sign or to the denominator, and a
// product with a denominator prints as one \frac. The factors of a product
// are printed in SymPy's order: numbers (and \pi, e) first, then
// variables, powers and roots, then sums in parentheses, then function
// applications; factors of the same kind keep their order. Two adjacent
// numbers are separated by \cdot.
//
// Powers of a function with a LaTeX command other than \log, to a
// positive integer, print with the exponent on the function name:
// \sin^{2}{\left(x \right)}, as SymPy prints them.
//
// # Names
//
// A name is split at its first underscore into a base and a subscript, or
// else before trailing digits (x1 prints as x_{1}, as in SymPy); further
// underscores separate parts of the subscript. Greek letter names print as
// the letter (alpha as \alpha). A base of more than one letter prints
// upright: as \mathrm{rate}_{0} for a variable and as
// \operatorname{loss}_{1} for a function, whose name then gets the
// spacing of an operator.
//
// # Size
//
// [String] writes every use of a shared node out in full, so the LaTeX
// of a DAG can be exponentially longer than the DAG. [Aligned] names the
// large shared subexpressions that [ir.Graph.Listing] chooses, as an
// aligned environment of definitions, and stays linear in the DAG.
package latex
