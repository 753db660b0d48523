package crl_test

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/crl"
)

// opensslCA is a CA run by `openssl ca` in a temporary directory.
type opensslCA struct {
	t    *testing.T
	bin  string
	dir  string
	cert *x509.Certificate
}

const opensslConf = `[ ca ]
default_ca = testca
[ testca ]
dir = %[1]s
database = $dir/index.txt
new_certs_dir = $dir/certs
certificate = $dir/ca.pem
private_key = $dir/ca.key
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
default_days = 365
default_crl_days = 7
policy = anything
copy_extensions = none
x509_extensions = leaf
crl_extensions = crlext
unique_subject = no
[ anything ]
commonName = supplied
[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://crl.example.test/ca.crl
[ crlext ]
authorityKeyIdentifier = keyid:always
[ req ]
distinguished_name = dn
[ dn ]
[ v3_ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
`

func newOpenSSLCA(t *testing.T) *opensslCA {
	t.Helper()
	ca := &opensslCA{t: t, bin: testenv.Tool(t, "openssl"), dir: t.TempDir()}
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(ca.dir, "certs"), 0o700))
	must(os.WriteFile(filepath.Join(ca.dir, "index.txt"), nil, 0o600))
	must(os.WriteFile(filepath.Join(ca.dir, "serial"), []byte("1000\n"), 0o600))
	must(os.WriteFile(filepath.Join(ca.dir, "crlnumber"), []byte("20\n"), 0o600))
	must(os.WriteFile(filepath.Join(ca.dir, "openssl.cnf"), fmt.Appendf(nil, opensslConf, ca.dir), 0o600))
	ca.run("req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", "ca.key", "-out", "ca.pem", "-subj", "/C=BE/O=CRL Test/CN=OpenSSL Test CA",
		"-days", "30", "-extensions", "v3_ca")
	ca.cert = readCert(t, filepath.Join(ca.dir, "ca.pem"))
	return ca
}

func (ca *opensslCA) run(args ...string) string {
	ca.t.Helper()
	cmd := exec.Command(ca.bin, args...)
	cmd.Dir = ca.dir
	cmd.Env = append(os.Environ(), "OPENSSL_CONF="+filepath.Join(ca.dir, "openssl.cnf"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		ca.t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// issue makes a leaf certificate and returns its file name and parsed form.
func (ca *opensslCA) issue(name string) (string, *x509.Certificate) {
	ca.t.Helper()
	ca.run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
		"-keyout", name+".key", "-out", name+".csr", "-subj", "/CN="+name)
	ca.run("ca", "-batch", "-config", "openssl.cnf", "-in", name+".csr", "-out", name+".pem")
	return name + ".pem", readCert(ca.t, filepath.Join(ca.dir, name+".pem"))
}

// gencrl writes a CRL and returns its path.
func (ca *opensslCA) gencrl(name string) string {
	ca.t.Helper()
	ca.run("ca", "-batch", "-config", "openssl.cnf", "-gencrl", "-crlhours", "24", "-out", name)
	return filepath.Join(ca.dir, name)
}

func readCert(t testing.TB, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, _ := pem.Decode(b); p != nil {
		b = p.Bytes
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// opensslEntry is an entry as `openssl crl -text` prints it.
type opensslEntry struct {
	reason     string
	invalidity bool
}

var (
	reSerial = regexp.MustCompile(`^\s+Serial Number: ([0-9A-F]+)$`)
	reReason = regexp.MustCompile(`^\s+X509v3 CRL Reason Code:`)
	reInval  = regexp.MustCompile(`^\s+Invalidity Date:`)
)

// opensslEntries reads the entries of a CRL file with `openssl crl -text`.
func (ca *opensslCA) opensslEntries(path string) map[string]opensslEntry {
	ca.t.Helper()
	out := ca.run("crl", "-in", path, "-noout", "-text")
	entries := map[string]opensslEntry{}
	var cur string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := reSerial.FindStringSubmatch(line); m != nil {
			cur = strings.TrimLeft(m[1], "0")
			entries[cur] = opensslEntry{}
			continue
		}
		if cur == "" {
			continue
		}
		switch {
		case reReason.MatchString(line) && sc.Scan():
			e := entries[cur]
			e.reason = strings.TrimSpace(sc.Text())
			entries[cur] = e
		case reInval.MatchString(line):
			e := entries[cur]
			e.invalidity = true
			entries[cur] = e
		}
	}
	return entries
}

// opensslReasons maps our reasons to openssl's texts.
var opensslReasons = map[crl.Reason]string{
	crl.ReasonAbsent:               "",
	crl.ReasonUnspecified:          "Unspecified",
	crl.ReasonKeyCompromise:        "Key Compromise",
	crl.ReasonCACompromise:         "CA Compromise",
	crl.ReasonAffiliationChanged:   "Affiliation Changed",
	crl.ReasonSuperseded:           "Superseded",
	crl.ReasonCessationOfOperation: "Cessation Of Operation",
	crl.ReasonCertificateHold:      "Certificate Hold",
	crl.ReasonRemoveFromCRL:        "Remove From CRL",
	crl.ReasonPrivilegeWithdrawn:   "Privilege Withdrawn",
	crl.ReasonAACompromise:         "AA Compromise",
}

// crossCheck compares every entry of our index with openssl's reading.
func crossCheck(t *testing.T, ca *opensslCA, path string, c *crl.CRL) {
	t.Helper()
	want := ca.opensslEntries(path)
	if c.Index.Len() != len(want) {
		t.Errorf("%s: index has %d entries, openssl lists %d", filepath.Base(path), c.Index.Len(), len(want))
	}
	for serial, e := range c.Index.All() {
		key := strings.ToUpper(strings.TrimLeft(fmt.Sprintf("%x", serial), "0"))
		w, ok := want[key]
		if !ok {
			t.Errorf("serial %s not listed by openssl", key)
			continue
		}
		if got := opensslReasons[e.Reason]; got != w.reason {
			t.Errorf("serial %s: reason %q, openssl says %q", key, got, w.reason)
		}
		if !e.InvalidityDate.IsZero() != w.invalidity {
			t.Errorf("serial %s: invalidity date %v, openssl shows one: %v", key, e.InvalidityDate, w.invalidity)
		}
	}
}

// TestOpenSSLCRL revokes certificates with `openssl ca` (keyCompromise,
// certificateHold, a compromise time giving an invalidity date,
// superseded), generates CRLs and a delta CRL with openssl, and checks our
// reading entry by entry against `openssl crl -text`, then the status of
// every certificate.
func TestOpenSSLCRL(t *testing.T) {
	ca := newOpenSSLCA(t)
	goodFile, good := ca.issue("good")
	kcFile, kc := ca.issue("keycompromise")
	holdFile, hold := ca.issue("hold")
	compFile, comp := ca.issue("compromised")
	supFile, sup := ca.issue("superseded")
	_ = goodFile
	ca.run("ca", "-config", "openssl.cnf", "-revoke", kcFile, "-crl_reason", "keyCompromise")
	ca.run("ca", "-config", "openssl.cnf", "-revoke", holdFile, "-crl_hold", "holdInstructionReject")
	ca.run("ca", "-config", "openssl.cnf", "-revoke", compFile, "-crl_compromise", "20250102030405Z")
	basePath := ca.gencrl("base.crl")
	ca.run("ca", "-config", "openssl.cnf", "-revoke", supFile, "-crl_reason", "superseded")
	newerPath := ca.gencrl("newer.crl")
	deltaPath := filepath.Join(ca.dir, "delta.crl")
	ca.run("crl", "-in", basePath, "-gendelta", newerPath, "-key", "ca.key", "-sha256", "-out", deltaPath)
	// openssl signs a delta with SHA-1 unless told otherwise: refused by
	// default, accepted with AllowSHA1.
	sha1Path := filepath.Join(ca.dir, "delta-sha1.crl")
	ca.run("crl", "-in", basePath, "-gendelta", newerPath, "-key", "ca.key", "-out", sha1Path)
	if b, err := os.ReadFile(sha1Path); err != nil {
		t.Fatal(err)
	} else if c, err := crl.Parse(b); err != nil {
		t.Fatal(err)
	} else if !crl.IsSHA1(c.SignatureAlgorithm) {
		t.Fatalf("openssl signed the delta with %v, not SHA-1", c.SignatureAlgorithm)
	} else if err := c.Verify(ca.cert, crl.VerifyOptions{}); !errors.Is(err, errBadSignature) || !strings.Contains(err.Error(), "SHA-1") {
		t.Fatalf("SHA-1 delta: %v, want bad-signature (SHA-1 refused)", err)
	} else if err := c.Verify(ca.cert, crl.VerifyOptions{AllowSHA1: true}); err != nil {
		t.Fatalf("SHA-1 delta with AllowSHA1: %v", err)
	}
	// A DER copy: Parse takes both forms.
	ca.run("crl", "-in", basePath, "-outform", "DER", "-out", "base.der")

	load := func(path string) *crl.CRL {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		c, err := crl.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if err := c.Verify(ca.cert, crl.VerifyOptions{}); err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		return c
	}
	base, newer, delta := load(basePath), load(newerPath), load(deltaPath)
	ca.run("crl", "-in", basePath, "-text", "-out", "base-text.pem")
	baseDER := load(filepath.Join(ca.dir, "base.der"))
	baseText := load(filepath.Join(ca.dir, "base-text.pem"))
	if !bytes.Equal(base.Raw, baseDER.Raw) || !bytes.Equal(base.Raw, baseText.Raw) {
		t.Error("PEM, DER and text+PEM forms parse to different CRLs")
	}

	t.Run("cross-check base", func(t *testing.T) { crossCheck(t, ca, basePath, base) })
	t.Run("cross-check newer", func(t *testing.T) { crossCheck(t, ca, newerPath, newer) })
	t.Run("cross-check delta", func(t *testing.T) { crossCheck(t, ca, deltaPath, delta) })

	t.Run("header", func(t *testing.T) {
		if base.Number == nil || base.Number.Int64() != 0x20 || newer.Number.Int64() != 0x21 {
			t.Errorf("cRLNumbers %v %v", base.Number, newer.Number)
		}
		if !bytes.Equal(base.AuthorityKeyID, ca.cert.SubjectKeyId) {
			t.Errorf("AKI %x, CA SKI %x", base.AuthorityKeyID, ca.cert.SubjectKeyId)
		}
		if !delta.IsDelta() || delta.DeltaBase.Cmp(base.Number) != 0 || delta.Index.Len() != 1 {
			t.Errorf("delta: base %v, %d entries", delta.DeltaBase, delta.Index.Len())
		}
		if d := base.NextUpdate.Sub(base.ThisUpdate); d != 24*time.Hour {
			t.Errorf("validity %v, want 24h", d)
		}
	})

	tests := []struct {
		name   string
		cert   *x509.Certificate
		delta  *crl.CRL
		status crl.Status
		reason crl.Reason
	}{
		{"good", good, nil, crl.StatusGood, 0},
		{"keyCompromise", kc, nil, crl.StatusRevoked, crl.ReasonKeyCompromise},
		{"certificateHold is suspended", hold, nil, crl.StatusSuspended, crl.ReasonCertificateHold},
		{"compromise time", comp, nil, crl.StatusRevoked, crl.ReasonKeyCompromise},
		{"superseded after base", sup, nil, crl.StatusGood, 0},
		{"superseded with delta", sup, delta, crl.StatusRevoked, crl.ReasonSuperseded},
		{"hold with delta from base", hold, delta, crl.StatusSuspended, crl.ReasonCertificateHold},
		{"good with delta", good, delta, crl.StatusGood, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := base.CheckWithDelta(tt.cert, tt.delta)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.status {
				t.Fatalf("status %v, want %v", res.Status, tt.status)
			}
			if tt.status != crl.StatusGood && res.Entry.Reason != tt.reason {
				t.Errorf("reason %v, want %v", res.Entry.Reason, tt.reason)
			}
			if res.FromDelta != (tt.delta != nil && tt.name == "superseded with delta") {
				t.Errorf("FromDelta %v", res.FromDelta)
			}
		})
	}
	t.Run("invalidity date", func(t *testing.T) {
		res, _ := base.Check(comp)
		want := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
		if !res.Entry.InvalidityDate.Equal(want) {
			t.Errorf("invalidity date %v, want %v", res.Entry.InvalidityDate, want)
		}
		if res.Entry.RevocationTime.Before(time.Now().Add(-time.Hour)) {
			t.Errorf("revocation time %v", res.Entry.RevocationTime)
		}
	})
	t.Run("delta alone", func(t *testing.T) {
		if _, err := delta.Check(sup); !isScope(err) {
			t.Errorf("delta alone: %v", err)
		}
	})
	t.Run("serials", func(t *testing.T) {
		for _, c := range []*x509.Certificate{kc, hold, comp} {
			if _, ok := base.Index.Lookup(c.SerialNumber); !ok {
				t.Errorf("serial %x missing", c.SerialNumber)
			}
		}
		if _, ok := base.Index.Lookup(new(big.Int).Add(kc.SerialNumber, big.NewInt(100))); ok {
			t.Error("unlisted serial found")
		}
	})
}
