package x509check

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// goPKI makes a CA, a leaf and a delegated responder in Go only.
func goPKI(t testing.TB) (ca, leaf, resp *testpki.Cert) {
	mk := func(tmpl *x509.Certificate, parent *testpki.Cert) *testpki.Cert {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		issuer, signer := tmpl, any(k)
		if parent != nil {
			issuer, signer = parent.Cert, parent.Key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, k.Public(), signer)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		return &testpki.Cert{Cert: c, Key: k}
	}
	now := time.Now()
	ca = mk(&x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Fuzz CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, nil)
	leaf = mk(&x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "Fuzz Leaf"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}, ca)
	resp = mk(&x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Fuzz Responder"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}}, ca)
	return ca, leaf, resp
}

// FuzzCheckOCSPResponse feeds arbitrary bytes to the OCSP response checks:
// they must never panic, and whatever they accept is a definite status
// signed by the CA or its delegated responder.
func FuzzCheckOCSPResponse(f *testing.F) {
	ca, leaf, resp := goPKI(f)
	now := time.Now()
	nonce := []byte("0123456789abcdef0123456789abcdef")
	base := respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour),
		signer: resp, embed: []*x509.Certificate{resp.Cert}, echoNonce: true}
	f.Add(buildResponse(f, base, leaf.Cert, ca.Cert, nonce))
	s := base
	s.signer, s.embed, s.ridByKey = ca, nil, true
	f.Add(buildResponse(f, s, leaf.Cert, ca.Cert, nonce))
	s = base
	s.status, s.revokedAt, s.reason = StatusRevoked, now.Add(-time.Hour), crl.ReasonCertificateHold
	f.Add(buildResponse(f, s, leaf.Cert, ca.Cert, nonce))
	s = base
	s.nextUpdate = time.Time{}
	f.Add(buildResponse(f, s, leaf.Cert, ca.Cert, nonce))
	f.Add(buildResponse(f, respSpec{respStatus: 3}, leaf.Cert, ca.Cert, nil))
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x00})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, der []byte) {
		a, err := ocsp.ParseResponse(der, leaf.Cert, ca.Cert, ocsp.VerifyOptions{Nonce: nonce,
			CurrentTime: now, ClockSkew: time.Minute, MaxAge: time.Hour})
		if err != nil {
			if Code(err) == "error" {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		switch a.Status {
		case ocsp.Good, ocsp.Revoked, ocsp.Suspended, ocsp.Unknown:
		default:
			t.Fatalf("accepted with status %v", a.Status)
		}
		if a.ThisUpdate.After(now.Add(time.Minute)) {
			t.Fatalf("accepted a future response")
		}
	})
}
