package x509check

import (
	"errors"
	"fmt"
	"github.com/csam-go/csam/x509check/internal/errs"
	"github.com/csam-go/csam/x509check/ocsp"
	"time"
)

// Error is the type of the package's sentinel errors. Every error a
// validation reports wraps one of them, so that callers match with
// errors.Is (errors.Is(err, x509check.ErrRevoked)) and read a stable code
// with errors.As:
//
//	var e *x509check.Error
//	if errors.As(err, &e) { fmt.Println(e.Code) } // "revoked"
//
// Code is a short stable identifier ("untrusted", "revoked", ...), used in
// the JSON output of cmd/certcheck. The revocation sentinels are the
// values package x509check/ocsp returns (ErrStaleResponse is
// ocsp.ErrStaleResponse), as fs.ErrNotExist is os.ErrNotExist.
type Error = errs.Error

func newError(code, msg string) *Error { return errs.New(code, msg) }

// Sentinel errors. Validation failures wrap the first group; revocation
// sources (OCSP, CRL) fail with the second, and when a revocation policy
// cannot reach a decision the validator reports ErrRevocationUnavailable
// joined with the causes of each source.
var (
	ErrUntrusted   = newError("untrusted", "certificate does not chain to a trusted root")
	ErrExpired     = newError("expired", "certificate expired")
	ErrNotYetValid = newError("not-yet-valid", "certificate not yet valid")
	ErrWrongUsage  = newError("wrong-usage", "certificate not allowed for the intended usage")
	ErrRevoked     = newError("revoked", "certificate revoked")
	ErrSuspended   = newError("suspended", "certificate suspended (on hold)")
	ErrUnknown     = newError("unknown", "revocation status unknown to the responder")
	ErrNoTrust     = newError("no-trust-anchors", "no trust anchors configured")
	ErrBadInput    = errs.BadInput
	ErrPinMismatch = newError("pin-mismatch", "root certificate does not match a Belgian root pin")

	ErrRevocationUnavailable = newError("revocation-unavailable", "revocation status unavailable")
	ErrBadResponder          = errs.BadResponder
	ErrBadSignature          = errs.BadSignature
	ErrStaleResponse         = errs.StaleResponse
	ErrFutureResponse        = errs.FutureResponse
	ErrNonceMismatch         = errs.NonceMismatch
	ErrCriticalExtension     = errs.CriticalExtension
	ErrResponderStatus       = errs.ResponderStatus
	ErrMalformedResponse     = errs.MalformedResponse
	ErrCertIDMismatch        = errs.CertIDMismatch
	ErrResponseTooLarge      = errs.ResponseTooLarge
	ErrTimeout               = errs.Timeout
	ErrFetch                 = errs.Fetch
	ErrNoSource              = errs.NoSource
)

// Code returns the code of the first *Error err wraps, or "error".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "error"
}

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
	if e.Reason == ReasonCertificateHold {
		what = "suspended (certificateHold)"
	}
	return fmt.Sprintf("x509check: certificate %q (serial %s) %s at %s, reason %s, per %s",
		e.Subject, e.Serial, what, e.At.UTC().Format(time.RFC3339), e.Reason, e.Source)
}

// Unwrap returns ErrRevoked, or ErrSuspended when the reason is
// certificateHold.
func (e *RevokedError) Unwrap() error {
	if e.Reason == ReasonCertificateHold {
		return ErrSuspended
	}
	return ErrRevoked
}

// ResponderStatusError reports an OCSP responseStatus other than
// successful; it matches ErrResponderStatus (see ocsp.ResponderStatusError).
type ResponderStatusError = ocsp.ResponderStatusError

// Reason is a CRL reason code (RFC 5280 section 5.3.1).
type Reason int

// Reason codes.
const (
	ReasonUnspecified          Reason = 0
	ReasonKeyCompromise        Reason = 1
	ReasonCACompromise         Reason = 2
	ReasonAffiliationChanged   Reason = 3
	ReasonSuperseded           Reason = 4
	ReasonCessationOfOperation Reason = 5
	ReasonCertificateHold      Reason = 6
	ReasonRemoveFromCRL        Reason = 8
	ReasonPrivilegeWithdrawn   Reason = 9
	ReasonAACompromise         Reason = 10
)

var reasonNames = map[Reason]string{
	0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
	4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL",
	9: "privilegeWithdrawn", 10: "aACompromise",
}

// String returns the RFC 5280 name of the reason.
func (r Reason) String() string {
	if n, ok := reasonNames[r]; ok {
		return n
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// MarshalText implements encoding.TextMarshaler.
func (r Reason) MarshalText() ([]byte, error) { return []byte(r.String()), nil }
