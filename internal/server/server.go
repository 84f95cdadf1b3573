package server

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Commands are the commands the API answers, one endpoint each:
// POST /api/<command>.
// The explorer's page also uses inputs and plot, which no command has.
var Commands = []string{"eval", "grad", "diff", "graph", "paths", "explain", "inputs", "plot"}

// Query is the body of a request to the API: the program, the point and
// the options of the command, named as the command's flags are.
type Query struct {
	// Program is the text of the program.
	Program string `json:"program"`
	// At is the point: {"x_1": 2, "x_2": "pi/2"}, numbers or constant
	// expressions, in the order given.
	At Point `json:"at"`
	// Func is the function computed (--func).
	Func string `json:"func,omitempty"`
	// Mode, Level, Wrt, Format and Limit are the flags of the same names.
	Mode   string `json:"mode,omitempty"`
	Level  string `json:"level,omitempty"`
	Wrt    string `json:"wrt,omitempty"`
	Format string `json:"format,omitempty"`
	Limit  int    `json:"limit,omitempty"`
	// Check is --check.
	Check bool `json:"check,omitempty"`
	// Direction is explain's --direction: forward mode's direction,
	// {"x_1": 1, "x_2": 0.5}, the inputs left out 0.
	Direction Point `json:"direction,omitempty"`

	// Span, Grid, Rate, Steps and Descent are plot's: the plot covers At
	// ± Span on each axis with Grid points a side, and gradient descent
	// takes Steps steps from At. Descent is how a step is taken:
	// "normalized" (the default: Rate times the unit vector of the
	// gradient, a step of length Rate however steep the function),
	// "fixed" (Rate times the gradient, the textbook rule, which diverges
	// when Rate is too large for the curvature) or "armijo" (a
	// backtracking line search: from Rate times the gradient, halve the
	// step until it decreases the value enough).
	Span    float64 `json:"span,omitempty"`
	Grid    int     `json:"grid,omitempty"`
	Rate    float64 `json:"rate,omitempty"`
	Steps   int     `json:"steps,omitempty"`
	Descent string  `json:"descent,omitempty"`
}

// Point is a point in the order its names were given.
type Point []Pair

// Pair is one coordinate: a parameter's name and its value, as the text of
// a JSON number or of a constant expression.
type Pair struct{ Name, Value string }

// UnmarshalJSON reads a JSON object of numbers and strings, keeping its
// order and any name given twice (which the command refuses, as it refuses
// --at x=1,x=2).
func (p *Point) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	t, err := d.Token()
	if err != nil {
		return err
	}
	if t == nil {
		*p = nil
		return nil
	}
	if t != json.Delim('{') {
		return errors.New(`"at" must be an object such as {"x": 1, "y": "pi/2"}`)
	}
	pts := Point{}
	for d.More() {
		k, err := d.Token()
		if err != nil {
			return err
		}
		v, err := d.Token()
		if err != nil {
			return err
		}
		var s string
		switch v := v.(type) {
		case json.Number:
			s = v.String()
		case string:
			s = v
		default:
			return fmt.Errorf(`"at": the value of %s must be a number or a string such as "pi/2"`, k)
		}
		pts = append(pts, Pair{k.(string), s})
	}
	*p = pts
	return nil
}

// Answer is what a Backend answers: the status, the content type and the
// body of the response.
type Answer struct {
	Status int
	Type   string
	Body   []byte
}

// A Backend runs command on q within ctx's deadline and answers as the
// command with --json would: 200 and its JSON, or 400 and {"error": {…}}
// for bad input.
type Backend func(ctx context.Context, command string, q *Query) Answer

// Settings configure a server. The zero value, like a nil *Settings, means
// the defaults.
type Settings struct {
	// MaxBody is the largest request body in bytes (413 beyond it): 0
	// means DefaultMaxBody.
	MaxBody int64
	// Timeout is the deadline of one request to the API: 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// MaxConcurrent is the number of API requests computed at once: 0
	// means two per CPU.
	MaxConcurrent int
	// LoopbackHosts, if set, refuses requests whose Host header is not a
	// loopback address or localhost: a server on loopback is then out of
	// reach of a page of another site whose name its DNS points at
	// 127.0.0.1 (DNS rebinding).
	LoopbackHosts bool
	// QueueWait is how long a request waits for its turn before it is
	// answered 503 with Retry-After: 0 means DefaultQueueWait.
	QueueWait time.Duration
}

// Defaults of Settings.
const (
	DefaultMaxBody   = 64 << 10
	DefaultTimeout   = 10 * time.Second
	DefaultQueueWait = 2 * time.Second
)

func (s *Settings) withDefaults() Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	if c.MaxBody <= 0 {
		c.MaxBody = DefaultMaxBody
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = 2 * runtime.GOMAXPROCS(0)
	}
	if c.QueueWait <= 0 {
		c.QueueWait = DefaultQueueWait
	}
	return c
}

//go:embed assets
var assets embed.FS

// server is the handler of New.
type server struct {
	backend Backend
	s       Settings
	slots   chan struct{}
	mux     *http.ServeMux
	cop     *http.CrossOriginProtection
}

// New returns the handler of the explorer: the page and its assets under
// /, the API under /api/, and /healthz. backend computes the answers.
func New(backend Backend, settings *Settings) http.Handler {
	sv := &server{backend: backend, s: settings.withDefaults(), mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	sv.slots = make(chan struct{}, sv.s.MaxConcurrent)
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic("server: " + err.Error()) // the embedded tree is fixed at build time
	}
	files := http.FileServerFS(static)
	sv.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "ok\n")
	})
	for _, c := range Commands {
		sv.mux.HandleFunc("POST /api/"+c, func(w http.ResponseWriter, r *http.Request) { sv.api(w, r, c) })
	}
	sv.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if rest, ok := strings.CutPrefix(r.URL.Path, "/api/"); ok {
			if slices.Contains(Commands, rest) {
				w.Header().Set("Allow", "POST")
				fail(w, http.StatusMethodNotAllowed, r.Method+" "+r.URL.Path+": the API takes POST with a JSON body")
				return
			}
			fail(w, http.StatusNotFound, "no such endpoint: "+r.URL.Path+" (the API has /api/"+strings.Join(Commands, ", /api/")+")")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
			return
		}
		files.ServeHTTP(w, r)
	})
	return sv
}

// csp lets the page run its own script and style, from this origin only,
// and nothing else: no inline script, no framing, no foreign connections.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (sv *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if sv.s.LoopbackHosts && !LoopbackHost(r.Host) {
		fail(w, http.StatusMisdirectedRequest, "this server answers requests to localhost only, not to "+r.Host)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		h.Set("Cache-Control", "no-cache")
	}
	sv.mux.ServeHTTP(w, r)
}

// api answers POST /api/<command>.
func (sv *server) api(w http.ResponseWriter, r *http.Request, command string) {
	if err := sv.cop.Check(r); err != nil {
		fail(w, http.StatusForbidden, "a request from another site: "+err.Error())
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sv.s.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body has more than %d bytes, the limit", sv.s.MaxBody))
		return
	}
	if err != nil {
		fail(w, http.StatusBadRequest, "reading the request: "+err.Error())
		return
	}
	var q Query
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if err := d.Decode(&q); err != nil {
		fail(w, http.StatusBadRequest, "the request body is not the JSON the API takes: "+err.Error())
		return
	}
	if d.More() {
		fail(w, http.StatusBadRequest, "the request body holds more than one JSON value")
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), sv.s.Timeout)
	defer cancel()
	wait := time.NewTimer(sv.s.QueueWait)
	defer wait.Stop()
	select {
	case sv.slots <- struct{}{}:
	case <-wait.C:
		busy(w, "the server is busy: every one of its %d workers has been taken for %v; try again in a second", sv.s.MaxConcurrent, sv.s.QueueWait)
		return
	case <-ctx.Done():
		busy(w, "the server is busy: no worker was free before the deadline")
		return
	}
	done := make(chan Answer, 1)
	go func() {
		// The slot is given back when the work ends, not when the
		// response is written: work past its deadline still counts
		// against the cap until it stops.
		defer func() { <-sv.slots }()
		defer func() {
			if v := recover(); v != nil {
				done <- Answer{http.StatusInternalServerError, "", errorBody(fmt.Sprintf("internal error: %v", v))}
			}
		}()
		done <- sv.backend(ctx, command, &q)
	}()
	var a Answer
	select {
	case a = <-done:
	case <-ctx.Done():
		if r.Context().Err() != nil {
			return // the client went away
		}
		busy(w, "the computation took longer than the deadline of %v: give a smaller program, or a smaller limit", sv.s.Timeout)
		return
	}
	if a.Type == "" {
		a.Type = "application/json"
	}
	if a.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", a.Type)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

// busy answers 503 with Retry-After.
func busy(w http.ResponseWriter, format string, args ...any) {
	w.Header().Set("Retry-After", "1")
	fail(w, http.StatusServiceUnavailable, fmt.Sprintf(format, args...))
}

// fail answers status with {"error": {"message": msg}}.
func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(errorBody(msg))
}

func errorBody(msg string) []byte {
	b, _ := json.Marshal(map[string]map[string]string{"error": {"message": msg}})
	return append(b, '\n')
}

// LoopbackHost reports whether the host (with or without a port) of a
// request is localhost or a loopback address.
func LoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Timeouts of the http.Server of Serve.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = DefaultTimeout + 10*time.Second
	IdleTimeout       = 60 * time.Second
	ShutdownTimeout   = 10 * time.Second
)

// Serve serves h on ln until ctx is done, then shuts down gracefully: it
// stops accepting connections and waits up to ShutdownTimeout for the
// requests in flight.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
