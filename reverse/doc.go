// Package reverse is reverse-mode differentiation (backpropagation) over
// the expression DAG, keeping every intermediate number so that graphs,
// paths and explanations can show them.
//
// A pass has two halves, as in the seed's section 2: the forward pass
// evaluates every node in topological order and records, for each node,
// the partial derivative of the node with respect to each of its arguments
// (the label of the edge from the node to that argument); the backward
// pass walks the nodes in reverse order and accumulates adjoints,
// adj(arg) += adj(node) · ∂node/∂arg, starting from adj(root) = 1. The
// adjoint of an input variable is the partial derivative of the output
// with respect to it.
//
// It works at two levels. At [Primitives] level, calls of user functions
// are first inlined, so every node is a primitive operation. At
// [Functions] level, a call is one node, as in the seed's figure 2.1, and
// the partial derivatives on its edges are those of the function's body
// with respect to its parameters, computed by a nested reverse pass over
// the body.
//
// For fast repeated gradients, use package compile or package tape; this
// package favours inspectability over speed.
package reverse
