package x509check

// Attacks of issue 17 on OCSP and the delegated responder, built with the
// Go OCSP response builder of ocsp_internal_test.go.

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/ocspasn"
)

// Item 4: of several OCSP responses that all pass, the freshest decides:
// an older, still fresh "good" given first never masks a newer "revoked".
// Item "smaller": SHA-1 on OCSP responses is refused unless
// AllowSHA1Signatures.
func TestOCSPFreshestAndSHA1(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	resp := func(st Status, age time.Duration, mod ...func(*respSpec)) []byte {
		s := respSpec{status: st, thisUpdate: now.Add(-age), nextUpdate: now.Add(time.Hour), signer: p.CA}
		if st == StatusRevoked {
			s.revokedAt, s.reason = now.Add(-age-time.Minute), crl.ReasonKeyCompromise
		}
		if st == StatusSuspended {
			s.revokedAt, s.reason = now.Add(-age-time.Minute), crl.ReasonCertificateHold
		}
		for _, m := range mod {
			m(&s)
		}
		return buildResponse(t, s, p.Auth.Cert, p.CA.Cert, nil)
	}
	oldGood, newRevoked := resp(StatusGood, 2*time.Hour), resp(StatusRevoked, 10*time.Minute)
	oldHold, newGood := resp(StatusSuspended, 2*time.Hour), resp(StatusGood, 10*time.Minute)
	sha1 := resp(StatusGood, 10*time.Minute, func(s *respSpec) { s.sha1Sig = true })
	tests := []struct {
		name  string
		resps [][]byte
		sha1  bool
		want  Status
		err   error
	}{
		{"older good first, newer revoked", [][]byte{oldGood, newRevoked}, false, StatusRevoked, ErrRevoked},
		{"newer revoked first, older good", [][]byte{newRevoked, oldGood}, false, StatusRevoked, ErrRevoked},
		{"older hold, newer good (hold lifted)", [][]byte{oldHold, newGood}, false, StatusGood, nil},
		{"SHA-1 response refused by default", [][]byte{sha1}, false, StatusUndetermined, errBadSignature},
		{"SHA-1 response with AllowSHA1Signatures", [][]byte{sha1}, true, StatusGood, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewValidator(Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert), Offline: true,
				Revocation: OCSPOnly, AllowSHA1Signatures: tt.sha1})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(WithOCSPResponses(context.Background(), tt.resps...), p.Auth.Cert)
			if res.Revocation != tt.want || (tt.err == nil) != (err == nil) || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("revocation %v, err %v; want %v, %v", res.Revocation, err, tt.want, tt.err)
			}
		})
	}
}

// Item 6: a delegated responder without id-pkix-ocsp-nocheck that names
// no CRL distribution point is still checked against a CRL of its issuer
// given to the validator (certcheck -crl), and a delegated responder
// certificate with an unknown critical extension is refused (OpenSSL
// refuses both).
func TestDelegatedResponderAttacks(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	plain := p.Issue(t, "resp-no-dp", p.CA, &x509.Certificate{
		Subject:   pkix.Name{CommonName: "Responder Without NoCheck Nor DP"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, KeyUsage: x509.KeyUsageDigitalSignature,
	})
	critical := p.Issue(t, "resp-critical", p.CA, &x509.Certificate{
		Subject:   pkix.Name{CommonName: "Responder With Unknown Critical Extension"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtraExtensions: []pkix.Extension{
			{Id: ocspasn.OIDNoCheck, Value: []byte{0x05, 0x00}},
			{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, Critical: true, Value: []byte{0x05, 0x00}},
		},
	})
	crlDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{{SerialNumber: plain.Cert.SerialNumber,
			RevocationTime: now.Add(-30 * time.Minute), ReasonCode: int(crl.ReasonKeyCompromise)}},
	}, p.CA.Cert, p.CA.Key)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(signer *testpki.Cert) []byte {
		return buildResponse(t, respSpec{status: StatusGood, thisUpdate: now.Add(-time.Minute), nextUpdate: now.Add(time.Hour),
			signer: signer, embed: []*x509.Certificate{signer.Cert}}, p.Auth.Cert, p.CA.Cert, nil)
	}
	tests := []struct {
		name   string
		resp   []byte
		crls   [][]byte
		detail string
	}{
		{"revoked responder naming no distribution point, CRL given", answer(plain), [][]byte{crlDER}, "is revoked"},
		{"responder with an unknown critical extension", answer(critical), nil, "unknown critical extension"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chk, err := NewCRLChecker(CRLOptions{CRLs: tt.crls, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			v, err := NewValidator(Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert), Offline: true,
				Revocation: OCSPOnly, CRL: chk})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(WithOCSPResponses(context.Background(), tt.resp), p.Auth.Cert)
			if res.Valid || !errors.Is(err, errBadResponder) || !strings.Contains(err.Error(), tt.detail) {
				t.Fatalf("valid %v, err %v; want errBadResponder (%s)", res.Valid, err, tt.detail)
			}
		})
	}
}
