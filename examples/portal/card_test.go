package main

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
)

const (
	vpcdAddr   = "127.0.0.1:35963"
	readerName = "Virtual PCD 00 00"
)

// cardHolders are the users of testdata/portal/portal.json whose national
// numbers the virtual cards' profiles carry.
var cardHolders = map[vcard.Profile]string{vcard.Applet17: "bart", vcard.Applet18: "alice"}

// insertCard makes a virtual card of profile p, attaches it to the vpcd
// reader of the test pcscd and waits until pcscd sees it; the cleanup
// takes it out and waits for the removal. It returns the card and a PC/SC
// context.
func insertCard(t *testing.T, p vcard.Profile) (*vcard.Card, *pcsc.Context) {
	t.Helper()
	testenv.PCSC(t)
	testenv.LockVPCD(t)
	vc, err := vcard.New(vcard.Options{Profile: p, Seed: []byte("portal tests " + p.String())})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := pcsc.Establish()
	if errors.Is(err, pcsc.ErrNoCgo) {
		testenv.Missing(t, "built without cgo: no PC/SC")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Release() })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- vc.ServeVPCD(ctx, vpcdAddr) }()
	wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
	defer wcancel()
	if _, err := pc.WaitForCard(wctx, readerName); err != nil {
		cancel()
		t.Fatalf("the virtual card did not appear in %q: %v", readerName, err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("vpcd client: %v", err)
		}
		rctx, rcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer rcancel()
		if err := pc.WaitForRemoval(rctx, readerName); err != nil {
			t.Errorf("waiting for the removal: %v", err)
		}
	})
	return vc, pc
}

// startCardPortal starts the portal with the virtual card's root as client
// root, pinned in the accepted list as an eID authority (the card's CA is
// given as intermediate). The card's certificates name no OCSP responder:
// revocation is not checked.
func startCardPortal(t *testing.T, vc *vcard.Card) *portal {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := clientAnchor{root: vc.PKI().Root, rootPath: write("card-root.pem", vc.PKI().Root.Raw), interPath: write("card-ca.pem", vc.PKI().CA.Raw)}
	return launchPortal(t, testpki.New(t, testpki.Options{}), a, "-new-totp-store", "-revocation", "none")
}

// TestGoClientWithCard logs in by mutual TLS with a Go client whose key is
// the virtual eID card's, through the real PC/SC stack (package eid over
// eid/pcsc, pcscd, the vpcd driver): the authentication key opens a
// column 3 application (RSA on applet 1.7, EC P-384 on 1.8); the
// signature certificate is refused for authentication (art. 7).
func TestGoClientWithCard(t *testing.T) {
	for _, prof := range []vcard.Profile{vcard.Applet17, vcard.Applet18} {
		t.Run(prof.String(), func(t *testing.T) {
			vc, pc := insertCard(t, prof)
			pt := startCardPortal(t, vc)
			conn, err := pc.Connect(readerName)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.Close() })
			ctx := context.Background()
			card := eid.New(conn, nil)
			ca, err := card.ReadFile(ctx, eid.FileCACert)
			if err != nil {
				t.Fatal(err)
			}
			caCert, err := eid.ParseCertificateFile(ca)
			if err != nil {
				t.Fatal(err)
			}
			pins := 0
			auth := eid.KeyAuth{PINPrompt: func(context.Context, eid.KeyRole) ([]byte, error) {
				pins++
				return []byte(vcard.DefaultPIN), nil
			}}
			client := func(role eid.KeyRole) *http.Client {
				key, err := card.PrivateKey(ctx, role, auth)
				if err != nil {
					t.Fatalf("%v key: %v", role, err)
				}
				c := pt.client(nil)
				tr := c.Transport.(*http.Transport)
				tr.TLSClientConfig.Certificates = []tls.Certificate{key.TLSCertificate(caCert)}
				t.Cleanup(tr.CloseIdleConnections)
				return c
			}
			authClient := client(eid.AuthenticationKey)
			want := cardHolders[prof]
			a := do(t, authClient, "POST", pt.url+"/access/Rina", "")
			if a.status != http.StatusOK || a.body["allowed"] != true || a.body["user"] != want || a.body["key_type"] != "eid" {
				t.Fatalf("card login, Rina: %d %s", a.status, a.raw)
			}
			if a := do(t, authClient, "GET", pt.url+"/applications", ""); a.status != http.StatusOK || a.body["user"] != want {
				t.Fatalf("applications: %d %.300s", a.status, a.raw)
			}
			if pins != 1 {
				t.Errorf("PIN asked %d times for the authentication key, want once", pins)
			}
			a = do(t, client(eid.SigningKey), "POST", pt.url+"/access/Rina", "")
			if a.status != http.StatusUnauthorized || a.code() != "certificate_wrong_usage" {
				t.Fatalf("signature certificate for authentication: %d %s, want 401 certificate_wrong_usage", a.status, a.raw)
			}
			if vc.PINTriesLeft() != 3 {
				t.Errorf("PIN tries left: %d", vc.PINTriesLeft())
			}
			pt.checkLogs(t)
		})
	}
}
