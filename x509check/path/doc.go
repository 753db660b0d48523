// Package path validates X.509 certification paths as RFC 5280 section 6
// says, without revocation, OCSP or trusted lists unless asked.
//
// # Path building
//
// A [Verifier] searches paths from the end-entity certificate to one of
// its trust anchors over every candidate issuer: certificates whose
// subject matches the issuer name (compared as section 7.1 says, see
// below), the one whose subject key identifier matches the authority key
// identifier first, then trust anchors, then certificates valid at the
// validation time. The search is bounded: [MaxCandidates] issuers per
// certificate, [MaxDepth] certificates per path, [MaxWork] candidates and
// [MaxPaths] complete paths per search. A candidate whose signature over
// the certificate does not verify is not followed.
//
// # Path validation
//
// Every complete path goes through section 6.1 with its state: the
// working public key and issuer name, max_path_length with the
// self-issued exception, the permitted and excluded subtrees of name
// constraints for directoryName, rfc822Name, dNSName, URI and iPAddress
// (a name form it cannot compare fails a constraint of that form), the
// valid policy graph of RFC 9618 (the policy tree of section 6.1 with a
// size linear in the path), explicit_policy, policy_mapping and
// inhibit_anyPolicy, with the initial values of [Options]. The valid
// policy set is [Result.Policies].
//
// Names are compared as section 7.1 says: attribute values of the
// directory string types after case and white-space folding, whatever
// their string type (a CA may move from PrintableString to UTF8String).
//
// Certificates are parsed by this package ([ParseCertificate]) from their
// DER encoding with cryptobyte: crypto/x509 refuses some conformant
// certificates (a CRL distribution point named relative to its CRL
// issuer, a negative serial number) that a validator must judge.
//
// # Revocation
//
// [CRLs] checks revocation with a fixed set of CRLs as section 6.3 says:
// distribution points and their reasons (an interim reasons mask over
// several CRLs until every reason is covered), indirect CRLs with their
// certificate issuer entries, cRLIssuer, a CRL signed by another key of
// the issuer (its signer's path is validated to the same trust anchor),
// and delta CRLs. Other sources implement [RevocationChecker].
//
// # Algorithms
//
// Signatures are RSA PKCS #1 v1.5 and RSASSA-PSS (SHA-2), ECDSA and
// Ed25519; SHA-1 only with [Options.AllowSHA1]. DSA is not supported: it
// is deprecated, absent from the Belgian PKI and from the qualified
// certificates of the field, and Go's crypto/dsa is frozen. The two DSA
// cases of NIST PKITS (4.1.4 and 4.1.5) are known failures.
//
// # Errors
//
// A path that fails validation gives an [InvalidError]: its Reason says
// why ([NameConstraints], [Policy], [Revoked], ...), Depth and Subject
// which certificate. It matches the x509check verdict of its reason
// (x509check.ErrUntrusted, ErrExpired, ErrRevoked, ...) with errors.Is:
//
//	var inv *path.InvalidError
//	if errors.As(err, &inv) && inv.Reason == path.NameConstraints { ... }
//
// Unreadable certificates and CRLs give errors matching
// x509check.ErrBadInput.
//
// # Conformance
//
// Every case of NIST PKITS (sections 4.1 to 4.16, the policy cases with
// their initial parameters) runs in TestPKITS; cmd/certcheck's package
// documentation has the table of passes per validator (this package,
// certcheck, OpenSSL, crypto/x509): 244 of 246 here.
//
// # Performance
//
// Path validation costs about what crypto/x509's Verify costs: on a
// 3-certificate ECDSA chain without revocation, 1.02× its median (1.11×
// with the leaf parsed on each call); through 10 cross-signed candidate
// issuers per level, where only signatures tell the one path from 99 dead
// ends, the bounded search finds the path (at most 10 candidates per
// certificate, 1000 per search) while Verify gives up after its 100
// signature checks:
//
//	go test -run=^$ -bench='Chain3|CrossSigned10' -benchmem -count=3 ./x509check/path
package path
