package x509check

import (
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/internal/errs"
)

// Error is the type of the package's sentinel errors. Every error a
// validation reports wraps one of them, so that callers match with
// errors.Is (errors.Is(err, x509check.ErrRevoked)) and read a stable code
// with [Code] ("untrusted", "revoked", ...), used in the JSON output of
// cmd/certcheck. The packages of x509check return the same values
// (crl and ocsp failures match [ErrRevocationUnavailable], a malformed
// trusted list [ErrBadInput]), as fs.ErrNotExist is os.ErrNotExist.
type Error = errs.Error

// SourceError reports a revocation source (an OCSP responder or response,
// a CRL) that gave no usable answer: its Code says why ("stale-response",
// "bad-signature", "fetch", "no-source", ...). It matches
// [ErrRevocationUnavailable], and a SourceError of its code without detail:
//
//	errors.Is(err, &x509check.SourceError{Code: "stale-response"})
//
// It unwraps to its detail. Packages
// x509check/ocsp and x509check/crl return it.
type SourceError = errs.SourceError

var (
	// ErrUntrusted is returned when the certificate does not chain to a
	// trusted root: no path, or a path that fails RFC 5280 validation (its
	// detail is a [github.com/csam-go/csam/x509check/path.InvalidError]).
	ErrUntrusted = errs.Untrusted
	// ErrExpired is returned when a certificate of the path is past its
	// notAfter at the validation time.
	ErrExpired = errs.Expired
	// ErrNotYetValid is returned when a certificate of the path is before
	// its notBefore at the validation time.
	ErrNotYetValid = errs.NotYetValid
	// ErrWrongUsage is returned when the certificate's key usage or
	// extended key usage does not allow the intended [Usage].
	ErrWrongUsage = errs.WrongUsage
	// ErrRevoked is returned (through a [RevokedError]) when a certificate
	// of the path is revoked.
	ErrRevoked = errs.Revoked
	// ErrSuspended is returned (through a [RevokedError]) when a
	// certificate of the path is on hold (certificateHold).
	ErrSuspended = errs.Suspended
	// ErrUnknown is returned when an OCSP responder answers that it does
	// not know the certificate.
	ErrUnknown = errs.Unknown
	// ErrRevocationUnavailable is returned when the revocation policy
	// cannot reach a decision; it is joined with the [SourceError] of each
	// source consulted, which match it too.
	ErrRevocationUnavailable = errs.RevocationUnavailable
	// ErrNoTrust is returned when a validation has no trust anchors.
	ErrNoTrust = errs.NoTrust
	// ErrPinMismatch is returned by [NewValidator] when a self-signed root
	// matches none of the Belgian root pins.
	ErrPinMismatch = errs.PinMismatch
	// ErrBadInput is returned for input that cannot be read: a certificate,
	// CRL, OCSP response, accepted list or trusted list that is not
	// well-formed, or a nil certificate.
	ErrBadInput = errs.BadInput
)

// Code returns the code of the first [Error] or [SourceError] err wraps,
// or "error".
func Code(err error) string { return errs.Code(err) }

// RevokedError reports a revoked or suspended certificate. It matches
// ErrRevoked, or ErrSuspended for a certificate on hold.
type RevokedError struct {
	Subject string    // subject of the revoked certificate
	Serial  string    // its serial number, hexadecimal
	At      time.Time // revocation time
	Reason  Reason    // CRL reason code
	Source  string    // address (or "provided") of the source that said so
}

func (e *RevokedError) Error() string {
	what := "revoked"
	if e.Reason == crl.ReasonCertificateHold {
		what = "suspended (certificateHold)"
	}
	return fmt.Sprintf("x509check: certificate %q (serial %s) %s at %s, reason %s, per %s",
		e.Subject, e.Serial, what, e.At.UTC().Format(time.RFC3339), e.Reason, e.Source)
}

// Unwrap returns ErrRevoked, or ErrSuspended when the reason is
// certificateHold.
func (e *RevokedError) Unwrap() error {
	if e.Reason == crl.ReasonCertificateHold {
		return ErrSuspended
	}
	return ErrRevoked
}

// Reason is a CRL reason code (RFC 5280 section 5.3.1): [crl.Reason], with
// its constants (crl.ReasonKeyCompromise, ...).
type Reason = crl.Reason
