package x509check

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/errs"
	pathval "github.com/csam-go/csam/x509check/path"
)

// CRLOptions configure NewCRLChecker. Every zero value is a documented
// default.
type CRLOptions struct {
	// CRLs are CRLs (DER or PEM; complete or delta) to use before
	// fetching: a complete CRL of the certificate's issuer found here is
	// used instead of the certificate's distribution points.
	CRLs [][]byte
	// Offline forbids fetching: only CRLs are used.
	Offline bool
	// HTTP fetches CRLs; nil means a client that does not follow
	// redirects (the rule for OCSP too).
	HTTP Doer
	// MaxBytes bounds a download; zero means crl.DefaultMaxBytes (10 MiB).
	MaxBytes int64
	// Timeout bounds a download; zero means 10 seconds (the
	// same as Options.Tuning.RequestTimeout for OCSP).
	Timeout time.Duration
	// ClockSkew and MaxAge as in crl.VerifyOptions (zero: 5 minutes and
	// 24 hours).
	ClockSkew time.Duration
	MaxAge    time.Duration
	// CacheEntries bounds the CRLs kept (until their nextUpdate, at most
	// crl.DefaultCacheLifetime); zero means 64. Only
	// CRLs that verified are cached.
	CacheEntries int
	// AllowSHA1 accepts CRLs signed with SHA-1; zero (false) refuses them
	// ("bad-signature"; Options.AllowSHA1Signatures sets it for the
	// validator's default checker).
	AllowSHA1 bool
}

// NewCRLChecker returns the CRL checker of package x509check/crl: CRLs
// provided or fetched from the certificate's HTTP distribution points
// (bounded in size and time, cached with their serial index until
// nextUpdate), verified against the issuer (name and AKI, cRLSign,
// signature, unknown critical extensions, freshness), their scope checked
// (issuing distribution point), a provided delta CRL applied to its base,
// certificateHold reported as suspended, and reasons a CRL does not cover
// left undetermined. Its errors are those of package crl: a [SourceError]
// (matching [ErrRevocationUnavailable]) with crl's details.
func NewCRLChecker(o CRLOptions) (CRLChecker, error) {
	c := &crlChecker{opts: o}
	for _, b := range o.CRLs {
		x, err := crl.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
		}
		if x.IsDelta() {
			c.deltas = append(c.deltas, x)
		} else {
			c.bases = append(c.bases, x)
		}
		if p, err := pathval.ParseCRL(x.Raw); err == nil {
			c.rfc = append(c.rfc, p)
		}
	}
	c.cache = crl.NewCache(crl.CacheOptions{MaxEntries: o.CacheEntries, Doer: o.HTTP,
		Fetch: crl.FetchOptions{MaxBytes: o.MaxBytes, Timeout: o.Timeout}})
	return c, nil
}

type crlChecker struct {
	opts          CRLOptions
	bases, deltas []*crl.CRL
	cache         *crl.Cache
	// rfc holds the same CRLs for RFC 5280 section 6.3 processing with
	// the validator's path (checkPath).
	rfc pathval.CRLs
}

// crlError returns err when it is (or wraps) a *SourceError, as every
// error of package crl about a CRL is; otherwise (a canceled context) a
// *SourceError of code "timeout" or "fetch" wrapping it.
func crlError(err error) error {
	var se *SourceError
	if errors.As(err, &se) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.Wrap("crl", errs.CodeTimeout, err)
	}
	return errs.Wrap("crl", errs.CodeFetch, err)
}

// CheckCRL decides from every CRL it can consult: the provided complete
// CRLs of the issuer, else those at the certificate's distribution points.
// Only CRLs that verify against issuer count (and only those are cached).
// Of these, a revocation for a reason other than certificateHold wins
// whatever the CRL's age (RFC 5280 section 5.3.1: only a hold can be
// lifted); otherwise the most recent CRL decides (highest cRLNumber, then
// latest thisUpdate), so an older CRL given or served first never masks a
// newer one. The most recent provided delta CRL of the issuer is applied.
func (c *crlChecker) CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (Status, []Source, error) {
	vo := crl.VerifyOptions{CurrentTime: at, ClockSkew: c.opts.ClockSkew, MaxAge: c.opts.MaxAge, AllowSHA1: c.opts.AllowSHA1}
	verify := func(x *crl.CRL) error { return x.Verify(issuer, vo) }
	type cand struct {
		x   *crl.CRL
		url string
		err error
	}
	var cands []cand
	for _, b := range c.bases {
		if bytes.Equal(b.RawIssuer, issuer.RawSubject) {
			cands = append(cands, cand{x: b, url: "provided", err: verify(b)})
		}
	}
	if len(cands) == 0 && !c.opts.Offline {
		for _, u := range cert.CRLDistributionPoints {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				continue
			}
			x, err := c.cache.Load(ctx, u, verify)
			cands = append(cands, cand{x: x, url: u, err: err})
		}
	}
	subject := SubjectString(cert)
	if len(cands) == 0 {
		why := "no CRL distribution point"
		if c.opts.Offline {
			why = "offline and no CRL of the issuer provided"
		}
		err := errs.Source("crl", errs.CodeNoSource, "%s", why)
		return StatusUndetermined, []Source{{Kind: "crl", Subject: subject, Status: StatusUndetermined, Err: err, Error: err.Error()}}, err
	}
	var delta *crl.CRL
	for _, d := range c.deltas {
		if bytes.Equal(d.RawIssuer, issuer.RawSubject) && d.Verify(issuer, vo) == nil && newer(d, delta) {
			delta = d
		}
	}
	var srcs []Source
	var last error
	best, bestX := -1, (*crl.CRL)(nil)
	for _, k := range cands {
		src := Source{Kind: "crl", URL: k.url, Subject: subject, Status: StatusUndetermined}
		fail := func(err error) {
			last = crlError(err)
			src.Err, src.Error = last, last.Error()
			srcs = append(srcs, src)
		}
		if k.x != nil {
			src.ThisUpdate, src.NextUpdate = k.x.ThisUpdate, k.x.NextUpdate
		}
		if k.err != nil {
			fail(k.err)
			continue
		}
		res, err := k.x.CheckWithDelta(cert, delta)
		applied := delta != nil
		if err != nil && delta != nil {
			res, err = k.x.Check(cert)
			applied = false
		}
		if err != nil {
			fail(err)
			continue
		}
		switch res.Status {
		case crl.StatusGood:
			src.Status = StatusGood
		case crl.StatusRevoked, crl.StatusSuspended:
			r := res.Entry.Reason
			if r == crl.ReasonAbsent {
				r = crl.ReasonUnspecified
			}
			src.RevokedAt, src.Reason = res.Entry.RevocationTime, &r
			src.Status = StatusRevoked
			if res.Status == crl.StatusSuspended {
				src.Status = StatusSuspended
			}
			if res.Entry.RevocationTime.After(at) {
				if compromised(res.Entry, at) {
					src.Note = "key compromise: revoked from its invalidity date (from the start when none is given), before the revocation date"
				} else {
					src.Status = StatusGood
					src.Note = "revoked after the validation time"
				}
			}
		default:
			fail(errs.Source("crl", errs.CodeNoSource, "the CRL does not cover every revocation reason"))
			continue
		}
		if applied {
			src.Note = strings.TrimPrefix(src.Note+"; delta CRL applied", "; ")
		}
		srcs = append(srcs, src)
		i := len(srcs) - 1
		switch {
		case best < 0:
			best, bestX = i, k.x
		case srcs[best].Status == StatusRevoked:
			// A revocation stands.
		case src.Status == StatusRevoked || newer(k.x, bestX):
			best, bestX = i, k.x
		}
	}
	if best < 0 {
		return StatusUndetermined, srcs, last
	}
	// The deciding source first (Result.Sources reads in that order).
	srcs[0], srcs[best] = srcs[best], srcs[0]
	return srcs[0].Status, srcs, nil
}

// newer reports whether a is more recent than b (nil): higher cRLNumber,
// then later thisUpdate.
func newer(a, b *crl.CRL) bool {
	if b == nil {
		return true
	}
	if a.Number != nil && b.Number != nil {
		if c := a.Number.Cmp(b.Number); c != 0 {
			return c > 0
		}
	}
	return a.ThisUpdate.After(b.ThisUpdate)
}

// compromised reports whether e is a revocation for a key compromise
// (keyCompromise, cACompromise, aACompromise) that applies at at although
// its revocation date is later. RFC 5280 section 5.3.2: the invalidity
// date is when the key is known or suspected to have been compromised,
// usually before the revocation date; the revocation date is only when
// the CA acted. A compromised key cannot be relied on from that date: the
// entry applies from its invalidity date, and from the start when it
// gives none (nothing bounds when the key leaked). Other reasons
// (superseded, cessationOfOperation, affiliationChanged, unspecified)
// apply from the revocation date.
func compromised(e crl.Entry, at time.Time) bool {
	switch e.Reason {
	case crl.ReasonKeyCompromise, crl.ReasonCACompromise, crl.ReasonAACompromise:
		return e.InvalidityDate.IsZero() || !e.InvalidityDate.After(at)
	}
	return false
}

// pathCRLChecker is a CRL checker that can also judge with the whole path
// (RFC 5280 section 6.3: indirect CRLs, cRLIssuer, a CRL signed by another
// key of the issuer whose signer needs a path of its own). decided is
// false when it has nothing to say beyond CheckCRL.
type pathCRLChecker interface {
	checkPath(ctx context.Context, eng *pathval.Verifier, chain []*pathval.Certificate, i int, at time.Time) (st Status, srcs []Source, err error, decided bool)
}

// checkPath runs section 6.3 over the provided CRLs that speak of
// chain[i], and CheckCRL as well: a revocation either finds stands (with
// CheckCRL's notes when it found it), a status section 6.3 cannot
// determine stays undetermined even if CheckCRL found the certificate
// good (a CRL out of scope, reasons not covered), and a good status
// section 6.3 finds counts where CheckCRL had none (an indirect CRL, a CRL
// signed by another key of the CA).
func (c *crlChecker) checkPath(ctx context.Context, eng *pathval.Verifier, chain []*pathval.Certificate, i int, at time.Time) (Status, []Source, error, bool) {
	if !c.rfc.Relevant(chain[i]) {
		return 0, nil, nil, false
	}
	cert, err := chain[i].ToX509()
	if err != nil {
		return 0, nil, nil, false
	}
	issuer, err := chain[i+1].ToX509()
	if err != nil {
		return 0, nil, nil, false
	}
	rfcErr := c.rfc.CheckRevocation(ctx, eng, chain, i, at)
	st, srcs, err := c.CheckCRL(ctx, cert, issuer, at)
	found := err == nil && (st == StatusRevoked || st == StatusSuspended)
	if found {
		return st, srcs, nil, true
	}
	src := Source{Kind: "crl", URL: "provided", Subject: SubjectString(cert), Note: "RFC 5280 section 6.3 over the CRLs given"}
	var rev *pathval.RevokedError
	switch {
	case errors.As(rfcErr, &rev):
		r := Reason(rev.Reason)
		if rev.Reason < 0 {
			r = crl.ReasonUnspecified
		}
		src.Status, src.RevokedAt, src.Reason = StatusRevoked, rev.At, &r
		if r == crl.ReasonCertificateHold {
			src.Status = StatusSuspended
		}
		return src.Status, append([]Source{src}, srcs...), nil, true
	case rfcErr == nil:
		if err == nil && st == StatusGood {
			return st, srcs, nil, true
		}
		src.Status = StatusGood
		return StatusGood, append([]Source{src}, srcs...), nil, true
	}
	if err != nil {
		// CheckCRL's own reason is the more precise.
		return StatusUndetermined, srcs, err, true
	}
	e := errs.Wrap("crl", errs.CodeNoSource, rfcErr)
	if inv := (*pathval.InvalidError)(nil); errors.As(rfcErr, &inv) && inv.Reason == pathval.RevocationExpired {
		e = errs.Wrap("crl", errs.CodeStaleResponse, rfcErr)
	}
	src.Status, src.Err, src.Error = StatusUndetermined, e, e.Error()
	return StatusUndetermined, append([]Source{src}, srcs...), e, true
}
