package sign

import (
	"errors"
	"fmt"
	"time"
)

// Error is the type of the package's sentinel errors. Every error Sign and
// Verify return wraps one of them (errors.Is), and Code reads its stable
// code, used in the JSON output of journal/cmd/signmsg.
type Error struct {
	// Code is a short stable identifier ("digest-mismatch", ...).
	Code string
	msg  string
}

func (e *Error) Error() string { return "sign: " + e.msg }

func newError(code, msg string) *Error { return &Error{Code: code, msg: msg} }

// Sentinel errors.
var (
	// ErrMalformed is returned when the input is not a CMS SignedData this
	// package reads (DER or BER, one signer, at most MaxSize bytes).
	ErrMalformed = newError("malformed", "malformed CMS signature")
	// ErrUnsupported is returned for a digest or signature algorithm the
	// package does not verify (MD5, SHA-1 for new signatures, DSA, ...).
	ErrUnsupported = newError("unsupported", "unsupported algorithm")
	// ErrNoContent is returned when a detached signature is verified
	// without its content, or content is given to an enveloping one that
	// holds other content.
	ErrNoContent = newError("no-content", "signed content missing or different")
	// ErrDigestMismatch is returned when the content's digest is not the
	// messageDigest signed attribute. (Without signed attributes the
	// signature covers the content itself: other content gives
	// ErrBadSignature.)
	ErrDigestMismatch = newError("digest-mismatch", "content digest does not match the signed digest")
	// ErrBadSignature is returned when the signature value does not verify
	// with the signer's public key over the signed attributes: a signed
	// attribute was altered, or the signature was made by another key.
	ErrBadSignature = newError("bad-signature", "signature does not verify")
	// ErrAttribute is returned for a missing, duplicated or inconsistent
	// signed attribute (content type, message digest, signing time,
	// signing certificate).
	ErrAttribute = newError("bad-attribute", "signed attribute missing or inconsistent")
	// ErrNoSigner is returned when the signer's certificate is not in the
	// signature (nor in VerifyOptions.Certificates).
	ErrNoSigner = newError("no-signer-certificate", "signer certificate not found")
	// ErrAuthenticationKey is returned when a Belgian eID authentication
	// certificate (or its key) would sign, or did sign: art. 7 second
	// paragraph reserves signatures to the signature certificate. Sign
	// refuses before the key is used.
	ErrAuthenticationKey = newError("authentication-key", "an eID authentication key does not sign messages")
	// ErrKeyMismatch is returned by Sign when the signer's public key is not
	// the certificate's.
	ErrKeyMismatch = newError("key-mismatch", "signer key does not match the certificate")
	// ErrCertificate is returned when the signer's certificate is not valid
	// at the signing time (joined with the x509check errors).
	ErrCertificate = newError("certificate", "signer certificate not valid at the signing time")
	// ErrRevokedBeforeSigning is returned when the signer's certificate was
	// revoked (or suspended) at or before the signing time, or when no
	// trusted time proves the signature came before a revocation.
	ErrRevokedBeforeSigning = newError("revoked-before-signing", "signer certificate revoked before the signing time")
	// ErrRevocationUnavailable is returned when the signer certificate's
	// revocation status cannot be determined (and SoftFail is off).
	ErrRevocationUnavailable = newError("revocation-unavailable", "revocation status of the signer certificate unavailable")
	// ErrFutureSigningTime is returned when the claimed signing time is
	// after the verification time (beyond the clock skew) or after the
	// trusted timestamp's time.
	ErrFutureSigningTime = newError("future-signing-time", "claimed signing time after the verification or timestamp time")
	// ErrTimestamp is returned for a timestamp token that does not verify
	// (signature, TSA certificate, status, format).
	ErrTimestamp = newError("bad-timestamp", "timestamp token not valid")
	// ErrTimestampMismatch is returned when a timestamp token covers other
	// data than the signature value (or the content asked for).
	ErrTimestampMismatch = newError("timestamp-mismatch", "timestamp is over other data")
	// ErrTSA is returned when a time-stamping authority cannot be reached
	// or refuses the request.
	ErrTSA = newError("tsa", "time-stamping authority failed")
)

// Code returns the code of the first *Error err wraps, or "error".
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "error"
}

// RevokedError reports a signer certificate revoked at or before the
// signing time. It matches ErrRevokedBeforeSigning.
type RevokedError struct {
	Subject     string    // subject of the revoked certificate
	RevokedAt   time.Time // revocation time
	SigningTime time.Time // the signing time it was compared with
	// TimeSource says where the signing time came from ("timestamp",
	// "claimed", "verification").
	TimeSource string
}

func (e *RevokedError) Error() string {
	return fmt.Sprintf("sign: %q revoked at %s, signing time %s (%s)", e.Subject,
		e.RevokedAt.UTC().Format(time.RFC3339), e.SigningTime.UTC().Format(time.RFC3339), e.TimeSource)
}

// Unwrap returns ErrRevokedBeforeSigning.
func (e *RevokedError) Unwrap() error { return ErrRevokedBeforeSigning }

// errorf wraps sentinel with a formatted detail.
func errorf(sentinel *Error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
