package server_test

import (
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gobackprop/backprop/internal/cli"
	"github.com/gobackprop/backprop/internal/server"
)

var screenshots = flag.Bool("screenshots", false, "write the browser tests' screenshots to docs/explorer-*.png")

// seedProgram is the seed's program as a user types it.
const seedProgram = `f_1(x, y) = sin(pi*x) + cos(pi*y)
f_2(x, y) = x^y
f_3(x) = ln(x)
f(x_1, x_2) = f_1(f_2(x_1, f_2(x_2, x_1)), f_3(x_1))`

// section1 is the seed's section 1: f'(1) = 122.045158140265.
const section1 = `f_1(x, y) = 3*x^2 + 5*x*y + 4*y^2
f_2(x) = sin(x)
f_3(x) = sqrt(x) + e^x
f(x) = f_1(f_2(x), f_3(x))`

// chromium returns the path of a Chromium or Chrome, or skips t.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on the PATH: the browser tests need it (Debian: apt-get install chromium)")
	return ""
}

// browser starts the explorer and a headless browser, and returns a
// context for chromedp actions and the explorer's URL.
func browser(t *testing.T) (context.Context, string) {
	path := chromium(t)
	srv := httptest.NewServer(server.New(cli.Backend(server.DefaultMaxBody, cli.DefaultServeMaxWork, 0), nil))
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // the tests may run as root, in a container
		chromedp.DisableGPU,
		chromedp.WindowSize(1400, 1700),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 5*time.Minute) // the machine may be shared and loaded
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Run(ctx); err != nil {
		t.Skipf("chromium does not start: %v", err)
	}
	return ctx, srv.URL + "/"
}

// text waits until the element sel shows want.
func waitText(sel, want string) chromedp.Action {
	return chromedp.Poll(`(() => { const e = document.querySelector(`+jsString(sel)+`); return !!e && e.textContent === `+jsString(want)+`; })()`, nil, chromedp.WithPollingTimeout(20*time.Second))
}

// waitJS waits until the expression is true.
func waitJS(expr string) chromedp.Action {
	return chromedp.Poll(expr, nil, chromedp.WithPollingTimeout(20*time.Second))
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", `\n`)
	return "'" + r.Replace(s) + "'"
}

func shot(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if !*screenshots {
			return nil
		}
		var png []byte
		if err := chromedp.FullScreenshot(&png, 100).Do(ctx); err != nil { // quality 100: PNG
			return err
		}
		return os.WriteFile(filepath.Join("..", "..", "docs", name), png, 0o644)
	})
}

// replaceProgram selects everything in the editor and types text over it,
// key by key, as a user would.
func replaceProgram(text string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.Focus("#editor", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('editor').select()`, nil),
		chromedp.SendKeys("#editor", kb.Delete, chromedp.ByID),
		chromedp.SendKeys("#editor", text, chromedp.ByID),
	}
}

// pasteProgram replaces the program at once, as a paste does.
func pasteProgram(text string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const e = document.getElementById('editor'); e.focus(); e.select(); document.execCommand('insertText', false, `+jsString(text)+`); })()`, nil)
}

func TestBrowser(t *testing.T) {
	ctx, url := browser(t)
	var dialogs atomic.Int32
	chromedp.ListenTarget(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs.Add(1)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
			_ = d
		}
	})
	start := time.Now()

	t.Run("seed", func(t *testing.T) {
		var svgText string
		err := chromedp.Run(ctx,
			chromedp.Navigate(url),
			waitJS(`!!document.body.dataset.ready`),
			replaceProgram(seedProgram),
			waitText(`#gradient [data-param="x_1"]`, "18260.7627311899"),
			waitText(`#gradient [data-param="x_2"]`, "6689.54446941267"),
			waitText(`#value`, "-0.57023324876894"),
			waitJS(`document.querySelectorAll('#graph-svg .node').length === 6`),
			waitJS(`!!document.querySelector('#mathml math mfrac')`),
			waitJS(`document.querySelectorAll('#modes tbody tr').length === 5`),
			shot(t, "explorer-seed.png"),
			// What "Download SVG" saves.
			chromedp.Evaluate(`new XMLSerializer().serializeToString(document.getElementById('graph-svg'))`, &svgText),
		)
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(strings.NewReader(svgText))
		texts := 0
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("the downloaded SVG is not XML: %v", err)
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
				texts++
			}
		}
		if !strings.HasPrefix(svgText, `<svg xmlns="http://www.w3.org/2000/svg"`) || texts < 6*3 {
			t.Errorf("the downloaded SVG has %d text elements: %.200s", texts, svgText)
		}
	})

	t.Run("backward pass", func(t *testing.T) {
		var total, shown string
		err := chromedp.Run(ctx,
			chromedp.Click("#first", chromedp.ByID),
			waitText("#step-count", "step 1 of 12"),
			// At the first step no adjoint is known yet.
			waitJS(`[...document.querySelectorAll('#graph-svg .node .adj')].every(e => e.textContent === 'adj ?')`),
			chromedp.AttributeValue("#step-count", "data-total", &total, nil, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err)
		}
		if total != "12" {
			t.Fatalf("%s steps, want 12 (6 forward, 6 backward)", total)
		}
		// Step with the keyboard to the end: the focus off the editor.
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.activeElement.blur()`, nil)); err != nil {
			t.Fatal(err)
		}
		for i := 2; i <= 12; i++ {
			err := chromedp.Run(ctx,
				chromedp.KeyEvent(kb.ArrowRight),
				waitJS(`document.getElementById('step-count').dataset.step === '`+itoa(i)+`'`),
			)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if i == 10 {
				if err := chromedp.Run(ctx, shot(t, "explorer-backward.png")); err != nil {
					t.Fatal(err)
				}
			}
		}
		// The step's panel is rendered after the step counter moves: wait
		// for it (an element may be absent between two renders) before
		// reading it.
		err = chromedp.Run(ctx,
			waitJS(`document.querySelector('#graph-svg .node.active') !== null`),
			waitJS(`((document.getElementById('step-done') || {}).textContent || '').includes('18260.7627311899') && document.getElementById('step-done').textContent.includes('6689.54446941267')`),
			waitJS(`((document.getElementById('step-text') || {}).textContent || '').includes('adj(x_1) = ')`),
			chromedp.Evaluate(`document.getElementById('step-text').textContent`, &shown),
		)
		if err != nil {
			t.Fatal(err)
		}
		// The last step is x_1's adjoint: the sum of three contributions.
		for _, want := range []string{"adj(x_1) = ", "·∂₁f_3", " + ", "= 18260.7627311899"} {
			if !strings.Contains(shown, want) {
				t.Errorf("the last step shows\n%s\nwithout %q", shown, want)
			}
		}
	})

	t.Run("paths", func(t *testing.T) {
		var products []string
		err := chromedp.Run(ctx,
			chromedp.SetValue("#paths-wrt", "x_1", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('paths-wrt').dispatchEvent(new Event('change'))`, nil),
			waitJS(`document.querySelectorAll('#paths tbody td.product').length === 3`),
			chromedp.Evaluate(`[...document.querySelectorAll('#paths tbody td.product')].map(e => e.textContent)`, &products),
			waitText("#paths-sum", "18260.7627311899"),
		)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"7238.22947387088", "11023.8236395328", "-1.29038221381431"}
		if strings.Join(products, " ") != strings.Join(want, " ") {
			t.Errorf("products %q, want %q", products, want)
		}
	})

	t.Run("syntax error", func(t *testing.T) {
		var value, msg string
		err := chromedp.Run(ctx,
			// Put the caret after "x^" on line 2 and type a second ^.
			chromedp.Evaluate(`(() => { const e = document.getElementById('editor'); const i = e.value.indexOf('x^y') + 2; e.focus(); e.setSelectionRange(i, i); })()`, nil),
			chromedp.SendKeys("#editor", "^", chromedp.ByID),
			waitJS(`!document.getElementById('error').hidden`),
			chromedp.Text("#error-msg", &msg, chromedp.ByID),
			waitJS(`(() => { const m = document.getElementById('error-mark'); return !!m && m.dataset.line === '2' && m.dataset.column === '15' && m.textContent === '^'; })()`),
			chromedp.Value("#editor", &value, chromedp.ByID),
			shot(t, "explorer-error.png"),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(msg, "2:15: expected an expression, found '^'") {
			t.Errorf("error %q, want it at 2:15", msg)
		}
		if !strings.Contains(value, "f_2(x, y) = x^^y") || !strings.Contains(value, "f_3(x) = ln(x)") {
			t.Errorf("the editor lost the text: %q", value)
		}
		// Undo the mistake: the error goes.
		err = chromedp.Run(ctx,
			chromedp.SendKeys("#editor", kb.Backspace, chromedp.ByID),
			waitJS(`document.getElementById('error').hidden`),
			waitText(`#gradient [data-param="x_1"]`, "18260.7627311899"),
		)
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("injection", func(t *testing.T) {
		const attack = `<img src=x onerror=alert(1)>`
		var errLine string
		var imgs int
		err := chromedp.Run(ctx,
			// In a comment, the program is valid and runs.
			pasteProgram("# "+attack+"\nf(x) = x^2 # <script>alert(2)</script>"),
			waitJS(`document.getElementById('error').hidden && document.querySelector('#gradient [data-param="x"]')?.textContent === '2'`),
			// As a name, the program is an error that quotes it.
			pasteProgram("f("+attack+") = 1"),
			waitJS(`!document.getElementById('error').hidden`),
			chromedp.Text("#error-line", &errLine, chromedp.ByID),
			shot(t, "explorer-injection.png"),
			chromedp.Evaluate(`document.querySelectorAll('img, script:not([src]), [onerror]').length`, &imgs),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(errLine, attack) {
			t.Errorf("the error shows %q, not the text of the program", errLine)
		}
		if imgs != 0 {
			t.Errorf("%d img, inline script or onerror elements in the page", imgs)
		}
		if n := dialogs.Load(); n != 0 {
			t.Errorf("%d dialogs opened", n)
		}
	})

	t.Run("shared URL", func(t *testing.T) {
		var link string
		type view struct {
			Program, Step, X1, Grad, Level, PathsWrt string
		}
		read := func(v *view) chromedp.Action {
			return chromedp.Evaluate(`({
				Program: document.getElementById('editor').value,
				Step: document.getElementById('step-count').textContent,
				X1: document.getElementById('at-0').value,
				Grad: document.querySelector('#gradient [data-param="x_1"]').textContent,
				Level: document.getElementById('level').value,
				PathsWrt: document.getElementById('paths-wrt').value,
			})`, v)
		}
		var before, after view
		err := chromedp.Run(ctx,
			pasteProgram(seedProgram),
			waitText(`#gradient [data-param="x_1"]`, "18260.7627311899"),
			// Another point, level and step.
			chromedp.SetValue("#at-0", "1.5", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('at-0').dispatchEvent(new Event('input'))`, nil),
			chromedp.SetValue("#level", "primitives", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('level').dispatchEvent(new Event('change'))`, nil),
			chromedp.SetValue("#paths-wrt", "x_2", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('paths-wrt').dispatchEvent(new Event('change'))`, nil),
			waitJS(`document.querySelectorAll('#graph-svg .node').length > 6`),
			chromedp.Click("#first", chromedp.ByID),
			chromedp.Click("#next", chromedp.ByID),
			chromedp.Click("#next", chromedp.ByID),
			waitJS(`document.getElementById('step-count').dataset.step === '3'`),
			waitJS(`document.querySelector('#gradient [data-param="x_1"]').textContent !== '18260.7627311899'`),
			shot(t, "explorer-primitives.png"),
			read(&before),
			chromedp.Location(&link),
		)
		if err != nil {
			var dump string
			chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify({step: document.getElementById('step-count').textContent, nodes: document.querySelectorAll('#graph-svg .node').length, grad: document.getElementById('gradient').textContent, hash: location.hash, err: document.getElementById('error').textContent})`, &dump))
			t.Fatalf("%v\n%s", err, dump)
		}
		// A new tab opens the link.
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		err = chromedp.Run(tab,
			chromedp.Navigate(link),
			waitJS(`!!document.body.dataset.ready && !!document.querySelector('#gradient [data-param="x_1"]')`),
			waitJS(`document.getElementById('step-count').dataset.step === '3'`),
			read(&after),
		)
		if err != nil {
			t.Fatal(err)
		}
		if before != after {
			t.Errorf("the link shows\n%+v\nnot\n%+v", after, before)
		}
		if before.X1 != "1.5" || before.Level != "primitives" || before.PathsWrt != "x_2" || !strings.HasPrefix(before.Step, "step 3 of") {
			t.Errorf("the state before the link is not the one set: %+v", before)
		}
	})
	t.Run("forward mode and plot", func(t *testing.T) {
		var shown string
		err := chromedp.Run(ctx,
			pasteProgram(section1),
			chromedp.SetValue("#at-0", "1", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('at-0').dispatchEvent(new Event('input'))`, nil),
			waitText(`#gradient [data-param="x"]`, "122.045158140265"),
			chromedp.SetValue("#mode", "forward", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('mode').dispatchEvent(new Event('change'))`, nil),
			waitJS(`document.getElementById('step-done')?.textContent.includes('∂f/∂x = 122.045158140265')`),
			chromedp.Click("#prev", chromedp.ByID),
			waitJS(`document.getElementById('step-count').textContent.startsWith('step ') && !document.getElementById('step-done')`),
			waitJS(`((document.getElementById('step-text') || {}).textContent || '') !== ''`),
			chromedp.Evaluate(`document.getElementById('step-text').textContent`, &shown),
			waitJS(`document.getElementById('plot-note').textContent.startsWith('Gradient descent')`),
			shot(t, "explorer-forward.png"),
		)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(shown, "f_3'") && !strings.Contains(shown, "d/dx") {
			t.Errorf("a forward-mode step shows %q, no derivative", shown)
		}
	})
	t.Run("forward mode with a direction", func(t *testing.T) {
		var got struct {
			Done       string
			G1, G2, Dv string
		}
		err := chromedp.Run(ctx,
			setProgram(seedProgram, "x_1", "x_2"),
			setField("level", "functions"),
			setField("at-0", "2"),
			setField("at-1", "3"),
			waitText(`#gradient [data-param="x_1"]`, "18260.7627311899"),
			setField("mode", "forward"),
			waitJS(`document.getElementById('dir-1')?.dataset.name === 'x_2'`),
			setField("dir-0", "1"),
			setField("dir-1", "0.5"),
			waitJS(`document.getElementById('step-done')?.textContent.includes('∇f·d')`),
			shot(t, "explorer-direction.png"),
			chromedp.Evaluate(`({
				Done: document.getElementById('step-done').textContent,
				G1: document.querySelector('#gradient [data-param="x_1"]').textContent,
				G2: document.querySelector('#gradient [data-param="x_2"]').textContent,
				Dv: new URLSearchParams(location.hash.slice(1)).get('dv'),
			})`, &got),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
		// The derivative shown is ∇f·d, d = (1, 0.5), with ∇f from reverse mode.
		_, after, _ := strings.Cut(got.Done, "∇f·d = ")
		shown, _, _ := strings.Cut(after, " ")
		d, err1 := strconv.ParseFloat(shown, 64)
		g1, err2 := strconv.ParseFloat(got.G1, 64)
		g2, err3 := strconv.ParseFloat(got.G2, 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			t.Fatalf("%v in %+v", err, got)
		}
		if want := g1 + 0.5*g2; math.Abs(d-want) > 1e-12*math.Abs(want) {
			t.Errorf("the directional derivative is %v, ∇f·d = %v: %q", d, want, got.Done)
		}
		if got.Dv != "x_1=1,x_2=0.5" {
			t.Errorf("the URL holds the direction %q", got.Dv)
		}
	})

	t.Run("function picker", func(t *testing.T) {
		var link, fn string
		err := chromedp.Run(ctx,
			chromedp.SetValue("#mode", "reverse", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('mode').dispatchEvent(new Event('change'))`, nil),
			waitJS(`document.getElementById('func').options.length === 4 && document.getElementById('func').selectedOptions[0].textContent === 'f (last)'`),
			setField("func", "f_2"),
			// f_2(x, y) = x^y at (2, 3): ∂/∂x = y·x^(y-1) = 12, ∂/∂y = x^y·ln x = 8 ln 2.
			waitJS(`document.getElementById('at-1')?.dataset.name === 'y'`),
			setField("at-0", "2"),
			setField("at-1", "3"),
			waitText(`#gradient [data-param="x"]`, "12"),
			waitText(`#gradient [data-param="y"]`, "5.54517744447956"),
			waitJS(`document.querySelectorAll('#graph-svg .node').length === 3`),
			chromedp.Location(&link),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
		if !strings.Contains(link, "fn=f_2") {
			t.Errorf("the URL %q does not hold the function", link)
		}
		tab, cancel := chromedp.NewContext(ctx)
		defer cancel()
		err = chromedp.Run(tab,
			chromedp.Navigate(link),
			waitText(`#gradient [data-param="y"]`, "5.54517744447956"),
			chromedp.Value("#func", &fn, chromedp.ByID),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
		if fn != "f_2" {
			t.Errorf("the link opens with function %q, not f_2", fn)
		}
		cancel() // close the tab: the first one is in front again
		// Back to the last function.
		err = chromedp.Run(ctx,
			chromedp.Evaluate(`(() => { const s = document.getElementById('func'); s.value = ''; s.dispatchEvent(new Event('change')); })()`, nil),
			waitJS(`!!document.querySelector('#gradient [data-param="x_1"]')`),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
	})

	t.Run("gradient descent", func(t *testing.T) {
		var end []float64
		var note string
		err := chromedp.Run(ctx,
			setProgram("f(x, y) = x^2 + 3*y^2", "x", "y"),
			setField("at-0", "1"),
			setField("at-1", "1"),
			waitJS(`document.getElementById('plot-note').textContent.includes('from (1, 1)')`),
			chromedp.Evaluate(`JSON.parse(document.getElementById('plot-note').dataset.end)`, &end),
			chromedp.Text("#plot-note", &note, chromedp.ByID),
			chromedp.ScrollIntoView("#plot", chromedp.ByID),
			shot(t, "explorer-descent.png"),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
		if len(end) != 2 || math.Hypot(end[0], end[1]) > 0.1 || strings.Contains(note, "outside") {
			t.Errorf("the default descent on x^2 + 3y^2 from (1, 1) ends at %v: %s", end, note)
		}
		err = chromedp.Run(ctx,
			setField("rate", "1"),
			setField("method", "armijo"),
			waitJS(`document.getElementById('plot-note').textContent.includes('line search')`),
			chromedp.Evaluate(`JSON.parse(document.getElementById('plot-note').dataset.end)`, &end),
		)
		if err != nil {
			t.Fatal(err, dump(ctx))
		}
		if math.Hypot(end[0], end[1]) > 1e-3 {
			t.Errorf("the line search on x^2 + 3y^2 from (1, 1) ends at %v", end)
		}
	})

	t.Run("layout", func(t *testing.T) {
		// Wide content scrolls inside its own box or wraps: no panel, and
		// not the page, is wider than it shows.
		clipped := `[...document.querySelectorAll('.panel'), document.documentElement]
			.filter(e => e.scrollWidth > e.clientWidth + 1)
			.map(e => (e.querySelector('h2')?.textContent || e.tagName) + ': ' + e.scrollWidth + ' > ' + e.clientWidth)`
		for _, w := range []int64{1400, 800} {
			var bad []string
			err := chromedp.Run(ctx,
				chromedp.EmulateViewport(w, 1700),
				setProgram(seedProgram, "x_1", "x_2"),
				setField("method", "normalized"),
				setField("rate", "0.1"),
				setField("at-0", "2"),
				setField("at-1", "3"),
				waitText(`#gradient [data-param="x_1"]`, "18260.7627311899"),
				waitJS(`document.querySelectorAll('#paths tbody td.product').length === 3 && document.querySelectorAll('#modes tbody tr').length === 5 && !!document.querySelector('#mathml math')`),
				chromedp.Evaluate(clipped, &bad),
			)
			if err != nil {
				t.Fatal(err, dump(ctx))
			}
			if len(bad) > 0 {
				t.Errorf("at %d px, content wider than its panel: %q", w, bad)
			}
			name := "explorer-seed.png"
			if w == 800 {
				name = "explorer-narrow.png"
			}
			if err := chromedp.Run(ctx, chromedp.ScrollIntoView("header", chromedp.ByQuery), shot(t, name)); err != nil {
				t.Fatal(err, dump(ctx))
			}
		}
	})
	t.Logf("browser tests: %v", time.Since(start).Round(time.Millisecond))
}

// setProgram pastes text as the program and waits for the point's fields
// of its inputs, names, to replace the last program's.
func setProgram(text string, names ...string) chromedp.Action {
	var want []string
	for i, n := range names {
		want = append(want, `document.getElementById('at-`+itoa(i)+`')?.dataset.name === `+jsString(n))
	}
	return chromedp.Tasks{pasteProgram(text), waitJS(strings.Join(want, " && "))}
}

// setField sets the value of the input id, as typing does.
func setField(id, value string) chromedp.Action {
	return chromedp.Evaluate(`(() => { const e = document.getElementById(`+jsString(id)+`); e.value = `+jsString(value)+`; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); })()`, nil)
}

// dump returns what the page shows where the tests look, for a failure.
func dump(ctx context.Context) string {
	var d string
	chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify({
		hash: location.hash.slice(0, 300),
		error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
		step: document.getElementById('step').textContent,
		grad: document.getElementById('gradient').textContent,
		func: document.getElementById('func').value,
		dir: document.getElementById('direction').textContent,
		plot: document.getElementById('plot-note').textContent,
	})`, &d))
	return d
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return string(rune('0'+i/10)) + string(rune('0'+i%10))
}
