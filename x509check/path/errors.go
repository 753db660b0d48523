package path

import (
	"errors"
	"fmt"
)

// Sentinel errors. A failed validation returns an *InvalidError wrapping
// one of them; match with errors.Is.
var (
	ErrNoPath             = errors.New("path: no path to a trust anchor")
	ErrBadSignature       = errors.New("path: signature invalid")
	ErrExpired            = errors.New("path: certificate expired")
	ErrNotYetValid        = errors.New("path: certificate not yet valid")
	ErrNotCA              = errors.New("path: issuer is not a CA")
	ErrPathLength         = errors.New("path: path length constraint exceeded")
	ErrKeyUsage           = errors.New("path: issuer key usage does not allow certificate signing")
	ErrNameConstraints    = errors.New("path: name constraints violated")
	ErrPolicy             = errors.New("path: no acceptable certificate policy")
	ErrCriticalExtension  = errors.New("path: unhandled critical extension")
	ErrRevoked            = errors.New("path: certificate revoked")
	ErrRevocationUnknown  = errors.New("path: revocation status undetermined")
	ErrRevocationExpired  = errors.New("path: revocation information out of date")
	ErrWorkLimit          = errors.New("path: path building bound reached")
	ErrNoTrustAnchors     = errors.New("path: no trust anchors")
	ErrUnsupportedVersion = errors.New("path: certificate version not allowed")
)

// InvalidError says which certificate of a path failed, and why.
type InvalidError struct {
	// Err is one of the sentinel errors.
	Err error
	// Depth is the certificate's position in the path: 0 for the end
	// entity, counting up towards the anchor; -1 when no path was found.
	Depth   int
	Subject string
	Detail  string
	// Cert is the certificate that failed (nil when no path was found).
	Cert *Certificate
}

func (e *InvalidError) Error() string {
	s := e.Err.Error()
	if e.Subject != "" {
		s += fmt.Sprintf(" (%q, depth %d)", e.Subject, e.Depth)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *InvalidError) Unwrap() error { return e.Err }
