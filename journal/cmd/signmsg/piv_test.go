//go:build cgo

package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

// TestPIVSigns: a key generated on a PIV token in the digital signature
// slot (9c) and certified by a CA signs through pcscd and vpcd; OpenSSL's
// cms -verify accepts the signature and gives back the message, and
// signmsg verify accepts it against the CA. An empty slot and a wrong PIN
// are bad input, and the wrong PIN costs one try.
func TestPIVSigns(t *testing.T) {
	ca, err := vtoken.NewCA("signmsg PIV test CA")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := vtoken.New(vtoken.Options{Issuer: ca})
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, tok)
	ctx := context.Background()
	tk, err := piv.Open(ctx, piv.Options{Reader: readerName, PIN: func(context.Context, piv.Slot) (string, error) { return vtoken.DefaultPIN, nil }})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tk.Enroll(ctx, piv.EnrollRequest{Slot: piv.SlotSignature, ManagementKey: piv.DefaultManagementKey,
		Issue: func(_ context.Context, der []byte) (*x509.Certificate, error) {
			csr, err := x509.ParseCertificateRequest(der)
			if err != nil {
				return nil, err
			}
			if err := csr.CheckSignature(); err != nil {
				return nil, err
			}
			return ca.Issue(&x509.Certificate{Subject: csr.Subject,
				KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}, csr.PublicKey)
		}})
	tk.Close()
	if err != nil {
		t.Fatalf("enrolling slot 9c: %v", err)
	}

	dir := t.TempDir()
	caPath := write(t, dir, "ca.pem", pemCert(ca.Cert.Raw))
	msg := write(t, dir, "declaration.xml", declaration)
	t.Setenv("PIV_PIN", vtoken.DefaultPIN)
	code, sig, errs := runCLI(t, "sign", "-piv", "-reader", readerName, "-slot", "9c", msg)
	if code != exitValid {
		t.Fatalf("PIV sign: exit %d: %s", code, errs)
	}
	sigPath := write(t, dir, "declaration.p7s", []byte(sig))

	openssl := testenv.Tool(t, "openssl")
	out, err := exec.Command(openssl, "cms", "-verify", "-inform", "DER", "-in", sigPath, "-CAfile", caPath, "-purpose", "any").Output()
	if err != nil {
		t.Fatalf("openssl cms -verify: %v", err)
	}
	if !bytes.Equal(out, declaration) {
		t.Fatalf("openssl cms -verify gave back %q", out)
	}

	code, res, errs := runCLI(t, "verify", "-roots", caPath, "-revocation", "none", "-json", sigPath)
	var v struct {
		Valid bool `json:"valid"`
	}
	if err := json.Unmarshal([]byte(res), &v); err != nil || code != exitValid || !v.Valid {
		t.Fatalf("signmsg verify: exit %d %v %s %s", code, err, res, errs)
	}

	if code, _, errs := runCLI(t, "sign", "-piv", "-reader", readerName, "-slot", "9d", msg); code != exitBadInput {
		t.Fatalf("empty slot: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI(t, "sign", "-piv", "-reader", readerName, "-slot", "7f", msg); code != exitBadInput || !strings.Contains(errs, "not a PIV key slot") {
		t.Fatalf("bad slot: exit %d: %s", code, errs)
	}
	tries := tok.PINTriesLeft()
	t.Setenv("PIV_PIN", "99999999")
	if code, _, errs := runCLI(t, "sign", "-piv", "-reader", readerName, msg); code != exitBadInput {
		t.Fatalf("wrong PIN: exit %d: %s", code, errs)
	}
	if left := tok.PINTriesLeft(); left != tries-1 {
		t.Fatalf("PIN tries: %d, want %d", left, tries-1)
	}
}
