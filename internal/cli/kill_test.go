package cli

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gobackprop/backprop/checkpoint"
	"github.com/gobackprop/backprop/optim"
	"github.com/gobackprop/backprop/train"
)

// childEnv marks a copy of the test binary started to run the command
// (see TestMain): its arguments are the command's.
const childEnv = "BACKPROP_CLI_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestKillResume is the crash test of issue 9: a child process trains
// with a checkpoint every few steps; the test kills it with SIGKILL at
// random moments, at least minKills times (many of them while it writes a
// checkpoint, which is most of what it does), and starts it again with
// --resume each time, until it finishes. Its final weights, momentum
// buffers and history must be those of a run never killed, bit for bit.
func TestKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a few dozen processes")
	}
	const minKills = 25
	data := mnistDir(t)
	dir := t.TempDir()
	args := []string{"train", "mnist", "--data", data, "--limit", "3000", "--hidden", "16", "--batch", "16", "--epochs", "10",
		"--optimizer", "sgd", "--momentum", "0.9", "--seed", "7", "--checkpoint-every", "3"}
	ref := filepath.Join(dir, "ref")
	if _, errs, status := run(t, "", append(args, "--checkpoint", ref)...); status != 0 {
		t.Fatalf("uninterrupted run: status %d: %s", status, errs)
	}

	ck := filepath.Join(dir, "killed")
	file := filepath.Join(ck, checkpoint.FileName)
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	kills, inWrite, lives := 0, 0, 0
	for {
		lives++
		a := append(slices.Clone(args), "--checkpoint", ck, "--threads", "1")
		before, err := os.Stat(file)
		if err == nil {
			a = append(a, "--resume")
		}
		cmd := exec.Command(os.Args[0], a...)
		cmd.Env = append(os.Environ(), childEnv+"=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		if kills >= minKills {
			if err := <-done; err != nil {
				t.Fatalf("last run: %v: %s", err, stderr.String())
			}
			break
		}
		// Wait for a new checkpoint, so that every life makes progress,
		// then kill at a random moment within the next 30 ms.
		var finished bool
		var exitErr error
		killAt := time.Time{}
	wait:
		for {
			select {
			case exitErr = <-done:
				finished = true
				break wait
			case <-time.After(time.Millisecond):
			}
			if killAt.IsZero() {
				if st, err := os.Stat(file); err == nil && (before == nil || !st.ModTime().Equal(before.ModTime()) || st.Size() != before.Size()) {
					killAt = time.Now().Add(time.Duration(r.IntN(30_000)) * time.Microsecond)
				}
			} else if time.Now().After(killAt) {
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				kills++
				if tmp, _ := filepath.Glob(filepath.Join(ck, "."+checkpoint.FileName+".tmp-*")); len(tmp) > 0 {
					inWrite++
				}
				break wait
			}
		}
		if finished {
			if exitErr != nil {
				t.Fatalf("run %d: %v: %s", lives, exitErr, stderr.String())
			}
			t.Fatalf("the run finished after %d kills, before %d: give it more epochs", kills, minKills)
		}
	}
	t.Logf("%d kills (%d during a checkpoint write), %d runs, %.1f s", kills, inWrite, lives, time.Since(start).Seconds())
	if inWrite == 0 {
		t.Errorf("no kill landed during a checkpoint write")
	}
	wantW, wantH := finalState(t, ref)
	gotW, gotH := finalState(t, ck)
	for name, w := range wantW {
		if !slices.Equal(gotW[name], w) {
			t.Errorf("%s differs from the uninterrupted run's", name)
		}
	}
	if !slices.Equal(gotH, wantH) {
		t.Errorf("history %+v, uninterrupted %+v", gotH, wantH)
	}
}

// finalState returns the parameters and momentum buffers in the
// checkpoint in dir, by name, and its history without the times.
func finalState(t *testing.T, dir string) (map[string][]float32, []train.Epoch) {
	t.Helper()
	s, m, err := loadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	net, _, err := build[float32](m)
	if err != nil {
		t.Fatal(err)
	}
	ws := map[string][]float32{}
	for _, p := range net.Params() {
		if err := checkpoint.Dense(s, "param/"+p.Name, p.Value); err != nil {
			t.Fatal(err)
		}
		ws["param/"+p.Name] = p.Value.Data()
	}
	opt := optim.NewSGD(net.Params(), optim.SGDSettings{LR: m.LR, Momentum: m.Momentum})
	for _, p := range opt.State() {
		if err := checkpoint.Dense(s, "optim/"+p.Name, p.Value); err != nil {
			t.Fatal(err)
		}
		ws["optim/"+p.Name] = p.Value.Data()
	}
	b, err := s.Bytes("progress")
	if err != nil {
		t.Fatal(err)
	}
	var pr struct{ History []train.Epoch }
	if err := json.Unmarshal(b, &pr); err != nil {
		t.Fatal(err)
	}
	for i := range pr.History {
		pr.History[i].Seconds = 0
	}
	if len(pr.History) == 0 || !strings.Contains(string(b), "test_accuracy") {
		t.Fatalf("no history in %s", dir)
	}
	return ws, pr.History
}

// TestInterrupt sends SIGINT (Ctrl-C) to a training child after its
// first checkpoint: it must stop with status 1, say how to resume, and
// leave a checkpoint of the step it stopped at, from which a resumed run
// reaches the weights of a run never interrupted.
func TestInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process")
	}
	data := mnistDir(t)
	dir := t.TempDir()
	args := []string{"train", "mnist", "--data", data, "--limit", "3000", "--hidden", "16", "--batch", "16", "--optimizer", "adam", "--seed", "3"}
	ck := filepath.Join(dir, "ck")
	file := filepath.Join(ck, checkpoint.FileName)
	cmd := exec.Command(os.Args[0], append(slices.Clone(args), "--epochs", "1000", "--checkpoint", ck)...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(file); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint after 30 s")
		}
		time.Sleep(2 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "interrupted at epoch") || !strings.Contains(stderr.String(), "--resume") {
		t.Fatalf("exit %d (%v), stderr %q; want 1 and how to resume", code, err, stderr.String())
	}
	s, err := checkpoint.Load(ck, checkpointKind)
	if err != nil {
		t.Fatal(err)
	}
	steps, _ := s.Int("step")
	epochs := int(steps)/188 + 2
	e := strconv.Itoa(epochs)
	if _, errs, status := run(t, "", append(slices.Clone(args), "--epochs", e, "--checkpoint", ck, "--resume")...); status != 0 {
		t.Fatalf("resume: status %d: %s", status, errs)
	}
	ref := filepath.Join(dir, "ref")
	if _, errs, status := run(t, "", append(slices.Clone(args), "--epochs", e, "--checkpoint", ref)...); status != 0 {
		t.Fatalf("reference: status %d: %s", status, errs)
	}
	t.Logf("interrupted after step %d; resumed to %d epochs", steps, epochs)
	got, _ := finalState(t, ck)
	want, _ := finalState(t, ref)
	for name, w := range want {
		if !slices.Equal(got[name], w) {
			t.Errorf("%s differs from the uninterrupted run's", name)
		}
	}
}
