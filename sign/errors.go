package sign

import (
	"errors"
	"fmt"
	"time"
)

// Error is a refused signature or verification, or input this package
// does not read. Every error Sign and Verify return wraps one (a
// [RevokedError] too); Code is its stable identifier, used in the JSON
// output of signmsg, and [Code] reads it from any error. errors.Is(err,
// &Error{Code: c}) tells whether err wraps an Error with code c.
//
// The codes:
//
//   - "malformed": the input is not a CMS SignedData this package reads
//     (DER or BER, one signer, at most MaxSize bytes).
//   - "unsupported": a digest or signature algorithm the package does not
//     verify (MD5, SHA-1 for new signatures, DSA, ...).
//   - "no-content": a detached signature verified without its content, or
//     content given to an enveloping one that holds other content.
//   - "digest-mismatch": the content's digest is not the messageDigest
//     signed attribute. (Without signed attributes the signature covers the
//     content itself: other content gives "bad-signature".)
//   - "bad-signature": the signature value does not verify with the
//     signer's public key over the signed attributes: a signed attribute
//     was altered, or the signature was made by another key.
//   - "bad-attribute": a missing, duplicated or inconsistent signed
//     attribute (content type, message digest, signing time, signing
//     certificate).
//   - "no-signer-certificate": the signer's certificate is not in the
//     signature (Verify), or Sign has none (Options.Certificate nil and a
//     signer without a certificate).
//   - "authentication-key": a Belgian eID authentication certificate (or
//     its key) would sign, or did sign: art. 7 second paragraph reserves
//     signatures to the signature certificate. Sign refuses before the key
//     is used.
//   - "key-mismatch": Sign was given a signer whose public key is not the
//     certificate's.
//   - "certificate": the signer's certificate is not valid at the signing
//     time (joined with the x509check errors).
//   - "revoked-before-signing": the signer's certificate was revoked (or
//     suspended) at or before the signing time, or no trusted time proves
//     the signature came before a revocation.
//   - "revocation-unavailable": the signer certificate's revocation status
//     cannot be determined (and SoftFail is off).
//   - "future-signing-time": the claimed signing time is after the
//     verification time (beyond the clock skew) or after the trusted
//     timestamp's time.
//   - "bad-timestamp": a timestamp token that does not verify (signature,
//     TSA certificate, status, format).
//   - "timestamp-mismatch": a timestamp token over other data than the
//     signature value (or the content asked for).
//   - "tsa": a time-stamping authority cannot be reached or refuses the
//     request.
type Error struct {
	// Code is a short stable identifier ("digest-mismatch", ...).
	Code string
	msg  string
}

func (e *Error) Error() string { return "sign: " + e.msg }

// Is reports whether target is an *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func newError(code, msg string) *Error { return &Error{Code: code, msg: msg} }

// The errors of the codes above.
var (
	errMalformed             = newError("malformed", "malformed CMS signature")
	errUnsupported           = newError("unsupported", "unsupported algorithm")
	errNoContent             = newError("no-content", "signed content missing or different")
	errDigestMismatch        = newError("digest-mismatch", "content digest does not match the signed digest")
	errBadSignature          = newError("bad-signature", "signature does not verify")
	errAttribute             = newError("bad-attribute", "signed attribute missing or inconsistent")
	errNoSigner              = newError("no-signer-certificate", "signer certificate not found")
	errAuthenticationKey     = newError("authentication-key", "an eID authentication key does not sign messages")
	errKeyMismatch           = newError("key-mismatch", "signer key does not match the certificate")
	errCertificate           = newError("certificate", "signer certificate not valid at the signing time")
	errRevokedBeforeSigning  = newError("revoked-before-signing", "signer certificate revoked before the signing time")
	errRevocationUnavailable = newError("revocation-unavailable", "revocation status of the signer certificate unavailable")
	errFutureSigningTime     = newError("future-signing-time", "claimed signing time after the verification or timestamp time")
	errTimestamp             = newError("bad-timestamp", "timestamp token not valid")
	errTimestampMismatch     = newError("timestamp-mismatch", "timestamp is over other data")
	errTSA                   = newError("tsa", "time-stamping authority failed")
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
// signing time. Its code is "revoked-before-signing".
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

// Unwrap returns the Error of code "revoked-before-signing".
func (e *RevokedError) Unwrap() error { return errRevokedBeforeSigning }

// errorf wraps sentinel with a formatted detail.
func errorf(sentinel *Error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}
