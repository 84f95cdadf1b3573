package server_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobackprop/backprop/internal/cli"
	"github.com/gobackprop/backprop/internal/server"
)

func newServer(t testing.TB, s *server.Settings) *httptest.Server {
	srv := httptest.NewServer(server.New(cli.Backend(server.DefaultMaxBody, cli.DefaultServeMaxWork, 0), s))
	t.Cleanup(srv.Close)
	return srv
}

func post(t testing.TB, url string, body any) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	res, err := http.Post(url, "application/json", r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, out
}

func seed(t testing.TB) string {
	b, err := os.ReadFile("../../examples/seed.bp")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// runCLI runs backprop with args and the program on standard input, and
// returns what it prints.
func runCLI(t *testing.T, program string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	status := cli.Run(args, strings.NewReader(program), &out, &errOut)
	return status, out.String()
}

// The API answers exactly what the command prints with --json, for every
// command, and for errors too (but for the file name, which the API has
// not).
func TestAPIIsTheCommand(t *testing.T) {
	srv := newServer(t, nil)
	prog := seed(t)
	at := map[string]any{"x_1": 2, "x_2": 3}
	for _, tt := range []struct {
		command string
		query   map[string]any
		args    []string
	}{
		{"eval", map[string]any{"at": at}, []string{"--at", "x_1=2,x_2=3"}},
		{"grad", map[string]any{"at": at}, []string{"--at", "x_1=2,x_2=3"}},
		{"grad", map[string]any{"at": at, "mode": "forward"}, []string{"--at", "x_1=2,x_2=3", "--mode", "forward"}},
		{"grad", map[string]any{"at": at, "mode": "all"}, []string{"--at", "x_1=2,x_2=3", "--mode", "all"}},
		{"grad", map[string]any{"at": at, "level": "primitives"}, []string{"--at", "x_1=2,x_2=3", "--level", "primitives"}},
		{"diff", map[string]any{"at": at, "wrt": "x_1"}, []string{"--at", "x_1=2,x_2=3", "--wrt", "x_1"}},
		{"diff", map[string]any{"wrt": "x_2"}, []string{"--wrt", "x_2"}},
		{"graph", map[string]any{"at": at}, []string{"--at", "x_1=2,x_2=3"}},
		{"graph", map[string]any{"at": at, "level": "primitives"}, []string{"--at", "x_1=2,x_2=3", "--level", "primitives"}},
		{"paths", map[string]any{"at": at, "wrt": "x_1"}, []string{"--at", "x_1=2,x_2=3", "--wrt", "x_1"}},
		{"explain", map[string]any{"at": at}, []string{"--at", "x_1=2,x_2=3"}},
		{"explain", map[string]any{"at": at, "mode": "forward", "wrt": "x_2"}, []string{"--at", "x_1=2,x_2=3", "--mode", "forward", "--wrt", "x_2"}},
		{"explain", map[string]any{"at": at, "mode": "forward", "direction": map[string]any{"x_1": 1, "x_2": 0.5}}, []string{"--at", "x_1=2,x_2=3", "--mode", "forward", "--direction", "x_1=1,x_2=0.5"}},
		{"explain", map[string]any{"at": at, "mode": "forward", "direction": map[string]any{"x_3": 1}}, []string{"--at", "x_1=2,x_2=3", "--mode", "forward", "--direction", "x_3=1"}},
		{"grad", map[string]any{"at": map[string]any{"x_1": 2}}, []string{"--at", "x_1=2"}},
		{"grad", map[string]any{"at": map[string]any{"x_1": "pi/2", "x_2": 3}}, []string{"--at", "x_1=pi/2,x_2=3"}},
		{"paths", map[string]any{"at": at, "wrt": "z"}, []string{"--at", "x_1=2,x_2=3", "--wrt", "z"}},
		{"paths", map[string]any{"at": at, "wrt": "x_1", "format": "markdown"}, []string{"--at", "x_1=2,x_2=3", "--wrt", "x_1", "--format", "markdown"}},
		{"explain", map[string]any{"at": at, "format": "latex"}, []string{"--at", "x_1=2,x_2=3", "--format", "latex"}},
		{"explain", map[string]any{"at": at, "format": "json", "level": "primitives"}, []string{"--at", "x_1=2,x_2=3", "--level", "primitives"}},
	} {
		name := tt.command + " " + strings.Join(tt.args, " ")
		tt.query["program"] = prog
		status, _, got := post(t, srv.URL+"/api/"+tt.command, tt.query)
		args := append([]string{tt.command}, tt.args...)
		if f, _ := tt.query["format"].(string); f == "" || f == "json" {
			args = append(args, "--json")
		}
		cliStatus, want := runCLI(t, prog, args...)
		want = strings.ReplaceAll(want, `"file": "<stdin>",`+"\n    ", "")
		if string(got) != want {
			t.Errorf("%s: the API answers\n%s\nthe command prints\n%s", name, got, want)
		}
		if wantStatus := map[int]int{0: 200, 2: 400}[cliStatus]; status != wantStatus {
			t.Errorf("%s: status %d, want %d (the command's exit status is %d)", name, status, wantStatus, cliStatus)
		}
	}
}

type apiError struct {
	Error struct {
		Message      string
		Line, Column int
	}
}

func TestBadPrograms(t *testing.T) {
	srv := newServer(t, nil)
	for _, tt := range []struct {
		body       string
		status     int
		line, col  int
		msgContain string
	}{
		{`{"program": "f(x) = x +* 2", "at": {"x": 1}}`, 400, 1, 11, "expected an expression"},
		{`{"program": "f(x) = y", "at": {"x": 1}}`, 400, 1, 8, "undefined variable y"},
		{`{"program": "f(x) = x", "at": {}}`, 400, 0, 0, "no value for x"},
		{`{"program": "f(x) = x", "at": {"x": 1, "x": 2}}`, 400, 0, 0, "given twice"},
		{`{"program": "f(x) = x", "at": {"x": true}}`, 400, 0, 0, "must be a number"},
		{`{"program": "", "at": {}}`, 400, 0, 0, "empty"},
		{`{"program": "f(x) = x", "at": {"x": 1}, "bogus": 1}`, 400, 0, 0, "unknown field"},
		{`{"program": "f(x) = x",`, 400, 0, 0, "not the JSON"},
		{`{"program": "f(x) = x", "at": {"x": 1}} {}`, 400, 0, 0, "more than one"},
		{`{"program": "f(x) = \u0000", "at": {"x": 1}}`, 400, 1, 8, "NUL"},
		{`{"program": "f(x) = log(x)", "at": {"x": -1}, "check": true}`, 400, 1, 8, "NaN"},
		{`{"program": "f(x) = x", "at": {"x": 1}, "mode": "sideways"}`, 400, 0, 0, "--mode"},
	} {
		status, h, body := post(t, srv.URL+"/api/grad", tt.body)
		var e apiError
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("%s: not JSON: %s", tt.body, body)
			continue
		}
		if status != tt.status || e.Error.Line != tt.line || e.Error.Column != tt.col || !strings.Contains(e.Error.Message, tt.msgContain) {
			t.Errorf("%s: %d %+v, want %d at %d:%d with %q", tt.body, status, e.Error, tt.status, tt.line, tt.col, tt.msgContain)
		}
		if ct := h.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s: Content-Type %q", tt.body, ct)
		}
	}
}

func TestHeadersAndRoutes(t *testing.T) {
	srv := newServer(t, nil)
	for _, tt := range []struct {
		method, path string
		status       int
		contentType  string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8"},
		{"GET", "/app.js", 200, "text/javascript; charset=utf-8"},
		{"GET", "/style.css", 200, "text/css; charset=utf-8"},
		{"GET", "/healthz", 200, "text/plain; charset=utf-8"},
		{"GET", "/api/grad", 405, "application/json"},
		{"POST", "/api/nothing", 404, "application/json"},
		{"POST", "/", 405, "text/plain; charset=utf-8"},
		{"GET", "/nothing", 404, "text/plain; charset=utf-8"},
	} {
		req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.status || res.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, res.StatusCode, res.Header.Get("Content-Type"), tt.status, tt.contentType)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, want := range []string{"frame-ancestors 'none'", "script-src 'self'", "default-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %s", tt.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("CSP %q allows inline script or eval", csp)
		}
		if res.Header.Get("X-Frame-Options") != "DENY" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", tt.path, res.Header)
		}
	}
}

// The page holds no inline script or style: the CSP would block them.
func TestNoInlineScript(t *testing.T) {
	srv := newServer(t, nil)
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	for _, bad := range []string{"<script>", "onclick=", "onload=", "style=", "javascript:"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page has %q", bad)
		}
	}
	js, err := os.ReadFile("assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "innerHTML") || strings.Contains(string(js), "insertAdjacentHTML") || strings.Contains(string(js), "eval(") {
		t.Error("app.js writes markup from strings or evaluates them: use textContent and DOM nodes")
	}
}

func TestCrossSiteAndHost(t *testing.T) {
	srv := httptest.NewServer(server.New(cli.Backend(server.DefaultMaxBody, cli.DefaultServeMaxWork, 0), &server.Settings{LoopbackHosts: true}))
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/api/eval", strings.NewReader(`{"program": "1", "at": {}}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST: %d, want 403", res.StatusCode)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/", nil)
	req.Host = "rebound.example.com"
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("Host rebound.example.com: %d, want 421", res.StatusCode)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/healthz", nil)
	req.Host = "localhost:8080"
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("Host localhost:8080: %d, want 200", res.StatusCode)
	}
}

// deepProgram is an expression nested depth deep: ((((x)))) + …
func deepProgram(depth int) string {
	return "f(x) = " + strings.Repeat("(", depth) + "x" + strings.Repeat(")", depth)
}

// pathsProgram has 2^n paths from its output to x at primitive level, in
// n one-line functions.
func pathsProgram(n int) string {
	var b strings.Builder
	b.WriteString("f_0(x) = sin(x)\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "f_%d(x) = f_%d(x)*f_%d(x)\n", i, i-1, i-1)
	}
	return b.String()
}

// doubling has 2^n node evaluations in n lines: each function calls the one
// before twice, at different arguments.
func doubling(n int) string {
	var b strings.Builder
	b.WriteString("f_0(x) = sin(x)\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "f_%d(x) = f_%d(x) + f_%d(x + 1)\n", i, i-1, i-1)
	}
	return b.String()
}

// Adversarial requests are refused or answered within the deadline.
func TestAdversarial(t *testing.T) {
	srv := newServer(t, nil)
	big := `{"program": "` + strings.Repeat("x+", 5<<20) + `x", "at": {}}`
	for _, tt := range []struct {
		name    string
		command string
		body    any
		status  int
		within  time.Duration
		contain string
	}{
		{"10 MB body", "grad", big, 413, time.Second, "more than 65536 bytes"},
		{"10^6-deep expression (truncated by the cap)", "grad", map[string]any{"program": deepProgram(1e6), "at": map[string]any{"x": 1}}, 413, time.Second, "bytes"},
		{"30,000-deep expression within the cap", "grad", map[string]any{"program": deepProgram(30000), "at": map[string]any{"x": 1}}, 400, time.Second, "nest"},
		{"2^60 paths", "paths", map[string]any{"program": pathsProgram(60), "at": map[string]any{"x": 1}, "wrt": "x", "level": "primitives"}, 200, 2 * time.Second, `"count": 1152921504606846976`},
		{"2^60 paths, graph", "graph", map[string]any{"program": pathsProgram(60), "at": map[string]any{"x": 1}, "level": "primitives"}, 200, 2 * time.Second, `"nodes"`},
		{"2^60 paths, explain", "explain", map[string]any{"program": pathsProgram(60), "at": map[string]any{"x": 1}, "level": "primitives"}, 200, 2 * time.Second, `"backward"`},
		{"2^40 evaluations", "grad", map[string]any{"program": doubling(40), "at": map[string]any{"x": 1}}, 400, time.Second, "more than 10000000 node evaluations"},
		{"2^40 evaluations, diff", "diff", map[string]any{"program": doubling(40), "at": map[string]any{"x": 1}, "wrt": "x"}, 400, time.Second, "node evaluations"},
		{"numeric differences over the budget", "grad", map[string]any{"program": doubling(16), "at": map[string]any{"x": 1}, "mode": "numeric"}, 400, time.Second, "34 times per input"},
		{"a plot over the budget", "plot", map[string]any{"program": doubling(14), "at": map[string]any{"x": 1}, "grid": 101}, 400, time.Second, "plot"},
	} {
		start := time.Now()
		status, _, body := post(t, srv.URL+"/api/"+tt.command, tt.body)
		took := time.Since(start)
		if status != tt.status || !strings.Contains(string(body), tt.contain) {
			t.Errorf("%s: %d %.300s, want %d with %q", tt.name, status, body, tt.status, tt.contain)
		}
		if took > tt.within {
			t.Errorf("%s: took %v, more than %v", tt.name, took, tt.within)
		}
	}
}

// A computation past its deadline is answered 503, and the requests beyond
// the cap of concurrent work wait their turn, then 503 with Retry-After.
func TestDeadlineAndSaturation(t *testing.T) {
	release := make(chan struct{})
	slow := func(ctx context.Context, command string, q *server.Query) server.Answer {
		<-release
		return server.Answer{Status: 200, Body: []byte("{}\n")}
	}
	srv := httptest.NewServer(server.New(slow, &server.Settings{MaxConcurrent: 2, Timeout: 300 * time.Millisecond, QueueWait: 100 * time.Millisecond}))
	defer srv.Close()
	defer close(release)
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _, _ = post(t, srv.URL+"/api/eval", `{"program": "1"}`)
		}()
	}
	time.Sleep(50 * time.Millisecond) // both hold their slot
	status, h, body := post(t, srv.URL+"/api/eval", `{"program": "1"}`)
	if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(body), "busy") {
		t.Errorf("a third request: %d %q %s, want 503 with Retry-After", status, h.Get("Retry-After"), body)
	}
	wg.Wait()
	for _, s := range statuses {
		if s != 503 {
			t.Errorf("past the deadline: %d, want 503", s)
		}
	}
}

// Work past the deadline is stopped: with no --max-work, a program of 2^30
// evaluations would run for minutes, but each request is answered 503 soon
// after its deadline and frees its worker at once, so that the next
// request, on a server of one worker, gets it.
func TestWorkStoppedAtDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	srv := httptest.NewServer(server.New(cli.Backend(server.DefaultMaxBody, 0, 0),
		&server.Settings{MaxConcurrent: 1, Timeout: timeout, QueueWait: 150 * time.Millisecond}))
	defer srv.Close()
	heavy := doubling(30)
	at := map[string]any{"x": 1}
	for _, tt := range []struct {
		command string
		q       map[string]any
	}{
		{"eval", map[string]any{}},
		{"grad", map[string]any{"mode": "reverse"}},
		{"grad", map[string]any{"mode": "forward"}},
		{"grad", map[string]any{"mode": "reverse", "level": "functions", "check": true}},
		{"diff", map[string]any{"wrt": "x"}},
		{"graph", map[string]any{}},
		{"paths", map[string]any{"wrt": "x"}},
		{"explain", map[string]any{}},
		{"explain", map[string]any{"mode": "forward"}},
		{"plot", map[string]any{"steps": 3}},
	} {
		q := map[string]any{"program": heavy, "at": at}
		for k, v := range tt.q {
			q[k] = v
		}
		name := fmt.Sprint(tt.command, " ", tt.q)
		start := time.Now()
		status, h, body := post(t, srv.URL+"/api/"+tt.command, q)
		took := time.Since(start)
		if status != 503 || h.Get("Retry-After") == "" || !strings.Contains(string(body), "deadline") {
			t.Errorf("%s: %d %.200s, want 503 naming the deadline", name, status, body)
		}
		// Generous for a loaded machine; without cancellation the work
		// takes minutes.
		if took > timeout+2*time.Second {
			t.Errorf("%s: answered after %v", name, took)
		}
		// The one worker is free again: a small request gets it within
		// the queue's wait.
		status, _, body = post(t, srv.URL+"/api/eval", map[string]any{"program": "f(x) = x^2", "at": at})
		if status != 200 {
			t.Errorf("after %s: a small request got %d %.200s: the worker is still taken", name, status, body)
		}
	}
}

// Serve stops when its context is done, after the requests in flight.
func TestServeShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	h := server.New(func(ctx context.Context, command string, q *server.Query) server.Answer {
		close(started)
		time.Sleep(200 * time.Millisecond)
		return server.Answer{Status: 200, Body: []byte("{\"done\": true}\n")}
	}, nil)
	done := make(chan error, 1)
	go func() { done <- server.Serve(ctx, ln, h) }()
	got := make(chan string, 1)
	go func() {
		_, _, b := post(t, "http://"+ln.Addr().String()+"/api/eval", `{"program": "1"}`)
		got <- string(b)
	}()
	<-started
	cancel()
	if b := <-got; !strings.Contains(b, "done") {
		t.Errorf("the request in flight got %q", b)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestInputsAndPlot(t *testing.T) {
	srv := newServer(t, nil)
	status, _, body := post(t, srv.URL+"/api/inputs", map[string]any{"program": seed(t)})
	if status != 200 || !strings.Contains(string(body), `"inputs": [`) || !strings.Contains(string(body), `"x_1"`) {
		t.Errorf("inputs: %d %s", status, body)
	}
	var p struct {
		X, Y    []float64
		Values  [][]any
		Descent []struct {
			At       []float64
			Value    float64
			Gradient []float64
		}
	}
	status, _, body = post(t, srv.URL+"/api/plot", map[string]any{"program": "f(x, y) = x^2 + 4*y^2", "at": map[string]any{"x": 1, "y": 1}, "grid": 11, "steps": 30, "rate": 0.1, "descent": "fixed"})
	if status != 200 {
		t.Fatalf("plot: %d %s", status, body)
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.X) != 11 || len(p.Y) != 11 || len(p.Values) != 11 || len(p.Values[0]) != 11 || len(p.Descent) != 31 {
		t.Fatalf("plot: %d×%d grid, %d descent steps", len(p.X), len(p.Y), len(p.Descent))
	}
	if end := p.Descent[30]; end.Value > 1e-2 || p.Descent[1].At[0] != 0.8 {
		t.Errorf("descent: first step %v, last %v", p.Descent[1].At, end)
	}
}

// The descents: on the seed, where the gradient is 18,260, a fixed rate of
// 0.01 leaves the plot and diverges at once while normalized steps and the
// line search go downhill and stay in the window; on x^2 + 3y^2 the line
// search converges to (0, 0).
func TestDescent(t *testing.T) {
	srv := newServer(t, nil)
	type descent struct {
		Method  string
		Descent []struct {
			At    []float64
			Value any
			Rate  float64
		}
	}
	plot := func(program string, at map[string]any, q map[string]any) descent {
		t.Helper()
		q["program"], q["at"], q["grid"] = program, at, 5
		status, _, body := post(t, srv.URL+"/api/plot", q)
		var d descent
		if status != 200 || json.Unmarshal(body, &d) != nil {
			t.Fatalf("plot %v: %d %s", q, status, body)
		}
		return d
	}
	seedAt := map[string]any{"x_1": 2, "x_2": 3}
	fixed := plot(seed(t), seedAt, map[string]any{"steps": 20, "rate": 0.01, "descent": "fixed"})
	if n := len(fixed.Descent); n != 2 || fixed.Descent[1].Value != "NaN" {
		t.Errorf("fixed rate 0.01 on the seed: %d steps, last %v; want a NaN after one step", n, fixed.Descent[n-1])
	}
	for _, method := range []string{"", "normalized", "armijo"} {
		d := plot(seed(t), seedAt, map[string]any{"steps": 20, "descent": method})
		if want := cmp.Or(method, "normalized"); d.Method != want {
			t.Errorf("method %q, want %q", d.Method, want)
		}
		first, last := d.Descent[0], d.Descent[len(d.Descent)-1]
		// The line search ends where no step decreases the value enough.
		if len(d.Descent) != 21 && (d.Method != "armijo" || len(d.Descent) < 3) || last.Value.(float64) >= first.Value.(float64) {
			t.Errorf("%s on the seed: %d steps, from %v to %v", d.Method, len(d.Descent), first.Value, last.Value)
		}
		for k := 1; k < len(d.Descent) && d.Method == "armijo"; k++ {
			if d.Descent[k].Value.(float64) > d.Descent[k-1].Value.(float64) {
				t.Errorf("armijo on the seed: step %d goes up, from %v to %v", k, d.Descent[k-1].Value, d.Descent[k].Value)
			}
		}
		for _, s := range d.Descent {
			if math.Abs(s.At[0]-2) > 2 || math.Abs(s.At[1]-3) > 2 {
				t.Errorf("%s on the seed: the step at %v leaves the window (2, 3) ± 2", d.Method, s.At)
				break
			}
		}
	}
	d := plot("f(x, y) = x^2 + 3*y^2", map[string]any{"x": 1, "y": 1}, map[string]any{"steps": 30, "descent": "armijo"})
	if end := d.Descent[len(d.Descent)-1]; math.Hypot(end.At[0], end.At[1]) > 1e-3 {
		t.Errorf("armijo on x^2 + 3y^2: ends at %v", end.At)
	}
	status, _, body := post(t, srv.URL+"/api/plot", map[string]any{"program": "f(x) = x^2", "at": map[string]any{"x": 1}, "descent": "newton"})
	if status != 400 || !strings.Contains(string(body), "normalized, fixed or armijo") {
		t.Errorf("descent newton: %d %s", status, body)
	}
}
