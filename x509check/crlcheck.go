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
	// HTTP fetches CRLs; nil means http.DefaultClient.
	HTTP Doer
	// MaxBytes bounds a download; zero means crl.DefaultMaxBytes (10 MiB).
	MaxBytes int64
	// Timeout bounds a download; zero means crl.DefaultTimeout (15 s).
	Timeout time.Duration
	// ClockSkew and MaxAge as in crl.VerifyOptions (zero: 5 minutes and
	// 24 hours).
	ClockSkew time.Duration
	MaxAge    time.Duration
	// CacheEntries bounds the CRLs kept (until their nextUpdate); zero
	// means crl.DefaultCacheEntries.
	CacheEntries int
}

// NewCRLChecker returns the CRL checker of package x509check/crl: CRLs
// provided or fetched from the certificate's HTTP distribution points
// (bounded in size and time, cached with their serial index until
// nextUpdate), verified against the issuer (name and AKI, cRLSign,
// signature, unknown critical extensions, freshness), their scope checked
// (issuing distribution point), a provided delta CRL applied to its base,
// certificateHold reported as suspended, and reasons a CRL does not cover
// left undetermined. Its errors wrap this package's sentinels
// (ErrStaleResponse, ErrFutureResponse, ErrBadSignature,
// ErrCriticalExtension, ErrBadResponder, ErrFetch, ErrResponseTooLarge,
// ErrMalformedResponse, ErrTimeout, ErrNoSource) and crl's own.
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
	}
	c.cache = crl.NewCache(crl.CacheOptions{MaxEntries: o.CacheEntries, Doer: o.HTTP,
		Fetch: crl.FetchOptions{MaxBytes: o.MaxBytes, Timeout: o.Timeout}})
	return c, nil
}

type crlChecker struct {
	opts          CRLOptions
	bases, deltas []*crl.CRL
	cache         *crl.Cache
}

// mapCRLError wraps a crl error with the matching sentinel of this package.
func mapCRLError(err error) error {
	for _, m := range []struct {
		theirs, ours error
	}{
		{crl.ErrStale, ErrStaleResponse}, {crl.ErrNotYetValid, ErrFutureResponse},
		{crl.ErrBadSignature, ErrBadSignature}, {crl.ErrUnknownCriticalExtension, ErrCriticalExtension},
		{crl.ErrIssuerMismatch, ErrBadResponder}, {crl.ErrNotCRLSigner, ErrBadResponder},
		{crl.ErrTooLarge, ErrResponseTooLarge}, {crl.ErrMalformed, ErrMalformedResponse},
		{crl.ErrScope, ErrNoSource}, {crl.ErrDeltaMismatch, ErrMalformedResponse},
	} {
		if errors.Is(err, m.theirs) {
			return fmt.Errorf("%w: %w", m.ours, err)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	}
	if errors.Is(err, crl.ErrFetch) {
		return fmt.Errorf("%w: %w", ErrFetch, err)
	}
	return err
}

func (c *crlChecker) CheckCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) (Status, []Source, error) {
	type cand struct {
		x   *crl.CRL
		url string
		err error
	}
	var cands []cand
	for _, b := range c.bases {
		if bytes.Equal(b.RawIssuer, issuer.RawSubject) {
			cands = append(cands, cand{x: b, url: "provided"})
		}
	}
	if len(cands) == 0 && !c.opts.Offline {
		for _, u := range cert.CRLDistributionPoints {
			if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				continue
			}
			x, err := c.cache.Load(ctx, u)
			cands = append(cands, cand{x: x, url: u, err: err})
		}
	}
	subject := SubjectString(cert)
	if len(cands) == 0 {
		why := "no CRL distribution point"
		if c.opts.Offline {
			why = "offline and no CRL of the issuer provided"
		}
		err := fmt.Errorf("%w: %s", ErrNoSource, why)
		return StatusUndetermined, []Source{{Kind: "crl", Subject: subject, Status: StatusUndetermined, Err: err, Error: err.Error()}}, err
	}
	vo := crl.VerifyOptions{CurrentTime: at, ClockSkew: c.opts.ClockSkew, MaxAge: c.opts.MaxAge}
	var srcs []Source
	var last error
	for _, k := range cands {
		src := Source{Kind: "crl", URL: k.url, Subject: subject, Status: StatusUndetermined}
		fail := func(err error) {
			last = mapCRLError(err)
			src.Err, src.Error = last, last.Error()
			srcs = append(srcs, src)
		}
		if k.err != nil {
			fail(k.err)
			continue
		}
		src.ThisUpdate, src.NextUpdate = k.x.ThisUpdate, k.x.NextUpdate
		if err := k.x.Verify(issuer, vo); err != nil {
			fail(err)
			continue
		}
		var delta *crl.CRL
		for _, d := range c.deltas {
			if bytes.Equal(d.RawIssuer, issuer.RawSubject) && d.Verify(issuer, vo) == nil {
				delta = d
			}
		}
		res, err := k.x.CheckWithDelta(cert, delta)
		if err != nil && delta != nil {
			res, err = k.x.Check(cert)
		}
		if err != nil {
			fail(err)
			continue
		}
		switch res.Status {
		case crl.StatusGood:
			src.Status = StatusGood
		case crl.StatusRevoked, crl.StatusSuspended:
			r := Reason(res.Entry.Reason)
			if res.Entry.Reason == crl.ReasonAbsent {
				r = ReasonUnspecified
			}
			src.RevokedAt, src.Reason = res.Entry.RevocationTime, &r
			src.Status = StatusRevoked
			if res.Status == crl.StatusSuspended {
				src.Status = StatusSuspended
			}
			if res.Entry.RevocationTime.After(at) {
				src.Status = StatusGood
				src.Note = "revoked after the validation time"
			}
		default:
			fail(fmt.Errorf("%w: the CRL does not cover every revocation reason", ErrNoSource))
			continue
		}
		if delta != nil {
			src.Note = strings.TrimPrefix(src.Note+"; delta CRL applied", "; ")
		}
		srcs = append(srcs, src)
		return src.Status, srcs, nil
	}
	return StatusUndetermined, srcs, last
}
