package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobackprop/backprop/internal/cli"
	"github.com/gobackprop/backprop/internal/server"
)

var loadFor = flag.Duration("load", 0, "run TestLoad for this long (the issue's measure: -load 20s); without it, a one-second run")

// bigProgram has 10,001 nodes: 2,000 terms sin(x*k)*y.
func bigProgram() string {
	terms := make([]string, 2000)
	for k := range terms {
		terms[k] = fmt.Sprintf("sin(x*%d)*y", k+1)
	}
	return "f(x, y) = " + strings.Join(terms, " + ")
}

type loadRequest struct {
	class   string // "valid", "malformed"
	name    string
	command string
	body    []byte
	want    int
}

func loadMix(t testing.TB) []loadRequest {
	j := func(v any) []byte {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	s := seed(t)
	at := map[string]any{"x_1": 2, "x_2": 3}
	big := bigProgram()
	bigAt := map[string]any{"x": 1, "y": 2}
	return []loadRequest{
		{"valid", "seed grad", "grad", j(map[string]any{"program": s, "at": at}), 200},
		{"valid", "seed grad all", "grad", j(map[string]any{"program": s, "at": at, "mode": "all"}), 200},
		{"valid", "seed graph", "graph", j(map[string]any{"program": s, "at": at, "level": "primitives"}), 200},
		{"valid", "seed explain", "explain", j(map[string]any{"program": s, "at": at}), 200},
		{"valid", "seed paths", "paths", j(map[string]any{"program": s, "at": at, "wrt": "x_1"}), 200},
		{"valid", "seed diff", "diff", j(map[string]any{"program": s, "at": at, "wrt": "x_1"}), 200},
		{"valid", "10k-node grad", "grad", j(map[string]any{"program": big, "at": bigAt}), 200},
		{"valid", "10k-node eval", "eval", j(map[string]any{"program": big, "at": bigAt}), 200},
		{"malformed", "syntax", "grad", j(map[string]any{"program": "f(x) = x +* 2", "at": map[string]any{"x": 1}}), 400},
		{"malformed", "undefined", "grad", j(map[string]any{"program": s + "\ng(x) = y", "at": at}), 400},
		{"malformed", "10k-node syntax", "grad", j(map[string]any{"program": big + " +", "at": bigAt}), 400},
		{"malformed", "bad JSON", "eval", []byte(`{"program": "x", "at": {"x": 1`), 400},
		{"malformed", "missing point", "grad", j(map[string]any{"program": s, "at": map[string]any{}}), 400},
	}
}

type sample struct {
	req     int
	status  int
	latency time.Duration
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// TestLoad runs 16 clients against the server on loopback, each sending
// the mix of loadMix in turn, while one adversary sends a 10 MB body, a
// 10^6-deep expression, a program with 2^60 paths and one of 2^40
// evaluations. Every valid request must be answered 200, every malformed
// one 400, every adversarial one refused or answered within the deadline,
// and the heap must not grow across the run.
func TestLoad(t *testing.T) {
	d := *loadFor
	if d == 0 {
		d = time.Second
	}
	const clients = 16
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- server.Serve(ctx, ln, server.New(cli.Backend(server.DefaultMaxBody, cli.DefaultServeMaxWork, 0), nil))
	}()
	defer func() {
		stop()
		if err := <-served; err != nil {
			t.Error(err)
		}
	}()
	url := "http://" + ln.Addr().String() + "/api/"
	tr := &http.Transport{MaxIdleConnsPerHost: clients + 4}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	do := func(command string, body []byte) (int, []byte, time.Duration, error) {
		start := time.Now()
		res, err := client.Post(url+command, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, nil, time.Since(start), err
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, b, time.Since(start), err
	}
	mix := loadMix(t)

	// Warm up: every request answers as it should.
	for _, r := range mix {
		if status, b, _, err := do(r.command, r.body); err != nil || status != r.want {
			t.Fatalf("%s: %d %v %.200s, want %d", r.name, status, err, b, r.want)
		}
	}

	// The adversary's requests.
	type attack struct {
		name, command string
		body          []byte
		ok            func(status int, body []byte) bool
	}
	huge := []byte(`{"program": "` + strings.Repeat("x+", 5<<20) + `x", "at": {}}`)
	deep, _ := json.Marshal(map[string]any{"program": deepProgram(1e6), "at": map[string]any{"x": 1}})
	paths60, _ := json.Marshal(map[string]any{"program": pathsProgram(60), "at": map[string]any{"x": 1}, "wrt": "x", "level": "primitives"})
	dbl, _ := json.Marshal(map[string]any{"program": doubling(40), "at": map[string]any{"x": 1}})
	attacks := []attack{
		{"10 MB body", "grad", huge, func(s int, b []byte) bool { return s == 413 }},
		{"10^6-deep expression", "grad", deep, func(s int, b []byte) bool { return s == 413 }},
		{"2^60 paths", "paths", paths60, func(s int, b []byte) bool {
			return s == 200 && bytes.Contains(b, []byte(`"count": 1152921504606846976`))
		}},
		{"2^40 evaluations", "grad", dbl, func(s int, b []byte) bool { return s == 400 }},
	}

	heap0 := heapInUse() // with the adversary's 12 MB of bodies
	deadline := time.Now().Add(d)
	samples := make([][]sample, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; time.Now().Before(deadline); i++ {
				k := i % len(mix)
				status, _, lat, err := do(mix[k].command, mix[k].body)
				if err != nil {
					status = -1
				}
				samples[c] = append(samples[c], sample{k, status, lat})
			}
		}()
	}
	var advMu sync.Mutex
	adv := map[string][]time.Duration{}
	// The adversary.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; time.Now().Before(deadline); i++ {
			a := attacks[i%len(attacks)]
			status, b, lat, err := do(a.command, a.body)
			if err != nil || !a.ok(status, b) || lat > server.DefaultTimeout {
				t.Errorf("%s: %d %v in %v: %.200s", a.name, status, err, lat, b)
			}
			advMu.Lock()
			adv[a.name] = append(adv[a.name], lat)
			advMu.Unlock()
			time.Sleep(50 * time.Millisecond)
		}
	}()
	// The heap, sampled through the run.
	var heaps []uint64
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(max(d/10, 100*time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				heaps = append(heaps, heapInUse())
			}
		}
	}()
	start := time.Now()
	wg.Wait()
	elapsed := time.Since(start)
	close(done)
	<-sampled
	heap1 := heapInUse()

	var all, valid, malformed []time.Duration
	perReq := make([][]time.Duration, len(mix))
	var validErrs, malformedWrong, n int
	for _, ss := range samples {
		for _, s := range ss {
			n++
			r := mix[s.req]
			all = append(all, s.latency)
			perReq[s.req] = append(perReq[s.req], s.latency)
			switch {
			case r.class == "valid":
				valid = append(valid, s.latency)
				if s.status != 200 {
					validErrs++
				}
			default:
				malformed = append(malformed, s.latency)
				if s.status != 400 {
					malformedWrong++
				}
			}
		}
	}
	t.Logf("%d clients for %v: %d requests, %.0f requests/s; p50 %v, p99 %v (valid p50 %v p99 %v; malformed p50 %v p99 %v)",
		clients, elapsed.Round(time.Millisecond), n, float64(n)/elapsed.Seconds(),
		percentile(all, .5), percentile(all, .99), percentile(valid, .5), percentile(valid, .99), percentile(malformed, .5), percentile(malformed, .99))
	for k, r := range mix {
		t.Logf("  %-18s %6d requests, p50 %v, p99 %v", r.name, len(perReq[k]), percentile(perReq[k], .5), percentile(perReq[k], .99))
	}
	for _, a := range attacks {
		ds := adv[a.name]
		t.Logf("  adversary %-22s %3d requests, worst %v", a.name, len(ds), percentile(ds, 1))
	}
	t.Logf("valid requests not answered 200: %d of %d; malformed not answered 400: %d of %d", validErrs, len(valid), malformedWrong, len(malformed))
	mb := func(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
	var hs []string
	for _, h := range heaps {
		hs = append(hs, mb(h))
	}
	t.Logf("heap in use after GC: %s before, %s during, %s after", mb(heap0), strings.Join(hs, ", "), mb(heap1))
	if validErrs > 0 || malformedWrong > 0 {
		t.Errorf("%d valid requests failed, %d malformed ones not answered 400", validErrs, malformedWrong)
	}
	if heap1 > heap0+heap0/2+16<<20 {
		t.Errorf("the heap grew from %s to %s", mb(heap0), mb(heap1))
	}
}
