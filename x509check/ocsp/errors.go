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

// SourceError reports a response or a responder that gave no usable
// answer; its Code says why ("malformed-response", "stale-response",
// "bad-responder", "fetch", "timeout", "no-source", ...). It matches
// x509check.ErrRevocationUnavailable and is the same type as
// x509check.SourceError.
type SourceError = errs.SourceError

// srcErr returns a *SourceError of this package.
func srcErr(code, format string, args ...any) error {
	return errs.Source("ocsp", code, format, args...)
}

// ResponderStatusError reports an OCSP responseStatus other than
// successful (malformedRequest, internalError, tryLater, sigRequired,
// unauthorized). It is the detail of a [SourceError] of code
// "responder-status".
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
