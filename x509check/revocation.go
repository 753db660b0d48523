package x509check

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/csam-go/csam/x509check/internal/errs"
	"github.com/csam-go/csam/x509check/ocsp"
	pathval "github.com/csam-go/csam/x509check/path"
)

// revocation checks every certificate of res.Chain but the anchor and
// fills res.Revocation, res.Sources and, on failure, res.Errors. The
// certificates are checked concurrently (each one's sources in the
// policy's order), so that a path costs the time of its slowest
// certificate, not the sum; the results are then read in path order.
func (v *Validator) revocation(ctx context.Context, res *Result, at time.Time, pchain []*pathval.Certificate) {
	if v.opts.Revocation == NoRevocation {
		res.Revocation = StatusNotChecked
		return
	}
	type outcome struct {
		st   Status
		srcs []Source
		err  error
		none bool // a CA naming no source, and no CRL given: not consulted
	}
	outs := make([]outcome, max(len(res.Chain)-1, 0))
	var wg sync.WaitGroup
	for i := range outs {
		cert, issuer := res.Chain[i], res.Chain[i+1]
		if i > 0 && v.defaultCRL && len(cert.OCSPServer) == 0 && len(cert.CRLDistributionPoints) == 0 &&
			len(stapled(ctx)) == 0 && v.ocspSilent(ctx, cert, issuer, at) {
			outs[i].none = true
			continue
		}
		wg.Go(func() {
			o := &outs[i]
			ctx := ctx
			if len(pchain) == len(res.Chain) {
				ctx = context.WithValue(ctx, pathPosKey{}, pathPos{chain: pchain, i: i})
			}
			o.st, o.srcs, o.err = v.checkOne(ctx, cert, issuer, at, i == 0)
		})
	}
	wg.Wait()
	worst := StatusNotChecked
	for i, o := range outs {
		cert := res.Chain[i]
		if o.none {
			// A CA certificate that names no revocation source, and no CRL
			// was given: nothing can be consulted.
			res.Sources = append(res.Sources, Source{Kind: "none", Subject: v.names.of(cert),
				Status: StatusUndetermined, Err: errNoCASource, Error: errNoCASource.Error()})
			continue
		}
		st, srcs, err := o.st, o.srcs, o.err
		res.Sources = append(res.Sources, srcs...)
		if i > 0 && st == StatusUndetermined && onlyNoSource(srcs) &&
			len(cert.OCSPServer) == 0 && len(cert.CRLDistributionPoints) == 0 {
			// A CA certificate that names no revocation source: nothing
			// to check (recorded in Sources). One that names a source
			// which could not be consulted (offline, nothing provided) is
			// undetermined like a leaf.
			continue
		}
		if st.severity() > worst.severity() {
			worst = st
		}
		switch st {
		case StatusRevoked, StatusSuspended:
			for _, s := range srcs {
				// The first source about cert itself with that status (not
				// a CRL consulted about a delegated OCSP responder).
				if s.Status == st && s.Note != responderNote {
					res.RevokedAt, res.Reason = s.RevokedAt, *s.Reason
					res.Errors = append(res.Errors, &RevokedError{
						Subject: SubjectString(cert), Serial: serialHex(cert),
						At: s.RevokedAt, Reason: *s.Reason, Source: s.URL,
					})
					break
				}
			}
		case StatusUnknown:
			res.Errors = append(res.Errors, fmt.Errorf("%w: %q", ErrUnknown, SubjectString(cert)))
		case StatusUndetermined:
			if v.opts.SoftFail {
				v.opts.logger().Warn("x509check: revocation undetermined, accepted (soft fail)",
					"subject", SubjectString(cert), "err", err)
			} else {
				res.Errors = append(res.Errors, err)
			}
		}
	}
	res.Revocation = worst
}

// ocspSilent reports whether the OCSP checker has nothing to say about a
// CA certificate that names no revocation source: the default checker
// never has (it holds no responses); one of the caller's, which may hold
// responses, is asked, unless the policy consults no OCSP.
func (v *Validator) ocspSilent(ctx context.Context, cert, issuer *x509.Certificate, at time.Time) bool {
	if v.defaultOCSP || v.opts.Revocation == CRLOnly {
		return true
	}
	_, err := v.opts.OCSP.Check(ctx, ocsp.Query{Cert: cert, Issuer: issuer, At: at})
	return noSource(err)
}

// noSource reports whether err says there was no revocation source to
// consult.
func noSource(err error) bool { return errors.Is(err, &SourceError{Code: errs.CodeNoSource}) }

var errNoCASource = errs.Source("", errs.CodeNoSource, "CA certificate names no OCSP address or CRL distribution point")

func onlyNoSource(srcs []Source) bool {
	for _, s := range srcs {
		if !noSource(s.Err) {
			return false
		}
	}
	return true
}

// pathPosKey carries, to a path-aware CRL checker, the path of the
// certificate whose revocation is checked and its position.
type pathPosKey struct{}

type pathPos struct {
	chain []*pathval.Certificate
	i     int
}

type sourceFunc func(ctx context.Context, cert, issuer *x509.Certificate, at time.Time, leaf bool) (Status, []Source, error)

// checkOne consults the sources of the policy in order until one decides.
func (v *Validator) checkOne(ctx context.Context, cert, issuer *x509.Certificate, at time.Time, leaf bool) (Status, []Source, error) {
	var order []sourceFunc
	switch v.opts.Revocation {
	case OCSPFirst:
		order = []sourceFunc{v.checkOCSP, v.checkCRL}
	case CRLFirst:
		order = []sourceFunc{v.checkCRL, v.checkOCSP}
	case OCSPOnly:
		order = []sourceFunc{v.checkOCSP}
	case CRLOnly:
		order = []sourceFunc{v.checkCRL}
	}
	var all []Source
	var errs []error
	for _, f := range order {
		st, srcs, err := f(ctx, cert, issuer, at, leaf)
		all = append(all, srcs...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if st == StatusUnknown && v.opts.Tuning.UnknownTryNext {
			errs = append(errs, fmt.Errorf("%w: %q", ErrUnknown, SubjectString(cert)))
			continue
		}
		return st, all, nil
	}
	if len(errs) == 0 {
		return StatusUndetermined, all, fmt.Errorf("%w: %q", ErrRevocationUnavailable, SubjectString(cert))
	}
	return StatusUndetermined, all, fmt.Errorf("%w: %q: %w", ErrRevocationUnavailable, SubjectString(cert), errors.Join(errs...))
}

func (v *Validator) checkCRL(ctx context.Context, cert, issuer *x509.Certificate, at time.Time, _ bool) (Status, []Source, error) {
	if v.opts.CRL == nil {
		err := errs.Source("crl", errs.CodeNoSource, "no CRL checker configured")
		return StatusUndetermined, []Source{{Kind: "crl", Subject: SubjectString(cert), Status: StatusUndetermined, Err: err, Error: err.Error()}}, err
	}
	var st Status
	var srcs []Source
	var err error
	decided := false
	if pc, ok := v.opts.CRL.(pathCRLChecker); ok {
		if pos, ok := ctx.Value(pathPosKey{}).(pathPos); ok && pos.chain[pos.i].Raw != nil && bytes.Equal(pos.chain[pos.i].Raw, cert.Raw) {
			st, srcs, err, decided = pc.checkPath(ctx, v.engine, pos.chain, pos.i, at)
		}
	}
	if !decided {
		st, srcs, err = v.opts.CRL.CheckCRL(ctx, cert, issuer, at)
	}
	for i := range srcs {
		if srcs[i].Err != nil && srcs[i].Error == "" {
			srcs[i].Error = srcs[i].Err.Error()
		}
	}
	return st, srcs, err
}

func (v *Validator) checkOCSP(ctx context.Context, cert, issuer *x509.Certificate, at time.Time, leaf bool) (Status, []Source, error) {
	src := Source{Kind: "ocsp", Subject: v.names.of(cert)}
	r, err := v.opts.OCSP.Check(ctx, ocsp.Query{Cert: cert, Issuer: issuer, At: at, Leaf: leaf, Stapled: stapled(ctx)})
	if err != nil {
		if r != nil {
			src.URL = r.Source
		}
		src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
		return StatusUndetermined, []Source{src}, err
	}
	src.URL, src.nonce = r.Source, r.Nonce
	var extra []Source
	if r.Responder != nil {
		src.Responder = v.names.of(r.Responder)
		if !r.NoCheck {
			note, srcs, err := v.checkResponder(ctx, r.Responder, issuer, at)
			extra = srcs
			if err != nil {
				src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
				return StatusUndetermined, append([]Source{src}, extra...), err
			}
			src.Note = note
		}
	}
	src.ProducedAt, src.ThisUpdate, src.NextUpdate = r.ProducedAt, r.ThisUpdate, r.NextUpdate
	switch r.Status {
	case ocsp.Good:
		src.Status = StatusGood
	case ocsp.Unknown:
		src.Status = StatusUnknown
	case ocsp.Revoked, ocsp.Suspended:
		src.Status = StatusRevoked
		if r.Status == ocsp.Suspended {
			src.Status = StatusSuspended
		}
		reason := Reason(r.Reason)
		src.RevokedAt, src.Reason = r.RevokedAt, &reason
	default:
		err := errs.Source("ocsp", errs.CodeMalformedResponse, "status %v", r.Status)
		src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
		return StatusUndetermined, []Source{src}, err
	}
	return src.Status, append([]Source{src}, extra...), nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// responderNote is the Source.Note of a CRL consulted about a delegated
// OCSP responder rather than about the certificate itself.
const responderNote = "revocation of the delegated OCSP responder (no id-pkix-ocsp-nocheck)"

// checkResponder checks the revocation of a delegated OCSP responder
// certificate without id-pkix-ocsp-nocheck, as RFC 6960 section 4.2.2.2.1
// asks, by the CRL distribution point it names, against the issuing CA
// (the CRL checker of the validator, with its cache). It returns the note
// for the OCSP source, the CRL sources consulted (marked with
// responderNote) and a SourceError of code "bad-responder" when the responder
// is revoked or suspended, or, unless SoftFail, when its status cannot be
// determined. A responder naming no CRL distribution point is checked
// against the CRLs given to the CRL checker, and accepted with a note when
// none is of its issuer: nothing says where to look.
func (v *Validator) checkResponder(ctx context.Context, resp, issuer *x509.Certificate, at time.Time) (string, []Source, error) {
	subject := SubjectString(resp)
	var (
		st   = StatusUndetermined
		srcs []Source
		err  error
	)
	if v.opts.CRL == nil {
		err = errs.Source("crl", errs.CodeNoSource, "no CRL checker configured")
	} else {
		// Asked even when the responder names no distribution point: the
		// checker also uses the CRLs given to it (certcheck -crl).
		st, srcs, err = v.opts.CRL.CheckCRL(ctx, resp, issuer, at)
	}
	if len(resp.CRLDistributionPoints) == 0 && noSource(err) {
		return "delegated responder without id-pkix-ocsp-nocheck names no CRL distribution point and no CRL of its issuer was given: its revocation was not checked", nil, nil
	}
	for i := range srcs {
		srcs[i].Note = responderNote
		if srcs[i].Err != nil && srcs[i].Error == "" {
			srcs[i].Error = srcs[i].Err.Error()
		}
	}
	switch {
	case err == nil && st == StatusGood:
		return "delegated responder without id-pkix-ocsp-nocheck: not revoked (CRL)", srcs, nil
	case err == nil && (st == StatusRevoked || st == StatusSuspended):
		return "", srcs, errs.Source("ocsp", errs.CodeBadResponder, "delegated responder %q is %s (CRL)", subject, st)
	}
	if err == nil {
		err = fmt.Errorf("%w: CRL status %s", ErrRevocationUnavailable, st)
	}
	if v.opts.SoftFail {
		v.opts.logger().Warn("x509check: delegated OCSP responder's revocation undetermined, accepted (soft fail)",
			"responder", subject, "err", err)
		return "delegated responder without id-pkix-ocsp-nocheck: its revocation is undetermined (accepted: soft fail)", srcs, nil
	}
	return "", srcs, errs.Source("ocsp", errs.CodeBadResponder, "delegated responder %q: revocation undetermined: %w", subject, err)
}
