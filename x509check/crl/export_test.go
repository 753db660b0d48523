package crl

// Test-only access to unexported names for the external tests.

var BuildIndex = indexCRL
var IsSHA1 = isSHA1
