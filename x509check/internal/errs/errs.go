// Package errs holds the error type and the revocation sentinels shared by
// x509check and its protocol packages, so that an error from x509check/ocsp
// is the very value x509check exports (x509check.ErrStaleResponse is
// ocsp.ErrStaleResponse), as fs.ErrNotExist is os.ErrNotExist.
package errs

// Error is a sentinel error with a stable code.
type Error struct {
	// Code is a short stable identifier ("untrusted", "revoked", ...).
	Code string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// New returns a sentinel with a code and a message prefixed "x509check: ".
func New(code, msg string) *Error { return &Error{Code: code, msg: "x509check: " + msg} }

// Sentinels used by the revocation sources.
var (
	BadInput          = New("bad-input", "unreadable certificate input")
	BadResponder      = New("bad-responder", "revocation information (OCSP response or CRL) not signed by an authorized signer")
	BadSignature      = New("bad-signature", "revocation information (OCSP response or CRL) signature invalid or refused")
	StaleResponse     = New("stale-response", "revocation information is stale")
	FutureResponse    = New("future-response", "revocation information is from the future")
	NonceMismatch     = New("nonce-mismatch", "ocsp response does not echo the request nonce")
	CriticalExtension = New("critical-extension", "unrecognized critical extension in revocation information")
	ResponderStatus   = New("responder-status", "ocsp responder did not answer successfully")
	MalformedResponse = New("malformed-response", "malformed revocation information (OCSP response or CRL)")
	CertIDMismatch    = New("certid-mismatch", "ocsp response is not about the certificate asked for")
	ResponseTooLarge  = New("response-too-large", "revocation response larger than allowed")
	Timeout           = New("timeout", "revocation source did not answer in time")
	Fetch             = New("fetch", "revocation source unreachable")
	NoSource          = New("no-source", "no revocation source to consult")
)
