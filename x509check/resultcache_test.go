package x509check_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
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

// swapCRL is a CRLChecker whose checker can be replaced: the revocation
// information published after a cache was filled.
type swapCRL struct {
	c atomic.Pointer[x509check.CRLChecker]
	n atomic.Int32
}

func (s *swapCRL) CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (x509check.Status, []x509check.Source, error) {
	s.n.Add(1)
	return (*s.c.Load()).CheckCRL(ctx, cert, issuer, at)
}

// set installs an offline checker of the CRLs given.
func (s *swapCRL) set(t *testing.T, crls ...[]byte) {
	t.Helper()
	s.setOptions(t, x509check.CRLOptions{CRLs: crls, Offline: true})
}

func (s *swapCRL) setOptions(t *testing.T, o x509check.CRLOptions) {
	t.Helper()
	c, err := x509check.NewCRLChecker(o)
	if err != nil {
		t.Fatal(err)
	}
	s.c.Store(&c)
}

// reissue signs tmpl with parent for the key of k (a CA certificate of
// the same key as k's, from another issuer or with other dates).
func reissue(t *testing.T, tmpl *x509.Certificate, k, parent *kc) *x509.Certificate {
	t.Helper()
	tmpl.SerialNumber = big.NewInt(0x7000 + int64(len(tmpl.Subject.CommonName)) + tmpl.NotBefore.Unix()%1000)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, &k.key.PublicKey, parent.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestResultCacheExtraCertificates checks that the caches of a validator
// serve a validation with extra certificates (the chain a signature or a
// TLS peer carries) only for the same leaf and the same extra
// certificates, and never past the revocation information they rest on:
// once warm, another chain for the same leaf (none, one from an untrusted
// root, an expired one) and a revoked certificate get the verdict a cold
// validator gives.
func TestResultCacheExtraCertificates(t *testing.T) {
	root := issue(t, caTmpl("Extra Root"), nil)
	rogue := issue(t, caTmpl("Extra Rogue Root"), nil)
	ca := issue(t, caTmpl("Extra CA"), root)
	// The same CA name and key, certified by a root nobody trusts, and
	// by the trusted root for a period that has ended.
	caRogue := reissue(t, caTmpl("Extra CA"), ca, rogue)
	caExpired := reissue(t, caTmpl("Extra CA", func(c *x509.Certificate) {
		c.NotBefore, c.NotAfter = attackNow.Add(-72*time.Hour), attackNow.Add(-48*time.Hour)
	}), ca, root)
	leaf := issue(t, leafTmpl("Extra leaf", x509.KeyUsageDigitalSignature), ca).cert
	other := issue(t, leafTmpl("Extra other leaf", x509.KeyUsageDigitalSignature), ca).cert
	first := attackNow.Add(time.Hour)
	crls := &swapCRL{}
	crls.set(t, crlBy(t, ca, 2, first), crlBy(t, root, 3, first))
	opts := x509check.Options{Roots: certPool(root.cert), Revocation: x509check.CRLOnly, CRL: crls,
		Offline: true, CurrentTime: attackNow}
	warm, err := x509check.NewValidator(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	type step struct {
		name    string
		leaf    *x509.Certificate
		extra   []*x509.Certificate
		at      time.Time
		publish bool // the CRL revoking both leaves is published before this step
		want    error
		cached  bool
	}
	steps := []step{
		{name: "first", leaf: leaf, extra: []*x509.Certificate{ca.cert}, at: attackNow},
		{name: "again", leaf: leaf, extra: []*x509.Certificate{ca.cert}, at: attackNow.Add(time.Minute), cached: true},
		{name: "no chain", leaf: leaf, at: attackNow.Add(time.Minute), want: x509check.ErrUntrusted},
		{name: "chain to an untrusted root", leaf: leaf, extra: []*x509.Certificate{caRogue}, at: attackNow.Add(time.Minute), want: x509check.ErrUntrusted},
		{name: "expired chain", leaf: leaf, extra: []*x509.Certificate{caExpired}, at: attackNow.Add(time.Minute), want: x509check.ErrExpired},
		{name: "both CA certificates", leaf: leaf, extra: []*x509.Certificate{caRogue, ca.cert}, at: attackNow.Add(time.Minute)},
		{name: "within the first CRL, revocation published", leaf: leaf, extra: []*x509.Certificate{ca.cert}, at: attackNow.Add(2 * time.Minute),
			publish: true, cached: true},
		{name: "another leaf, revoked", leaf: other, extra: []*x509.Certificate{ca.cert}, at: attackNow.Add(2 * time.Minute), want: x509check.ErrRevoked},
		{name: "after the first CRL's nextUpdate", leaf: leaf, extra: []*x509.Certificate{ca.cert}, at: first.Add(time.Minute), want: x509check.ErrRevoked},
	}
	for _, st := range steps {
		if st.publish {
			crls.set(t, crlBy(t, ca, 5, first.Add(24*time.Hour), revoked(leaf, attackNow, crl.ReasonKeyCompromise),
				revoked(other, attackNow, crl.ReasonKeyCompromise)), crlBy(t, root, 6, first.Add(24*time.Hour)))
		}
		before := crls.n.Load()
		res, err := warm.ValidateAt(ctx, st.at, st.leaf, st.extra...)
		if !errors.Is(err, st.want) || (st.want == nil) != (err == nil) || res.Valid != (st.want == nil) {
			t.Fatalf("%s: valid %v, err %v; want %v", st.name, res.Valid, err, st.want)
		}
		if cached := crls.n.Load() == before; st.want == nil && cached != st.cached {
			t.Errorf("%s: from the cache %v, want %v", st.name, cached, st.cached)
		}
		if st.publish {
			continue // the cached answer stands until the CRL it rests on expires
		}
		// A cold validator, with the revocation information of the
		// moment, gives the same verdict.
		cold, nerr := x509check.NewValidator(opts)
		if nerr != nil {
			t.Fatal(nerr)
		}
		cres, cerr := cold.ValidateAt(ctx, st.at, st.leaf, st.extra...)
		if cres.Valid != res.Valid || errors.Is(cerr, st.want) != errors.Is(err, st.want) {
			t.Errorf("%s: warm valid %v (%v), cold valid %v (%v)", st.name, res.Valid, err, cres.Valid, cerr)
		}
	}
}

// TestResultCacheExtraConcurrent validates one leaf with a chain to the
// trusted root and with one to an untrusted root, concurrently: each
// keeps its own verdict.
func TestResultCacheExtraConcurrent(t *testing.T) {
	root := issue(t, caTmpl("Concurrent Root"), nil)
	rogue := issue(t, caTmpl("Concurrent Rogue Root"), nil)
	ca := issue(t, caTmpl("Concurrent CA"), root)
	caRogue := reissue(t, caTmpl("Concurrent CA"), ca, rogue)
	leaf := issue(t, leafTmpl("Concurrent leaf", x509.KeyUsageDigitalSignature), ca).cert
	v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Revocation: x509check.NoRevocation,
		CurrentTime: attackNow})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				good := i%2 == 0
				extra := caRogue
				if good {
					extra = ca.cert
				}
				res, err := v.Validate(t.Context(), leaf, extra)
				if res.Valid != good || (err == nil) != good {
					t.Errorf("chain to the trusted root %v: valid %v, err %v", good, res.Valid, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestResultCacheAnchorItself validates a trust anchor itself (a path of
// one certificate), with and without extra certificates, twice each: the
// result is valid and kept like any other.
func TestResultCacheAnchorItself(t *testing.T) {
	root := issue(t, caTmpl("Anchor Itself Root"), nil)
	other := issue(t, caTmpl("Anchor Itself Other"), nil)
	v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Revocation: x509check.NoRevocation,
		CurrentTime: attackNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]*x509.Certificate{nil, {other.cert}} {
		for i := range 2 {
			res, err := v.Validate(t.Context(), root.cert, extra...)
			if err != nil || !res.Valid || len(res.Chain) != 1 {
				t.Fatalf("extra %d, validation %d: valid %v, path of %d, err %v", len(extra), i, res.Valid, len(res.Chain), err)
			}
		}
	}
}

// TestResultCacheFetchedCRL checks that a result resting on a CRL fetched
// from a distribution point, whose nextUpdate is a week ahead, is kept
// for crl.DefaultCacheLifetime of the wall clock, as the CRL cache keeps
// the CRL, not until that nextUpdate: a revocation published meanwhile is
// then read, with or without extra certificates.
func TestResultCacheFetchedCRL(t *testing.T) {
	root := issue(t, caTmpl("Fetched Root"), nil)
	ca := issue(t, caTmpl("Fetched CA"), root) // names no distribution point
	var served atomic.Pointer[[]byte]
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.Write(*served.Load())
	}))
	t.Cleanup(srv.Close)
	leaf := issue(t, leafTmpl("Fetched leaf", x509.KeyUsageDigitalSignature, func(c *x509.Certificate) {
		c.CRLDistributionPoints = []string{srv.URL + "/ca.crl"}
	}), ca).cert
	week := attackNow.Add(7 * 24 * time.Hour)
	good, bad := crlBy(t, ca, 2, week), crlBy(t, ca, 5, week, revoked(leaf, attackNow.Add(-time.Minute), crl.ReasonKeyCompromise))
	served.Store(&good)
	// A new CRL checker, its cache empty, stands for the CRL cache once
	// its lifetime has passed.
	crls := &swapCRL{}
	wall := time.Now()
	var clock atomic.Int64
	for _, extra := range [][]*x509.Certificate{nil, {ca.cert}} {
		v, err := x509check.NewValidator(x509check.Options{Roots: certPool(root.cert), Intermediates: certPool(ca.cert),
			Revocation: x509check.CRLOnly, CRL: crls, CurrentTime: attackNow})
		if err != nil {
			t.Fatal(err)
		}
		x509check.SetClock(v, func() time.Time { return wall.Add(time.Duration(clock.Load())) })
		clock.Store(0)
		served.Store(&good)
		crls.setOptions(t, x509check.CRLOptions{})
		check := func(step string, want error, checked bool) {
			t.Helper()
			before := crls.n.Load()
			res, err := v.Validate(t.Context(), leaf, extra...)
			if !errors.Is(err, want) || (want == nil) != (err == nil) || res.Valid != (want == nil) {
				t.Fatalf("extra %d, %s: valid %v, err %v; want %v", len(extra), step, res.Valid, err, want)
			}
			if got := crls.n.Load() != before; got != checked {
				t.Fatalf("extra %d, %s: CRL consulted %v, want %v", len(extra), step, got, checked)
			}
		}
		check("first", nil, true)
		served.Store(&bad)
		check("revocation published", nil, false)
		clock.Store(int64(crl.DefaultCacheLifetime - time.Minute))
		check("within the CRL cache's lifetime", nil, false)
		clock.Store(int64(crl.DefaultCacheLifetime))
		crls.setOptions(t, x509check.CRLOptions{})
		check("once the CRL cache's lifetime has passed", x509check.ErrRevoked, true)
	}
	if n := fetches.Load(); n != 4 {
		t.Errorf("%d CRL fetches, want 4", n)
	}
}
