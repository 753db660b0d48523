package crl_test

import (
	"bytes"
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

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
)

// A CRL listing one serial 200,000 times (7 MB, under the download
// bound) is refused quickly: indexing it used to probe one ever longer
// chain of the hash table for each repeat (quadratic: 85 s of CPU for
// 500,000 repeats). Refusing it must cost no more than indexing a CRL of
// as many distinct serials, measured side by side (a ratio of CPU times,
// which the load of a busy machine does not skew as it does the wall
// clock). Same serial for two certificate issuers of an indirect CRL stays
// accepted; for more than 64 it is refused.
func TestRepeatedSerialRefusedFast(t *testing.T) {
	ca := newGoCA(t, "Hostile CA")
	const n = 200_000
	rep := make([]x509.RevocationListEntry, n)
	for i := range rep {
		rep[i] = entry(0x123456, 1)
	}
	der := ca.makeCRL(t, 1, rep)
	// The baseline: the same CRL with n distinct serials of the same
	// length, written over the repeated one (Parse does not check the
	// signature; signing a second CRL this size would double the test's
	// time).
	baseDER := bytes.Clone(der)
	serial := []byte{0x02, 0x03, 0x12, 0x34, 0x56}
	if c := bytes.Count(baseDER, serial); c != n {
		t.Fatalf("%d encodings of the repeated serial in the CRL, want %d", c, n)
	}
	for i, off := 0, 0; i < n; i++ {
		off += bytes.Index(baseDER[off:], serial) + 2
		v := 0x100000 + i
		baseDER[off], baseDER[off+1], baseDER[off+2] = byte(v>>16), byte(v>>8), byte(v)
	}
	// The smallest of three alternated runs of each, so that a burst of
	// the machine's load in one run does not decide. A refusal still
	// running after ten times the CPU time of the indexing just before it
	// is a regression too: the test stops waiting.
	var refuse, base time.Duration
	for i := range 3 {
		b, err := costOf(func() error { _, err := crl.Parse(baseDER); return err })
		if err != nil {
			t.Fatalf("Parse of %d distinct serials: %v", n, err)
		}
		var d time.Duration
		d, err = costOf(func() error {
			var perr error
			if used, finished := testenv.CPUBounded(10*b, func() { _, perr = crl.Parse(der) }); !finished {
				t.Fatalf("refusing %d repeats of a serial still runs after %s of CPU time; indexing %d distinct serials took %s",
					n, used, n, b)
			}
			return perr
		})
		if !errors.Is(err, errMalformed) {
			t.Fatalf("Parse: %v, want malformed-response (serial listed twice)", err)
		}
		if i == 0 || d < refuse {
			refuse = d
		}
		if i == 0 || b < base {
			base = b
		}
	}
	t.Logf("%d-entry CRL (%d bytes) refused in %s, %d distinct serials (%d bytes) indexed in %s (%s)",
		n, len(der), refuse, n, len(baseDER), base, costUnit)
	if refuse > 2*base+50*time.Millisecond {
		t.Fatalf("refusing %d repeats of a serial took %s (%s), indexing %d distinct serials %s: "+
			"more than twice as long", n, refuse, costUnit, n, base)
	}

	// One serial under many certificate issuers (indirect CRL).
	issuers := make([]x509.RevocationListEntry, 0, 65)
	for i := range 65 {
		other := newGoCA(t, "Other CA "+string(rune('A'+i%26))+string(rune('a'+i/26)))
		issuers = append(issuers, entry(0x77, 1, certIssuerExt(t, other.cert)))
	}
	if _, err := crl.Parse(ca.makeCRL(t, 2, issuers[:2])); err != nil {
		t.Fatalf("one serial for two certificate issuers: %v", err)
	}
	if _, err := crl.Parse(ca.makeCRL(t, 3, issuers)); !errors.Is(err, errMalformed) {
		t.Fatalf("one serial for 65 certificate issuers: %v, want malformed-response", err)
	}
}

// Issue 17, item 8: a cached CRL is kept at most MaxLifetime whatever its
// nextUpdate (a century in the attack), only once verified, and a CRL that
// fails verification never replaces a good cached one.
func TestCacheOnlyVerifiedAndBounded(t *testing.T) {
	ca := newGoCA(t, "Lifetime CA")
	forger := newGoCA(t, "Lifetime CA")
	forgedDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(9),
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(100 * 365 * 24 * time.Hour)}, forger.cert, forger.key)
	if err != nil {
		t.Fatal(err)
	}
	realDER, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1),
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(100 * 365 * 24 * time.Hour)}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	var serve atomic.Pointer[[]byte]
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(*serve.Load())
	}))
	defer srv.Close()
	clock := now
	var mu sync.Mutex
	cache := crl.NewCache(crl.CacheOptions{Doer: srv.Client(), MaxLifetime: time.Hour,
		Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }})
	url := srv.URL + "/ca.crl"
	verify := verifyBy(ca)
	refused := func(err error) bool {
		return errors.Is(err, errBadSignature) || errors.Is(err, errIssuerMismatch)
	}

	serve.Store(&forgedDER)
	if _, err := cache.Load(context.Background(), url, verify); !refused(err) || cache.Len() != 0 {
		t.Fatalf("forged CRL: %v, %d cached", err, cache.Len())
	}
	serve.Store(&realDER)
	if c, err := cache.Load(context.Background(), url, verify); err != nil || c.Number.Int64() != 1 || cache.Len() != 1 {
		t.Fatalf("real CRL after a forged one: %v", err)
	}
	serve.Store(&forgedDER)
	if c, err := cache.Load(context.Background(), url, verify); err != nil || c.Number.Int64() != 1 {
		t.Fatalf("served from the cache: %v", err)
	}
	n := hits.Load()
	mu.Lock()
	clock = now.Add(61 * time.Minute)
	mu.Unlock()
	if _, ok := cache.Get(url); ok {
		t.Fatal("a CRL claiming a century of validity stayed cached past MaxLifetime")
	}
	// Refetched; the forgery now served is refused, and not cached.
	if _, err := cache.Load(context.Background(), url, verify); !refused(err) || hits.Load() != n+1 || cache.Len() != 0 {
		t.Fatalf("after MaxLifetime: %v, %d requests, %d cached", err, hits.Load()-n, cache.Len())
	}
	if _, err := cache.Load(context.Background(), url, nil); err == nil || errors.Is(err, x509check.ErrRevocationUnavailable) {
		t.Fatalf("Load without verify: %v", err)
	}
}

// Issue 17: one redirect rule for OCSP and CRL fetches. Fetch without a
// client of the caller's follows no redirect (x509check's OCSP client
// does not either): a 3xx is a *FetchError.
func TestFetchFollowsNoRedirect(t *testing.T) {
	ca := newGoCA(t, "Redirect CA")
	der := ca.makeCRL(t, 1, nil)
	mux := http.NewServeMux()
	mux.HandleFunc("/real.crl", func(w http.ResponseWriter, r *http.Request) { w.Write(der) })
	mux.HandleFunc("/moved.crl", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/real.crl", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if _, err := crl.Fetch(context.Background(), nil, srv.URL+"/real.crl", crl.FetchOptions{}); err != nil {
		t.Fatalf("direct: %v", err)
	}
	_, err := crl.Fetch(context.Background(), nil, srv.URL+"/moved.crl", crl.FetchOptions{})
	var fe *crl.FetchError
	if !errors.As(err, &fe) || fe.StatusCode != http.StatusFound {
		t.Fatalf("redirected: %v, want a *FetchError with status 302", err)
	}
}

// costUnit names what costOf measures.
var costUnit = func() string {
	if _, ok := testenv.CPUTime(); ok {
		return "CPU time"
	}
	return "wall time"
}()

// costOf runs f and returns the process CPU time it took (the wall time
// if the CPU time cannot be read) and f's error.
func costOf(f func() error) (time.Duration, error) {
	c0, ok := testenv.CPUTime()
	t0 := time.Now()
	err := f()
	wall := time.Since(t0)
	if c1, ok2 := testenv.CPUTime(); ok && ok2 {
		return c1 - c0, err
	}
	return wall, err
}
