package ocsp

import (
	"fmt"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// Status is the certificate status an OCSP response gives.
type Status int

// Statuses of a response. Suspended is Revoked with the reason
// certificateHold.
const (
	Good Status = iota
	Revoked
	Suspended
	Unknown
)

var statusNames = [...]string{"good", "revoked", "suspended", "unknown"}

// String returns "good", "revoked", "suspended" or "unknown".
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// severity orders statuses: of two answers as fresh, the worse stands.
func (s Status) severity() int {
	switch s {
	case Revoked:
		return 3
	case Suspended:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

const reasonCertificateHold = 6

// Errors. They are the values package x509check exports under the same
// names (ocsp.ErrStaleResponse is x509check.ErrStaleResponse), so that
// errors.Is matches either, and x509check.Code reads their codes.
var (
	ErrBadInput          = errs.BadInput
	ErrBadResponder      = errs.BadResponder
	ErrBadSignature      = errs.BadSignature
	ErrStaleResponse     = errs.StaleResponse
	ErrFutureResponse    = errs.FutureResponse
	ErrNonceMismatch     = errs.NonceMismatch
	ErrCriticalExtension = errs.CriticalExtension
	ErrResponderStatus   = errs.ResponderStatus
	ErrMalformedResponse = errs.MalformedResponse
	ErrCertIDMismatch    = errs.CertIDMismatch
	ErrResponseTooLarge  = errs.ResponseTooLarge
	ErrTimeout           = errs.Timeout
	ErrFetch             = errs.Fetch
	ErrNoSource          = errs.NoSource
)

// ResponderStatusError reports an OCSP responseStatus other than
// successful (malformedRequest, internalError, tryLater, sigRequired,
// unauthorized). It matches ErrResponderStatus.
type ResponderStatusError struct {
	Status int // the OCSPResponseStatus value
}

var responderStatusNames = map[int]string{
	1: "malformedRequest", 2: "internalError", 3: "tryLater", 5: "sigRequired", 6: "unauthorized",
}

func (e *ResponderStatusError) Error() string {
	n, ok := responderStatusNames[e.Status]
	if !ok {
		n = fmt.Sprintf("status %d", e.Status)
	}
	return "x509check: ocsp responder answered " + n
}

// Unwrap returns ErrResponderStatus.
func (e *ResponderStatusError) Unwrap() error { return ErrResponderStatus }
