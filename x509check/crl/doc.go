// Package crl fetches, verifies and indexes certificate revocation lists
// (RFC 5280).
//
// Parse reads a CRL (DER or PEM) and builds its Index once: the revoked
// serials are read with a streaming DER parser into one compact arena and
// hash table, without materialising x509.RevocationList entries, so a CRL
// of a million entries costs tens of megabytes instead of about a
// gigabyte. CRL.Verify checks issuer name and authority key identifier,
// the cRLSign key usage, the signature, unknown critical extensions (CRL
// and entries) and freshness; CRL.Check and CRL.CheckWithDelta check the
// Issuing Distribution Point scope and report a certificate as good,
// revoked, suspended (certificateHold) or undetermined (onlySomeReasons),
// applying a delta CRL to its base. Fetch downloads with a size limit and
// a timeout through a Doer; Cache keeps CRLs until their nextUpdate.
//
// Typical use, after building the certificate's chain:
//
//	c, err := cache.Load(ctx, cert.CRLDistributionPoints[0])
//	if err == nil {
//		err = c.Verify(issuer, crl.VerifyOptions{})
//	}
//	if err == nil {
//		res, err = c.Check(cert) // res.Status: good, revoked, suspended, undetermined
//	}
//
// Every error of a CRL that cannot be used is a [SourceError] or wraps one
// (errors.As), whose Code says why; the typed errors ([MalformedError],
// [TooLargeError], [FetchError], [TimeError], [ExtensionError],
// [ScopeError]) carry the details. They all match
// x509check.ErrRevocationUnavailable (errors.Is), since a CRL that cannot
// be used leaves a revocation status undetermined.
package crl
