// Package sym differentiates expressions symbolically and simplifies them,
// working directly on the hash-consed expression DAG of package ir.
//
// [Diff] returns the derivative of an expression with respect to one
// variable as a new expression, [Gradient] the derivatives with respect to
// several variables at once, and [Partials] the partial derivatives of a
// user function with respect to each of its parameters, which is what the
// seed's appendix computes with SymPy to label the edges of an expression
// graph. The local partial derivatives of every primitive come from the
// primitive table ([op.Info].Rule); this package only applies the chain
// rule.
//
// # Linear size
//
// Derivatives are built on the same graph as their primal and share its
// nodes: the derivative of sin(u) is cos(u)·u', where u is the very node of
// the primal, not a copy. Each primal node adds a bounded number of nodes
// to the derivative (the size of its rule plus one product and one sum),
// so the derivative of an expression of n nodes has O(n) nodes, never the
// exponential swell of differentiating a tree. The text or LaTeX of a
// derivative writes every use of a shared node out in full, so printing,
// unlike the derivative itself, can be much larger than the DAG.
//
// # Bounded simplification
//
// A [Builder] builds nodes through smart constructors that apply a fixed
// set of local rewrites (x+0 → x, x·1 → x, --x → x, x·x → x^2, constant
// folding, …). Each rewrite looks only at the arguments of the node being
// built and at their direct arguments, and rewrites nest at most a fixed
// number of levels deep, so building one node costs constant time,
// simplifying an expression costs time linear in its size, and
// simplification always terminates. It is not a normal form: two equal
// expressions may simplify to different DAGs.
//
// Some rewrites hold only where the original expression is finite, as in
// SymPy: x·0 → 0, 0/x → 0, x-x → 0 and x/x → 1 are wrong when x is NaN
// or ±Inf, and rules such as exp(log(x)) → x or (x^a)^b → x^(a·b) give a
// number where the original was NaN (x < 0). The simplifier may remove a
// NaN or an infinity in this way; it never introduces one, and it never
// creates a constant node that is not finite.
package sym
