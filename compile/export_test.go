package compile

// Adjoints is the gradient before op.Gradient settles it: the tests pin
// the backward pass's adjoints to the table's partials bit for bit, also
// where they are not finite.
func (w *Workspace) Adjoints(dst, x []float64) float64 { return w.adjoints(dst, x) }
