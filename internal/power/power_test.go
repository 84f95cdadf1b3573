package power

import (
	"strings"
	"testing"
)

// TestBody checks that Body is Pow's parameters, results and block, as
// gen writes them after a name of its own.
func TestBody(t *testing.T) {
	b := Body()
	if !strings.HasPrefix(b, "(x, y float64) float64 {\n") || !strings.HasSuffix(b, "\treturn math.Pow(x, y)\n}\n") || strings.Count(b, "\nfunc ") != 0 {
		t.Errorf("Body() =\n%s", b)
	}
}
