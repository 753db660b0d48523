package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/eid/vcard"
	"github.com/csam-go/csam/internal/testenv"
)

// findFile returns the first file matching one of the glob patterns, or
// fails t (skips it outside strict mode) naming what is missing.
func findFile(t *testing.T, what string, patterns ...string) string {
	t.Helper()
	for _, p := range patterns {
		if m, _ := filepath.Glob(p); len(m) > 0 {
			return m[0]
		}
	}
	testenv.Missing(t, what+" not found ("+strings.Join(patterns, ", ")+")")
	return ""
}

// pkcs11Env returns the environment for an OpenSSL client that loads the
// pkcs11 engine (libengine-pkcs11-openssl) on OpenSC's PKCS#11 module,
// through an OpenSSL configuration file written for the test.
func pkcs11Env(t *testing.T) []string {
	t.Helper()
	module := findFile(t, "OpenSC's PKCS#11 module (Debian package opensc-pkcs11)",
		"/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/*/opensc-pkcs11.so", "/usr/lib/*/pkcs11/opensc-pkcs11.so")
	engine := findFile(t, "the OpenSSL pkcs11 engine (Debian package libengine-pkcs11-openssl)",
		"/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so", "/usr/lib/*/engines-3/pkcs11.so")
	conf := filepath.Join(t.TempDir(), "openssl.cnf")
	text := fmt.Sprintf(`openssl_conf = openssl_init
[openssl_init]
engines = engine_section
ssl_conf = ssl_section
[ssl_section]
system_default = client_auth
[client_auth]
ClientSignatureAlgorithms = RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA256:ECDSA+SHA384
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = %s
MODULE_PATH = %s
init = 0
`, engine, module)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "OPENSSL_CONF="+conf)
}

// cardCurlArgs are curl's arguments for a client key and certificate on
// the card, found by PKCS#11 id through the pkcs11 engine, the PIN in the
// key's URI. TLS 1.2 at most: OpenSC offers RSA PKCS#1 v1.5 signatures
// only, and TLS 1.3 wants RSA-PSS.
func cardCurlArgs(id string) []string {
	return []string{"--tls-max", "1.2", "--engine", "pkcs11",
		"--key-type", "ENG", "--key", "pkcs11:id=%" + id + ";type=private;pin-value=" + vcard.DefaultPIN,
		"--cert-type", "ENG", "--cert", "pkcs11:id=%" + id + ";type=cert"}
}

// TestCurlWithCard logs in with curl whose client key is the virtual eID
// card's authentication key, read by OpenSC's PKCS#11 module through pcscd
// and the vpcd driver and used through the OpenSSL pkcs11 engine; then it
// asks for decisions. The card is an applet 1.7 one (RSA): with the
// applet 1.8 card (EC P-384), Debian's OpenSC 0.23 answers the engine's
// signature with CKR_MECHANISM_INVALID; the Go client covers that applet.
//
// The signature certificate's refusal is tested with curl presenting that
// certificate with the card's signature key as a file: OpenSC's belpic
// driver refuses to sign with the non-repudiation key when built without
// its PIN dialog ("No GUI for NonRep key present, signature cancelled", as
// Debian builds it), so no PKCS#11 client can use that key.
func TestCurlWithCard(t *testing.T) {
	env := pkcs11Env(t)
	vc, _ := insertCard(t, vcard.Applet17)
	pt := startCardPortal(t, vc, false)
	card := cardCurlArgs("02")
	a := pt.curl(t, env, append(card, pt.url+"/applications")...)
	if a.status != 200 || a.body["user"] != "bart" || a.body["key_type"] != "eid" {
		t.Fatalf("curl with the card, applications: %d %.300s", a.status, a.raw)
	}
	a = pt.curl(t, env, append(card, "--request", "POST", pt.url+"/access/Rina")...)
	if a.status != 200 || a.body["allowed"] != true || a.body["user"] != "bart" {
		t.Fatalf("curl with the card, Rina: %d %s", a.status, a.raw)
	}
	// Art. 3.4: not a declaration over (S)FTP with the eID authentication key.
	a = pt.curl(t, env, append(card, "--header", "Content-Type: application/json", "--data", `{"channel": "ftp"}`, pt.url+"/access/DmfA")...)
	if a.status != 403 || a.body["allowed"] != false {
		t.Fatalf("curl with the card, DmfA over (S)FTP: %d %s", a.status, a.raw)
	}
	if vc.PINTriesLeft() != 3 {
		t.Errorf("PIN tries left after curl's logins: %d", vc.PINTriesLeft())
	}

	dir := t.TempDir()
	cert, key := filepath.Join(dir, "sign.pem"), filepath.Join(dir, "sign.key")
	kd, err := x509.MarshalPKCS8PrivateKey(vc.PKI().SignKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: vc.PKI().Sign.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	a = pt.curl(t, nil, "--cert", cert, "--key", key, "--request", "POST", pt.url+"/access/Rina")
	if a.status != 401 || a.code() != "certificate_wrong_usage" {
		t.Fatalf("curl with the signature certificate: %d %s, want 401 certificate_wrong_usage", a.status, a.raw)
	}
	pt.checkLogs(t)
}
