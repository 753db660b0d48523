// Package errs holds the sentinel errors and the typed errors shared by
// x509check and its packages (path, ocsp, crl, tl, qc), so that one meaning
// has one value: the error x509check/ocsp returns for a stale response is
// the very value x509check matches, as fs.ErrNotExist is os.ErrNotExist.
package errs

import (
	"fmt"
)

// Error is a sentinel error with a stable code.
type Error struct {
	// Code is a short stable identifier ("untrusted", "revoked", ...).
	Code string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// New returns a sentinel with a code and a message prefixed "x509check: ".
func New(code, msg string) *Error { return &Error{Code: code, msg: "x509check: " + msg} }

// The sentinels of the family: every error of x509check and its packages
// matches one of them (errors.Is), or none for a programming error.
var (
	Untrusted             = New("untrusted", "certificate does not chain to a trusted root")
	Expired               = New("expired", "certificate expired")
	NotYetValid           = New("not-yet-valid", "certificate not yet valid")
	WrongUsage            = New("wrong-usage", "certificate not allowed for the intended usage")
	Revoked               = New("revoked", "certificate revoked")
	Suspended             = New("suspended", "certificate suspended (on hold)")
	Unknown               = New("unknown", "revocation status unknown to the responder")
	RevocationUnavailable = New("revocation-unavailable", "revocation status unavailable")
	NoTrust               = New("no-trust-anchors", "no trust anchors configured")
	PinMismatch           = New("pin-mismatch", "root certificate does not match a Belgian root pin")
	BadInput              = New("bad-input", "malformed or unusable input")
	BadListSignature      = New("bad-list-signature", "trusted list signature not valid")
)

// Codes of a SourceError.
const (
	CodeBadResponder      = "bad-responder"
	CodeBadSignature      = "bad-signature"
	CodeStaleResponse     = "stale-response"
	CodeFutureResponse    = "future-response"
	CodeNonceMismatch     = "nonce-mismatch"
	CodeCriticalExtension = "critical-extension"
	CodeResponderStatus   = "responder-status"
	CodeMalformedResponse = "malformed-response"
	CodeCertIDMismatch    = "certid-mismatch"
	CodeResponseTooLarge  = "response-too-large"
	CodeTimeout           = "timeout"
	CodeFetch             = "fetch"
	CodeNoSource          = "no-source"
)

// SourceError reports a revocation source (an OCSP responder or response,
// a CRL) that gave no usable answer. It matches RevocationUnavailable and
// any SourceError of its code (see Is), and unwraps to Err.
type SourceError struct {
	// Source is "ocsp" or "crl".
	Source string
	// Code says what failed: "bad-responder", "bad-signature",
	// "stale-response", "future-response", "nonce-mismatch",
	// "critical-extension", "responder-status", "malformed-response",
	// "certid-mismatch", "response-too-large", "timeout", "fetch" or
	// "no-source".
	Code string
	// Err is the detail (a message, or the cause), nil if none.
	Err error
}

var sourceMessages = map[string]string{
	CodeBadResponder:      "not signed by an authorized signer",
	CodeBadSignature:      "signature invalid or refused",
	CodeStaleResponse:     "revocation information is stale",
	CodeFutureResponse:    "revocation information is from the future",
	CodeNonceMismatch:     "response does not echo the request nonce",
	CodeCriticalExtension: "unrecognized critical extension",
	CodeResponderStatus:   "responder did not answer successfully",
	CodeMalformedResponse: "malformed revocation information",
	CodeCertIDMismatch:    "response is not about the certificate asked for",
	CodeResponseTooLarge:  "revocation response larger than allowed",
	CodeTimeout:           "revocation source did not answer in time",
	CodeFetch:             "revocation source unreachable",
	CodeNoSource:          "no revocation source to consult",
}

// Error returns "source: what failed: detail" (source "x509check" when
// Source is empty).
func (e *SourceError) Error() string {
	m, ok := sourceMessages[e.Code]
	if !ok {
		m = e.Code
	}
	src := e.Source
	if src == "" {
		src = "x509check"
	}
	s := src + ": " + m
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is reports whether target is a *SourceError without Err whose Code is
// e's (and whose Source, when set, is e's), so that
// errors.Is(err, &SourceError{Code: "stale-response"}) matches any stale
// source.
func (e *SourceError) Is(target error) bool {
	t, ok := target.(*SourceError)
	return ok && t.Err == nil && t.Code != "" && t.Code == e.Code && (t.Source == "" || t.Source == e.Source)
}

// Unwrap returns RevocationUnavailable and Err.
func (e *SourceError) Unwrap() []error {
	if e.Err == nil {
		return []error{RevocationUnavailable}
	}
	return []error{RevocationUnavailable, e.Err}
}

// Source returns a *SourceError whose Err is the formatted detail (%w
// wraps as in fmt.Errorf).
func Source(source, code, format string, args ...any) error {
	return &SourceError{Source: source, Code: code, Err: fmt.Errorf(format, args...)}
}

// Wrap returns a *SourceError with err as its detail.
func Wrap(source, code string, err error) error {
	return &SourceError{Source: source, Code: code, Err: err}
}

// Code returns the code of the first *Error or *SourceError in err's tree
// (depth first, as errors.As walks it), or "error".
func Code(err error) string {
	switch e := err.(type) {
	case nil:
		return "error"
	case *Error:
		return e.Code
	case *SourceError:
		return e.Code
	case interface{ Unwrap() error }:
		return Code(e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, u := range e.Unwrap() {
			if c := Code(u); c != "error" {
				return c
			}
		}
	}
	return "error"
}
