package main

// The attacks of issue 17, built here with Go, through certcheck: each is
// refused with exit status 1 (2 for unreadable input) and a message that
// names the reason.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
)

// attackCPU bounds the CPU time certcheck may spend refusing one attack.
// Each is refused at a cost linear in its input (the largest, 7 and 8 MB,
// take under half a second of CPU under the race detector); the
// regressions this guards against cost far more: indexing a CRL that
// lists one serial 200,000 times with a probe of the whole run per repeat
// is quadratic (over 10 s), path building over forty look-alike CAs
// exponential. The bound is on CPU time, not on the wall clock, which a
// loaded machine stretches several times over.
const attackCPU = 2 * time.Second

// gkc is a Go-made certificate, its key and its PEM file.
type gkc struct {
	cert *x509.Certificate
	key  crypto.Signer
	path string
}

type goPKI struct {
	t      *testing.T
	dir    string
	now    time.Time
	serial int64
}

func (g *goPKI) issue(name string, tmpl *x509.Certificate, parent *gkc, key crypto.Signer) *gkc {
	g.t.Helper()
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			g.t.Fatal(err)
		}
		key = k
	}
	g.serial++
	tmpl.SerialNumber = big.NewInt(g.serial)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = g.now.Add(-2*time.Hour), g.now.Add(24*time.Hour)
	}
	signer, pc := key, tmpl
	if parent != nil {
		signer, pc = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pc, key.Public(), signer)
	if err != nil {
		g.t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		g.t.Fatal(err)
	}
	p := filepath.Join(g.dir, name+".pem")
	writePEM(g.t, p, c)
	return &gkc{cert: c, key: key, path: p}
}

func (g *goPKI) ca(name, cn string, parent *gkc, mod ...func(*x509.Certificate)) *gkc {
	tmpl := &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, CommonName: cn}, IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	for _, m := range mod {
		m(tmpl)
	}
	return g.issue(name, tmpl, parent, nil)
}

func (g *goPKI) leaf(name string, parent *gkc, mod ...func(*x509.Certificate)) *gkc {
	tmpl := &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, CommonName: name},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	for _, m := range mod {
		m(tmpl)
	}
	return g.issue(name, tmpl, parent, nil)
}

func (g *goPKI) write(name string, b []byte) string {
	g.t.Helper()
	p := filepath.Join(g.dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		g.t.Fatal(err)
	}
	return p
}

// crl writes a CRL of ca numbered n listing entries.
func (g *goPKI) crl(name string, ca *gkc, n int64, entries ...x509.RevocationListEntry) string {
	g.t.Helper()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(n),
		ThisUpdate: g.now.Add(-time.Duration(10-n) * time.Minute), NextUpdate: g.now.Add(time.Hour),
		RevokedCertificateEntries: entries}, ca.cert, ca.key)
	if err != nil {
		g.t.Fatal(err)
	}
	return g.write(name, der)
}

// ocspResp writes an OCSP response about leaf signed by signer (the
// issuer or a delegated responder).
func (g *goPKI) ocspResp(name string, leaf, issuer, signer *gkc, status int, age time.Duration, alg x509.SignatureAlgorithm) string {
	g.t.Helper()
	tmpl := ocsp.Response{Status: status, SerialNumber: leaf.cert.SerialNumber, ThisUpdate: g.now.Add(-age),
		NextUpdate: g.now.Add(time.Hour), SignatureAlgorithm: alg}
	if signer != issuer {
		tmpl.Certificate = signer.cert
	}
	if status == ocsp.Revoked {
		tmpl.RevokedAt, tmpl.RevocationReason = g.now.Add(-age-time.Minute), ocsp.KeyCompromise
	}
	der, err := ocsp.CreateResponse(issuer.cert, signer.cert, tmpl, signer.key)
	if err != nil {
		g.t.Fatal(err)
	}
	return g.write(name, der)
}

func TestAttacksRefused(t *testing.T) {
	g := &goPKI{t: t, dir: t.TempDir(), now: time.Now().UTC().Truncate(time.Second), serial: 10}
	at := g.now.Format(time.RFC3339)
	root := g.ca("root", "Attack Root", nil)
	ca := g.ca("ca", "Attack CA", root)
	base := []string{"-roots", root.path, "-intermediates", ca.path, "-at", at, "-json"}
	args := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	noRev := args("-revocation", "none")

	// Item 3: EKU.
	codeSigning := g.leaf("codesigning", ca, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning} })
	serverAuth := g.leaf("serverauth", ca, func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} })

	// Items 4, 5: OCSP and CRL freshness, key compromise backdating.
	leaf := g.leaf("leaf", ca)
	oldGood := g.ocspResp("old-good.ocsp", leaf, ca, ca, ocsp.Good, 2*time.Hour, x509.ECDSAWithSHA256)
	newRevoked := g.ocspResp("new-revoked.ocsp", leaf, ca, ca, ocsp.Revoked, 10*time.Minute, x509.ECDSAWithSHA256)
	sha1Resp := g.ocspResp("sha1.ocsp", leaf, ca, ca, ocsp.Good, 10*time.Minute, x509.ECDSAWithSHA1)
	oldCRL := g.crl("old.crl", ca, 1)
	newCRL := g.crl("new.crl", ca, 2, x509.RevocationListEntry{SerialNumber: leaf.cert.SerialNumber,
		RevocationTime: g.now.Add(-5 * time.Minute), ReasonCode: 4})
	kcCRL := g.crl("kc.crl", ca, 3, x509.RevocationListEntry{SerialNumber: leaf.cert.SerialNumber,
		RevocationTime: g.now.Add(time.Hour), ReasonCode: 1})

	// Item 6: a delegated responder without nocheck nor distribution
	// point, revoked on a CRL given with -crl; one with an unknown critical
	// extension.
	responder := func(name string, exts ...pkix.Extension) *gkc {
		return g.leaf(name, ca, func(c *x509.Certificate) {
			c.ExtKeyUsage, c.KeyUsage, c.ExtraExtensions = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, x509.KeyUsageDigitalSignature, exts
		})
	}
	revokedResponder := responder("revoked-responder")
	criticalResponder := responder("critical-responder",
		pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}, Value: []byte{5, 0}},
		pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7}, Critical: true, Value: []byte{5, 0}})
	byRevokedResponder := g.ocspResp("by-revoked-responder.ocsp", leaf, ca, revokedResponder, ocsp.Good, time.Minute, x509.ECDSAWithSHA256)
	byCriticalResponder := g.ocspResp("by-critical-responder.ocsp", leaf, ca, criticalResponder, ocsp.Good, time.Minute, x509.ECDSAWithSHA256)
	responderCRL := g.crl("responder.crl", ca, 4, x509.RevocationListEntry{SerialNumber: revokedResponder.cert.SerialNumber,
		RevocationTime: g.now.Add(-time.Hour), ReasonCode: 1})

	// Item 7: a non-critical directoryName constraint.
	ncExt := func() pkix.Extension {
		dn, _ := asn1.Marshal(pkix.Name{Country: []string{"BE"}, Organization: []string{"Good"}}.ToRDNSequence())
		tree, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 4, IsCompound: true, Bytes: dn})
		sub, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: tree})
		perm, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sub})
		v, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: perm})
		return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 30}, Value: v}
	}()
	ncCA := g.ca("nc-ca", "Constrained CA", root, func(c *x509.Certificate) { c.ExtraExtensions = []pkix.Extension{ncExt} })
	evil := g.issue("evil", &x509.Certificate{Subject: pkix.Name{Country: []string{"BE"}, Organization: []string{"Evil"}, CommonName: "Evil"},
		KeyUsage: x509.KeyUsageDigitalSignature}, ncCA, nil)

	// Item 10: forty self-issued SHA-1 CAs sharing name and key.
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var loop []string
	var first *gkc
	for i := range 40 {
		c := g.issue(fmt.Sprintf("loop%02d", i), &x509.Certificate{Subject: pkix.Name{CommonName: "Loop CA"}, IsCA: true,
			BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign, SignatureAlgorithm: x509.SHA1WithRSA}, nil, rsaKey)
		if first == nil {
			first = c
		}
		loop = append(loop, "-intermediates", c.path)
	}
	loopLeaf := g.issue("loop-leaf", &x509.Certificate{Subject: pkix.Name{CommonName: "Loop leaf"},
		KeyUsage: x509.KeyUsageDigitalSignature, SignatureAlgorithm: x509.SHA1WithRSA}, first, nil)

	// Item 9: one serial listed 200,000 times.
	rep := make([]x509.RevocationListEntry, 200_000)
	for i := range rep {
		rep[i] = x509.RevocationListEntry{SerialNumber: big.NewInt(7), RevocationTime: g.now.Add(-time.Hour)}
	}
	repCRL := g.crl("repeated.crl", ca, 5, rep...)

	// Item 11: a trusted list flooded with empty elements.
	flood := g.write("flood.xml", append(append([]byte(`<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#">`),
		bytes.Repeat([]byte("<a/>"), 2<<20)...), []byte("</TrustServiceStatusList>")...))

	tests := []struct {
		name string
		args []string
		exit int
		want []string // in stdout+stderr
	}{
		{"EKU codeSigning for auth", append(noRev, "-usage", "auth", codeSigning.path), 1, []string{"wrong-usage", "extended key usage"}},
		{"EKU serverAuth for sign", append(noRev, "-usage", "sign", serverAuth.path), 1, []string{"wrong-usage", "extended key usage"}},
		{"older good OCSP given first", args("-offline", "-revocation", "ocsp", "-ocsp-response", oldGood, "-ocsp-response", newRevoked, leaf.path), 1, []string{`"code": "revoked"`}},
		{"SHA-1 OCSP response", args("-offline", "-revocation", "ocsp", "-ocsp-response", sha1Resp, leaf.path), 1, []string{"SHA-1 refused"}},
		{"older CRL given first", args("-offline", "-revocation", "crl", "-crl", oldCRL, "-crl", newCRL, leaf.path), 1, []string{`"code": "revoked"`}},
		{"keyCompromise dated after the validation time", args("-offline", "-revocation", "crl", "-crl", kcCRL, leaf.path), 1, []string{`"code": "revoked"`, "key compromise"}},
		{"revoked responder without distribution point", args("-offline", "-revocation", "ocsp", "-crl", responderCRL, "-ocsp-response", byRevokedResponder, leaf.path), 1, []string{"revocation-unavailable", "delegated responder", "is revoked"}},
		{"responder with unknown critical extension", args("-offline", "-revocation", "ocsp", "-ocsp-response", byCriticalResponder, leaf.path), 1, []string{"unknown critical extension"}},
		{"non-critical directoryName constraint", []string{"-roots", root.path, "-intermediates", ncCA.path, "-revocation", "none", "-at", at, "-json", evil.path}, 1, []string{"untrusted", "name constraints"}},
		{"forty self-issued SHA-1 CAs", append(append([]string{"-roots", root.path, "-allow-sha1", "-revocation", "none", "-at", at, "-json"}, loop...), loopLeaf.path), 1, []string{"untrusted", "path building bound"}},
		{"trusted list of 2 million empty elements", []string{"-trusted-list", flood, "-tl-signer", root.path, "-at", at, leaf.path}, 2, []string{"tags in"}},
		{"CRL listing one serial 200,000 times", args("-offline", "-revocation", "crl", "-crl", repCRL, leaf.path), 2, []string{"listed twice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var code int
			var out, errs string
			cpu, finished := testenv.CPUBounded(attackCPU, func() { code, out, errs = runCLI(t, tt.args...) })
			if !finished {
				t.Fatalf("still running after %s of CPU time, want refused within %s", cpu, attackCPU)
			}
			all := out + errs
			t.Logf("exit %d after %s of CPU time", code, cpu)
			if code != tt.exit {
				t.Fatalf("exit %d, want %d\n%s", code, tt.exit, all)
			}
			if cpu > attackCPU {
				t.Fatalf("refused after %s of CPU time, want at most %s\n%s", cpu, attackCPU, all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Fatalf("output lacks %q:\n%s", w, all)
				}
			}
		})
	}

	// Item 2: the Belgian eID policy from a CA that is not the pinned
	// root's Citizen CA: valid, but no Belgian eID (key type, level).
	p := testpki.New(t, testpki.Options{})
	mint := g.leaf("mint", ca, func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature
		c.Policies = p.Auth.Cert.Policies
	})
	code, out, errs := runCLI(t, append(noRev, "-belgian-pin", p.RootPin(), "-usage", "auth", mint.path)...)
	m := decode(t, out)
	if code != 0 || m["key_type"] != "" || m["level"] != "none" || bytes.Contains([]byte(out), []byte("citizen-authentication")) {
		t.Fatalf("Belgian policy under another CA: exit %d\n%s%s", code, out, errs)
	}
}
