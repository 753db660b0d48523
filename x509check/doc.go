// Package x509check validates (qualified) X.509 certificates as art. 7 of
// the règlement requires: a path to a CA on the published list, revocation
// by OCSP (RFC 6960) and CRL (RFC 5280), qualified status from QCStatements
// (ETSI EN 319 412-5) or a trusted list, and key usage for authentication
// or signature.
//
// A Validator holds Options (every zero value a documented default), the
// trust anchors, and caches: verified paths, OCSP answers until their
// nextUpdate, and CRLs with their serial index (package x509check/crl).
// Concurrent validations of one certificate share one path verification
// and one OCSP request.
//
// Validate returns a Result (the chain, the revocation status with every
// source consulted, the qualified status, the Belgian eID classification,
// the keys.ID and levels.Level the certificate stands for) and, when the
// certificate is not valid, an error joining every failed check. Each wraps
// a sentinel *Error (ErrUntrusted, ErrExpired, ErrNotYetValid,
// ErrWrongUsage, ErrRevoked, ErrSuspended, ErrUnknown,
// ErrRevocationUnavailable joined with the causes per source such as
// ErrBadResponder, ErrBadSignature, ErrStaleResponse, ErrFutureResponse,
// ErrNonceMismatch, ErrCriticalExtension, ErrResponderStatus,
// ErrMalformedResponse, ErrCertIDMismatch, ErrResponseTooLarge, ErrTimeout,
// ErrFetch, ErrNoSource); Code gives its stable code.
//
// Belgian eID roots are known by the SHA-256 of their public key
// (BelgianRoots): roots from files, folders (Options.BelgianRootPaths) or
// downloads (DownloadBelgianRoots) are trusted only when they match a pin.
// ClassifyBelgian recognises the eID certificate policies of every root
// generation.
package x509check
