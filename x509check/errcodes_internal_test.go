package x509check

// SourceError templates: errors.Is(err, errStaleResponse) matches any
// source that failed with that code.
var (
	errBadResponder      = &SourceError{Code: "bad-responder"}
	errBadSignature      = &SourceError{Code: "bad-signature"}
	errCertIDMismatch    = &SourceError{Code: "certid-mismatch"}
	errCriticalExtension = &SourceError{Code: "critical-extension"}
	errFetch             = &SourceError{Code: "fetch"}
	errFutureResponse    = &SourceError{Code: "future-response"}
	errMalformedResponse = &SourceError{Code: "malformed-response"}
	errNonceMismatch     = &SourceError{Code: "nonce-mismatch"}
	errResponderStatus   = &SourceError{Code: "responder-status"}
	errResponseTooLarge  = &SourceError{Code: "response-too-large"}
	errStaleResponse     = &SourceError{Code: "stale-response"}
	errTimeout           = &SourceError{Code: "timeout"}
)
