package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, s)
	}
	for _, k := range []string{"valid", "revocation", "errors", "chain", "qualified", "key_type", "level"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("JSON lacks %q: %s", k, s)
		}
	}
	return m
}

func firstCode(m map[string]any) string {
	es, _ := m["errors"].([]any)
	if len(es) == 0 {
		return ""
	}
	return es[0].(map[string]any)["code"].(string)
}

func TestCertcheck(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	p.StartOCSP(t, 5)
	openssl := testenv.Tool(t, "openssl")
	dir := t.TempDir()

	// A real OCSP response fetched with the openssl client, in DER and base64.
	respDER := filepath.Join(dir, "auth.ocsp")
	cmd := exec.Command(openssl, "ocsp", "-issuer", p.CA.CertPath, "-cert", p.Auth.CertPath,
		"-url", p.OCSPURL, "-respout", respDER, "-noverify", "-no_nonce")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl ocsp client: %v\n%s", err, out)
	}
	der, _ := os.ReadFile(respDER)
	respB64 := filepath.Join(dir, "auth.ocsp.b64")
	os.WriteFile(respB64, []byte(base64.StdEncoding.EncodeToString(der)+"\n"), 0o600)
	crl := filepath.Join(dir, "citizen.crl")
	os.WriteFile(crl, p.GenCRL(t, 24), 0o600)
	// CERT holding the chain: leaf then CA.
	chainFile := filepath.Join(dir, "chain.pem")
	a, _ := os.ReadFile(p.Auth.CertPath)
	c, _ := os.ReadFile(p.CA.CertPath)
	os.WriteFile(chainFile, append(a, c...), 0o600)

	roots := []string{"-roots", p.Root.CertPath, "-belgian-pin", p.RootPin()}
	inter := []string{"-intermediates", p.CA.CertPath}
	cat := func(parts ...[]string) []string {
		var out []string
		for _, x := range parts {
			out = append(out, x...)
		}
		return out
	}
	tests := []struct {
		name       string
		args       []string
		exit       int
		revocation string
		keyType    string
		level      string
		code       string
		checks     string // statuses of the path, usage and revocation checks
	}{
		{"auth good over OCSP", cat(roots, inter, []string{"-json", "-usage", "auth", p.Auth.CertPath}), 0, "good", "eid", "column3", "", "passed passed passed"},
		{"chain in CERT", cat(roots, []string{"-json", "-usage", "auth", chainFile}), 0, "good", "eid", "column3", "", "passed passed passed"},
		{"sign good", cat(roots, inter, []string{"-json", "-usage", "sign", p.Sign.CertPath}), 0, "good", "eid-signature", "column3", "", "passed passed passed"},
		{"revoked", cat(roots, inter, []string{"-json", p.Revoked.CertPath}), 1, "revoked", "eid", "none", "revoked", "passed passed failed"},
		{"wrong usage", cat(roots, inter, []string{"-json", "-usage", "sign", p.Auth.CertPath}), 1, "not-checked", "eid", "none", "wrong-usage", "passed failed skipped"},
		{"offline DER response", cat(roots, inter, []string{"-json", "-offline", "-ocsp-response", respDER, p.Auth.CertPath}), 0, "good", "eid", "column3", "", "passed passed passed"},
		{"offline base64 response", cat(roots, inter, []string{"-json", "-offline", "-revocation", "ocsp", "-ocsp-response", respB64, p.Auth.CertPath}), 0, "good", "eid", "column3", "", "passed passed passed"},
		{"offline without response", cat(roots, inter, []string{"-json", "-offline", "-revocation", "ocsp", p.Auth.CertPath}), 1, "undetermined", "eid", "none", "revocation-unavailable", "passed passed failed"},
		{"offline soft fail", cat(roots, inter, []string{"-json", "-offline", "-soft-fail", "-revocation", "ocsp", p.Auth.CertPath}), 0, "undetermined", "eid", "column3", "", "passed passed skipped"},
		{"crl on hold", cat(roots, inter, []string{"-json", "-offline", "-revocation", "crl", "-crl", crl, p.Held.CertPath}), 1, "suspended", "eid-signature", "none", "suspended", "passed passed failed"},
		{"crl good", cat(roots, inter, []string{"-json", "-offline", "-revocation", "crl-first", "-crl", crl, p.Sign.CertPath}), 0, "good", "eid-signature", "column3", "", "passed passed passed"},
		{"untrusted", cat([]string{"-roots", p.CA.CertPath + "x"}, []string{"-json", p.Auth.CertPath}), 2, "", "", "", "", ""},
		{"wrong root", cat([]string{"-roots", p.Other.CertPath}, inter, []string{"-json", "-revocation", "none", p.Auth.CertPath}), 1, "not-checked", "", "none", "untrusted", "failed skipped skipped"},
		{"expired at", cat(roots, inter, []string{"-json", "-revocation", "none", "-at", "2099-01-01T00:00:00Z", p.Auth.CertPath}), 1, "not-checked", "eid", "none", "expired", "failed passed skipped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, tt.args...)
			if code != tt.exit {
				t.Fatalf("exit = %d, want %d\nstdout: %s\nstderr: %s", code, tt.exit, out, errs)
			}
			if tt.exit == 2 {
				return
			}
			m := decode(t, out)
			if m["valid"] != (tt.exit == 0) || m["revocation"] != tt.revocation || m["key_type"] != tt.keyType || m["level"] != tt.level {
				t.Fatalf("got valid=%v revocation=%v key_type=%v level=%v\n%s", m["valid"], m["revocation"], m["key_type"], m["level"], out)
			}
			var statuses []string
			for _, c := range m["checks"].([]any) {
				statuses = append(statuses, c.(map[string]any)["status"].(string))
			}
			if got := strings.Join(statuses, " "); got != tt.checks {
				t.Fatalf("checks = %q, want %q\n%s", got, tt.checks, out)
			}
			if got := firstCode(m); got != tt.code {
				t.Fatalf("first error code = %q, want %q\n%s", got, tt.code, out)
			}
			chain := m["chain"].([]any)
			if !strings.Contains(chain[0].(string), "Test") {
				t.Fatalf("chain = %v", chain)
			}
			if tt.code != "untrusted" && tt.code != "expired" && len(chain) != 3 {
				t.Fatalf("chain = %v, want leaf, CA, root", chain)
			}
		})
	}

	t.Run("text -v", func(t *testing.T) {
		code, out, _ := runCLI(t, cat(roots, inter, []string{"-v", "-usage", "sign", p.Sign.CertPath})...)
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
		for _, want := range []string{"VALID", "revocation: good", "key type: eid-signature", "Certificate:", "Alice Test (Signature)", "QcCompliance"} {
			if !strings.Contains(out, want) {
				t.Errorf("text output lacks %q:\n%s", want, out)
			}
		}
	})
	// The CA certificate names no revocation source: the text says so
	// rather than "undetermined" (the leaf's own status stays in the
	// "revocation:" line and in the JSON enum).
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"text CA without source, online", cat(roots, inter, []string{"-usage", "auth", p.Auth.CertPath}),
			[]string{"VALID", "revocation: good", "no revocation source named"}},
		{"text CA without source, offline response", cat(roots, inter, []string{"-offline", "-ocsp-response", respDER, "-usage", "auth", p.Auth.CertPath}),
			[]string{"VALID", "revocation: good", "no revocation source named"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, _ := runCLI(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("text output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "undetermined") {
				t.Errorf("text output says undetermined for a valid certificate:\n%s", out)
			}
		})
	}
	for _, bt := range []struct {
		name string
		args []string
	}{
		{"no argument", nil},
		{"unknown flag", []string{"-nosuchflag", p.Auth.CertPath}},
		{"bad usage value", cat(roots, []string{"-usage", "both", p.Auth.CertPath})},
		{"bad revocation value", cat(roots, []string{"-revocation", "sometimes", p.Auth.CertPath})},
		{"bad time", cat(roots, []string{"-at", "yesterday", p.Auth.CertPath})},
		{"missing file", cat(roots, []string{filepath.Join(dir, "missing.pem")})},
		{"not a certificate", cat(roots, []string{crl})},
		{"no roots", []string{p.Auth.CertPath}},
	} {
		t.Run("bad input/"+bt.name, func(t *testing.T) {
			if code, _, _ := runCLI(t, bt.args...); code != 2 {
				t.Fatalf("exit = %d, want 2", code)
			}
		})
	}
}

// TestBinaryExitStatus runs the built program once per exit status.
func TestBinaryExitStatus(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	bin := filepath.Join(t.TempDir(), "certcheck")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		args []string
		exit int
	}{
		{[]string{"-roots", p.Root.CertPath, "-intermediates", p.CA.CertPath, "-revocation", "none", "-json", p.Auth.CertPath}, 0},
		{[]string{"-roots", p.Other.CertPath, "-revocation", "none", "-json", p.Auth.CertPath}, 1},
		{[]string{"-roots", p.Root.CertPath, "-usage", "nope", p.Auth.CertPath}, 2},
	} {
		cmd := exec.Command(bin, tt.args...)
		out, _ := cmd.Output()
		if got := cmd.ProcessState.ExitCode(); got != tt.exit {
			t.Fatalf("%v: exit %d, want %d\n%s", tt.args, got, tt.exit, out)
		}
		if tt.exit != 2 {
			decode(t, string(out))
		}
	}
}

// The real Citizen CA 2020 certificate validates to the real Root CA6,
// given as a Belgian root, at a time inside its validity.
func TestCertcheckRealCA6(t *testing.T) {
	root := testenv.RealData(t, "belgium-pki", "belgiumrca6.pem")
	ca := testenv.RealData(t, "belgium-pki", "citizenca-202002.pem")
	code, out, errs := runCLI(t, "-roots", root, "-revocation", "none", "-at", "2024-06-01T00:00:00Z", "-json", ca)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	m := decode(t, out)
	chain := m["chain"].([]any)
	if len(chain) != 2 || !strings.Contains(chain[1].(string), "Belgium Root CA6") || m["key_type"] != "" || m["revocation"] != "not-checked" {
		t.Fatalf("output: %s", out)
	}
	// Before Root CA6 existed: not valid.
	if code, out, _ := runCLI(t, "-roots", root, "-revocation", "none", "-at", "2019-06-01T00:00:00Z", "-json", ca); code != 1 || firstCode(decode(t, out)) != "not-yet-valid" {
		t.Fatalf("2019: exit %d\n%s", code, out)
	}
}

// With -belgian-roots, the roots that ship with x509check: no root file.
// The Citizen CA 2020 chains to Root CA6, the Root CA2-era Citizen CA only
// with -allow-sha1; a test root is not among them.
func TestCertcheckBelgianRoots(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		code int
		root string
	}{
		{"Citizen CA 2020", []string{"-at", "2024-06-01T00:00:00Z", testenv.RealData(t, "belgium-pki", "citizenca-202002.pem")}, 0, "Belgium Root CA6"},
		{"Citizen CA 2014, SHA-1", []string{"-allow-sha1", "-at", "2016-01-01T00:00:00Z", testenv.RealData(t, "belgium-pki", "citizenca-brca2.crt")}, 0, "Belgium Root CA2"},
		{"Citizen CA 2014 without -allow-sha1", []string{"-at", "2016-01-01T00:00:00Z", testenv.RealData(t, "belgium-pki", "citizenca-brca2.crt")}, 1, ""},
		{"specimen card CA", []string{"-allow-sha1", "-at", "2012-01-01T00:00:00Z", testenv.RealData(t, "eid-specimen", "alice", "Alice_CACertificate.tlv")}, 1, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append([]string{"-belgian-roots", "-revocation", "none", "-json"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, errs)
			}
			m := decode(t, out)
			chain := m["chain"].([]any)
			if tt.root != "" && (len(chain) != 2 || !strings.Contains(chain[1].(string), tt.root)) {
				t.Fatalf("chain %v, want it to end in %s", chain, tt.root)
			}
			if tt.code == 1 && firstCode(m) != "untrusted" {
				t.Fatalf("first error %q, want untrusted\n%s", firstCode(m), out)
			}
		})
	}
}

// The specimen card's files (DER padded with zeros) are read as CERT,
// roots and intermediates; its SHA-1 path is refused as untrusted.
func TestCertcheckSpecimenCard(t *testing.T) {
	f := func(n string) string { return testenv.RealData(t, "eid-specimen", "alice", n) }
	code, out, errs := runCLI(t, "-roots", f("Alice_RootCertificate.tlv"), "-intermediates", f("Alice_CACertificate.tlv"),
		"-revocation", "none", "-at", "2012-01-01T00:00:00Z", "-json", f("Alice_SigningCertificate.tlv"))
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	m := decode(t, out)
	q := m["qualified"]
	if firstCode(m) != "untrusted" || !strings.Contains(out, "SHA1") || q != nil {
		t.Fatalf("output: %s", out)
	}
	if chain := m["chain"].([]any); len(chain) != 1 || !strings.Contains(chain[0].(string), "CN=Alice SPECIMEN (Signature)") {
		t.Fatalf("chain = %v", chain)
	}

	// With -allow-sha1 the SHA-1 path is accepted at a time inside the
	// card's validity (2009-2014), and still not after it.
	args := []string{"-roots", f("Alice_RootCertificate.tlv"), "-intermediates", f("Alice_CACertificate.tlv"),
		"-revocation", "none", "-allow-sha1", "-usage", "sign", "-json"}
	code, out, errs = runCLI(t, append(args, "-at", "2012-01-01T00:00:00Z", f("Alice_SigningCertificate.tlv"))...)
	if code != 0 {
		t.Fatalf("-allow-sha1: exit %d\n%s\n%s", code, out, errs)
	}
	if chain := decode(t, out)["chain"].([]any); len(chain) != 3 || !strings.Contains(chain[2].(string), "CN=eID test Root CA") {
		t.Fatalf("-allow-sha1: chain = %v", chain)
	}
	code, out, errs = runCLI(t, append(args, "-at", "2015-01-01T00:00:00Z", f("Alice_SigningCertificate.tlv"))...)
	if code != 1 || firstCode(decode(t, out)) != "expired" {
		t.Fatalf("-allow-sha1 after expiry: exit %d\n%s\n%s", code, out, errs)
	}
}
