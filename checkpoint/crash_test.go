package checkpoint_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/tensor"
)

// crashEnv names the directory a child of TestCrash saves into.
const crashEnv = "BACKPROP_CHECKPOINT_CRASH_DIR"

const crashKind = "checkpoint crash test"

// The payload of each checkpoint: large enough (5 MB) that a write
// takes a while, so that many kills land in the middle of one.
const (
	crashN32 = 1 << 20
	crashN64 = 1 << 16
)

// TestCrash starts a child that saves checkpoints in a loop, each filled
// with its counter, kills it with SIGKILL at a random moment, and checks
// that the directory then holds a whole checkpoint, every array filled
// with the same counter, never older than the last one seen; then it
// starts the next child, which resumes from that checkpoint.
func TestCrash(t *testing.T) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir)
		return
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("needs SIGKILL and a child process")
	}
	kills := 24
	if testing.Short() {
		kills = 6
	}
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var last, midWrite int64 = -1, 0
	start := time.Now()
	// On a loaded machine a run of kills can miss every write, or land
	// before the first save: then keep killing, up to four times as
	// often, rather than fail a test of the format for the scheduler.
	i := 0
	for ; i < kills || (i < 4*kills && (midWrite == 0 || last < 0)); i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// From 20 to 120 ms: the child starts in a few, and a save
		// takes some tens.
		time.Sleep(time.Duration(20+r.IntN(100)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
			t.Fatalf("kill %d: the child ended with %v, want killed", i, err)
		}
		temps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
		if len(temps) > 1 {
			t.Errorf("kill %d: %d temporary files: the previous ones were not removed", i, len(temps))
		}
		midWrite += int64(len(temps))
		s, err := checkpoint.Load(dir, crashKind)
		if errors.Is(err, fs.ErrNotExist) && last < 0 {
			continue // killed before its first save completed
		}
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		n, err := crashCheck(s)
		if err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		if n < last {
			t.Fatalf("kill %d: checkpoint %d, older than %d seen before", i, n, last)
		}
		last = n
	}
	t.Logf("%d kills, %d in the middle of a write, %d checkpoints written, in %v", i, midWrite, last+1, time.Since(start).Round(time.Millisecond))
	if last < 0 {
		t.Errorf("no child completed a checkpoint")
	}
	if midWrite == 0 {
		t.Errorf("no kill landed in the middle of a write")
	}
}

// crashChild saves checkpoints in dir, counting on from the one there,
// until it is killed.
func crashChild(dir string) {
	n := int64(0)
	if s, err := checkpoint.Load(dir, crashKind); err == nil {
		if n, err = crashCheck(s); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
		n++
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	for ; ; n++ {
		s := checkpoint.New(crashKind)
		checkpoint.AddDense(s, "a32", tensor.Full(float32(n), crashN32))
		s.SetInt("counter", n)
		checkpoint.AddDense(s, "a64", tensor.Full(float64(n), 2, crashN64/2))
		s.SetBytes("text", []byte(fmt.Sprint(n)))
		if err := checkpoint.Save(dir, s); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(2)
		}
	}
}

// crashCheck returns the counter of a child's checkpoint, or an error
// if its entries do not all hold the same one.
func crashCheck(s *checkpoint.State) (int64, error) {
	n, err := s.Int("counter")
	if err != nil {
		return 0, err
	}
	a32, a64 := tensor.Zeros[float32](crashN32), tensor.Zeros[float64](2, crashN64/2)
	if err := errors.Join(checkpoint.Dense(s, "a32", a32), checkpoint.Dense(s, "a64", a64)); err != nil {
		return 0, err
	}
	for i, x := range a32.Data() {
		if x != float32(n) {
			return 0, fmt.Errorf("checkpoint %d: a32[%d] = %v", n, i, x)
		}
	}
	for i, x := range a64.Data() {
		if x != float64(n) {
			return 0, fmt.Errorf("checkpoint %d: a64[%d] = %v", n, i, x)
		}
	}
	if b, err := s.Bytes("text"); err != nil || string(b) != fmt.Sprint(n) {
		return 0, fmt.Errorf("checkpoint %d: text %q, %v", n, b, err)
	}
	return n, nil
}
