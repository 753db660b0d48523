// Package x509check validates (qualified) X.509 certificates as art. 7 of
// the règlement requires: a path to a CA on the published list, revocation
// by OCSP (RFC 6960) and CRL (RFC 5280), qualified status from QCStatements
// (ETSI EN 319 412-5), and key usage for authentication or signature.
package x509check
