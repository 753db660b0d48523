package x509check

import (
	"context"
	"crypto/x509"
	"time"
)

// cachedResult is a valid Result kept for the validations of the same
// certificate at times in [from, until): from is the time it was computed
// for, until the earliest end of what it rests on (the validity of every
// certificate of its path, the next update of every revocation answer).
type cachedResult struct {
	res         *Result
	from, until time.Time
}

// resultCacheable reports whether the validation of a certificate with
// these inputs may use and fill the result cache: not when the caller
// gives intermediates or stapled OCSP responses of its own (other inputs
// than the cached ones), nor when a trusted list decides the qualified
// status (its decision depends on the validation time and the list's
// freshness). A result resting on an OCSP answer to a nonce is not kept
// (each validation asks afresh).
func (v *Validator) resultCacheable(ctx context.Context, extra []*x509.Certificate) bool {
	return v.results != nil && len(extra) == 0 && v.opts.Qualification == nil &&
		len(stapled(ctx)) == 0
}

// cachedResult returns a copy of the cached result for the certificate of
// hash key at the time at, if there is one. The copy shares its slices
// with the cached result.
func (v *Validator) cachedResult(ctx context.Context, key [32]byte, at time.Time, extra []*x509.Certificate) (*Result, bool) {
	if !v.resultCacheable(ctx, extra) {
		return nil, false
	}
	c, ok := v.results.Get(key)
	if !ok || at.Before(c.from) || !at.Before(c.until) {
		return nil, false
	}
	r := *c.res
	r.At = at
	return &r, true
}

// cacheResult keeps res, the valid result of the validation at the time at
// of the certificate of hash key, until the earliest expiry of its inputs.
func (v *Validator) cacheResult(ctx context.Context, key [32]byte, at time.Time, extra []*x509.Certificate, res *Result) {
	if !res.Valid || !v.resultCacheable(ctx, extra) {
		return
	}
	until, ok := v.resultExpiry(res)
	if !ok || !at.Before(until) {
		return
	}
	c := *res
	v.results.Put(key, &cachedResult{res: &c, from: at, until: until})
}

// resultExpiry returns the earliest end of validity of what res rests on;
// false when some input has no known end, or when a revocation source
// failed (a result valid despite that, under SoftFail, must not outlive
// the failure).
func (v *Validator) resultExpiry(res *Result) (time.Time, bool) {
	if len(res.Chain) == 0 || res.Revocation != StatusGood && res.Revocation != StatusNotChecked {
		return time.Time{}, false
	}
	until := res.Chain[0].NotAfter
	for _, c := range res.Chain[1:] {
		until = minTime(until, c.NotAfter)
	}
	// CA certificates that name no revocation source: a source that found
	// nothing to consult about one is not an input that expires.
	var silent map[string]bool
	for _, c := range res.Chain[1 : len(res.Chain)-1] {
		if len(c.OCSPServer) == 0 && len(c.CRLDistributionPoints) == 0 {
			if silent == nil {
				silent = map[string]bool{}
			}
			silent[v.names.of(c)] = true
		}
	}
	for _, s := range res.Sources {
		switch {
		case s.Kind != "ocsp" && s.Kind != "crl":
			// Not consulted ("none"): nothing that expires.
		case silent[s.Subject] && s.Status == StatusUndetermined && noSource(s.Err):
			// Asked about a CA certificate naming no source (a checker
			// of the caller's): nothing to consult, as "none".
		case s.Err != nil || s.Status != StatusGood || s.nonce:
			return time.Time{}, false
		case !s.NextUpdate.IsZero():
			until = minTime(until, s.NextUpdate)
		case !s.ThisUpdate.IsZero():
			until = minTime(until, s.ThisUpdate.Add(v.opts.maxAge()))
		default:
			return time.Time{}, false
		}
	}
	return until, true
}
