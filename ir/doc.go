// Package ir is backprop's one intermediate representation: a hash-consed
// expression DAG, which every feature reads. The parser lowers text to it;
// evaluation, forward and reverse mode, symbolic differentiation, graph
// drawing and compilation are passes over it.
//
// # Nodes
//
// A [Graph] is a list of [Node]s, each a number (op.Const), a named
// variable (op.Var), a primitive of package op applied to one or two
// earlier nodes, or a call of a user function ([Func]) on earlier nodes.
// Nodes are only ever appended and are named by their index, an [ID], so
// arguments always have smaller IDs than their users and a graph never has
// a cycle.
//
// Building a node that exists already returns the existing one
// (hash-consing), so structurally identical subexpressions are one node:
// common subexpressions are eliminated by construction, and a symbolic
// derivative built on the same graph shares nodes with its primal. A raw
// Graph keeps exactly the structure it is given (x*y and y*x are two
// nodes); package sym offers a simplifying builder on top of it.
//
// # Functions
//
// A [Func] has parameters, which are Var nodes, and a body. A call node
// stays a single node — the seed's figure 2.1 draws f_1, f_2 and f_3 as
// nodes — and [Graph.Inline] replaces calls by the bodies of the functions
// they call, the seed's "function breakdown" into primitives.
//
// # Evaluation
//
// [Graph.Topo] and [Evaluator] use explicit stacks and loops, so an
// expression nested a million levels deep neither overflows the goroutine
// stack nor costs more than linear time. With [Evaluator.Check] set,
// evaluation stops at the first NaN or infinity and returns a
// [NonFiniteError] naming the node, its arguments and its source span.
//
// A Graph is not safe for concurrent mutation; graphs that no goroutine
// modifies may be read concurrently.
package ir
