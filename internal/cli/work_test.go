package cli

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// nestedProgram returns a program of levels functions, each calling the
// one before it twice: a few hundred bytes whose evaluation at function
// level takes about 2^levels node evaluations.
func nestedProgram(levels int) string {
	var b strings.Builder
	b.WriteString("g0(y) = sin(y)*cos(y) + y\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "g%d(y) = g%d(sin(y)*cos(y) + y)*g%d(y) + y\n", i, i-1, i-1)
	}
	fmt.Fprintf(&b, "f(x) = g%d(x)\n", levels-1)
	return b.String()
}

// TestMaxWork checks that a program whose calls multiply its cost is
// refused before any evaluation, by every command that evaluates it, with
// the flag that raises the limit named, in little memory; and that the
// flag lets it through.
func TestMaxWork(t *testing.T) {
	src := nestedProgram(40) // 2^40 evaluations at function level: hours
	for _, args := range [][]string{
		{"eval", "--at", "x=0.3"},
		{"grad", "--at", "x=0.3"},
		{"grad", "--at", "x=0.3", "--mode", "all"},
		{"grad", "--at", "x=0.3", "--level", "primitives"},
		{"diff", "--wrt", "x"},
		{"graph", "--at", "x=0.3", "--format", "json"},
		{"paths", "--at", "x=0.3", "--wrt", "x"},
		{"explain", "--at", "x=0.3"},
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, errs, status := run(t, src, args...)
		runtime.ReadMemStats(&after)
		if status != ExitInput || !strings.Contains(errs, "--max-work") {
			t.Errorf("%s: status %d, stderr %q; want 2 and a message naming --max-work", strings.Join(args, " "), status, errs)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 16<<20 {
			t.Errorf("%s: refusing allocated %d bytes", strings.Join(args, " "), a)
		}
	}
	// Hash-consing makes the same program small once inlined: with the
	// limit lifted, primitive level evaluates it at once.
	out, errs, status := run(t, nestedProgram(12), "grad", "--at", "x=0.3", "--level", "primitives", "--max-work", "0")
	if status != 0 || !strings.Contains(out, "∂f/∂x") {
		t.Errorf("--max-work 0: status %d, %s%s", status, out, errs)
	}
	if _, errs, status := run(t, "f(x) = x", "eval", "--at", "x=1", "--max-work", "-1"); status != ExitInput || !strings.Contains(errs, "--max-work must be 0 (no limit) or positive") {
		t.Errorf("--max-work -1: status %d, %s", status, errs)
	}
}

// TestForwardWork checks that forward mode, one pass per input, is
// refused when the inputs times the program's size pass --max-work.
func TestForwardWork(t *testing.T) {
	names := make([]string, 300)
	at := make([]string, len(names))
	for i := range names {
		names[i] = fmt.Sprintf("x%d", i)
		at[i] = names[i] + "=1"
	}
	src := fmt.Sprintf("f(%s) = %s", strings.Join(names, ", "), strings.Join(names, "*"))
	for _, mode := range []string{"forward", "all"} {
		_, errs, status := run(t, src, "grad", "--at", strings.Join(at, ","), "--mode", mode, "--max-work", "10000")
		if status != ExitInput || !strings.Contains(errs, "300 inputs") || !strings.Contains(errs, "--max-work") {
			t.Errorf("--mode %s: status %d, %s", mode, status, errs)
		}
	}
	if _, errs, status := run(t, src, "grad", "--at", strings.Join(at, ","), "--mode", "reverse", "--max-work", "10000"); status != 0 {
		t.Errorf("--mode reverse: status %d, %s", status, errs)
	}
}
