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
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/piv"
	"github.com/csam-go/csam/piv/vtoken"
)

// insertPIV attaches a virtual PIV token to the vpcd reader of pcscd and
// waits until a PIV token is seen there; the cleanup takes it out.
func insertPIV(t *testing.T, tok *vtoken.Token) {
	t.Helper()
	testenv.PCSC(t)
	testenv.LockVPCD(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tok.ServeVPCD(ctx, vpcdAddr) }()
	waitPIV := func(want bool) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			infos, err := piv.Readers(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, ri := range infos {
				if ri.Reader == readerName && ri.PIV == want {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("reader %q: PIV token present=%v not reached: %+v", readerName, want, infos)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("vpcd client: %v", err)
		}
		waitPIV(false)
	})
	waitPIV(true)
}

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
	insertPIV(t, tok)
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
