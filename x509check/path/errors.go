package path

import (
	"errors"
	"fmt"
)

// Sentinel errors. A failed validation returns an *InvalidError wrapping
// one of them; match with errors.Is.
var (
	// ErrNoPath is returned when no chain of issuers reaches a trust
	// anchor.
	ErrNoPath = errors.New("path: no path to a trust anchor")
	// ErrBadSignature is returned when no candidate issuer's key verifies
	// a certificate's signature (an unsupported algorithm included).
	ErrBadSignature = errors.New("path: signature invalid")
	// ErrExpired and ErrNotYetValid are returned for a certificate of the
	// path outside its validity at the validation time.
	ErrExpired     = errors.New("path: certificate expired")
	ErrNotYetValid = errors.New("path: certificate not yet valid")
	// ErrNotCA is returned when an issuer is not a CA (basic constraints).
	ErrNotCA = errors.New("path: issuer is not a CA")
	// ErrPathLength is returned when a path length constraint is exceeded.
	ErrPathLength = errors.New("path: path length constraint exceeded")
	// ErrKeyUsage is returned when an issuer's key usage lacks
	// keyCertSign.
	ErrKeyUsage = errors.New("path: issuer key usage does not allow certificate signing")
	// ErrNameConstraints is returned when a name lies outside the
	// permitted subtrees or inside an excluded one.
	ErrNameConstraints = errors.New("path: name constraints violated")
	// ErrPolicy is returned when an explicit policy is required and the
	// path is valid for none of the acceptable ones, or for a policy
	// mapping to or from anyPolicy.
	ErrPolicy = errors.New("path: no acceptable certificate policy")
	// ErrCriticalExtension is returned for a critical extension this
	// package does not process (see Options.HandledCriticalExtensions).
	ErrCriticalExtension = errors.New("path: unhandled critical extension")
	// ErrRevoked is returned (through *RevokedError) for a revoked
	// certificate.
	ErrRevoked = errors.New("path: certificate revoked")
	// ErrRevocationUnknown is returned when the revocation status cannot
	// be determined (no CRL in scope, reasons not covered, no valid CRL
	// signer).
	ErrRevocationUnknown = errors.New("path: revocation status undetermined")
	// ErrRevocationExpired is returned, with ErrRevocationUnknown, when the
	// only CRLs in scope are past their next update.
	ErrRevocationExpired = errors.New("path: revocation information out of date")
	// ErrWorkLimit is returned when path building stopped at its bounds
	// (MaxWork, MaxPaths) without a valid path.
	ErrWorkLimit = errors.New("path: path building bound reached")
	// ErrNoTrustAnchors is returned by a Verifier without roots.
	ErrNoTrustAnchors = errors.New("path: no trust anchors")
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
