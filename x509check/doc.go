// Package x509check validates (qualified) X.509 certificates as art. 7 of
// the règlement requires: a path to a CA on the published list, revocation
// by OCSP (RFC 6960) and CRL (RFC 5280), qualified status from QCStatements
// (ETSI EN 319 412-5) or a trusted list, and key usage for authentication
// or signature.
//
//	v, err := x509check.NewValidator(x509check.Options{
//		BelgianRoots: x509check.BelgianRoots(), // the five that ship with the package, pin-checked
//		Usage:        x509check.UsageSignature, // auth → digitalSignature, sign → nonRepudiation
//	})
//	res, err := v.Validate(ctx, leaf, intermediates...) // errors.Is(err, x509check.ErrRevoked), ErrUntrusted, …
//	fmt.Println(res.Valid, res.Revocation, res.KeyType, res.Level, res.Sources)
//	status := res.CertificateStatus() // levels.CertificateStatus for access decisions
//
// The zero values of Options mean: now, OCSP then CRL, hard fail, 5 min
// clock skew, 24 h maximum age without nextUpdate, "unknown" fails, 10 s per
// request (OCSP and CRL), three requests' time (30 s) per validation, no
// logging, OCSP by an ocsp.Checker with SHA-1 CertID and no nonce. Options
// holds what a caller sets in practice (roots, usage, time, revocation
// policy, soft fail, offline, the OCSP and CRL checkers, the accepted list,
// policies, SHA-1, a logger); the bounds and tolerances rarely changed
// (clock skew, maximum age, request and validation timeouts, cache size,
// "unknown" as no answer) are grouped in Options.Tuning. One entry point:
// NewValidator, then Validate (or ValidateAt for another time), which keeps
// the caches between calls.
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
// carry a [github.com/csam-go/csam/x509check/path.InvalidError] (its
// Reason: name constraints, policy, ...).
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
// The CA certificates of a folder read as Belgian roots serve as
// intermediates. Test PKIs add pins with Options.ExtraBelgianPins (certcheck
// -belgian-pin). Root CA2-era paths (cards issued up to about 2014) are
// SHA-1 signed, which crypto/x509 refuses: they are reported untrusted
// unless Options.AllowSHA1Signatures (certcheck -allow-sha1), which accepts
// SHA-1 with RSA on the path. SHA-1 is broken: use it to read old cards,
// not as a default. The document-signing EKUs accepted for a signature are
// those of RFC 9336, Microsoft and Adobe; StrictExtKeyUsage also requires
// the leaf to state an allowing EKU (the TLS client-auth rule is
// "clientAuth on the path").
//
// The validator takes any OCSPChecker in Options.OCSP, as it takes a
// CRLChecker in Options.CRL; nil means an ocsp.Checker with the validator's
// HTTP client, offline mode, timeouts, skew, age and SHA-1 settings, and
// CRLs through NewCRLChecker (given CRLs or the distribution points,
// bounded downloads, only verified CRLs cached until nextUpdate and at most
// an hour, delta CRLs, certificateHold as suspended). Responses stapled to
// one call go in its context ([WithOCSPResponses]). A delegated OCSP
// responder without id-pkix-ocsp-nocheck is itself checked against the CRL
// distribution point it names (revoked: a SourceError of code
// "bad-responder"; unavailable: hard
// or soft fail as configured; the CRL is listed in Result.Sources); naming
// none, it is checked against the CRLs given, else accepted with a note.
// Answers are cached until nextUpdate (bounded) and concurrent requests for
// one certificate are coalesced.
//
// Trusted lists plug in from package x509check/tl (tl.Source), and the
// certificate pretty-printer is package x509check/certtext: neither is
// linked by a program that imports x509check alone.
//
// # Result cache
//
// A validator keeps each valid result by the certificate's SHA-256 until
// the earliest end of what it rests on (every path certificate's notAfter,
// every revocation answer's nextUpdate, or thisUpdate + MaxAge without one)
// and only for validation times from the one it was computed at; never with
// extra certificates, stapled responses, OCSP nonces, a qualification
// source (trusted list), or a revocation source that failed (SoftFail).
// Measured side by side in one run on a 2-core machine shared with other
// jobs (ratios; ranges over the runs of the command shown):
//
//	validation answered by the result cache / SHA-256 of the certificate and a Go map lookup:
//	  1.12–1.13× (1 allocation, the copy of the Result); target ≤ 2×, ≤ 2 allocations
//	  go test -run '^$' -bench ResultCacheVsMap -benchmem -count 3 ./x509check
//	validation with the path and OCSP answer cached, checks run (warm-chain-checks) / result cache hit:
//	  about 9–11× in the same run (23 against 1 allocation)
//	  go test -run '^$' -bench '^BenchmarkValidate$' -benchmem -count 3 ./x509check
//
// # Dependencies
//
// A service that imports only x509check links the standard library,
// golang.org/x/crypto (cryptobyte, ocsp) and golang.org/x/sync
// (singleflight), nothing else: go list -deps ./x509check names neither
// the XML signature stack of trusted lists (beevik/etree,
// russellhaering/goxmldsig, only with x509check/tl) nor smallstep/certinfo
// (v1.16.0, whose graph is small; the proxy's version list stops at v1.7.0,
// but v1.13.0 and later download by exact version; only with
// x509check/certtext). scripts/test.sh checks the budget of such a
// consumer (check_module_budget in scripts/lib.sh, run alone with
// bash -c '. scripts/lib.sh; check_module_budget'): a throw-away module
// that requires this checkout and imports only x509check, tidied from the
// module cache (it works offline). It fails when the consumer's go.sum
// exceeds 60 lines or its go list -m all 40 lines, when etcd or trillian
// appear in its graph, or when the program links etree, goxmldsig or
// certinfo or its go.sum names them (go mod tidy also records what the
// tests of x509check and of the packages it imports need: those tests stay
// free of the trusted-list stack, and the ones that check data against the
// trusted list live in x509check/tl). Measured with Go 1.26.8, before
// (certinfo v1.7.0 in package qc) and after:
//
//	go.sum after go mod tidy     1,358 lines   6 lines (8 from a module proxy: plus csam's own two)
//	go.sum after go list -m all  1,366 lines   22 lines
//	go list -m all               428 modules, etcd, trillian, grpc, otel   21 modules
//
// (With the testscript dependency of the command-line tests: 24 go.sum
// lines and 23 modules.) What each root dependency costs such a consumer:
// a module whose packages x509check imports (golang.org/x/crypto,
// golang.org/x/sync) two go.sum lines (code and go.mod); every other
// requirement of the root go.mod (module graph pruning keeps its own
// requirements out) one line in go list -m all and, once a command reads
// the whole graph, one go.mod line in go.sum (so go-piv/piv-go, added for
// package piv, costs one of each); go-cmp, which tests use, two. Heavy
// dependencies of other packages (a transparency log, for instance) go in
// a nested module of their own (journal), so that they do not appear at
// all.
package x509check
