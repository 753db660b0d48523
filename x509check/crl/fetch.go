package crl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Defaults of FetchOptions.
const (
	DefaultMaxBytes = 10 << 20 // 10 MiB
	// defaultTimeout is the per-request bound, the same as x509check's
	// for OCSP (ocsp.Options.Timeout, Options.Tuning.RequestTimeout).
	defaultTimeout = 10 * time.Second
)

// noRedirect is the client Fetch uses when given none: redirects are not
// followed (a 3xx answer is a *FetchError), the rule x509check applies to
// OCSP requests too: one request per source, to the address the
// certificate names.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}}

// Doer sends HTTP requests; *http.Client is one.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// FetchOptions bound a download. The zero value is ready to use.
type FetchOptions struct {
	// MaxBytes is the largest CRL accepted; zero means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds the whole download (on top of ctx's deadline); zero
	// means 10 seconds, a negative value no timeout of its own.
	Timeout time.Duration
}

// Fetch downloads the CRL at url with an HTTP GET through doer (when nil,
// a client that does not follow redirects) and returns its bytes, unparsed. Errors:
// [TooLargeError] when the Content-Length or the body exceeds
// MaxBytes, [FetchError] for transport errors (wrapping them, so
// errors.Is(err, context.DeadlineExceeded) works) and statuses other than
// 200.
func Fetch(ctx context.Context, doer Doer, url string, opts FetchOptions) ([]byte, error) {
	if doer == nil {
		doer = noRedirect
	}
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &FetchError{URL: url, Err: err}
	}
	req.Header.Set("Accept", "application/pkix-crl, application/x-pkcs7-crl;q=0.5, */*;q=0.1")
	resp, err := doer.Do(req)
	if err != nil {
		return nil, &FetchError{URL: url, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &FetchError{URL: url, StatusCode: resp.StatusCode}
	}
	if resp.ContentLength > limit {
		return nil, &TooLargeError{URL: url, Limit: limit}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &FetchError{URL: url, Err: fmt.Errorf("reading the body: %w", err)}
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{URL: url, Limit: limit}
	}
	return b, nil
}
