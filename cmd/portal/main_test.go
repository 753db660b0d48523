package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/x509check"
)

// portal runs the command in process on a free port with the test PKI's
// root as client root (listed for eID certificates in an accepted list),
// OCSP against the PKI's openssl ocsp responder, and the example
// configuration; it returns the base URL and a client pool for the server.
type portal struct {
	url    string
	roots  *x509.CertPool
	pki    *testpki.PKI
	stderr *bytes.Buffer
	outbox string
}

// startPortal starts the portal on a TOTP store declared new, as on its
// first deployment.
func startPortal(t *testing.T) *portal { return startPortalTB(t, "-new-totp-store") }

func x509PoolOf(cs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range cs {
		p.AddCert(c)
	}
	return p
}

func x509VerifyOptions(roots, inter *x509.CertPool) x509.VerifyOptions {
	return x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}
}

func startPortalTB(t testing.TB, extra ...string) *portal {
	t.Helper()
	p := testpki.New(t, testpki.Options{})
	p.StartOCSP(t, 10)
	return launchPortal(t, p, clientAnchor{root: p.Root.Cert, rootPath: p.Root.CertPath, interPath: p.CA.CertPath}, extra...)
}

// clientAnchor is the client root the portal trusts (pinned in its
// accepted list as an eID and qualified authority) and the intermediates
// it is given, as files.
type clientAnchor struct {
	root                *x509.Certificate
	rootPath, interPath string
}

// launchPortal runs the command in process with a server certificate of
// the test PKI p and the client anchor a.
func launchPortal(t testing.TB, p *testpki.PKI, a clientAnchor, extra ...string) *portal {
	t.Helper()
	dir := t.TempDir()
	srv := p.Issue(t, "portal-server", p.Root, &x509.Certificate{
		Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	list := fmt.Sprintf(`{"format": %q, "authorities": [{"name": "test root", "spki_sha256": %q, "eid": true, "qualified": true}]}`,
		x509check.AcceptedListFormat, x509check.SPKIPin(a.root))
	acc := filepath.Join(dir, "accepted.json")
	if err := os.WriteFile(acc, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	pt := &portal{pki: p, roots: x509.NewCertPool(), stderr: &bytes.Buffer{}, outbox: filepath.Join(dir, "sms.txt")}
	pt.roots.AddCert(p.Root.Cert)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	args := []string{"-addr", "127.0.0.1:0", "-config", filepath.Join(testenv.ModuleRoot(), "testdata", "portal", "portal.json"),
		"-tls-cert", srv.CertPath, "-tls-key", srv.KeyPath, "-client-roots", a.rootPath,
		"-intermediates", a.interPath, "-accepted", acc, "-sms-outbox", pt.outbox}
	args = append(args, extra...)
	var logw io.Writer = syncWriter{pt.stderr}
	if _, bench := t.(*testing.B); bench {
		logw = io.Discard // one log line per request would dominate
	}
	go func() { done <- run(ctx, args, nil, io.Discard, logw, ready) }()
	select {
	case addr := <-ready:
		pt.url = "https://" + addr
	case code := <-done:
		t.Fatalf("portal exited with %d: %s", code, pt.stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("portal did not start")
	}
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("portal exit code %d on shutdown", code)
		}
	})
	return pt
}

type syncWriter struct{ b *bytes.Buffer }

var logMu = make(chan struct{}, 1)

func (w syncWriter) Write(p []byte) (int, error) {
	logMu <- struct{}{}
	defer func() { <-logMu }()
	return w.b.Write(p)
}

func (pt *portal) client(cert *testpki.Cert) *http.Client {
	cfg := &tls.Config{RootCAs: pt.roots}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{{PrivateKey: cert.Key, Leaf: cert.Cert,
			Certificate: [][]byte{cert.Cert.Raw, pt.pki.CA.Cert.Raw}}}
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}, Timeout: 30 * time.Second}
}

type answer struct {
	status int
	body   map[string]any
	raw    string
}

func (a answer) code() string {
	if e, ok := a.body["error"].(map[string]any); ok {
		s, _ := e["code"].(string)
		return s
	}
	return ""
}

func do(t *testing.T, c *http.Client, method, url, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, raw: string(b)}
	_ = json.Unmarshal(b, &a.body)
	return a
}

func TestPortalCertificateLogin(t *testing.T) {
	pt := startPortal(t)
	auth := pt.client(pt.pki.Auth)
	// The eID authentication certificate is allowed where the règlement
	// allows an eID: a column 3 application.
	a := do(t, auth, "POST", pt.url+"/access/Rina", "")
	if a.status != http.StatusOK || a.body["allowed"] != true || a.body["user"] != "test-alice" || a.body["key_type"] != "eid" {
		t.Fatalf("eID login, Rina: %d %s", a.status, a.raw)
	}
	// Not an art. 3.4 declaration over (S)FTP: the eID works on the portals.
	if a := do(t, auth, "POST", pt.url+"/access/DmfA", `{"channel": "ftp"}`); a.status != http.StatusForbidden || a.body["allowed"] != false {
		t.Fatalf("eID over (S)FTP: %d %s", a.status, a.raw)
	}
	if a := do(t, auth, "GET", pt.url+"/applications", ""); a.status != http.StatusOK || len(a.body["applications"].([]any)) < 100 {
		t.Fatalf("applications: %d %.300s", a.status, a.raw)
	}
	for _, tc := range []struct {
		name   string
		c      *http.Client
		method string
		path   string
		body   string
		status int
		code   string
	}{
		{"unknown application", auth, "POST", "/access/No%20such%20application", "", 400, "unknown_application"},
		{"malformed JSON", auth, "POST", "/access/Rina", `{"channel":`, 400, "bad_json"},
		{"unknown field", auth, "POST", "/access/Rina", `{"chanel": "ftp"}`, 400, "bad_json"},
		{"unknown channel", auth, "POST", "/access/Rina", `{"channel": "pigeon"}`, 400, "unknown_channel"},
		{"oversize body", auth, "POST", "/access/Rina", `{"acting_for": "` + strings.Repeat("x", 10000) + `"}`, 413, "body_too_large"},
		{"revoked certificate", pt.client(pt.pki.Revoked), "POST", "/access/Rina", "", 401, "certificate_revoked"},
		{"signature certificate for authentication", pt.client(pt.pki.Sign), "POST", "/access/Rina", "", 401, "certificate_wrong_usage"},
		{"no key", pt.client(nil), "POST", "/access/Rina", "", 401, "no_key"},
		{"no such endpoint", auth, "GET", "/nothing", "", 404, "not_found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, tc.c, tc.method, pt.url+tc.path, tc.body)
			if a.status != tc.status || a.code() != tc.code {
				t.Fatalf("%d %q, want %d %q: %s", a.status, a.code(), tc.status, tc.code, a.raw)
			}
		})
	}
	// A certificate from an unknown CA.
	other := testpki.New(t, testpki.Options{})
	c := pt.client(nil)
	c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{{PrivateKey: other.Auth.Key,
		Certificate: [][]byte{other.Auth.Cert.Raw, other.CA.Cert.Raw}}}
	if a := do(t, c, "POST", pt.url+"/access/Rina", ""); a.status != 401 || a.code() != "certificate_untrusted" {
		t.Fatalf("unknown CA: %d %s", a.status, a.raw)
	}
	pt.checkLogs(t)
}

func TestPortalPasswordLogin(t *testing.T) {
	pt := startPortal(t)
	c := pt.client(nil)
	secret, _ := totp.ParseSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	code, _ := totp.GenerateCode(secret, time.Now(), totp.Options{})
	login := `{"user": "alice", "password": "Alice-Portal-2025!", "totp": "` + code + `"}`
	a := do(t, c, "POST", pt.url+"/login", login)
	if a.status != 200 || a.body["key_type"] != "totp-app" {
		t.Fatalf("login: %d %s", a.status, a.raw)
	}
	token := a.body["token"].(string)
	// The same code again is a replay.
	if a := do(t, c, "POST", pt.url+"/login", login); a.status != 401 || a.code() != "replayed" {
		t.Fatalf("replay: %d %s", a.status, a.raw)
	}
	bearer := []string{"Authorization", "Bearer " + token}
	if a := do(t, c, "POST", pt.url+"/access/Rina", "", bearer...); a.status != 200 || a.body["allowed"] != true {
		t.Fatalf("TOTP, Rina: %d %s", a.status, a.raw)
	}
	if a := do(t, c, "GET", pt.url+"/applications?format=html", "", bearer...); a.status != 200 || !strings.Contains(a.raw, `id="decisions"`) {
		t.Fatalf("decisions page: %d %.200s", a.status, a.raw)
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"wrong password", "/login", `{"user": "alice", "password": "nope", "totp": "123456"}`, 401, "bad_credentials"},
		{"unknown user", "/login", `{"user": "zed", "password": "x"}`, 401, "bad_credentials"},
		{"no second factor", "/login", `{"user": "alice", "password": "Alice-Portal-2025!"}`, 401, "second_factor_required"},
		{"malformed", "/login", `[1, 2`, 400, "bad_json"},
		{"must change first", "/login", `{"user": "bob", "password": "Bob-Temporary-2025!", "totp": "000000"}`, 403, "must_change"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, c, "POST", pt.url+tc.path, tc.body)
			if a.status != tc.status || a.code() != tc.code {
				t.Fatalf("%d %q, want %d %q: %s", a.status, a.code(), tc.status, tc.code, a.raw)
			}
		})
	}
	// Bob changes his password at first use (art. 5): a weak one is refused.
	// The refused attempt used the code of its step: the next attempt
	// sends the code of the step after that one, as an app shows it, and
	// not of the step after the clock's current one. A first code made
	// just before a step boundary and checked just after teaches the
	// verifier a drift of one step behind, which shifts its window back:
	// the code of the clock's next step would then be out of the window
	// (a "bad_code" seen once on a loaded machine).
	bs, _ := totp.ParseSecret("KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
	bt := time.Now()
	bcode, _ := totp.GenerateCode(bs, bt, totp.Options{})
	if a := do(t, c, "POST", pt.url+"/login", `{"user": "bob", "password": "Bob-Temporary-2025!", "totp": "`+bcode+`", "new_password": "short"}`); a.status != 400 || a.code() != "weak_password" {
		t.Fatalf("weak new password: %d %s", a.status, a.raw)
	}
	bcode, _ = totp.GenerateCode(bs, bt.Add(30*time.Second), totp.Options{})
	if a := do(t, c, "POST", pt.url+"/login", `{"user": "bob", "password": "Bob-Temporary-2025!", "totp": "`+bcode+`", "new_password": "Nouveau-M0t-de-passe-2025!"}`); a.status != 200 {
		t.Fatalf("password change: %d %s", a.status, a.raw)
	}
	// Dan logs in by SMS; Tax-on-web for client-1, whose mandates include a
	// filed one (art. 3.2.c), not for client-2.
	if a := do(t, c, "POST", pt.url+"/login/sms", `{"user": "dan", "password": "Dan-Designated-2025!"}`); a.status != 202 {
		t.Fatalf("SMS: %d %s", a.status, a.raw)
	}
	out, _ := os.ReadFile(pt.outbox)
	f := strings.Fields(string(out))
	if len(f) == 0 {
		t.Fatal("no SMS in the outbox")
	}
	a = do(t, c, "POST", pt.url+"/login", `{"user": "dan", "password": "Dan-Designated-2025!", "sms": "`+f[len(f)-1]+`"}`)
	if a.status != 200 || a.body["key_type"] != "sms-otp" {
		t.Fatalf("SMS login: %d %s", a.status, a.raw)
	}
	dan := []string{"Authorization", "Bearer " + a.body["token"].(string)}
	if a := do(t, c, "POST", pt.url+"/access/Tax-on-web%20(TOW)", `{"acting_for": "client-1"}`, dan...); a.status != 200 {
		t.Fatalf("Tax-on-web for client-1: %d %s", a.status, a.raw)
	}
	if a := do(t, c, "POST", pt.url+"/access/Tax-on-web%20(TOW)", `{"acting_for": "client-2"}`, dan...); a.status != 403 {
		t.Fatalf("Tax-on-web for client-2: %d %s", a.status, a.raw)
	}
	// An SMS code is below column 3.
	if a := do(t, c, "POST", pt.url+"/access/Rina", "", dan...); a.status != 403 {
		t.Fatalf("SMS key, Rina: %d %s", a.status, a.raw)
	}
	if a := do(t, c, "GET", pt.url+"/matrix", ""); a.status != 200 || !strings.Contains(a.raw, `id="matrix"`) || !strings.Contains(a.raw, `class="yes"`) {
		t.Fatalf("matrix: %d %.200s", a.status, a.raw)
	}
	pt.checkLogs(t)
	// Passwords, codes and tokens never reach the log.
	logMu <- struct{}{}
	logs := pt.stderr.String()
	<-logMu
	for _, secret := range []string{"Alice-Portal-2025!", "Nouveau-M0t-de-passe", code, token, f[len(f)-1]} {
		if strings.Contains(logs, secret) {
			t.Errorf("secret %q in the log", secret)
		}
	}
}

// checkLogs checks the log is JSON lines.
func (pt *portal) checkLogs(t *testing.T) {
	t.Helper()
	logMu <- struct{}{}
	defer func() { <-logMu }()
	for _, l := range strings.Split(strings.TrimSpace(pt.stderr.String()), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("log line is not JSON: %s", l)
		}
	}
}

// TestPortalRestartedStore starts the portal on a memory store not declared
// new, as after a restart: the store may have lost the steps used before,
// so a code of the current step is refused as possibly replayed.
func TestPortalRestartedStore(t *testing.T) {
	pt := startPortalTB(t)
	c := pt.client(nil)
	secret, _ := totp.ParseSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	code, _ := totp.GenerateCode(secret, time.Now(), totp.Options{})
	login := `{"user": "alice", "password": "Alice-Portal-2025!", "totp": "` + code + `"}`
	if a := do(t, c, "POST", pt.url+"/login", login); a.status != 401 || a.code() != "replayed" {
		t.Fatalf("login on a store that may have lost its data: %d %s", a.status, a.raw)
	}
}

// TestPortalFlags checks the configuration's rules; the flags themselves
// are in testdata/contract.txtar.
func TestPortalFlags(t *testing.T) {
	if _, err := parseConfig([]byte(`{"users": [{"id": "a", "roles": ["boss"]}]}`)); err == nil {
		t.Fatal("a bad role loaded")
	}
	if _, err := parseConfig([]byte(`{"users": [{"id": "a"}], "enterprises": [{"id": "e", "managers": [{"user": "a"}]}]}`)); err == nil {
		t.Fatal("a manager without a role loaded")
	}
}

// TestPortalOCSPServer checks that -ocsp-server replaces the certificate's
// OCSP address: with a responder that does not answer, an OCSP-only
// policy cannot tell the certificate's status.
func TestPortalOCSPServer(t *testing.T) {
	pt := startPortalTB(t, "-new-totp-store", "-revocation", "ocsp", "-ocsp-server", "http://127.0.0.1:1/")
	a := do(t, pt.client(pt.pki.Auth), "POST", pt.url+"/access/Rina", "")
	if a.status != http.StatusUnauthorized || a.code() != "certificate_revocation_unavailable" {
		t.Fatalf("OCSP at a closed port: %d %s", a.status, a.raw)
	}
}
