package idx_test

import (
	"bytes"
	"fmt"

	"github.com/gobackprop/backprop/data/idx"
)

// An array written as IDX reads back with its type and shape; a file cut
// short is an error that says where.
func Example() {
	var buf bytes.Buffer
	a := &idx.Array{Type: idx.Uint8, Shape: []int{2, 3}, Data: []uint8{0, 64, 128, 192, 255, 7}}
	if err := idx.Write(&buf, a); err != nil {
		panic(err)
	}
	fmt.Printf("% x\n", buf.Bytes())
	b, err := idx.Read(bytes.NewReader(buf.Bytes()), "a.idx")
	fmt.Println(b.Type, b.Shape, b.Data, err)
	_, err = idx.Read(bytes.NewReader(buf.Bytes()[:14]), "a.idx")
	fmt.Println(err)
	// Output:
	// 00 00 08 02 00 00 00 02 00 00 00 03 00 40 80 c0 ff 07
	// uint8 [2 3] [0 64 128 192 255 7] <nil>
	// a.idx: offset 12: truncated: expected 6 bytes of data (6 uint8 elements), found 2 bytes
}
