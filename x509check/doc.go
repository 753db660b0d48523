// Package x509check validates (qualified) X.509 certificates as art. 7 of
// the règlement requires: a path to a CA on the published list, revocation
// by OCSP (RFC 6960) and CRL (RFC 5280), qualified status from QCStatements
// (ETSI EN 319 412-5) or a trusted list, and key usage for authentication
// or signature.
//
// A Validator holds Options (every zero value a documented default), the
// trust anchors, and caches: verified paths and results. Revocation sources
// plug in as one-method interfaces: an [OCSPChecker] (package
// x509check/ocsp, whose Checker caches answers until their nextUpdate) and
// a [CRLChecker] (package x509check/crl, CRLs with their serial index).
// Concurrent validations of one certificate share one path verification
// and one OCSP request.
//
// [Validator.Validate] returns a Result (the chain, the revocation status with every
// source consulted, the qualified status, the Belgian eID classification,
// the keys.ID and levels.Level the certificate stands for) and, when the
// certificate is not valid, an error joining every failed check. Each
// matches one verdict (errors.Is): [ErrUntrusted], [ErrExpired],
// [ErrNotYetValid], [ErrWrongUsage], [ErrRevoked], [ErrSuspended],
// [ErrUnknown], [ErrNoTrust], or [ErrRevocationUnavailable] joined with a
// [SourceError] per source consulted, whose Code says why it failed
// ("stale-response", "bad-signature", "fetch", ...). [Code] gives the
// stable code of an error, used in JSON output. Path validation failures
// carry a [path.InvalidError] (its Reason: name constraints, policy, ...).
//
//	if errors.Is(err, x509check.ErrRevoked) { ... }
//	var se *x509check.SourceError
//	if errors.As(err, &se) && se.Code == "stale-response" { ... }
//
// Trust anchors and intermediates are certificates (Options.Roots,
// Options.BelgianRoots, Options.Intermediates); LoadCertificates reads
// them from files and folders, LoadCertificatesFS from an fs.FS. The five
// public Belgian eID roots ship with the package (BelgianRoots), so a
// service needs no file to trust them; they are known by the SHA-256 of
// their public key (BelgianRootPins), and a self-signed certificate given
// as a Belgian root is trusted only when it matches a pin.
// ClassifyBelgian recognises the eID certificate policies of every root
// generation; Validate reports that classification only for a path that
// ends at a pinned Belgian root through its Citizen CA or Foreigner CA.
//
// Paths are built and validated by package x509check/path, RFC 5280
// section 6 (every candidate issuer, bounded; name chaining as section 7.1
// compares names; name constraints of every form; certificate policies
// with Options.Policy, the valid policy set in Result.Policies), not by
// crypto/x509's Verify. CRLs given to the validator (CRLOptions.CRLs) are
// also judged with the whole path as section 6.3 says (indirect CRLs,
// cRLIssuer, a CRL signed by another key of the CA). A certificate
// crypto/x509 refuses for what RFC 5280 allows (a negative serial number,
// a CRL distribution point named relative to its CRL issuer) is read all
// the same (ParseCertificates).
//
// Rules this package applies (each refuses what it must, see the Options
// and functions named):
//   - extended key usage per intended usage, on every certificate of the
//     path: authentication accepts clientAuth, signature emailProtection
//     or a document-signing EKU, both anyExtendedKeyUsage or no extension
//     (UsageAuthentication, UsageSignature, StrictExtKeyUsage);
//   - revocation: the newest answer of each source decides (OCSP by
//     thisUpdate, CRLs by cRLNumber), and a revocation other than a hold
//     stands whatever its age; a key compromise listed with a later
//     revocation date applies from its invalidity date, or from the start
//     without one (RFC 5280 section 5.3.2);
//   - SHA-1 signatures on the path, on a delegated OCSP responder's
//     certificate, on OCSP responses and on CRLs are refused unless
//     AllowSHA1Signatures (which tl.Source applies to its own check of the
//     path too);
//   - a qualified certificate is recognized by its QCStatements, by an EN
//     319 411-2 policy (QCP-n, QCP-n-qscd, QCP-l, QCP-l-qscd) the path is
//     valid for, or as a Belgian eID signature certificate on a path
//     proven Belgian;
//   - OCSP and CRL fetches follow no redirect, each bounded by
//     Tuning.RequestTimeout (10 s); a validation is bounded by
//     Tuning.ValidationTimeout
//     (three RequestTimeouts), the path's certificates checked concurrently;
//   - only CRLs that verified are cached, for at most an hour;
//   - with a trusted list, a certificate is trusted only while a CA/QC
//     service was granted at its issuance and is at the validation time
//     (ETSI TS 119 615; the reasoning at x509check/tl.Result);
//   - nothing is logged unless Options.Logger is set.
//
// Trusted lists plug in from package x509check/tl (tl.Source), and the
// certificate pretty-printer is package x509check/certtext: neither is
// linked by a program that imports x509check alone.
package x509check
