// Package ocsp is the Online Certificate Status Protocol (RFC 6960, with
// the nonce of RFC 8954) as package x509check uses it: request building,
// response parsing and verification, and a Checker that fetches and
// caches answers.
//
// ParseResponse checks a DER response about a certificate against its
// issuer: the single response on the full CertID, the signer (the issuer,
// or a delegated responder the issuer certified with id-kp-OCSPSigning,
// valid at the validation time, without unknown critical extensions), the
// signature (SHA-1 only with AllowSHA1), critical extensions, the nonce
// and freshness (thisUpdate and producedAt not in the future, nextUpdate
// not in the past, an age bound without nextUpdate). A delegated
// responder without id-pkix-ocsp-nocheck is reported (Response.Responder,
// Response.NoCheck false): checking its own revocation is for the caller,
// as x509check does by CRL.
//
// A Checker answers queries from stapled and provided responses (the
// freshest of those that pass decides, a revocation standing whatever its
// age), then its cache (until nextUpdate, bounded), then the responder
// (GET or POST, bounded in time and size, one request for concurrent
// queries about one certificate):
//
//	c := ocsp.NewChecker(ocsp.Options{Nonce: true})
//	r, err := c.Check(ctx, ocsp.Query{Cert: leaf, Issuer: ca, Leaf: true})
//	if err == nil && r.Status == ocsp.Good { ... }
//
// A Checker is what x509check's validator uses by default; it implements
// x509check.OCSPChecker. Options give provided responses (Responses), a
// nonce (Nonce), a responder address replacing the leaf's (Server), a
// SHA-256 CertID (Hash) or always POST (GetLimit: -1); GET is used when
// the request is small, POST otherwise, and redirects are not followed.
// The ResponderID must match the signer, non-successful statuses are
// never good, the response size is bounded; a delegated responder with an
// unknown critical extension is refused.
//
// A response or responder that gives no usable answer fails with a
// [SourceError], the type of x509check.SourceError: it matches
// x509check.ErrRevocationUnavailable, and its Code ("stale-response",
// "bad-signature", ...) is what x509check.Code returns.
package ocsp
