package main

// Tests with clients that no one here wrote: curl (with oathtool for the
// TOTP codes, and with OpenSC's PKCS#11 module through the OpenSSL pkcs11
// engine for the card), a Go TLS client signing on the virtual eID card
// through pcscd, and headless Chromium.

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
)

// aliceSecret is alice's TOTP secret in testdata/portal/portal.json.
const aliceSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// command runs name with args (a minute at most) and returns its standard
// output; a failure or a non-zero exit fails t with the standard error.
// It runs without a controlling terminal and with an empty standard input:
// a program that would ask for a PIN on the terminal fails instead.
func command(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = env
	}
	noTerminal(cmd)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// curl runs curl against the portal, the server certificate checked
// against the test root, and returns the HTTP status and the body.
func (pt *portal) curl(t *testing.T, env []string, args ...string) answer {
	t.Helper()
	bin := testenv.Tool(t, "curl")
	base := []string{"--silent", "--show-error", "--noproxy", "*", "--max-time", "60",
		"--cacert", pt.pki.Root.CertPath, "--write-out", "\n%{http_code}"}
	out := command(t, env, bin, append(base, args...)...)
	i := strings.LastIndexByte(out, '\n')
	if i < 0 {
		t.Fatalf("curl output without a status: %q", out)
	}
	status, err := strconv.Atoi(strings.TrimSpace(out[i+1:]))
	if err != nil {
		t.Fatalf("curl output without a status: %q", out)
	}
	a := answer{status: status, raw: out[:i]}
	_ = json.Unmarshal([]byte(a.raw), &a.body)
	return a
}

// oathtool returns the current TOTP code of a base32 secret, computed by
// oathtool.
func oathtool(t *testing.T, secret string) string {
	t.Helper()
	code := strings.TrimSpace(command(t, nil, testenv.Tool(t, "oathtool"), "--totp", "--base32", secret))
	if len(code) != 6 {
		t.Fatalf("oathtool printed %q", code)
	}
	return code
}

// TestCurlTOTPLogin logs in with curl, username, password and a TOTP code
// computed by oathtool; the same code sent again is refused as replayed.
// The session works as a bearer token and as the cookie curl keeps.
func TestCurlTOTPLogin(t *testing.T) {
	pt := startPortal(t) // a store declared new: the current step is usable
	code := oathtool(t, aliceSecret)
	jar := t.TempDir() + "/cookies"
	login := `{"user": "alice", "password": "Alice-Portal-2025!", "totp": "` + code + `"}`
	post := []string{"--header", "Content-Type: application/json", "--data", login, pt.url + "/login"}
	a := pt.curl(t, nil, append([]string{"--cookie-jar", jar}, post...)...)
	if a.status != 200 || a.body["key_type"] != "totp-app" || a.body["user"] != "alice" {
		t.Fatalf("curl login with oathtool's code: %d %s", a.status, a.raw)
	}
	token, _ := a.body["token"].(string)
	if a := pt.curl(t, nil, post...); a.status != 401 || a.code() != "replayed" {
		t.Fatalf("the same code again: %d %s, want 401 replayed", a.status, a.raw)
	}
	a = pt.curl(t, nil, "--request", "POST", "--header", "Authorization: Bearer "+token, pt.url+"/access/Rina")
	if a.status != 200 || a.body["allowed"] != true || a.body["key_type"] != "totp-app" {
		t.Fatalf("decision with the bearer token: %d %s", a.status, a.raw)
	}
	a = pt.curl(t, nil, "--cookie", jar, pt.url+"/applications?format=html")
	if a.status != 200 || !strings.Contains(a.raw, `id="decisions"`) || !strings.Contains(a.raw, "Decisions for alice with key totp-app") {
		t.Fatalf("decisions page with the session cookie: %d %.300s", a.status, a.raw)
	}
	if a := pt.curl(t, nil, "--request", "POST", pt.url+"/access/Rina"); a.status != 401 || a.code() != "no_key" {
		t.Fatalf("no session: %d %s", a.status, a.raw)
	}
	pt.checkLogs(t)
}
