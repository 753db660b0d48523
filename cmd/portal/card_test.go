package main

import (
	"context"
	"crypto/tls"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/eid/pcsc"
	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/vpcdtest"
)

// readerName is the vpcd reader the virtual card is inserted in.
const readerName = vpcdtest.Reader0

// cardHolders are the users of testdata/portal/portal.json whose national
// numbers the virtual cards' profiles carry.
var cardHolders = map[vcard.Profile]string{vcard.Applet17: "bart", vcard.Applet18: "alice"}

// insertCard makes a virtual card of profile p, attaches it to the vpcd
// reader of the test pcscd and waits until pcscd sees it; the cleanup
// takes it out and waits for the removal. It returns the card and a PC/SC
// context.
func insertCard(t *testing.T, p vcard.Profile) (*vcard.Card, *pcsc.Context) {
	t.Helper()
	vc, err := vcard.New(vcard.Options{Profile: p, Seed: []byte("portal tests " + p.String())})
	if err != nil {
		t.Fatal(err)
	}
	pc := vpcdtest.Insert(t, vc)
	return vc, pc
}

// startCardPortal starts the portal with the virtual card's root as client
// root, pinned in the accepted list as an eID authority, the card's CA as
// intermediate, and OCSP (only) at a real `openssl ocsp` responder of the
// card's CA: the card's certificates name no responder, -ocsp-server gives
// it. The responder knows both certificates, the authentication one as
// revoked (keyCompromise) when revoked is true.
func startCardPortal(t *testing.T, vc *vcard.Card, revoked bool) *portal {
	t.Helper()
	dir := t.TempDir()
	if err := vc.PKI().Export(dir); err != nil {
		t.Fatal(err)
	}
	a := clientAnchor{root: vc.PKI().Root, rootPath: filepath.Join(dir, "root.pem"), interPath: filepath.Join(dir, "ca.pem")}
	url := startCardOCSP(t, dir, revoked)
	return launchPortal(t, testpki.New(t, testpki.Options{}), a, "-new-totp-store", "-revocation", "ocsp", "-ocsp-server", url)
}

// startCardOCSP runs `openssl ocsp` for the card's CA exported in dir,
// signing with the CA's key, and returns its URL; it stops when the test
// ends.
func startCardOCSP(t *testing.T, dir string, revoked bool) string {
	t.Helper()
	openssl := testenv.Tool(t, "openssl")
	testpki.WriteCADatabase(t, dir)
	ca := func(args ...string) { testpki.RunCA(t, openssl, dir, args...) }
	ca("-valid", filepath.Join(dir, "auth.pem"))
	ca("-valid", filepath.Join(dir, "sign.pem"))
	if revoked {
		ca("-revoke", filepath.Join(dir, "auth.pem"), "-crl_reason", "keyCompromise")
	}
	return testpki.RunOCSP(t, testpki.OCSPConfig{Index: filepath.Join(dir, "index.txt"), Signer: filepath.Join(dir, "ca.pem"),
		SignerKey: filepath.Join(dir, "ca.key"), CA: filepath.Join(dir, "ca.pem"), Port: testpki.FreePort(t), NextUpdateMinutes: 5}).URL
}

// TestGoClientWithCard logs in by mutual TLS with a Go client whose key is
// the virtual eID card's, through the real PC/SC stack (package eid over
// eid/pcsc, pcscd, the vpcd driver): the authentication key opens a
// column 3 application (RSA on applet 1.7, EC P-384 on 1.8), its status
// checked over OCSP; the signature certificate is refused for
// authentication (art. 7); a card whose authentication certificate the
// responder says revoked is refused.
func TestGoClientWithCard(t *testing.T) {
	for _, tc := range []struct {
		prof    vcard.Profile
		revoked bool
	}{{vcard.Applet17, false}, {vcard.Applet18, false}, {vcard.Applet18, true}} {
		name := tc.prof.String()
		if tc.revoked {
			name += " revoked"
		}
		t.Run(name, func(t *testing.T) {
			prof := tc.prof
			vc, pc := insertCard(t, prof)
			pt := startCardPortal(t, vc, tc.revoked)
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
			if tc.revoked {
				if a := do(t, authClient, "POST", pt.url+"/access/Rina", ""); a.status != http.StatusUnauthorized || a.code() != "certificate_revoked" {
					t.Fatalf("revoked card: %d %s, want 401 certificate_revoked", a.status, a.raw)
				}
				return
			}
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
