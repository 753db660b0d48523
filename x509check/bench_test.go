package x509check_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/ocsp"
)

// BenchmarkValidate measures, side by side, the validation of a
// certificate whose OCSP responder is a real openssl responder, from the
// costliest to the cheapest:
//
//   - cold-with-construction: a new validator each time (its construction
//     included), path building and an OCSP request;
//
//   - cold: the same on a validator built beforehand, untimed, whose caches
//     are empty;
//
//   - warm-chain-checks: the path and the OCSP answer come from the
//     validator's caches, and the checks on them (validity, usage,
//     revocation status, qualification) run: the result cache is disabled
//     (DisableResultCache, a hook of the tests);
//
//   - result-cache-hit-extra: the whole result comes from the result
//     cache, the intermediate given as an extra certificate (as a signature
//     carries it), which the cache key covers;
//
//   - result-cache-hit: the whole result comes from the result cache.
//
//     go test -run='^$' -bench='^BenchmarkValidate$' -benchmem ./x509check
func BenchmarkValidate(b *testing.B) {
	p := testpki.New(b, testpki.Options{})
	p.StartOCSP(b, 60)
	o := x509check.Options{
		Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.OCSPOnly, Usage: x509check.UsageAuthentication,
	}
	var oc *ocsp.Checker // the OCSP checker of the last validator made
	ctx := context.Background()
	validate := func(b *testing.B, v *x509check.Validator, extra ...*x509.Certificate) {
		res, err := v.Validate(ctx, p.Auth.Cert, extra...)
		if err != nil || res.Revocation != x509check.StatusGood {
			b.Fatalf("validate: %v", err)
		}
	}
	newValidator := func(b *testing.B) *x509check.Validator {
		oc = ocsp.NewChecker(ocsp.Options{GetLimit: -1})
		o.OCSP = oc
		v, err := x509check.NewValidator(o)
		if err != nil {
			b.Fatal(err)
		}
		return v
	}
	b.Run("cold-with-construction", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			validate(b, newValidator(b))
		}
	})
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			b.StopTimer()
			v := newValidator(b)
			b.StartTimer()
			validate(b, v)
			n++
			if oc.Requests() != 1 {
				b.Fatalf("a cold validation sent %d OCSP requests", oc.Requests())
			}
		}
	})
	b.Run("warm-chain-checks", func(b *testing.B) {
		b.ReportAllocs()
		v := newValidator(b)
		x509check.DisableResultCache(v)
		validate(b, v)
		for b.Loop() {
			validate(b, v)
		}
		if oc.Requests() != 1 {
			b.Fatalf("warm validations sent %d OCSP requests", oc.Requests())
		}
	})
	b.Run("result-cache-hit-extra", func(b *testing.B) {
		b.ReportAllocs()
		v := newValidator(b)
		validate(b, v, p.CA.Cert)
		for b.Loop() {
			validate(b, v, p.CA.Cert)
		}
		if oc.Requests() != 1 {
			b.Fatalf("cached validations sent %d OCSP requests", oc.Requests())
		}
	})
	b.Run("result-cache-hit", func(b *testing.B) {
		b.ReportAllocs()
		v := newValidator(b)
		validate(b, v)
		for b.Loop() {
			validate(b, v)
		}
		if oc.Requests() != 1 {
			b.Fatalf("cached validations sent %d OCSP requests", oc.Requests())
		}
	})
}

// BenchmarkResultCacheVsMap compares a validation answered by the result
// cache with its floor, a lookup in a Go map keyed by the certificate's
// SHA-256 (hash included): blocks of each alternate and are timed, so that
// both see the same machine load. It reports the time of each and their
// ratio (cache hit/map).
//
//	go test -run='^$' -bench='^BenchmarkResultCacheVsMap$' -benchmem ./x509check
func BenchmarkResultCacheVsMap(b *testing.B) {
	p := testpki.New(b, testpki.Options{})
	p.StartOCSP(b, 60)
	oc := ocsp.NewChecker(ocsp.Options{GetLimit: -1})
	v, err := x509check.NewValidator(x509check.Options{
		Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.OCSPOnly, OCSP: oc, Usage: x509check.UsageAuthentication,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	cert := p.Auth.Cert
	first, err := v.Validate(ctx, cert)
	if err != nil {
		b.Fatal(err)
	}
	m := map[[32]byte]*x509check.Result{sha256.Sum256(cert.Raw): first}
	const block = 256
	var ours, theirs time.Duration
	n := 0
	var sink *x509check.Result
	for b.Loop() {
		t0 := time.Now()
		for range block {
			res, err := v.Validate(ctx, cert)
			if err != nil {
				b.Fatal(err)
			}
			sink = res
		}
		t1 := time.Now()
		for range block {
			r := *m[sha256.Sum256(cert.Raw)]
			sink = &r
		}
		ours += t1.Sub(t0)
		theirs += time.Since(t1)
		n += block
	}
	_ = sink
	if oc.Requests() != 1 {
		b.Fatalf("cached validations sent %d OCSP requests", oc.Requests())
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(n), "hit-ns/op")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(n), "map-ns/op")
	b.ReportMetric(float64(ours)/float64(theirs), "ratio")
}
