package crl_test

import "github.com/csam-go/csam/x509check/crl"

// SourceError templates: errors.Is(err, errStale) matches any error of
// that code. Two failures share a code where x509check reports them alike
// (an issuer mismatch and an issuer that is not a CRL signer are both a
// bad responder).
var (
	errBadSignature             = &crl.SourceError{Code: "bad-signature"}
	errDeltaMismatch            = &crl.SourceError{Code: "malformed-response"}
	errFetch                    = &crl.SourceError{Code: "fetch"}
	errIssuerMismatch           = &crl.SourceError{Code: "bad-responder"}
	errMalformed                = &crl.SourceError{Code: "malformed-response"}
	errNotCRLSigner             = &crl.SourceError{Code: "bad-responder"}
	errNotYetValid              = &crl.SourceError{Code: "future-response"}
	errScope                    = &crl.SourceError{Code: "no-source"}
	errStale                    = &crl.SourceError{Code: "stale-response"}
	errTimeout                  = &crl.SourceError{Code: "timeout"}
	errTooLarge                 = &crl.SourceError{Code: "response-too-large"}
	errUnknownCriticalExtension = &crl.SourceError{Code: "critical-extension"}
)
