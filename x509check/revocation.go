package x509check

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

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
		if i > 0 && v.defaultCRL && len(cert.OCSPServer) == 0 && len(cert.CRLDistributionPoints) == 0 && len(v.opts.OCSPResponses) == 0 && len(stapled(ctx)) == 0 {
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

var errNoCASource = fmt.Errorf("%w: CA certificate names no OCSP address or CRL distribution point", ErrNoSource)

func onlyNoSource(srcs []Source) bool {
	for _, s := range srcs {
		if !errors.Is(s.Err, ErrNoSource) {
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
		if st == StatusUnknown && v.opts.Unknown == UnknownTryNext {
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
		err := fmt.Errorf("%w: no CRL checker configured", ErrNoSource)
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

// ocspCacheKey identifies a certificate by its issuer's key and name and
// its serial: the SHA-256 of the issuer's key, that of its name, then the
// serial's bytes (with its sign), built in one allocation.
func ocspCacheKey(cert, issuer *x509.Certificate) string {
	var buf [2*sha256.Size + 1 + 32]byte
	k := buf[:0]
	spki := sha256.Sum256(issuer.RawSubjectPublicKeyInfo)
	name := sha256.Sum256(issuer.RawSubject)
	k = append(append(k, spki[:]...), name[:]...)
	k = append(k, byte(cert.SerialNumber.Sign()+1))
	if n := (cert.SerialNumber.BitLen() + 7) / 8; n <= len(buf)-len(k) {
		k = k[:len(k)+n]
		cert.SerialNumber.FillBytes(k[len(k)-n:])
	} else {
		k = append(k, cert.SerialNumber.Bytes()...)
	}
	return string(k)
}

func (v *Validator) checkOCSP(ctx context.Context, cert, issuer *x509.Certificate, at time.Time, leaf bool) (Status, []Source, error) {
	src := Source{Kind: "ocsp", Subject: v.names.of(cert)}
	fail := func(err error) (Status, []Source, error) {
		src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
		return StatusUndetermined, []Source{src}, err
	}
	ck := ocspCheck{cert: cert, issuer: issuer, at: at, skew: v.opts.skew(), maxAge: v.opts.maxAge(),
		allowSHA1: v.opts.AllowSHA1Signatures}

	// Responses stapled to this call, then those given in the options,
	// come first: of those that pass every check, the freshest decides
	// (see freshest), whatever their order.
	var provErr error
	var best *ocspAnswer
	staples := stapled(ctx)
	for i, der := range append(staples[:len(staples):len(staples)], v.opts.OCSPResponses...) {
		a, err := checkOCSPResponse(der, ck)
		if errors.Is(err, ErrCertIDMismatch) {
			continue
		}
		src.URL = "provided"
		if i < len(staples) {
			src.URL = "stapled"
		}
		if err != nil {
			provErr = err
			continue
		}
		best = freshest(best, a)
	}
	if best != nil {
		return v.answerSource(ctx, src, best, issuer, at)
	}
	if provErr != nil && v.opts.Offline {
		return fail(provErr)
	}

	key := ocspCacheKey(cert, issuer)
	if a, ok := v.ocsp.get(key); ok {
		if at.Before(a.expires) && !at.Before(a.thisUpdate.Add(-ck.skew)) {
			src.URL = "cache:" + a.url
			return v.answerSource(ctx, src, a, issuer, at)
		}
		v.ocsp.del(key)
	}
	if v.opts.Offline {
		return fail(fmt.Errorf("%w: offline and no OCSP response provided", ErrNoSource))
	}
	server := ""
	if leaf {
		server = v.opts.OCSPServer
	}
	if server == "" && len(cert.OCSPServer) > 0 {
		server = cert.OCSPServer[0]
	}
	src.URL = server
	if server == "" {
		return fail(fmt.Errorf("%w: no OCSP address in the certificate", ErrNoSource))
	}
	// The request runs detached from any one caller's cancellation (it is
	// bounded by RequestTimeout), so that a caller giving up does not fail
	// the others waiting for the same answer.
	fctx := context.WithoutCancel(ctx)
	ch := v.flight.DoChan(key, func() (any, error) {
		// Another flight may have just filled the cache.
		if a, ok := v.ocsp.get(key); ok && at.Before(a.expires) {
			return a, nil
		}
		a, err := v.fetchOCSP(fctx, server, ck)
		if err != nil {
			return nil, err
		}
		a.url = server
		if v.opts.Nonce {
			// An answer to a nonce is still cached: it was fresh when checked.
			a.expires = minTime(a.expires, time.Now().Add(v.opts.maxAge()))
		}
		v.ocsp.put(key, a)
		return a, nil
	})
	var val any
	select {
	case r := <-ch:
		if r.Err != nil {
			return fail(r.Err)
		}
		val = r.Val
	case <-ctx.Done():
		return fail(fmt.Errorf("%w: %s: %w", ErrTimeout, server, ctx.Err()))
	}
	return v.answerSource(ctx, src, val.(*ocspAnswer), issuer, at)
}

// freshest returns the answer to use of two about one certificate (a may
// be nil): a revocation other than certificateHold stands whatever its
// age (only a hold can be lifted, RFC 5280 section 5.3.1); otherwise the
// later thisUpdate (then producedAt) wins, and on a tie the more severe
// status. An older "good" never masks a newer "revoked".
func freshest(a, b *ocspAnswer) *ocspAnswer {
	switch {
	case a == nil:
		return b
	case a.status == StatusRevoked:
		return a
	case b.status == StatusRevoked:
		return b
	case !a.thisUpdate.Equal(b.thisUpdate):
		if b.thisUpdate.After(a.thisUpdate) {
			return b
		}
		return a
	case !a.producedAt.Equal(b.producedAt):
		if b.producedAt.After(a.producedAt) {
			return b
		}
		return a
	case b.status.severity() > a.status.severity():
		return b
	}
	return a
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// answerSource turns a checked OCSP answer into the result of checkOCSP,
// after checking the revocation of a delegated responder that lacks
// id-pkix-ocsp-nocheck (see checkResponder).
func (v *Validator) answerSource(ctx context.Context, src Source, a *ocspAnswer, issuer *x509.Certificate, at time.Time) (Status, []Source, error) {
	src.Responder = a.responder
	var extra []Source
	if a.delegate != nil {
		note, srcs, err := v.checkResponder(ctx, a.delegate, issuer, at)
		extra = srcs
		if err != nil {
			src.Status, src.Err, src.Error = StatusUndetermined, err, err.Error()
			return StatusUndetermined, append([]Source{src}, extra...), err
		}
		src.Note = note
	}
	src.Status = a.status
	src.ProducedAt, src.ThisUpdate, src.NextUpdate = a.producedAt, a.thisUpdate, a.nextUpdate
	if a.status == StatusRevoked || a.status == StatusSuspended {
		r := a.reason
		src.RevokedAt, src.Reason = a.revokedAt, &r
	}
	return a.status, append([]Source{src}, extra...), nil
}

// responderNote is the Source.Note of a CRL consulted about a delegated
// OCSP responder rather than about the certificate itself.
const responderNote = "revocation of the delegated OCSP responder (no id-pkix-ocsp-nocheck)"

// checkResponder checks the revocation of a delegated OCSP responder
// certificate without id-pkix-ocsp-nocheck, as RFC 6960 section 4.2.2.2.1
// asks, by the CRL distribution point it names, against the issuing CA
// (the CRL checker of the validator, with its cache). It returns the note
// for the OCSP source, the CRL sources consulted (marked with
// responderNote) and an error wrapping ErrBadResponder when the responder
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
		err = fmt.Errorf("%w: no CRL checker configured", ErrNoSource)
	} else {
		// Asked even when the responder names no distribution point: the
		// checker also uses the CRLs given to it (certcheck -crl).
		st, srcs, err = v.opts.CRL.CheckCRL(ctx, resp, issuer, at)
	}
	if len(resp.CRLDistributionPoints) == 0 && errors.Is(err, ErrNoSource) {
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
		return "", srcs, fmt.Errorf("%w: delegated responder %q is %s (CRL)", ErrBadResponder, subject, st)
	}
	if err == nil {
		err = fmt.Errorf("%w: CRL status %s", ErrRevocationUnavailable, st)
	}
	if v.opts.SoftFail {
		v.opts.logger().Warn("x509check: delegated OCSP responder's revocation undetermined, accepted (soft fail)",
			"responder", subject, "err", err)
		return "delegated responder without id-pkix-ocsp-nocheck: its revocation is undetermined (accepted: soft fail)", srcs, nil
	}
	return "", srcs, fmt.Errorf("%w: delegated responder %q: revocation undetermined: %w", ErrBadResponder, subject, err)
}

// fetchOCSP sends one request (GET when its encoding is small, POST
// otherwise), bounded in time and size, and checks the answer.
func (v *Validator) fetchOCSP(ctx context.Context, server string, ck ocspCheck) (*ocspAnswer, error) {
	req, err := newOCSPRequest(ck.cert, ck.issuer, v.opts.OCSPHash, v.opts.Nonce)
	if err != nil {
		return nil, err
	}
	ck.nonce = req.nonce
	ctx, cancel := context.WithTimeout(ctx, v.opts.timeout())
	defer cancel()
	var hreq *http.Request
	enc := base64.StdEncoding.EncodeToString(req.der)
	if lim := v.opts.getLimit(); lim > 0 && len(enc) <= lim {
		u := strings.TrimSuffix(server, "/") + "/" + url.PathEscape(enc)
		hreq, err = http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	} else {
		hreq, err = http.NewRequestWithContext(ctx, http.MethodPost, server, bytes.NewReader(req.der))
		if hreq != nil {
			hreq.Header.Set("Content-Type", "application/ocsp-request")
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFetch, err)
	}
	hreq.Header.Set("Accept", "application/ocsp-response")
	v.mu.Lock()
	v.ocspRequests++
	v.mu.Unlock()
	resp, err := v.http.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %s after %s: %v", ErrTimeout, server, v.opts.timeout(), err)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrFetch, server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s: HTTP %d", ErrFetch, server, resp.StatusCode)
	}
	max := v.opts.maxResponse()
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %d bytes (limit %d)", ErrResponseTooLarge, resp.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: %s after %s: %v", ErrTimeout, server, v.opts.timeout(), err)
		}
		return nil, fmt.Errorf("%w: %s: %v", ErrFetch, server, err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, max)
	}
	return checkOCSPResponse(body, ck)
}
