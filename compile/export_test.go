package compile

// Adjoints is the gradient before op.Gradient settles it: the tests pin
// the backward pass's adjoints to the table's partials bit for bit, also
// where they are not finite.
func (w *Workspace) Adjoints(dst, x []float64) float64 { return w.adjoints(dst, x) }

// Generic makes the second-order passes of w call the table for every
// operation, for the tests that pin their written-out cases to it.
func Generic(w *Workspace) { w.generic = true }
