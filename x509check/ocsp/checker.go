package ocsp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/bounded"
	"github.com/csam-go/csam/x509check/internal/errs"
)

// Doer sends HTTP requests; *http.Client implements it. It is crl.Doer
// (and x509check.Doer).
type Doer = crl.Doer

// Options configure a Checker. Every zero value is a documented default.
type Options struct {
	// Responses are DER OCSP responses to use before fetching (for offline
	// checks). They pass every check a fetched response does.
	Responses [][]byte
	// Server, when set, replaces the OCSP address of a certificate checked
	// as a leaf (Query.Leaf).
	Server string
	// Offline forbids every fetch: only Responses and Query.Stapled are
	// used.
	Offline bool
	// HTTP sends the requests. Nil means an http.Client that does not
	// follow redirects.
	HTTP Doer
	// Timeout bounds each request. Zero means 10 seconds.
	Timeout time.Duration
	// MaxResponseSize bounds a response body. Zero means 64 KiB.
	MaxResponseSize int64
	// Hash is the hash of the CertID: crypto.SHA1 (the zero value means
	// SHA-1, what responders support widely) or crypto.SHA256.
	Hash crypto.Hash
	// Nonce, when true, sends a random 32-octet nonce and requires the
	// response to echo it. Zero: no nonce (responses can be cached by the
	// responder and by the checker).
	Nonce bool
	// GetLimit is the largest base64 encoded request sent with GET (RFC
	// 6960 appendix A); larger requests use POST. Zero means 255;
	// negative means always POST.
	GetLimit int
	// CacheSize bounds the number of cached answers (kept until their
	// nextUpdate). Zero means 4096; negative disables caching.
	CacheSize int
	// ClockSkew, MaxAge and AllowSHA1 as in VerifyOptions.
	ClockSkew time.Duration
	MaxAge    time.Duration
	AllowSHA1 bool
}

// Query is what a Checker is asked about.
type Query struct {
	// Cert is the certificate, Issuer the (validated) certificate that
	// issued it.
	Cert, Issuer *x509.Certificate
	// At is the validation time; zero means time.Now().
	At time.Time
	// Leaf reports that Cert is the end of its path: Options.Server
	// applies to it.
	Leaf bool
	// Stapled are DER responses given with this query (by a TLS peer, in a
	// signed document). They come first, with Options.Responses, and are
	// not cached.
	Stapled [][]byte
}

// Checker answers OCSP queries: from the stapled and provided responses
// (of those that pass every check, the freshest decides), else from its
// cache, else from the responder (GET when the request is small, POST
// otherwise; bounded in time and size). Concurrent queries about one
// certificate send one request. It is safe for concurrent use.
type Checker struct {
	opts     Options
	http     Doer
	cache    *bounded.Cache[string, *Response]
	flight   singleflight.Group
	requests atomic.Int64
}

// NewChecker returns a Checker with the options o.
func NewChecker(o Options) *Checker {
	c := &Checker{opts: o, http: o.HTTP}
	if c.http == nil {
		c.http = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	n := o.CacheSize
	if n == 0 {
		n = defaultCacheSize
	}
	c.cache = bounded.New[string, *Response](n)
	return c
}

// Requests returns the number of requests the checker sent.
func (c *Checker) Requests() int { return int(c.requests.Load()) }

func (c *Checker) verifyOptions(at time.Time) VerifyOptions {
	return VerifyOptions{CurrentTime: at, ClockSkew: c.opts.ClockSkew, MaxAge: c.opts.MaxAge, AllowSHA1: c.opts.AllowSHA1}
}

func (c *Checker) timeout() time.Duration {
	if c.opts.Timeout <= 0 {
		return defaultTimeout
	}
	return c.opts.Timeout
}

// Check returns the checked answer about q.Cert; it may be shared with
// other callers (a cached answer): treat it as read-only. Its errors wrap those of
// ParseResponse, and a [SourceError] of code "no-source" (offline and
// nothing provided, or no address), "fetch", "timeout" or
// "response-too-large"; with an error, the
// Response, when not nil, only names the Source that failed.
func (c *Checker) Check(ctx context.Context, q Query) (*Response, error) {
	r, src, err := c.check(ctx, q)
	if err != nil {
		if src == "" {
			return nil, err
		}
		return &Response{Source: src}, err
	}
	return r, nil
}

func (c *Checker) check(ctx context.Context, q Query) (*Response, string, error) {
	ck := c.verifyOptions(q.At).check(q.Cert, q.Issuer)
	var provErr error
	var provSrc string
	var best *Response
	for i, der := range append(q.Stapled[:len(q.Stapled):len(q.Stapled)], c.opts.Responses...) {
		a, err := checkResponse(der, ck)
		if errors.Is(err, &SourceError{Code: errs.CodeCertIDMismatch}) {
			continue
		}
		src := "provided"
		if i < len(q.Stapled) {
			src = "stapled"
		}
		if err != nil {
			provErr, provSrc = err, src
			continue
		}
		a.Source = src
		best = freshest(best, a)
	}
	if best != nil {
		return best, "", nil
	}
	if provErr != nil && c.opts.Offline {
		return nil, provSrc, provErr
	}
	// Only answers fetched from a responder are cached: offline, or
	// without an address, there is nothing else to look for.
	if c.opts.Offline {
		return nil, "", errOffline
	}
	server := ""
	if q.Leaf {
		server = c.opts.Server
	}
	if server == "" && len(q.Cert.OCSPServer) > 0 {
		server = q.Cert.OCSPServer[0]
	}
	if server == "" {
		return nil, "", errNoAddress
	}
	key := cacheKey(q.Cert, q.Issuer)
	if a, ok := c.cache.Get(key); ok {
		if ck.at.Before(a.expires) && !ck.at.Before(a.ThisUpdate.Add(-ck.skew)) {
			return a, "", nil
		}
		c.cache.Delete(key)
	}
	// The request runs detached from any one caller's cancellation (it is
	// bounded by Timeout), so that a caller giving up does not fail the
	// others waiting for the same answer.
	fctx := context.WithoutCancel(ctx)
	ch := c.flight.DoChan(key, func() (any, error) {
		// Another flight may have just filled the cache.
		if a, ok := c.cache.Get(key); ok && ck.at.Before(a.expires) {
			return a, nil
		}
		a, err := c.fetch(fctx, server, ck)
		if err != nil {
			return nil, err
		}
		a.Source = server
		if c.opts.Nonce {
			// An answer to a nonce is still cached: it was fresh when checked.
			a.expires = minTime(a.expires, time.Now().Add(ck.maxAge))
		}
		cached := *a
		cached.Source = "cache:" + server
		c.cache.Put(key, &cached)
		return a, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, server, r.Err
		}
		return r.Val.(*Response), "", nil
	case <-ctx.Done():
		return nil, server, srcErr(errs.CodeTimeout, "%s: %w", server, ctx.Err())
	}
}

var (
	errOffline   = srcErr(errs.CodeNoSource, "offline and no OCSP response provided")
	errNoAddress = srcErr(errs.CodeNoSource, "no OCSP address in the certificate")
)

// freshest returns the answer to use of two about one certificate (a may
// be nil): a revocation other than certificateHold stands whatever its
// age (only a hold can be lifted, RFC 5280 section 5.3.1); otherwise the
// later thisUpdate (then producedAt) wins, and on a tie the more severe
// status. An older "good" never masks a newer "revoked".
func freshest(a, b *Response) *Response {
	switch {
	case a == nil:
		return b
	case a.Status == Revoked:
		return a
	case b.Status == Revoked:
		return b
	case !a.ThisUpdate.Equal(b.ThisUpdate):
		if b.ThisUpdate.After(a.ThisUpdate) {
			return b
		}
		return a
	case !a.ProducedAt.Equal(b.ProducedAt):
		if b.ProducedAt.After(a.ProducedAt) {
			return b
		}
		return a
	case b.Status.severity() > a.Status.severity():
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

// fetch sends one request (GET when its encoding is small, POST
// otherwise), bounded in time and size, and checks the answer.
func (c *Checker) fetch(ctx context.Context, server string, ck ocspCheck) (*Response, error) {
	req, err := newOCSPRequest(ck.cert, ck.issuer, c.opts.Hash, c.opts.Nonce)
	if err != nil {
		return nil, err
	}
	ck.nonce = req.nonce
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	var hreq *http.Request
	enc := base64.StdEncoding.EncodeToString(req.der)
	lim := c.opts.GetLimit
	if lim == 0 {
		lim = defaultGetLimit
	}
	if lim > 0 && len(enc) <= lim {
		u := strings.TrimSuffix(server, "/") + "/" + url.PathEscape(enc)
		hreq, err = http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	} else {
		hreq, err = http.NewRequestWithContext(ctx, http.MethodPost, server, bytes.NewReader(req.der))
		if hreq != nil {
			hreq.Header.Set("Content-Type", "application/ocsp-request")
		}
	}
	if err != nil {
		return nil, srcErr(errs.CodeFetch, "%v", err)
	}
	hreq.Header.Set("Accept", "application/ocsp-response")
	c.requests.Add(1)
	resp, err := c.http.Do(hreq)
	if err != nil {
		if ctx.Err() != nil {
			return nil, srcErr(errs.CodeTimeout, "%s after %s: %v", server, c.timeout(), err)
		}
		return nil, srcErr(errs.CodeFetch, "%s: %v", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, srcErr(errs.CodeFetch, "%s: HTTP %d", server, resp.StatusCode)
	}
	max := c.opts.MaxResponseSize
	if max <= 0 {
		max = defaultMaxResponseSize
	}
	if resp.ContentLength > max {
		return nil, srcErr(errs.CodeResponseTooLarge, "%d bytes (limit %d)", resp.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, srcErr(errs.CodeTimeout, "%s after %s: %v", server, c.timeout(), err)
		}
		return nil, srcErr(errs.CodeFetch, "%s: %v", server, err)
	}
	if int64(len(body)) > max {
		return nil, srcErr(errs.CodeResponseTooLarge, "more than %d bytes", max)
	}
	return checkResponse(body, ck)
}

// cacheKey identifies a certificate by its issuer's key and name and its
// serial: the SHA-256 of the issuer's key, that of its name, then the
// serial's bytes (with its sign), built in one allocation.
func cacheKey(cert, issuer *x509.Certificate) string {
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
