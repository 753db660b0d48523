package x509check

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
)

// AllowSHA1Signatures covers a delegated OCSP responder's certificate as
// it covers the path: a responder certificate signed with SHA-1 and RSA
// is accepted with it and refused without it.
func TestAllowSHA1DelegatedResponder(t *testing.T) {
	now := time.Now()
	rsaKey := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	ecKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caTmpl := func(cn string, n int64) *x509.Certificate {
		return &x509.Certificate{SerialNumber: big.NewInt(n), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	}
	rootKey, caKey := rsaKey(), rsaKey()
	root := testpki.MustIssue(t, caTmpl("SHA-1 Test Root", 1), nil, &rootKey.PublicKey, rootKey)
	ca := testpki.MustIssue(t, caTmpl("SHA-1 Test CA", 2), root, &caKey.PublicKey, rootKey)
	leafKey, respKey := ecKey(), ecKey()
	leaf := testpki.MustIssue(t, &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "Leaf"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature},
		ca, &leafKey.PublicKey, caKey)
	resp := testpki.MustIssue(t, &x509.Certificate{SerialNumber: big.NewInt(4), Subject: pkix.Name{CommonName: "SHA-1 Responder"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning},
		ExtraExtensions:    []pkix.Extension{{Id: ocspasn.OIDNoCheck, Value: []byte{0x05, 0x00}}},
		SignatureAlgorithm: x509.SHA1WithRSA},
		ca, &respKey.PublicKey, caKey)
	answer := buildResponse(t, respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour),
		signer: &testpki.Cert{Cert: resp, Key: respKey}, embed: []*x509.Certificate{resp}}, leaf, ca, nil)
	for _, allow := range []bool{false, true} {
		v, err := NewValidator(Options{Roots: pool(root), Intermediates: pool(ca), Offline: true,
			Revocation: OCSPOnly, AllowSHA1Signatures: allow})
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Validate(WithOCSPResponses(context.Background(), answer), leaf)
		if allow && (err != nil || res.Revocation != StatusGood) {
			t.Errorf("AllowSHA1Signatures: revocation %v, %v; want good", res.Revocation, err)
		}
		if !allow && (res.Valid || !errors.Is(err, errBadResponder)) {
			t.Errorf("without AllowSHA1Signatures: valid %v, %v; want errBadResponder", res.Valid, err)
		}
	}
}
