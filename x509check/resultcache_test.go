package x509check_test

import (
	"context"
	"crypto/x509"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// countingCRL is a CRLChecker that counts the checks it makes.
type countingCRL struct {
	x509check.CRLChecker
	n atomic.Int32
}

func (c *countingCRL) CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (x509check.Status, []x509check.Source, error) {
	c.n.Add(1)
	return c.CRLChecker.CheckCRL(ctx, cert, issuer, at)
}

// TestResultCache checks that a valid result is reused at later times
// while every input holds, with its own validation time, and never once an
// input has expired, nor before the time it was computed for.
func TestResultCache(t *testing.T) {
	root := issue(t, caTmpl("Result Root"), nil)
	ca := issue(t, caTmpl("Result CA"), root)
	leaf := issue(t, leafTmpl("Result leaf", x509.KeyUsageDigitalSignature), ca).cert
	next := attackNow.Add(time.Hour)
	chk, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: [][]byte{crlBy(t, ca, 2, next), crlBy(t, root, 3, next)}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	crls := &countingCRL{CRLChecker: chk}
	v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
		Revocation: x509check.CRLOnly, CRL: crls, Offline: true, CurrentTime: attackNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	checks := func() int { return int(crls.n.Load()) }
	tests := []struct {
		name   string
		at     time.Time
		valid  bool
		cached bool
	}{
		{"first", attackNow, true, false},
		{"again", attackNow, true, true},
		{"later, inputs current", attackNow.Add(30 * time.Minute), true, true},
		{"before the cached time", attackNow.Add(-time.Minute), true, false},
		{"after the CRL's nextUpdate", next.Add(time.Hour), false, false},
		{"after the leaf's expiry", leaf.NotAfter.Add(time.Second), false, false},
		{"back within the inputs", attackNow.Add(40 * time.Minute), true, true},
	}
	var prev *x509check.Result
	for _, tt := range tests {
		before := checks()
		res, err := v.ValidateAt(ctx, tt.at, leaf)
		if res.Valid != tt.valid || (err == nil) != tt.valid {
			t.Fatalf("%s: valid %v, err %v; want valid %v (checks %d→%d, sources %+v)", tt.name, res.Valid, err, tt.valid, before, checks(), res.Sources)
		}
		// An invalid result cannot come from the cache, which keeps valid
		// ones only; a valid one comes from it when no CRL was checked.
		if cached := checks() == before; tt.valid && cached != tt.cached {
			t.Errorf("%s: from the cache %v, want %v", tt.name, cached, tt.cached)
		}
		if !res.At.Equal(tt.at) {
			t.Errorf("%s: result at %v, want %v", tt.name, res.At, tt.at)
		}
		if tt.valid && res.Revocation != x509check.StatusGood {
			t.Errorf("%s: revocation %v", tt.name, res.Revocation)
		}
		if prev != nil && res == prev {
			t.Errorf("%s: the same *Result as the previous validation", tt.name)
		}
		prev = res
	}
}

// TestResultCacheSoftFail checks that a result valid only because revocation
// could not be checked (SoftFail) is not reused: the next validation asks
// again, and finds the certificate revoked.
func TestResultCacheSoftFail(t *testing.T) {
	root := issue(t, caTmpl("Soft Root"), nil)
	ca := issue(t, caTmpl("Soft CA"), root)
	leaf := issue(t, leafTmpl("Soft leaf", x509.KeyUsageDigitalSignature), ca).cert
	real, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: [][]byte{
		crlBy(t, ca, 2, attackNow.Add(time.Hour), revoked(leaf, attackNow.Add(-time.Minute), crl.ReasonKeyCompromise)),
		crlBy(t, root, 3, attackNow.Add(time.Hour))}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	crls := &switchCRL{}
	v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
		Revocation: x509check.CRLOnly, CRL: crls, SoftFail: true, Offline: true, CurrentTime: attackNow})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Validate(t.Context(), leaf)
	if err != nil || !res.Valid || res.Revocation != x509check.StatusUndetermined {
		t.Fatalf("soft fail: valid %v, revocation %v, err %v", res.Valid, res.Revocation, err)
	}
	crls.c.Store(&real)
	if res, err = v.Validate(t.Context(), leaf); !errors.Is(err, x509check.ErrRevoked) || res.Valid {
		t.Fatalf("with the CRL back: valid %v, err %v", res.Valid, err)
	}
}

// switchCRL fails until a checker is stored in it.
type switchCRL struct {
	c atomic.Pointer[x509check.CRLChecker]
}

func (s *switchCRL) CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (x509check.Status, []x509check.Source, error) {
	if c := s.c.Load(); c != nil {
		return (*c).CheckCRL(ctx, cert, issuer, at)
	}
	return x509check.StatusUndetermined, nil, errors.New("CRL unavailable")
}

// countingOCSP is an OCSPChecker that counts the queries it answers.
type countingOCSP struct {
	x509check.OCSPChecker
	n atomic.Int32
}

func (c *countingOCSP) Check(ctx context.Context, q ocsp.Query) (*ocsp.Response, error) {
	c.n.Add(1)
	return c.OCSPChecker.Check(ctx, q)
}

// TestResultCacheCustomOCSP checks that a result is reused with an OCSP
// checker of the caller's, when a CA of the path names no revocation
// source: that CA, asked about and found to have nothing to consult, is no
// input that expires.
func TestResultCacheCustomOCSP(t *testing.T) {
	root := issue(t, caTmpl("Custom OCSP Root"), nil)
	ca := issue(t, caTmpl("Custom OCSP CA"), root) // names no OCSP address, no CRL
	leaf := issue(t, leafTmpl("Custom OCSP leaf", x509.KeyUsageDigitalSignature), ca).cert
	der, err := xocsp.CreateResponse(ca.cert, ca.cert, xocsp.Response{Status: xocsp.Good, SerialNumber: leaf.SerialNumber,
		ThisUpdate: attackNow.Add(-time.Minute), NextUpdate: attackNow.Add(time.Hour)}, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	oc := &countingOCSP{OCSPChecker: ocsp.NewChecker(ocsp.Options{Responses: [][]byte{der}, Offline: true})}
	v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
		Revocation: x509check.OCSPOnly, OCSP: oc, Offline: true, CurrentTime: attackNow})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		res, err := v.Validate(t.Context(), leaf)
		if err != nil || res.Revocation != x509check.StatusGood {
			t.Fatalf("validation %d: %v, revocation %v", i, err, res.Revocation)
		}
	}
	if n := oc.n.Load(); n != 2 {
		t.Fatalf("OCSP queries = %d, want 2 (the leaf and its CA, once)", n)
	}
}
