package sign_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

var msg = []byte("Dimona IN: employer 0123.456.789, worker 85.07.30-033.61, start 2026-12-03\n")

// TestSignVerify signs with the qualified signature certificate, detached
// and enveloping, with each digest, and verifies against the CA's CRL from
// openssl.
func TestSignVerify(t *testing.T) {
	e := newEnv(t)
	signer := e.signCert("Alice")
	v := e.verifier(sign.VerifyOptions{Validation: e.crlOptions()})
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		detached bool
		hash     crypto.Hash
	}{
		{"enveloping-sha256", false, 0},
		{"detached-sha256", true, crypto.SHA256},
		{"enveloping-sha384", false, crypto.SHA384},
		{"detached-sha512", true, crypto.SHA512},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := e.now.Add(-time.Minute)
			sig, err := sign.Sign(ctx, msg, signer.Key, sign.Options{Certificate: signer.Cert,
				Chain: []*x509.Certificate{e.p.CA.Cert}, Detached: tc.detached, Hash: tc.hash, SigningTime: at})
			if err != nil {
				t.Fatal(err)
			}
			var content []byte
			if tc.detached {
				content = msg
				if bytes.Contains(sig, msg) {
					t.Fatal("a detached signature holds the content")
				}
			}
			res, err := v.Verify(ctx, sig, content)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !res.Valid || res.Verdict != sign.Qualified {
				t.Fatalf("valid %v verdict %v, want a qualified signature; reasons %q", res.Valid, res.Verdict, res.Reasons)
			}
			if !bytes.Equal(res.Content, msg) || !res.ClaimedTime.Equal(at) || res.TimeSource != sign.TimeClaimed {
				t.Fatalf("content %q claimed %v source %s", res.Content, res.ClaimedTime, res.TimeSource)
			}
			if res.Revocation != x509check.StatusGood || res.Signer.SerialNumber.Cmp(signer.Cert.SerialNumber) != 0 {
				t.Fatalf("revocation %v signer %v", res.Revocation, res.SignerSubject)
			}
		})
	}
}

// TestSignRefusesAuthenticationKey: the eID authentication certificate
// never signs, and the authentication key paired with the signature
// certificate neither; the key is not used.
func TestSignRefusesAuthenticationKey(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		key  crypto.Signer
		cert *x509.Certificate
		want error
	}{
		{"authentication certificate", e.p.Auth.Key, e.p.Auth.Cert, &sign.Error{Code: "authentication-key"}},
		{"authentication key with the signature certificate", e.p.Auth.Key, e.p.Sign.Cert, &sign.Error{Code: "key-mismatch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := &countingSigner{Signer: tc.key}
			_, err := sign.Sign(ctx, msg, cs, sign.Options{Certificate: tc.cert})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if cs.calls != 0 {
				t.Fatalf("the key was asked to sign %d times", cs.calls)
			}
		})
	}
}

// TestVerifyNegative: each fault gives its typed error.
func TestVerifyNegative(t *testing.T) {
	e := newEnv(t)
	signer := e.signCert("Alice")
	v := e.verifier(sign.VerifyOptions{Validation: e.crlOptions()})
	ctx := context.Background()
	chain := []*x509.Certificate{e.p.CA.Cert}
	at := e.now.Add(-time.Minute)
	detached, err := sign.Sign(ctx, msg, signer.Key, sign.Options{Certificate: signer.Cert, Chain: chain, Detached: true, SigningTime: at})
	if err != nil {
		t.Fatal(err)
	}
	// The signing time as encoded (UTCTime), to alter one digit of it.
	stamp := []byte(at.Format("060102150405Z"))
	i := bytes.Index(detached, stamp)
	if i < 0 {
		t.Fatal("signing time not found in the signature")
	}
	altered := bytes.Clone(detached)
	altered[i+11] ^= 1 // a second later or earlier: still a valid time
	future, err := sign.Sign(ctx, msg, signer.Key, sign.Options{Certificate: signer.Cert, Chain: chain, SigningTime: e.now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	other := e.signCert("Mallory")
	foreign, err := sign.Sign(ctx, msg, other.Key, sign.Options{Certificate: other.Cert, Detached: true, SigningTime: at})
	if err != nil {
		t.Fatal(err)
	}
	authSig := e.opensslSign(e.p.Auth, false, true, msg)
	for _, tc := range []struct {
		name    string
		sig     []byte
		content []byte
		want    error
	}{
		{"wrong digest", detached, []byte("Dimona OUT"), &sign.Error{Code: "digest-mismatch"}},
		{"signed attribute altered", altered, msg, &sign.Error{Code: "bad-signature"}},
		{"no content for a detached signature", detached, nil, &sign.Error{Code: "no-content"}},
		{"claimed time in the future", future, nil, &sign.Error{Code: "future-signing-time"}},
		{"signer certificate not sent and intermediates unknown", foreign, msg, &sign.Error{Code: "certificate"}},
		{"authentication certificate signature (openssl)", authSig, nil, &sign.Error{Code: "authentication-key"}},
		{"truncated", detached[:len(detached)-3], msg, &sign.Error{Code: "malformed"}},
		{"not CMS", []byte("hello"), msg, &sign.Error{Code: "malformed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.Verify(ctx, tc.sig, tc.content)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if res.Valid || res.Verdict != sign.NotValid {
				t.Fatalf("valid %v verdict %v with error %v", res.Valid, res.Verdict, err)
			}
			if sign.Code(err) == "error" {
				t.Fatalf("no code for %v", err)
			}
		})
	}
}

// TestRevocationAndSigningTime: a certificate revoked after the signing
// time is accepted with the revocation noted, before it refused; a
// claimed time is believed only with TrustClaimedTime.
func TestRevocationAndSigningTime(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.signCert("Bob")
	revokedAt := e.now.Add(-time.Hour)
	e.revokeAt(c, revokedAt)
	opts := e.crlOptions()
	trusting := e.verifier(sign.VerifyOptions{Validation: opts, TrustClaimedTime: true})
	strict := e.verifier(sign.VerifyOptions{Validation: opts})
	mk := func(at time.Time) []byte {
		sig, err := sign.Sign(ctx, msg, c.Key, sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert}, SigningTime: at})
		if err != nil {
			t.Fatal(err)
		}
		return sig
	}
	before, after := mk(revokedAt.Add(-time.Hour)), mk(revokedAt.Add(30*time.Minute))

	res, err := trusting.Verify(ctx, before, nil)
	if err != nil {
		t.Fatalf("signed before the revocation: %v", err)
	}
	if !res.RevokedAt.Equal(revokedAt) || res.Revocation != x509check.StatusRevoked || !strings.Contains(strings.Join(res.Reasons, "; "), "revoked at") {
		t.Fatalf("revocation not noted: %v %v %q", res.RevokedAt, res.Revocation, res.Reasons)
	}
	for _, tc := range []struct {
		name   string
		v      *sign.Verifier
		sig    []byte
		source string
	}{
		{"signed after the revocation", trusting, after, sign.TimeClaimed},
		{"claimed time not proven", strict, before, sign.TimeClaimed + ", not proven"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.v.Verify(ctx, tc.sig, nil)
			var re *sign.RevokedError
			if !errors.As(err, &re) || !errors.Is(err, &sign.Error{Code: "revoked-before-signing"}) || !errors.Is(err, x509check.ErrRevoked) {
				t.Fatalf("err %v, want a *RevokedError", err)
			}
			if !re.RevokedAt.Equal(revokedAt) || re.TimeSource != tc.source {
				t.Fatalf("revoked at %v source %q", re.RevokedAt, re.TimeSource)
			}
		})
	}
}

// TestVerdicts: an unqualified certificate gives an advanced signature, a
// qualified one without QSCD an advanced signature with a qualified
// certificate.
func TestVerdicts(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	v := e.verifier(sign.VerifyOptions{Validation: trusting(x509check.NoRevocation, e.p.Root.Cert)})
	noQSCD := e.p.Issue(t, "noqscd", e.p.CA, &x509.Certificate{
		Subject:   e.p.Sign.Cert.Subject,
		NotBefore: e.now.Add(-time.Hour), NotAfter: e.now.Add(time.Hour),
		KeyUsage: x509.KeyUsageContentCommitment, ExtraExtensions: nil,
	})
	for _, tc := range []struct {
		name string
		c    crypto.Signer
		cert *x509.Certificate
		want sign.Verdict
	}{
		{"qualified", e.p.Sign.Key, e.p.Sign.Cert, sign.Qualified},
		{"not qualified", noQSCD.Key, noQSCD.Cert, sign.Advanced},
		{"RRN (qualified statements absent)", e.p.RRN.Key, e.p.RRN.Cert, sign.Advanced},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := sign.Sign(ctx, msg, tc.c, sign.Options{Certificate: tc.cert, Chain: []*x509.Certificate{e.p.CA.Cert}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(ctx, sig, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tc.want || len(res.Reasons) == 0 {
				t.Fatalf("verdict %v (%q), want %v", res.Verdict, res.Reasons, tc.want)
			}
		})
	}
}
