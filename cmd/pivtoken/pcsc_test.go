//go:build cgo

package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/vpcdtest"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/piv/vtoken"
)

const reader0 = vpcdtest.Reader0

// serveToken attaches a fresh virtual token to reader 0 until the test
// ends.
func serveToken(t *testing.T, o vtoken.Options) *vtoken.Token {
	t.Helper()
	tok, err := vtoken.New(o)
	if err != nil {
		t.Fatal(err)
	}
	vpcdtest.Insert(t, tok)
	return tok
}

func pivtoken(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr strings.Builder
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

func writePEM(t *testing.T, path string, certs ...*x509.Certificate) string {
	t.Helper()
	var b []byte
	for _, c := range certs {
		b = append(b, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// makeOpenSSLCA makes an `openssl ca` directory.
func makeOpenSSLCA(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cnf := "[ca]\ndefault_ca = test\n[test]\ndir = .\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n" +
		"certificate = ca.pem\nprivate_key = ca.key\ndefault_md = sha256\ndefault_days = 365\npolicy = anything\n" +
		"x509_extensions = leaf\nunique_subject = no\n[anything]\ncommonName = supplied\n" +
		"[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\n"
	for name, content := range map[string]string{"ca.cnf": cnf, "index.txt": "", "serial": "1000\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(testenv.Tool(t, "openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
		"-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "30", "-subj", "/CN=pivtoken test CA")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl req: %v\n%s", err, out)
	}
	return dir
}

func TestListStatusAttestSign(t *testing.T) {
	tok := serveToken(t, vtoken.Options{})
	out, errOut, code := pivtoken(t, "", "list")
	if code != exitOK || !strings.Contains(out, reader0+"\tPIV token") {
		t.Fatalf("list: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = pivtoken(t, "", "status", "-json")
	var st struct {
		Serial       uint32 `json:"serial"`
		PINRetries   int    `json:"pin_retries"`
		Certificates []struct {
			Slot   string `json:"slot"`
			SHA256 string `json:"sha256"`
		} `json:"certificates"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("status: %d\n%s%s", code, out, errOut)
	}
	sum := sha256.Sum256(tok.SlotCertificate(0x9a).Raw)
	if st.Serial != tok.Serial() || st.PINRetries != 3 || len(st.Certificates) != 1 || st.Certificates[0].Slot != "9a" ||
		st.Certificates[0].SHA256 != fmt.Sprintf("%x", sum) {
		t.Fatalf("status %+v", st)
	}

	dir := t.TempDir()
	roots := writePEM(t, filepath.Join(dir, "roots.pem"), tok.AttestationRoot().Cert)
	out, errOut, code = pivtoken(t, "", "attest", "-slot", "9a", "-roots", roots)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("serial:\t%d", tok.Serial())) || !strings.Contains(out, "PIN policy:\tonce") {
		t.Fatalf("attest: %d\n%s%s", code, out, errOut)
	}
	out, _, code = pivtoken(t, "", "attest", "-slot", "9a", "-roots", roots, "-json")
	var a struct {
		Verified  bool   `json:"verified"`
		Serial    uint32 `json:"serial"`
		Slot      string `json:"slot"`
		PINPolicy string `json:"pin_policy"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &a) != nil || !a.Verified || a.Serial != tok.Serial() || a.Slot != "9a" || a.PINPolicy != "once" {
		t.Fatalf("attest -json: %d\n%s", code, out)
	}
	// Yubico's roots do not know the test root.
	if _, errOut, code = pivtoken(t, "", "attest", "-slot", "9a"); code != exitFailed || !strings.Contains(errOut, "configured root") {
		t.Fatalf("attest against Yubico's roots: %d %s", code, errOut)
	}

	in := filepath.Join(dir, "data")
	if err := os.WriteFile(in, []byte("signed by the token"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = pivtoken(t, vtoken.DefaultPIN+"\n", "sign", "-slot", "9a", "-in", in)
	sig, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(out))
	d := sha256.Sum256([]byte("signed by the token"))
	if code != exitOK || !ecdsa.VerifyASN1(tok.PublicKey(0x9a).(*ecdsa.PublicKey), d[:], sig) {
		t.Fatalf("sign: %d\n%s%s", code, out, errOut)
	}
	// The PIN stays verified until the token is reset (unplugged).
	tok.Reset()
	_, errOut, code = pivtoken(t, "000000\n", "sign", "-slot", "9a", "-in", in)
	if code != exitPIN || !strings.Contains(errOut, "2 tries left") {
		t.Fatalf("sign with a wrong PIN: %d %s", code, errOut)
	}
	if strings.Contains(errOut, "000000") {
		t.Error("the PIN was printed")
	}
}

func TestEnrollAndLogin(t *testing.T) {
	tok := serveToken(t, vtoken.Options{Empty: true})
	ca := makeOpenSSLCA(t)
	dir := t.TempDir()
	roots := writePEM(t, filepath.Join(dir, "roots.pem"), tok.AttestationRoot().Cert)
	certFile := filepath.Join(dir, "cert.pem")
	t.Setenv("PIVTOKEN_PIN", vtoken.DefaultPIN)
	out, errOut, code := pivtoken(t, "", "enroll", "-slot", "9a", "-ca", ca, "-mgm-key", "default", "-roots", roots,
		"-subject", "Alice Test", "-touch-policy", "cached", "-out", certFile)
	if code != exitOK || !strings.Contains(out, "enrolled slot 9a: CN=Alice Test") || !strings.Contains(out, "touch policy cached") {
		t.Fatalf("enroll: %d\n%s%s", code, out, errOut)
	}
	cert := tok.SlotCertificate(0x9a)
	if cert == nil || cert.Subject.CommonName != "Alice Test" || cert.Issuer.CommonName != "pivtoken test CA" {
		t.Fatalf("installed certificate %v", cert)
	}
	if out, errOut, code := pivtoken(t, "", "attest", "-slot", "9a", "-roots", roots); code != exitOK || !strings.Contains(out, "touch policy:\tcached") {
		t.Fatalf("attest after enroll: %d\n%s%s", code, out, errOut)
	}

	// The key in an access decision: attested with the test root, not
	// with Yubico's roots; only the attested key passes a service that
	// requires it.
	caRoots := filepath.Join(ca, "ca.pem")
	for _, tc := range []struct {
		args    []string
		allowed bool
	}{
		{[]string{"-roots", roots}, true},
		{nil, false},
	} {
		out, errOut, code := pivtoken(t, "", append([]string{"key", "-slot", "9a", "-ca-roots", caRoots, "-accepted", "-soft-fail"}, tc.args...)...)
		if code != exitOK {
			t.Fatalf("key: %d\n%s%s", code, out, errOut)
		}
		req := `{"application": "Dimona (sécurisé)", "portal": "securitesociale", "roles": ["designated-user"],
		  "designated_by": {"roles": ["access-manager"], "authorised": ["Dimona (sécurisé)"]},
		  "require_key_attributes": ["key-attested-non-exportable"], "key": ` + out + `}`
		r, err := levels.DecodeRequest(strings.NewReader(req), levels.DecodeOptions{})
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if d, err := levels.Decide(r); err != nil || d.Allowed != tc.allowed {
			t.Fatalf("key %s: allowed %v (error %v), want %v: %+v", out, d.Allowed, err, tc.allowed, d.Reasons)
		}
	}

	// mTLS login against a server that requires a certificate of the CA.
	caPEM, err := os.ReadFile(filepath.Join(ca, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AppendCertsFromPEM(caPEM)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.TLS.PeerCertificates[0].Subject.CommonName)
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: clientCAs}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	srvCA := writePEM(t, filepath.Join(dir, "server.pem"), srv.Certificate())
	out, errOut, code = pivtoken(t, "", "login", "-cacert", srvCA, srv.URL+"/whoami")
	if code != exitOK || !strings.Contains(out, "200 OK") || !strings.Contains(out, "hello Alice Test") {
		t.Fatalf("login: %d\n%s%s", code, out, errOut)
	}
	// The same server refuses a client without certificate: the key is what
	// logs in.
	c := srv.Client()
	if resp, err := c.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Fatal("the server let a client without certificate in")
	}
}
