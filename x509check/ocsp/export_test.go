package ocsp

// Test-only access to unexported names for the external tests.

const DefaultClockSkew = defaultClockSkew
