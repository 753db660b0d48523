package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/internal/testtl"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

// softKey is a software key and its certificate, issued by a CA of the
// test.
type softKey struct {
	key  crypto.Signer
	cert *x509.Certificate
}

func newSoftKey(t *testing.T, tmpl *x509.Certificate, parent *softKey) *softKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	issuer, signer := tmpl, crypto.Signer(k)
	if parent != nil {
		issuer, signer = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, k.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &softKey{key: k, cert: c}
}

func writePEM(t *testing.T, dir, name string, der []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGoClientQualifiedFromTrustedList: a Go TLS client logs in with a
// software key whose certificate (QCStatements, QCP-n-qscd) comes from a
// CA that is not among the portal's roots but is a granted CA/QC service
// of a trusted list signed by a test scheme operator: the list makes the
// CA an anchor and the certificate qualified, so the key is the qualified
// certificate of art. 7 and opens a column 3 application. The same
// certificate is refused under a list where the service is withdrawn, and
// one from a CA the list does not name is untrusted. (Revocation is left
// out here, -revocation none: the card tests check it with a real
// responder.)
func TestGoClientQualifiedFromTrustedList(t *testing.T) {
	now := time.Now().UTC()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Qualified CA", Country: []string{"BE"}},
		NotBefore: now.Add(-48 * time.Hour), NotAfter: now.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	qca := newSoftKey(t, caTmpl, nil)
	otherTmpl := *caTmpl
	otherTmpl.Subject.CommonName = "Unlisted CA"
	other := newSoftKey(t, &otherTmpl, nil)
	leafTmpl := func(serial int64) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(serial),
			Subject:   pkix.Name{CommonName: "Alice Geldige Specimen", SerialNumber: "01071512410", Country: []string{"BE"}},
			NotBefore: now.Add(-24 * time.Hour), NotAfter: now.Add(300 * 24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
			PolicyIdentifiers: []asn1.ObjectIdentifier{testpki.PolicyQCPnQSCD},
			ExtraExtensions:   []pkix.Extension{testpki.QCStatements(true)}}
	}
	alice := newSoftKey(t, leafTmpl(10), qca)
	stray := newSoftKey(t, leafTmpl(11), other)

	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer := testtl.NewSigner(t, testtl.RawECDSA{PrivateKey: key})
	signerPath := writePEM(t, dir, "tl-signer.pem", signer.Cert.Raw)
	list := func(name, status string) string {
		spec := testtl.List{Seq: 1, Issued: now.Add(-time.Hour), NextUpdate: now.Add(24 * time.Hour),
			Providers: []testtl.Provider{{Name: "Test QTSP", Services: []testtl.Service{{
				Cert: qca.cert,
				Current: testtl.Instance{Status: status, Start: now.Add(-30 * 24 * time.Hour),
					ASI: []string{tl.ASIForESignatures}},
			}}}}}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, signer.Sign(t, spec.XML()), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	granted, withdrawn := list("granted.xml", tl.StatusGranted), list("withdrawn.xml", tl.StatusWithdrawn)

	p := testpki.New(t, testpki.Options{})
	anchor := clientAnchor{root: p.Root.Cert, rootPath: p.Root.CertPath, interPath: p.CA.CertPath}
	// Art. 7: the portal publishes the authorities whose qualified
	// certificates it takes; the trusted list says which are qualified
	// services. The test PKI's root stays listed for the eID.
	accepted := filepath.Join(dir, "accepted.json")
	if err := os.WriteFile(accepted, []byte(fmt.Sprintf(`{"format": %q, "authorities": [
		{"name": "test root", "spki_sha256": %q, "eid": true, "qualified": true},
		{"name": "Test Qualified CA", "spki_sha256": %q, "qualified": true}]}`,
		x509check.AcceptedListFormat, x509check.SPKIPin(p.Root.Cert), x509check.SPKIPin(qca.cert))), 0o600); err != nil {
		t.Fatal(err)
	}
	client := func(pt *portal, k *softKey) *http.Client {
		c := pt.client(nil)
		c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{{PrivateKey: k.key, Leaf: k.cert,
			Certificate: [][]byte{k.cert.Raw}}}
		return c
	}

	pt := launchPortal(t, p, anchor, "-trusted-list", granted, "-tl-signer", signerPath, "-revocation", "none", "-accepted", accepted)
	a := do(t, client(pt, alice), "POST", pt.url+"/access/Rina", "")
	if a.status != http.StatusOK || a.body["allowed"] != true || a.body["user"] != "alice" || a.body["key_type"] != "x509-qualified" {
		t.Fatalf("qualified certificate of a listed CA, Rina: %d %s", a.status, a.raw)
	}
	if a := do(t, client(pt, stray), "POST", pt.url+"/access/Rina", ""); a.status != http.StatusUnauthorized || a.code() != "certificate_untrusted" {
		t.Fatalf("certificate of a CA the list does not name: %d %s", a.status, a.raw)
	}
	// The eID of the test PKI, anchored in the portal's own roots, still
	// logs in beside the list.
	if a := do(t, pt.client(p.Auth), "POST", pt.url+"/access/Rina", ""); a.status != http.StatusOK || a.body["key_type"] != "eid" {
		t.Fatalf("eID beside the trusted list: %d %s", a.status, a.raw)
	}

	pw := launchPortal(t, p, anchor, "-trusted-list", withdrawn, "-tl-signer", signerPath, "-revocation", "none", "-accepted", accepted)
	if a := do(t, client(pw, alice), "POST", pw.url+"/access/Rina", ""); a.status == http.StatusOK {
		t.Fatalf("certificate of a withdrawn service allowed: %d %s", a.status, a.raw)
	}

	// A list the pinned signer did not sign is refused at start.
	var stderr bytes.Buffer
	if code := run(t.Context(), []string{"-config", filepath.Join(testenv.ModuleRoot(), "testdata", "portal", "portal.json"),
		"-tls-cert", "x", "-tls-key", "x", "-trusted-list", granted, "-tl-signer", writePEM(t, dir, "other.pem", other.cert.Raw)},
		nil, io.Discard, &stderr, nil); code != exitUsage || !strings.Contains(stderr.String(), granted) {
		t.Fatalf("list with another signer: exit %d: %s", code, stderr.String())
	}
}
