package crl

import (
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// Sentinel errors, matched with errors.Is. The typed errors below match
// them too.
var (
	// ErrMalformed: the input is not a DER (or PEM) CRL of RFC 5280 shape.
	ErrMalformed = errors.New("crl: malformed CRL")
	// ErrTooLarge: a download exceeded FetchOptions.MaxBytes.
	ErrTooLarge = errors.New("crl: CRL too large")
	// ErrFetch: the CRL could not be downloaded (transport error or
	// non-200 status).
	ErrFetch = errors.New("crl: fetch failed")
	// ErrIssuerMismatch: the CRL's issuer name or authority key
	// identifier does not match the issuer certificate, or the CRL is not
	// for the certificate's issuer.
	ErrIssuerMismatch = errors.New("crl: issuer mismatch")
	// ErrNotCRLSigner: the issuer certificate is not a CA or lacks the
	// cRLSign key usage.
	ErrNotCRLSigner = errors.New("crl: issuer is not a CRL signer")
	// ErrBadSignature: the CRL signature does not verify with the issuer's
	// key.
	ErrBadSignature = errors.New("crl: bad signature")
	// ErrStale: the CRL's nextUpdate (plus clock skew) has passed, or,
	// without nextUpdate, the CRL is older than the maximum age.
	ErrStale = errors.New("crl: stale CRL")
	// ErrNotYetValid: the CRL's thisUpdate is in the future (beyond the
	// clock skew).
	ErrNotYetValid = errors.New("crl: CRL not yet valid")
	// ErrUnknownCriticalExtension: the CRL or one of its entries carries a
	// critical extension this package does not process; the CRL must not
	// be used (RFC 5280 5.2, 5.3).
	ErrUnknownCriticalExtension = errors.New("crl: unknown critical extension")
	// ErrScope: the CRL does not cover the certificate (issuing
	// distribution point scope, or a delta CRL used without its base).
	ErrScope = errors.New("crl: certificate outside the CRL's scope")
	// ErrDeltaMismatch: a delta CRL does not belong to the given base CRL.
	ErrDeltaMismatch = errors.New("crl: delta CRL does not match its base")
)

// MalformedError reports why the input is not a valid CRL. It matches
// ErrMalformed.
type MalformedError struct{ Reason string }

func (e *MalformedError) Error() string { return "crl: malformed CRL: " + e.Reason }

// Is reports whether target is ErrMalformed.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

func malformed(format string, args ...any) error {
	return &MalformedError{Reason: fmt.Sprintf(format, args...)}
}

// TooLargeError reports a download cut off at Limit bytes. It matches
// ErrTooLarge.
type TooLargeError struct {
	URL   string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("crl: CRL at %s exceeds %d bytes", e.URL, e.Limit)
}

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// FetchError reports a failed download: a transport error (Err) or an
// HTTP status other than 200 (StatusCode). It matches ErrFetch and unwraps
// to Err.
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

// Is reports whether target is ErrFetch.
func (e *FetchError) Is(target error) bool { return target == ErrFetch }

// Unwrap returns the transport error, if any.
func (e *FetchError) Unwrap() error { return e.Err }

// TimeError reports a CRL outside its validity at time Now: stale (matches
// ErrStale) or not yet valid (matches ErrNotYetValid, when Future is set).
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

// Is reports whether target is ErrStale or ErrNotYetValid, as fits.
func (e *TimeError) Is(target error) bool {
	return (target == ErrStale && !e.Future) || (target == ErrNotYetValid && e.Future)
}

// ExtensionError reports an unknown critical extension, on the CRL itself
// or, when Serial is set, on that entry. It matches
// ErrUnknownCriticalExtension.
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

// Is reports whether target is ErrUnknownCriticalExtension.
func (e *ExtensionError) Is(target error) bool { return target == ErrUnknownCriticalExtension }

// ScopeError reports why a CRL does not cover a certificate. It matches
// ErrScope.
type ScopeError struct{ Reason string }

func (e *ScopeError) Error() string { return "crl: certificate outside the CRL's scope: " + e.Reason }

// Is reports whether target is ErrScope.
func (e *ScopeError) Is(target error) bool { return target == ErrScope }
