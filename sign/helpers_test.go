package sign_test

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// env is a test PKI (package testpki), the openssl tool, and a TSA.
type env struct {
	t       testing.TB
	openssl string
	p       *testpki.PKI
	now     time.Time
}

func newEnv(t testing.TB) *env {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Second)
	return &env{t: t, openssl: testenv.Tool(t, "openssl"), p: testpki.New(t, testpki.Options{Now: now}), now: now}
}

// signCert issues a qualified citizen signature certificate (QcCompliance,
// QcSSCD, esign) valid from 48 hours ago, recorded as valid in the CA
// database.
func (e *env) signCert(name string) *testpki.Cert {
	e.t.Helper()
	c := e.p.Issue(e.t, name, e.p.CA, &x509.Certificate{
		Subject:   pkix.Name{Country: []string{"BE"}, CommonName: name + " (Signature)", SerialNumber: "71715100070"},
		NotBefore: e.now.Add(-48 * time.Hour), NotAfter: e.now.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment, Policies: e.p.Sign.Cert.Policies,
		CRLDistributionPoints: []string{e.p.CRLURL}, OCSPServer: []string{e.p.OCSPURL},
		ExtraExtensions: []pkix.Extension{testpki.QCStatements(true)},
	})
	e.p.OpenSSLCA(e.t, e.openssl, "-valid", c.CertPath)
	return c
}

// revokeAt marks c revoked at the given time in the CA database (openssl
// ca -revoke would use the current time).
func (e *env) revokeAt(c *testpki.Cert, at time.Time) {
	e.t.Helper()
	path := filepath.Join(e.p.Dir, "index.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		e.t.Fatal(err)
	}
	serial := fmt.Sprintf("\t%X\t", c.Cert.SerialNumber)
	lines := strings.Split(string(b), "\n")
	found := false
	for i, l := range lines {
		if !strings.Contains(l, serial) {
			continue
		}
		f := strings.Split(l, "\t")
		f[0], f[2] = "R", at.UTC().Format("060102150405Z")+",keyCompromise"
		lines[i], found = strings.Join(f, "\t"), true
	}
	if !found {
		e.t.Fatalf("serial %X not in the CA database", c.Cert.SerialNumber)
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// crlOptions validates against the Citizen CA's CRL from openssl ca
// -gencrl, offline.
func (e *env) crlOptions() x509check.Options {
	e.t.Helper()
	chk, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: [][]byte{e.p.GenCRL(e.t, 48)}, Offline: true})
	if err != nil {
		e.t.Fatal(err)
	}
	o := trusting(x509check.CRLOnly, e.p.Root.Cert)
	o.Offline, o.CRL = true, chk
	return o
}

func (e *env) verifier(o sign.VerifyOptions) *sign.Verifier {
	e.t.Helper()
	v, err := sign.NewVerifier(o)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// trusting returns validation options with the given roots and
// revocation policy: the one place the tests say how roots are given
// (a pool or a slice, as x509check.Options takes them).
func trusting(p x509check.RevocationPolicy, roots ...*x509.Certificate) x509check.Options {
	o := x509check.Options{Revocation: p}
	switch r := any(&o.Roots).(type) {
	case **x509.CertPool:
		*r = pool(roots...)
	case *[]*x509.Certificate:
		*r = roots
	}
	return o
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// tsa is an RFC 3161 time-stamping authority: `openssl ts -reply` with
// its own configuration and TSA certificate, served over HTTP.
type tsa struct {
	URL  string
	Root *testpki.Cert
	Cert *testpki.Cert
	mu   sync.Mutex
	n    int
}

var oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

func (e *env) startTSA() *tsa {
	t := e.t
	t.Helper()
	dir := t.TempDir()
	root := e.p.Issue(t, "tsa-root", nil, &x509.Certificate{
		Subject:   pkix.Name{Country: []string{"BE"}, CommonName: "Test TSA Root"},
		NotBefore: e.now.Add(-72 * time.Hour), NotAfter: e.now.Add(10 * 365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	})
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamping})
	cert := e.p.Issue(t, "tsa", root, &x509.Certificate{
		Subject:   pkix.Name{Country: []string{"BE"}, CommonName: "Test TSU 1"},
		NotBefore: e.now.Add(-72 * time.Hour), NotAfter: e.now.Add(5 * 365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
		// RFC 3161 2.3: the only extended key usage, critical (openssl ts
		// refuses a signer without it).
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	})
	conf := fmt.Sprintf(`[ tsa ]
default_tsa = tsa1
[ tsa1 ]
dir = %s
serial = $dir/serial
crypto_device = builtin
signer_cert = %s
signer_key = %s
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`, dir, cert.CertPath, cert.KeyPath)
	cfg := filepath.Join(dir, "tsa.cnf")
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "serial"), []byte("01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &tsa{Root: root, Cert: cert}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if err != nil || r.Method != http.MethodPost {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.n++
		q, out := filepath.Join(dir, fmt.Sprintf("q%d.tsq", s.n)), filepath.Join(dir, fmt.Sprintf("r%d.tsr", s.n))
		if err := os.WriteFile(q, body, 0o600); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		cmd := exec.Command(e.openssl, "ts", "-reply", "-config", cfg, "-queryfile", q, "-out", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			http.Error(w, fmt.Sprintf("openssl ts: %v: %s", err, b), http.StatusInternalServerError)
			return
		}
		resp, err := os.ReadFile(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/timestamp-reply")
		w.Write(resp)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// opensslVerify runs `openssl cms -verify` on a DER signature.
func (e *env) opensslVerify(sig, content []byte, root *x509.Certificate) ([]byte, error) {
	dir := e.t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			e.t.Fatal(err)
		}
		return p
	}
	args := []string{"cms", "-verify", "-inform", "DER", "-in", write("sig.der", sig), "-binary",
		"-CAfile", write("root.pem", pemCert(root)), "-purpose", "any", "-out", filepath.Join(dir, "out")}
	if content != nil {
		args = append(args, "-content", write("content", content))
	}
	out, err := exec.Command(e.openssl, args...).CombinedOutput()
	if err != nil {
		return out, err
	}
	got, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		return nil, err
	}
	if want := content; want != nil && !bytes.Equal(got, want) {
		return got, fmt.Errorf("openssl wrote other content than signed")
	}
	return got, nil
}

func pemCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// countingSigner counts the calls that reach the key.
type countingSigner struct {
	crypto.Signer
	calls int
}

func (c *countingSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	c.calls++
	return c.Signer.Sign(r, digest, opts)
}

// opensslSign signs content with `openssl cms -sign` (the CA certificate
// added), detached or enveloping, with or without signed attributes.
func (e *env) opensslSign(c *testpki.Cert, detached, attrs bool, content []byte, extra ...string) []byte {
	e.t.Helper()
	dir := e.t.TempDir()
	in, out := filepath.Join(dir, "msg"), filepath.Join(dir, "sig.der")
	if err := os.WriteFile(in, content, 0o600); err != nil {
		e.t.Fatal(err)
	}
	args := []string{"cms", "-sign", "-binary", "-in", in, "-signer", c.CertPath, "-inkey", c.KeyPath,
		"-certfile", e.p.CA.CertPath, "-outform", "DER", "-out", out, "-md", "sha256"}
	if !detached {
		args = append(args, "-nodetach")
	}
	if !attrs {
		args = append(args, "-noattr")
	}
	args = append(args, extra...)
	if b, err := exec.Command(e.openssl, args...).CombinedOutput(); err != nil {
		e.t.Fatalf("openssl %v: %v\n%s", args, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}
