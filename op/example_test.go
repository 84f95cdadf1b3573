package op_test

import (
	"fmt"

	"github.com/gobackprop/backprop/op"
)

// Every primitive is one entry of the table: evaluation, partials and
// conventions.
func Example() {
	for _, o := range []op.Op{op.Pow, op.Relu, op.Max} {
		v := o.Eval(2, 3)
		dx, dy := o.Partials(2, 3, v)
		fmt.Printf("%s(2, 3) = %g, partials %g, %g\n", o, v, dx, dy)
	}
	fmt.Println(op.Relu.Info().Convention)
	// Output:
	// ^(2, 3) = 8, partials 12, 5.545177444479562
	// relu(2, 3) = 2, partials 1, 0
	// max(2, 3) = 3, partials 0, 1
	// relu'(0) = step(0) = 0
}
