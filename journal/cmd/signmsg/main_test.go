package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/journal"
	"github.com/csam-go/csam/journal/internal/jtestenv"
	"github.com/transparency-dev/tessera/api/layout"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errs)
	return code, out.String(), errs.String()
}

func write(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

var declaration = []byte("<dimona><employer>0123456789</employer><worker>85073003361</worker><start>2026-12-03</start></dimona>\n")

// fixture is a test PKI with its CRL from openssl, and a message.
type fixture struct {
	p        *testpki.PKI
	msg, crl string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	p := testpki.New(t, testpki.Options{})
	f := &fixture{p: p, msg: write(t, p.Dir, "declaration.xml", declaration)}
	f.crl = write(t, p.Dir, "citizen.crl", p.GenCRL(t, 24))
	return f
}

func (f *fixture) verifyArgs(extra ...string) []string {
	return append([]string{"-roots", f.p.Root.CertPath, "-intermediates", f.p.CA.CertPath, "-revocation", "crl",
		"-offline", "-crl", f.crl}, extra...)
}

func (f *fixture) sign(t *testing.T, c *testpki.Cert, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"sign", "-key", c.KeyPath, "-cert", c.CertPath, "-chain", f.p.CA.CertPath}, extra...)
	return runCLI(t, append(args, f.msg)...)
}

// TestSignVerify: sign with a key file, verify as text and JSON; the
// exit codes say valid (0), not valid (1) and bad input (2).
func TestSignVerify(t *testing.T) {
	f := newFixture(t)
	code, sig, errs := f.sign(t, f.p.Sign, "-detached")
	if code != exitValid {
		t.Fatalf("sign: exit %d: %s", code, errs)
	}
	sigPath := write(t, t.TempDir(), "sig.der", []byte(sig))
	code, out, errs := runCLI(t, append([]string{"verify"}, f.verifyArgs("-content", f.msg, sigPath)...)...)
	if code != exitValid || !strings.Contains(out, "valid: qualified signature") || !strings.Contains(out, "Alice Test (Signature)") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, errs)
	}
	other := write(t, t.TempDir(), "other.xml", []byte("<dimona>other</dimona>"))
	code, out, _ = runCLI(t, append([]string{"verify"}, f.verifyArgs("-json", "-content", other, sigPath)...)...)
	var res struct {
		Valid   bool   `json:"valid"`
		Verdict string `json:"verdict"`
		Errors  []struct {
			Code string `json:"code"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if code != exitNotValid || res.Valid || res.Verdict != "not-valid" || len(res.Errors) != 1 || res.Errors[0].Code != "digest-mismatch" {
		t.Fatalf("other content: exit %d %+v", code, res)
	}
	garbage := write(t, t.TempDir(), "garbage", []byte("not a signature"))
	if code, _, _ := runCLI(t, append([]string{"verify"}, f.verifyArgs(garbage)...)...); code != exitBadInput {
		t.Fatalf("garbage: exit %d", code)
	}
	if code, _, errs := f.sign(t, f.p.Auth); code != exitNotValid || !strings.Contains(errs, "authentication-key") {
		t.Fatalf("signing with the authentication certificate: exit %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "verify", sigPath); code != exitBadInput {
		t.Fatalf("no -roots: exit %d", code)
	}
}

// TestSubmitProveAudit: submit records the message and prints a receipt;
// prove checks it, and refuses it altered; audit names the first bad entry
// once the folder is tampered with.
func TestSubmitProveAudit(t *testing.T) {
	f := newFixture(t)
	dir := filepath.Join(t.TempDir(), "journal")
	var receipts []string
	for range 2 {
		code, sig, errs := f.sign(t, f.p.Sign)
		if code != exitValid {
			t.Fatalf("sign: %s", errs)
		}
		sigPath := write(t, t.TempDir(), "sig.der", []byte(sig))
		code, out, errs := runCLI(t, append([]string{"submit", "-journal", dir, "-decision", "declaration accepted"}, f.verifyArgs(sigPath)...)...)
		if code != exitValid {
			t.Fatalf("submit: exit %d\n%s%s", code, out, errs)
		}
		receipts = append(receipts, write(t, t.TempDir(), "receipt.json", []byte(out)))
	}
	code, out, _ := runCLI(t, "prove", "-journal", dir, receipts[1])
	if code != exitValid || !strings.Contains(out, "receipt valid: entry 1") || !strings.Contains(out, "latest checkpoint (2 entries) extends") || !strings.Contains(out, "qualified signature by SERIALNUMBER=71715100070,CN=Alice Test (Signature)") {
		t.Fatalf("prove: exit %d %s", code, out)
	}
	b, _ := os.ReadFile(receipts[0])
	r, err := journal.ParseReceipt(b)
	if err != nil {
		t.Fatal(err)
	}
	r.Entry = bytes.Replace(r.Entry, []byte("declaration accepted"), []byte("declaration refused!"), 1)
	altered, _ := json.Marshal(r)
	if code, out, _ := runCLI(t, "prove", "-journal", dir, write(t, t.TempDir(), "r.json", altered)); code != exitNotValid {
		t.Fatalf("altered receipt: exit %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "audit", "-journal", dir); code != exitValid || !strings.Contains(out, "2 entries (2 messages") {
		t.Fatalf("audit: exit %d %s", code, out)
	}
	bundle := filepath.Join(dir, filepath.FromSlash(layout.EntriesPath(0, 2)))
	eb, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(bundle, 0o644)
	os.WriteFile(bundle, bytes.Replace(eb, []byte("qualified"), []byte("advanced!"), 1), 0o644)
	if code, out, _ := runCLI(t, "audit", "-journal", dir); code != exitNotValid || !strings.Contains(out, "first bad entry 0") {
		t.Fatalf("tampered audit: exit %d %s", code, out)
	}
	// The receipt of entry 0 still verifies alone, not against the journal.
	if code, out, _ := runCLI(t, "prove", "-journal", dir, "-offline", receipts[0]); code != exitValid {
		t.Fatalf("offline prove: exit %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "prove", "-journal", dir, receipts[0]); code != exitNotValid || !strings.Contains(out, "NOT CONSISTENT") {
		t.Fatalf("prove against the tampered journal: exit %d %s", code, out)
	}
}

// TestSubmitMariaDB: the journal on MariaDB.
func TestSubmitMariaDB(t *testing.T) {
	f := newFixture(t)
	dsn := "mysql:" + jtestenv.MySQLDSN(t)
	keys := t.TempDir()
	kf, vf := filepath.Join(keys, "journal.key"), filepath.Join(keys, "journal.vkey")
	code, sig, _ := f.sign(t, f.p.Sign)
	if code != exitValid {
		t.Fatal("sign failed")
	}
	sigPath := write(t, t.TempDir(), "sig.der", []byte(sig))
	code, out, errs := runCLI(t, append([]string{"submit", "-journal", dsn, "-journal-key", kf, "-journal-vkey", vf}, f.verifyArgs(sigPath)...)...)
	if code != exitValid {
		t.Fatalf("submit: exit %d\n%s%s", code, out, errs)
	}
	rp := write(t, t.TempDir(), "receipt.json", []byte(out))
	if code, out, _ := runCLI(t, "prove", "-journal", dsn, "-journal-vkey", vf, rp); code != exitValid {
		t.Fatalf("prove: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "audit", "-journal", dsn, "-journal-vkey", vf); code != exitValid {
		t.Fatalf("audit: %d %s", code, out)
	}
}
