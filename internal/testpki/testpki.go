// Package testpki builds, at test time, a small Belgian-like PKI (a root, a
// Citizen CA, citizen authentication and signature certificates with the
// real Belgian eID policy OIDs and QCStatements, an RRN certificate and a
// delegated OCSP responder), keeps it in an OpenSSL CA database, and runs
// the real OpenSSL tools on it: `openssl ca -revoke` (with a reason or on
// hold), `openssl ca -gencrl` and an `openssl ocsp` responder on loopback.
//
// The hierarchy itself comes from [Hierarchy], which the virtual card
// (package eid/vcard) builds its certificates with too, and test files
// issue their own certificates with [IssueWith] or [MustIssue]. The package
// does not import testing: its helpers take a [TB], which a *testing.T is.
package testpki

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/csam-go/csam/internal/beoid"
	"github.com/csam-go/csam/internal/testenv"
)

// TB is the part of TB the helpers use.
type TB = testenv.TB

// Cert is a certificate with its key and the files holding them (PEM).
type Cert struct {
	Cert     *x509.Certificate
	Key      crypto.Signer
	CertPath string
	KeyPath  string
}

// PKI is the generated hierarchy.
type PKI struct {
	Dir     string
	OCSPURL string // address in the leaves' AIA
	CRLURL  string // address in the leaves' CRL distribution point

	Root      *Cert // "Belgium Test Root CA6", self-signed
	CA        *Cert // "Citizen Test CA", issued by Root
	Auth      *Cert // citizen authentication certificate (good)
	Sign      *Cert // citizen signature certificate, qualified (good)
	RRN       *Cert // RRN certificate, issued by Root
	Revoked   *Cert // citizen authentication certificate, revoked (keyCompromise)
	Held      *Cert // citizen signature certificate, on hold
	Responder *Cert // delegated OCSP responder of CA (id-kp-OCSPSigning, ocsp-nocheck)
	Other     *Cert // an OCSP signing certificate issued by Root, not by CA

	serial int64
}

// Options shape the PKI. Zero values: a free loopback port for OCSP, and
// the current time.
type Options struct {
	OCSPPort int       // port of the OCSP address in the leaves' AIA
	Now      time.Time // certificates are valid from Now-1h for a year
}

// RootPin is the SPKI SHA-256 pin (hexadecimal) of Root, for
// x509check.Options.ExtraBelgianPins and certcheck -belgian-pin: the test
// root then counts as a Belgian eID root.
func (p *PKI) RootPin() string {
	h := sha256.Sum256(p.Root.Cert.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(h[:])
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// New builds the PKI in a temporary folder and records every leaf in an
// OpenSSL CA database (openssl ca -valid), revoking Revoked (keyCompromise)
// and holding Held (certificateHold) with openssl ca. It needs openssl.
func New(t TB, o Options) *PKI {
	t.Helper()
	openssl := testenv.Tool(t, "openssl")
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.OCSPPort == 0 {
		o.OCSPPort = FreePort(t)
	}
	p := &PKI{Dir: t.TempDir(), serial: 0x1000}
	p.OCSPURL = "http://127.0.0.1:" + strconv.Itoa(o.OCSPPort)
	p.CRLURL = "http://127.0.0.1:" + strconv.Itoa(o.OCSPPort) + "/citizen.crl"
	nb, na := o.Now.Add(-time.Hour), o.Now.Add(365*24*time.Hour)

	keys := Keys{Root: newKey(t, elliptic.P384()), CA: newKey(t, elliptic.P384()),
		Auth: newKey(t, elliptic.P256()), Sign: newKey(t, elliptic.P256()), RRN: newKey(t, elliptic.P256())}
	h := &Hierarchy{Keys: keys, Generation: beoid.CA6,
		RootName: "Belgium Test Root CA6", CASerialNumber: "202601", RRNName: "RRN",
		Citizen: func(k beoid.Kind) pkix.Name {
			if k == beoid.CitizenSignature {
				return citizen("Alice Test (Signature)")
			}
			return citizen("Alice Test (Authentication)")
		},
		NotBefore: nb, CANotBefore: nb.Add(-24 * time.Hour), CANotAfter: na.Add(10 * 365 * 24 * time.Hour), NotAfter: na,
		OCSPURL: p.OCSPURL, CRLURL: p.CRLURL,
		Serial: func(string) *big.Int { p.serial++; return big.NewInt(p.serial) },
	}
	chain, err := h.Build()
	if err != nil {
		t.Fatal(err)
	}
	p.Root = p.save(t, "root", chain.Root, keys.Root)
	p.CA = p.save(t, "ca", chain.CA, keys.CA)
	p.Auth = p.save(t, "auth", chain.Auth, keys.Auth)
	p.Sign = p.save(t, "sign", chain.Sign, keys.Sign)
	p.RRN = p.save(t, "rrn", chain.RRN, keys.RRN)
	p.Revoked = p.Issue(t, "revoked", p.CA, h.CitizenTemplate(beoid.CitizenAuthentication, citizen("Bob Test (Authentication)")))
	p.Held = p.Issue(t, "held", p.CA, h.CitizenTemplate(beoid.CitizenSignature, citizen("Carol Test (Signature)")))
	responder := func(cn string) *x509.Certificate {
		return &x509.Certificate{
			Subject:   pkix.Name{Country: []string{"BE"}, CommonName: cn},
			NotBefore: nb, NotAfter: na,
			KeyUsage:        x509.KeyUsageDigitalSignature,
			ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
			ExtraExtensions: []pkix.Extension{{Id: oidOCSPNoCheck, Value: []byte{0x05, 0x00}}},
		}
	}
	p.Responder = p.Issue(t, "responder", p.CA, responder("Citizen Test CA OCSP Responder"))
	p.Other = p.Issue(t, "other", p.Root, responder("Some Other OCSP Responder"))

	// The CA database of the Citizen CA, kept by openssl itself.
	WriteCADatabase(t, p.Dir)
	for _, c := range []*Cert{p.Auth, p.Sign, p.Revoked, p.Held, p.Responder} {
		p.OpenSSLCA(t, openssl, "-valid", c.CertPath)
	}
	p.OpenSSLCA(t, openssl, "-revoke", p.Revoked.CertPath, "-crl_reason", "keyCompromise")
	p.OpenSSLCA(t, openssl, "-revoke", p.Held.CertPath, "-crl_hold", "holdInstructionReject")
	return p
}

// OpenSSLCA runs `openssl ca` on the Citizen CA's database with args.
func (p *PKI) OpenSSLCA(t TB, openssl string, args ...string) []byte {
	t.Helper()
	return RunCA(t, openssl, p.Dir, args...)
}

// WriteCADatabase writes in dir the configuration (ca.cnf) and an empty
// database (index.txt) of `openssl ca` for the CA whose certificate and
// key are the files ca.pem and ca.key there. RunCA then records,
// revokes and makes CRLs, and `openssl ocsp` (RunOCSP) answers from the
// database.
func WriteCADatabase(t TB, dir string) {
	t.Helper()
	conf := fmt.Sprintf(`[ ca ]
default_ca = testca
[ testca ]
dir = %s
database = $dir/index.txt
new_certs_dir = $dir
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_crl_days = 1
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
`, dir)
	write(t, filepath.Join(dir, "ca.cnf"), []byte(conf))
	write(t, filepath.Join(dir, "index.txt"), nil)
	write(t, filepath.Join(dir, "index.txt.attr"), []byte("unique_subject = no\n"))
	write(t, filepath.Join(dir, "serial"), []byte("2000\n"))
	write(t, filepath.Join(dir, "crlnumber"), []byte("01\n"))
}

// RunCA runs `openssl ca -batch` in dir with the configuration
// WriteCADatabase wrote there, and args.
func RunCA(t TB, openssl, dir string, args ...string) []byte {
	t.Helper()
	all := append([]string{"ca", "-batch", "-config", filepath.Join(dir, "ca.cnf")}, args...)
	cmd := exec.Command(openssl, all...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s", all, err, out)
	}
	return out
}

// GenCRL makes a CRL of the Citizen CA with `openssl ca -gencrl` valid for
// hours, and returns it in DER.
func (p *PKI) GenCRL(t TB, hours int) []byte {
	t.Helper()
	openssl := testenv.Tool(t, "openssl")
	out := filepath.Join(p.Dir, "citizen.crl.pem")
	p.OpenSSLCA(t, openssl, "-gencrl", "-crlhours", strconv.Itoa(hours), "-out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("openssl -gencrl wrote no PEM CRL")
	}
	return blk.Bytes
}

// Responder is a running `openssl ocsp` responder.
type Responder struct {
	URL string
	cmd *exec.Cmd
	log *syncBuffer
}

// Requests returns the number of requests the responder received (from
// its log).
func (r *Responder) Requests() int {
	return strings.Count(r.log.String(), "Received request")
}

// StartOCSP runs `openssl ocsp` on the CA database, signing with the
// delegated responder certificate, on the port of p.OCSPURL; nmin > 0 sets
// nextUpdate to nmin minutes after thisUpdate (0 omits nextUpdate). It
// waits until the responder accepts connections and stops it when the test
// ends.
func (p *PKI) StartOCSP(t TB, nmin int) *Responder {
	t.Helper()
	port, err := strconv.Atoi(p.OCSPURL[len("http://127.0.0.1:"):])
	if err != nil {
		t.Fatal(err)
	}
	return RunOCSP(t, OCSPConfig{Index: filepath.Join(p.Dir, "index.txt"), Signer: p.Responder.CertPath,
		SignerKey: p.Responder.KeyPath, CA: p.CA.CertPath, Port: port, NextUpdateMinutes: nmin})
}

// OCSPConfig is what `openssl ocsp` is run with: the CA database (an
// `openssl ca` index file), the signer's certificate and key files (the
// CA's own, or a delegated responder's), the CA certificate file, the port
// on 127.0.0.1, and the minutes from thisUpdate to nextUpdate (0 omits
// nextUpdate).
type OCSPConfig struct {
	Index, Signer, SignerKey, CA string
	Port                         int
	NextUpdateMinutes            int
}

// RunOCSP runs `openssl ocsp` as c says, waits until it accepts
// connections and stops it when the test ends.
func RunOCSP(t TB, c OCSPConfig) *Responder {
	t.Helper()
	openssl := testenv.Tool(t, "openssl")
	port := strconv.Itoa(c.Port)
	args := []string{"ocsp", "-index", c.Index, "-port", port,
		"-rsigner", c.Signer, "-rkey", c.SignerKey, "-CA", c.CA, "-ignore_err"}
	if c.NextUpdateMinutes > 0 {
		args = append(args, "-nmin", strconv.Itoa(c.NextUpdateMinutes))
	}
	cmd := exec.Command(openssl, args...)
	logb := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logb, logb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var exited atomic.Bool
	done := make(chan struct{})
	go func() { cmd.Wait(); exited.Store(true); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
	})
	// Wait for the listening message: a probe connection would block the
	// single-threaded responder.
	// The bound is generous: on a loaded CI machine openssl may take
	// seconds to load its keys; it only stops a test whose responder
	// cannot start at all.
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(logb.String(), "waiting for OCSP client connections") {
		if exited.Load() || time.Now().After(deadline) {
			t.Fatalf("openssl ocsp did not start on port %s:\n%s", port, logb.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return &Responder{URL: "http://127.0.0.1:" + port, cmd: cmd, log: logb}
}

// Issue makes a certificate from tmpl signed by parent (nil: self-signed)
// with a fresh P-256 key and the next serial number, written as name.pem
// and name.key in p.Dir.
func (p *PKI) Issue(t TB, name string, parent *Cert, tmpl *x509.Certificate) *Cert {
	t.Helper()
	key := newKey(t, elliptic.P256())
	p.serial++
	tmpl.SerialNumber = big.NewInt(p.serial)
	signer, issuer := crypto.Signer(key), (*x509.Certificate)(nil)
	if parent != nil {
		signer, issuer = parent.Key, parent.Cert
	}
	c, err := IssueWith(nil, tmpl, issuer, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	return p.save(t, name, c, key)
}

// save writes c and key as name.pem and name.key in p.Dir.
func (p *PKI) save(t TB, name string, c *x509.Certificate, key crypto.Signer) *Cert {
	t.Helper()
	kd, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	out := &Cert{Cert: c, Key: key,
		CertPath: filepath.Join(p.Dir, name+".pem"), KeyPath: filepath.Join(p.Dir, name+".key")}
	write(t, out.CertPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	write(t, out.KeyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}))
	return out
}

func newKey(t TB, curve elliptic.Curve) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func citizen(cn string) pkix.Name {
	return pkix.Name{Country: []string{"BE"}, CommonName: cn, SerialNumber: "71715100070"}
}

func write(t TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
