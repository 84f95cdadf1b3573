package seedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExamples keeps the sources identical to the files of examples/.
func TestExamples(t *testing.T) {
	for _, c := range Cases() {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", c.File))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != c.Src {
			t.Errorf("%s: examples/%s differs from the source here", c.Name, c.File)
		}
		p, fn := c.Parse(t)
		if len(fn.Params) != len(c.X) || len(c.X) != len(c.Grad) || p.Graph.Len() == 0 {
			t.Errorf("%s: %d parameters, %d coordinates, %d partials", c.Name, len(fn.Params), len(c.X), len(c.Grad))
		}
	}
}
