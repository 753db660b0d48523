package x509check

import (
	"context"
	"strings"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

// cachedResult is a valid Result kept for the validations of the same
// certificate at times in [from, until): from is the time it was computed
// for, until the earliest end of what it rests on (the validity of every
// certificate of its path, the next update of every revocation answer).
// A result resting on a CRL fetched from a distribution point is kept
// until refetch too: crl.DefaultCacheLifetime (wall clock) after it was
// computed, the time the CRL cache keeps a CRL whatever its nextUpdate
// says (days ahead, often), so that a CRL published meanwhile is read
// within that time again, not at that nextUpdate.
type cachedResult struct {
	res         *Result
	from, until time.Time
	refetch     time.Time // zero: no fetched CRL
}

// resultCacheable reports whether a validation may use and fill the
// result cache: not when the caller staples OCSP responses of its own
// (other revocation inputs than the cached ones), nor when a trusted list
// decides the qualified status (its decision depends on the validation
// time and the list's freshness). Extra certificates offered by the
// caller are part of the key (inputKey). A result resting on an OCSP
// answer to a nonce is not kept (each validation asks afresh).
func (v *Validator) resultCacheable(ctx context.Context) bool {
	return v.results != nil && v.opts.Qualification == nil && len(stapled(ctx)) == 0
}

// cachedResult returns a copy of the cached result for the inputs of key
// (inputKey: the leaf and the extra certificates) at the time at, if there
// is one. The copy shares its slices with the cached result.
func (v *Validator) cachedResult(ctx context.Context, key [32]byte, at time.Time) (*Result, bool) {
	if !v.resultCacheable(ctx) {
		return nil, false
	}
	c, ok := v.results.Get(key)
	if !ok || at.Before(c.from) || !at.Before(c.until) || !c.refetch.IsZero() && !v.clock().Before(c.refetch) {
		return nil, false
	}
	r := *c.res
	r.At = at
	return &r, true
}

// cacheResult keeps res, the valid result of the validation at the time at
// of the inputs of key (inputKey), until the earliest expiry of its
// inputs.
func (v *Validator) cacheResult(ctx context.Context, key [32]byte, at time.Time, res *Result) {
	if !res.Valid || !v.resultCacheable(ctx) {
		return
	}
	until, ok := v.resultExpiry(res)
	if !ok || !at.Before(until) {
		return
	}
	c := *res
	cr := &cachedResult{res: &c, from: at, until: until}
	if fetchedCRL(res.Sources) {
		cr.refetch = v.clock().Add(crl.DefaultCacheLifetime)
	}
	v.results.Put(key, cr)
}

// fetchedCRL reports whether a CRL fetched from a distribution point is
// among the sources (not one given to the checker, "provided").
func fetchedCRL(srcs []Source) bool {
	for _, s := range srcs {
		if s.Kind == "crl" && (strings.HasPrefix(s.URL, "http://") || strings.HasPrefix(s.URL, "https://")) {
			return true
		}
	}
	return false
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
	// nothing to consult about one is not an input that expires. (A path
	// of one certificate, a trust anchor validated itself, has none.)
	var silent map[string]bool
	for _, c := range res.Chain[1:max(len(res.Chain)-1, 1)] {
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
