package checkpoint_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/tensor"
)

// This example saves the weights, the epoch and the random source of a
// run, and resumes from them: the restored source continues the same
// sequence.
func Example() {
	dir, _ := os.MkdirTemp("", "checkpoint-example")
	defer os.RemoveAll(dir)
	const kind = "example: linear 2-3 float32"

	// A fresh start: nothing to resume.
	_, err := checkpoint.Load(dir, kind)
	fmt.Println(errors.Is(err, fs.ErrNotExist), err == nil)

	pcg := rand.NewPCG(1, 2)
	r := rand.New(pcg)
	w := tensor.RandNormal[float32](r, 3, 2)

	// Save after epoch 1.
	s := checkpoint.New(kind)
	checkpoint.AddDense(s, "weight", w)
	s.SetInt("epoch", 1)
	rng, _ := pcg.MarshalBinary()
	s.SetBytes("rng", rng)
	if err := checkpoint.Save(dir, s); err != nil {
		fmt.Println(err)
		return
	}
	next := r.IntN(1000) // what the uninterrupted run draws next

	// Resume, in a new process, into fresh arrays and a fresh source.
	s, err = checkpoint.Load(dir, kind)
	if err != nil {
		fmt.Println(err)
		return
	}
	w2 := tensor.Zeros[float32](3, 2)
	epoch, _ := s.Int("epoch")
	rng, _ = s.Bytes("rng")
	pcg2 := new(rand.PCG)
	err = errors.Join(checkpoint.Dense(s, "weight", w2), pcg2.UnmarshalBinary(rng))
	fmt.Println(err, epoch, slices.Equal(w.Data(), w2.Data()), rand.New(pcg2).IntN(1000) == next)
	fmt.Println(s.Names())

	// A checkpoint of another model is refused.
	_, err = checkpoint.Load(dir, "example: linear 2-4 float32")
	fmt.Println(err != nil)
	// Output:
	// true false
	// <nil> 1 true true
	// [weight epoch rng]
	// true
}
