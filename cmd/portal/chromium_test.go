package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/totp"
)

// chromiumArgs are the flags of every headless Chromium run: no sandbox
// (tests may run as root), no network of its own, a new profile, and the
// portal's test certificate accepted.
func chromiumArgs(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--ignore-certificate-errors", "--window-size=1280,900",
		"--user-data-dir=" + t.TempDir()}
}

// artefactDir is where the screenshots are kept: $CSAM_RUN_DIR/portal
// when the test script sets CSAM_RUN_DIR, else the test's temporary folder.
func artefactDir(t *testing.T) string {
	t.Helper()
	run := os.Getenv("CSAM_RUN_DIR")
	if run == "" {
		return t.TempDir()
	}
	dir := filepath.Join(run, "portal")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkPNG fails t unless the file is a PNG image of the window's size
// showing the pages' green ("yes", #7c7) and red ("no", #e77) cells.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", filepath.Base(path), err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 900 {
		t.Errorf("screenshot %s: %v, want 1280×900", filepath.Base(path), b)
	}
	green, red := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			switch [3]uint32{r >> 8, g >> 8, bl >> 8} {
			case [3]uint32{0x77, 0xcc, 0x77}:
				green++
			case [3]uint32{0xee, 0x77, 0x77}:
				red++
			}
		}
	}
	if green < 1000 || red < 1000 {
		t.Errorf("screenshot %s: %d green and %d red pixels, want the coloured cells", filepath.Base(path), green, red)
	}
	t.Logf("screenshot kept: %s", path)
}

// TestChromiumPages loads the portal's pages in headless Chromium. The
// matrix page needs no login: Chromium's --dump-dom and --screenshot take
// it. The decisions page needs a session, and Chromium has no flag for a
// cookie or a header: through the DevTools protocol (over
// --remote-debugging-pipe), the browser logs in itself with a TOTP code
// (fetch on the portal's origin, so that it keeps the session cookie the
// portal sets, SameSite=Strict and HttpOnly), then loads the page; the
// test reads the DOM and takes a screenshot the same way.
func TestChromiumPages(t *testing.T) {
	bin := testenv.Tool(t, "chromium")
	pt := startPortal(t)
	out := artefactDir(t)

	dom := command(t, nil, bin, append(chromiumArgs(t), "--dump-dom", pt.url+"/matrix")...)
	for _, want := range []string{`<table id="matrix">`, "Key types × applications", `<td class="yes">✓</td>`,
		`<td class="no">✗</td>`, `<td class="name">Rina</td>`, `>eid</th>`} {
		if !strings.Contains(dom, want) {
			t.Errorf("matrix page's DOM lacks %q:\n%.500s", want, dom)
		}
	}
	shot := filepath.Join(out, "matrix.png")
	command(t, nil, bin, append(chromiumArgs(t), "--screenshot="+shot, pt.url+"/matrix")...)
	checkPNG(t, shot)

	dt := startDevTools(t, bin)
	dt.navigate(t, pt.url+"/")
	secret, _ := totp.ParseSecret(aliceSecret)
	code, _ := totp.GenerateCode(secret, time.Now(), totp.Options{})
	login := fmt.Sprintf(`fetch("/login", {method: "POST", headers: {"Content-Type": "application/json"},
		body: JSON.stringify({user: "alice", password: "Alice-Portal-2025!", totp: %q})})
		.then(r => r.json().then(b => r.status + " " + b.key_type))`, code)
	if got := dt.eval(t, login); got != "200 totp-app" {
		t.Fatalf("login in the browser: %q", got)
	}
	if got := dt.eval(t, "document.cookie"); got != "" {
		t.Errorf("the session cookie is readable by scripts: %q", got)
	}
	dt.navigate(t, pt.url+"/applications?format=html")
	dom = dt.eval(t, "document.documentElement.outerHTML")
	text := dt.eval(t, "document.body.innerText")
	for _, want := range []string{"Decisions for alice with key totp-app", "applications allowed", "Rina", "allowed", "denied"} {
		if !strings.Contains(text, want) {
			t.Errorf("decisions page's text lacks %q:\n%.500s", want, text)
		}
	}
	if !strings.Contains(dom, `<table id="decisions">`) || !strings.Contains(dom, `class="yes"`) || !strings.Contains(dom, `class="no"`) {
		t.Errorf("decisions page's DOM:\n%.500s", dom)
	}
	shot = filepath.Join(out, "decisions.png")
	dt.screenshot(t, shot)
	checkPNG(t, shot)
	dt.close(t)
	pt.checkLogs(t)
}

// devtools drives a headless Chromium through the DevTools protocol over
// --remote-debugging-pipe: JSON messages ended by a NUL byte, commands on
// the browser's file descriptor 3, answers and events on 4. One page is
// attached (flat session).
type devtools struct {
	cmd     *exec.Cmd
	w       io.WriteCloser
	stderr  *bytes.Buffer
	session string
	mu      sync.Mutex
	next    int
	pending map[int]chan cdpMessage
	events  chan cdpMessage
	done    chan struct{}
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Params    any             `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

func startDevTools(t *testing.T, bin string) *devtools {
	t.Helper()
	toBrowser, ourEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromBrowser, theirEnd, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	dt := &devtools{w: ourEnd, stderr: &bytes.Buffer{}, pending: map[int]chan cdpMessage{},
		events: make(chan cdpMessage, 1024), done: make(chan struct{})}
	dt.cmd = exec.Command(bin, append(chromiumArgs(t), "--remote-debugging-pipe", "about:blank")...)
	dt.cmd.ExtraFiles = []*os.File{toBrowser, theirEnd}
	dt.cmd.Stderr = syncWriter{dt.stderr}
	if err := dt.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	toBrowser.Close()
	theirEnd.Close()
	t.Cleanup(func() {
		ourEnd.Close()
		select {
		case <-dt.done:
		case <-time.After(10 * time.Second):
			_ = dt.cmd.Process.Kill()
			<-dt.done
		}
	})
	go dt.read(fromBrowser)
	var target struct{ TargetID string }
	dt.call(t, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target)
	var attached struct{ SessionID string }
	dt.call(t, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached)
	dt.session = attached.SessionID
	dt.call(t, dt.session, "Page.enable", nil, nil)
	dt.call(t, dt.session, "Emulation.setDeviceMetricsOverride",
		map[string]any{"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}, nil)
	return dt
}

// read delivers the browser's answers to their callers and keeps the
// events, until the pipe closes; then it waits for the browser to end.
func (dt *devtools) read(r io.ReadCloser) {
	defer close(dt.done)
	defer r.Close()
	br := bufio.NewReader(r)
	for {
		b, err := br.ReadBytes(0)
		if err != nil {
			break
		}
		var m cdpMessage
		if json.Unmarshal(b[:len(b)-1], &m) != nil {
			continue
		}
		if m.ID != 0 {
			dt.mu.Lock()
			ch := dt.pending[m.ID]
			delete(dt.pending, m.ID)
			dt.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case dt.events <- m:
		default: // nobody waits for so many events
		}
	}
	dt.mu.Lock()
	for id, ch := range dt.pending {
		close(ch)
		delete(dt.pending, id)
	}
	dt.mu.Unlock()
	_ = dt.cmd.Wait()
}

// call sends a command and decodes its result into result (when not nil).
func (dt *devtools) call(t *testing.T, session, method string, params, result any) {
	t.Helper()
	dt.mu.Lock()
	dt.next++
	id := dt.next
	ch := make(chan cdpMessage, 1)
	dt.pending[id] = ch
	dt.mu.Unlock()
	b, err := json.Marshal(cdpMessage{ID: id, Method: method, SessionID: session, Params: params})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dt.w.Write(append(b, 0)); err != nil {
		t.Fatalf("DevTools %s: %v\n%s", method, err, dt.stderr)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			t.Fatalf("DevTools %s: the browser ended\n%s", method, dt.stderr)
		}
		if m.Error != nil {
			t.Fatalf("DevTools %s: %s", method, m.Error.Message)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				t.Fatalf("DevTools %s: %v", method, err)
			}
		}
	case <-time.After(time.Minute):
		t.Fatalf("DevTools %s: no answer\n%s", method, dt.stderr)
	}
}

// navigate loads url in the page and waits for its load event.
func (dt *devtools) navigate(t *testing.T, url string) {
	t.Helper()
	for len(dt.events) > 0 {
		<-dt.events
	}
	var nav struct{ ErrorText string }
	dt.call(t, dt.session, "Page.navigate", map[string]any{"url": url}, &nav)
	if nav.ErrorText != "" {
		t.Fatalf("navigate to %s: %s", url, nav.ErrorText)
	}
	deadline := time.After(time.Minute)
	for {
		select {
		case m := <-dt.events:
			if m.Method == "Page.loadEventFired" && m.SessionID == dt.session {
				return
			}
		case <-deadline:
			t.Fatalf("%s: no load event", url)
		}
	}
}

// eval evaluates a JavaScript expression in the page (awaiting a promise)
// and returns its value as a string.
func (dt *devtools) eval(t *testing.T, expr string) string {
	t.Helper()
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	dt.call(t, dt.session, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &r)
	if r.ExceptionDetails != nil {
		t.Fatalf("%s: %s", expr, r.ExceptionDetails.Text)
	}
	return fmt.Sprint(r.Result.Value)
}

// screenshot writes a PNG of the page's viewport to path.
func (dt *devtools) screenshot(t *testing.T, path string) {
	t.Helper()
	var r struct{ Data string }
	dt.call(t, dt.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &r)
	b, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// close asks the browser to end and waits for it.
func (dt *devtools) close(t *testing.T) {
	t.Helper()
	b, _ := json.Marshal(cdpMessage{ID: 1 << 30, Method: "Browser.close"})
	_, _ = dt.w.Write(append(b, 0))
	select {
	case <-dt.done:
	case <-time.After(30 * time.Second):
		t.Errorf("the browser did not end\n%s", dt.stderr)
	}
}
