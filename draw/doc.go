// Package draw shows how backpropagation computes a gradient: it draws
// expression graphs as the seed's figure 2.1 does, lists the paths whose
// products add up to a derivative (the seed's section 2.3), and explains a
// differentiation step by step, in reverse mode (section 2) or in forward
// mode (section 1).
//
// Every number comes from a reverse pass of package reverse (values,
// adjoints, and the partial derivative on each edge) or, for forward-mode
// explanations, from a forward pass of package dual; this package
// recomputes nothing. The symbolic partials that label the edges come from
// package sym (and the primitive table of package op), their LaTeX from
// package latex.
//
// # Graphs
//
// [Build] turns a reverse.Result into a [Graph], a model independent of
// any renderer: the nodes reachable from the output, each once (shared
// subexpressions are one node), with their values and adjoints, and one
// edge from each node to each of its arguments with the partial
// derivative, as text and as a number. A Graph is written as DOT (laid
// out like figure 2.1: inputs at the bottom, the output at the top), as
// SVG or PNG (rendered in-process by Graphviz compiled to WebAssembly,
// through go-graphviz: no Graphviz installation is needed) or as JSON
// with every number in full precision. Build refuses graphs larger than
// a limit (2,000 nodes by default), which are not worth drawing: draw
// them at function level instead.
//
// # Paths
//
// [Paths] lists the paths from the output down to an input with the
// product of the partial derivatives along each, and counts all of them
// exactly, without listing them, by dynamic programming: a chain of 70
// diamonds has 2^70 paths. When every path is listed, the sum of the
// products is the gradient of the reverse pass. Paths holds the listing
// in memory, so its limit is capped at [MaxPathLimit]; [WritePaths]
// writes each path as it is enumerated, in memory that does not grow with
// its limit, with the same output.
//
// # Explanations
//
// [Explain] writes out what a differentiation computes: in reverse mode,
// each node's value in evaluation order, then each adjoint as the sum of
// its contributions edge by edge, adj(x_1) = adj(f_2[2])·∂f_2/∂x + …; in
// forward mode, each block's value and derivative from the innermost
// outwards, f_3'(1) = 3.21828182845905. An [Explanation] is written as
// aligned text, Markdown, LaTeX (amsmath align environments) or JSON, with
// 15 significant digits in the text formats, as the seed prints them, and
// every digit in JSON.
//
// # Formats and numbers
//
// [FormatOf] tells the format of an output file from its extension. In
// JSON, NaN and the infinities, which JSON lacks, are the strings "NaN",
// "+Inf" and "-Inf".
//
// Rendering SVG and PNG is serialized within a process, since go-graphviz
// runs every rendering in one WebAssembly instance; everything else is
// safe for concurrent use on results that are not being modified.
package draw
