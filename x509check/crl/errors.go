package crl

import (
	"context"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// SourceError is the error a CRL that cannot be used reports: its Code
// says why ("malformed-response", "response-too-large", "fetch",
// "timeout", "bad-responder" for an issuer mismatch or an issuer that is
// not a CRL signer, "bad-signature", "stale-response", "future-response",
// "critical-extension", "no-source" for a certificate outside the CRL's
// scope). Every error about a CRL is one or wraps one (errors.As); it
// matches x509check.ErrRevocationUnavailable and is the same type as
// x509check.SourceError and ocsp.SourceError.
type SourceError = errs.SourceError

// fail returns a *SourceError of code with a formatted detail.
func fail(code, format string, args ...any) error {
	return errs.Source("crl", code, format, args...)
}

// kind is the *SourceError a typed error unwraps to, without detail (the
// typed error has it).
func kind(code string) error { return &SourceError{Source: "crl", Code: code} }

// MalformedError reports why the input is not a valid CRL. It unwraps to a
// [SourceError] of code "malformed-response".
type MalformedError struct{ Reason string }

func (e *MalformedError) Error() string { return "crl: malformed CRL: " + e.Reason }

// Unwrap returns a [SourceError] of code "malformed-response".
func (e *MalformedError) Unwrap() error { return kind(errs.CodeMalformedResponse) }

func malformed(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...)}
}

// TooLargeError reports a download cut off at Limit bytes. It unwraps to a
// [SourceError] of code "response-too-large".
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("crl: CRL at %s exceeds %d bytes", e.URL, e.Limit)
}

// Unwrap returns a [SourceError] of code "response-too-large".
func (e *TooLargeError) Unwrap() error { return kind(errs.CodeResponseTooLarge) }

// FetchError reports a failed download: a transport error (Err) or an
// HTTP status other than 200 (StatusCode). It unwraps to a [SourceError]
// of code "fetch" ("timeout" when Err is a deadline) and to Err.
type FetchError struct {
	URL        string
	StatusCode int
	Err        error
}

func (e *FetchError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("crl: fetching %s: %v", e.URL, e.Err)
	}
	return fmt.Sprintf("crl: fetching %s: HTTP status %d", e.URL, e.StatusCode)
}

// Unwrap returns a [SourceError] of code "fetch" or "timeout", and the
// transport error, if any.
func (e *FetchError) Unwrap() []error {
	if e.Err == nil {
		return []error{kind(errs.CodeFetch)}
	}
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return []error{kind(errs.CodeTimeout), e.Err}
	}
	return []error{kind(errs.CodeFetch), e.Err}
}

// TimeError reports a CRL outside its validity at time Now: stale, or not
// yet valid when Future is set. It unwraps to a [SourceError] of code
// "stale-response" or "future-response".
type TimeError struct {
	ThisUpdate, NextUpdate, Now time.Time
	Future                      bool
}

func (e *TimeError) Error() string {
	if e.Future {
		return fmt.Sprintf("crl: CRL not yet valid: thisUpdate %s is after %s", e.ThisUpdate.Format(time.RFC3339), e.Now.Format(time.RFC3339))
	}
	if e.NextUpdate.IsZero() {
		return fmt.Sprintf("crl: stale CRL: issued %s without nextUpdate, too old at %s", e.ThisUpdate.Format(time.RFC3339), e.Now.Format(time.RFC3339))
	}
	return fmt.Sprintf("crl: stale CRL: nextUpdate %s is before %s", e.NextUpdate.Format(time.RFC3339), e.Now.Format(time.RFC3339))
}

// Unwrap returns a [SourceError] of code "stale-response", or
// "future-response" when Future is set.
func (e *TimeError) Unwrap() error {
	if e.Future {
		return kind(errs.CodeFutureResponse)
	}
	return kind(errs.CodeStaleResponse)
}

// ExtensionError reports an unknown critical extension, on the CRL itself
// or, when Serial is set, on that entry. It unwraps to a [SourceError] of
// code "critical-extension".
type ExtensionError struct {
	OID    asn1.ObjectIdentifier
	Serial *big.Int
}

func (e *ExtensionError) Error() string {
	if e.Serial != nil {
		return fmt.Sprintf("crl: unknown critical extension %s on the entry of serial %s", e.OID, e.Serial.Text(16))
	}
	return fmt.Sprintf("crl: unknown critical CRL extension %s", e.OID)
}

// Unwrap returns a [SourceError] of code "critical-extension".
func (e *ExtensionError) Unwrap() error { return kind(errs.CodeCriticalExtension) }

// ScopeError reports why a CRL does not cover a certificate. It unwraps to
// a [SourceError] of code "no-source".
type ScopeError struct{ Reason string }

func (e *ScopeError) Error() string { return "crl: certificate outside the CRL's scope: " + e.Reason }

// Unwrap returns a [SourceError] of code "no-source".
func (e *ScopeError) Unwrap() error { return kind(errs.CodeNoSource) }
