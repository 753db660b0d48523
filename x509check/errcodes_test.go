package x509check_test

import "github.com/csam-go/csam/x509check"

// SourceError templates: errors.Is(err, errStaleResponse) matches any
// source that failed with that code.
var (
	errBadSignature     = &x509check.SourceError{Code: "bad-signature"}
	errNoSource         = &x509check.SourceError{Code: "no-source"}
	errResponseTooLarge = &x509check.SourceError{Code: "response-too-large"}
	errStaleResponse    = &x509check.SourceError{Code: "stale-response"}
	errTimeout          = &x509check.SourceError{Code: "timeout"}
)
