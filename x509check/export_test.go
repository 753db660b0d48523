package x509check

import "time"

// DisableResultCache makes v validate without its result cache (its path
// and revocation caches stay), for the benchmark of the checks the cache
// saves. Call it before v's first validation.
func DisableResultCache(v *Validator) { v.results = nil }

// SetClock sets the wall clock v's result cache bounds a result resting
// on a fetched CRL with. Call it before v's first validation.
func SetClock(v *Validator, now func() time.Time) { v.clock = now }

var OIDExtKeyUsageAdobeAuthenticDocuments = oidExtKeyUsageAdobeAuthenticDocuments
var OIDExtKeyUsageDocumentSigning = oidExtKeyUsageDocumentSigning
var OIDExtKeyUsageMSDocumentSigning = oidExtKeyUsageMSDocumentSigning

const PinBelgiumRootCA2 = pinBelgiumRootCA2
const PinBelgiumRootCA3 = pinBelgiumRootCA3
const PinBelgiumRootCA4 = pinBelgiumRootCA4
const PinBelgiumRootCA6 = pinBelgiumRootCA6
