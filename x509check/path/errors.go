package path

import (
	"errors"
	"fmt"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// InvalidReason says why a path failed validation.
type InvalidReason int

// Reasons of an [InvalidError].
const (
	// NoPath: no chain of issuers reaches a trust anchor.
	NoPath InvalidReason = iota
	// BadSignature: no candidate issuer's key verifies a certificate's
	// signature (an unsupported algorithm included).
	BadSignature
	// Expired and NotYetValid: a certificate of the path is outside its
	// validity at the validation time.
	Expired
	NotYetValid
	// NotCA: an issuer is not a CA (basic constraints).
	NotCA
	// PathLength: a path length constraint is exceeded.
	PathLength
	// KeyUsage: an issuer's key usage lacks keyCertSign.
	KeyUsage
	// NameConstraints: a name lies outside the permitted subtrees or
	// inside an excluded one.
	NameConstraints
	// Policy: an explicit policy is required and the path is valid for
	// none of the acceptable ones, or a policy maps to or from anyPolicy.
	Policy
	// CriticalExtension: a critical extension this package does not
	// process (see Options.HandledCriticalExtensions).
	CriticalExtension
	// Revoked: a certificate is revoked (Err is a *RevokedError).
	Revoked
	// RevocationUnknown: the revocation status cannot be determined (no
	// CRL in scope, reasons not covered, no valid CRL signer).
	RevocationUnknown
	// RevocationExpired: the only CRLs in scope are past their next
	// update.
	RevocationExpired
	// WorkLimit: path building stopped at its bounds (MaxWork, MaxPaths)
	// without a valid path.
	WorkLimit
	// NoTrustAnchors: the Verifier has no roots.
	NoTrustAnchors
)

var reasonNames = [...]string{
	NoPath:            "no path to a trust anchor",
	BadSignature:      "signature invalid",
	Expired:           "certificate expired",
	NotYetValid:       "certificate not yet valid",
	NotCA:             "issuer is not a CA",
	PathLength:        "path length constraint exceeded",
	KeyUsage:          "issuer key usage does not allow certificate signing",
	NameConstraints:   "name constraints violated",
	Policy:            "no acceptable certificate policy",
	CriticalExtension: "unhandled critical extension",
	Revoked:           "certificate revoked",
	RevocationUnknown: "revocation status undetermined",
	RevocationExpired: "revocation information out of date",
	WorkLimit:         "path building bound reached",
	NoTrustAnchors:    "no trust anchors",
}

// String describes the reason ("name constraints violated", ...).
func (r InvalidReason) String() string {
	if r >= 0 && int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// InvalidError says which certificate of a path failed, and why. It
// matches the x509check sentinel of its Reason (errors.Is):
// x509check.ErrExpired, ErrNotYetValid, ErrRevoked,
// ErrRevocationUnavailable (RevocationUnknown, RevocationExpired),
// ErrNoTrust (NoTrustAnchors), and ErrUntrusted for the others.
type InvalidError struct {
	Reason InvalidReason
	// Depth is the certificate's position in the path: 0 for the end
	// entity, counting up towards the anchor; -1 when no path was found.
	Depth   int
	Subject string
	Detail  string
	// Cert is the certificate that failed (nil when no path was found).
	Cert *Certificate
	// Err is the cause, if any (a *RevokedError for Revoked).
	Err error
}

func (e *InvalidError) Error() string {
	s := "path: " + e.Reason.String()
	if e.Subject != "" {
		s += fmt.Sprintf(" (%q, depth %d)", e.Subject, e.Depth)
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the sentinel of the reason, and Err.
func (e *InvalidError) Unwrap() []error {
	var s error
	switch e.Reason {
	case Expired:
		s = errs.Expired
	case NotYetValid:
		s = errs.NotYetValid
	case Revoked:
		s = errs.Revoked
	case RevocationUnknown, RevocationExpired:
		s = errs.RevocationUnavailable
	case NoTrustAnchors:
		s = errs.NoTrust
	default:
		s = errs.Untrusted
	}
	if e.Err == nil {
		return []error{s}
	}
	return []error{s, e.Err}
}

// Markers of this package's details (unexported: the reason says what
// callers need).
var (
	errRevocationUnknown    = errors.New("revocation status undetermined")
	errRevocationExpired    = errors.New("revocation information out of date")
	errUnsupportedAlgorithm = errors.New("unsupported signature algorithm")
)
