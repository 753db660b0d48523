package ocsp_test

import "github.com/csam-go/csam/x509check/ocsp"

// SourceError templates: errors.Is(err, errStaleResponse) matches any
// error of that code.
var (
	errFutureResponse    = &ocsp.SourceError{Code: "future-response"}
	errMalformedResponse = &ocsp.SourceError{Code: "malformed-response"}
	errNoSource          = &ocsp.SourceError{Code: "no-source"}
	errResponderStatus   = &ocsp.SourceError{Code: "responder-status"}
	errStaleResponse     = &ocsp.SourceError{Code: "stale-response"}
)
