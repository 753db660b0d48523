// Package sign makes and verifies the signed messages of art. 8 of the
// règlement: CMS SignedData (RFC 5652) with the CAdES-BES signed
// attributes (ETSI EN 319 122-1: content type, message digest, signing time,
// signing-certificate-v2), detached or enveloping, optionally with an RFC
// 3161 signature timestamp (CAdES-T).
//
//	sig, err := sign.Sign(ctx, msg, signer, sign.Options{Certificate: cert, Chain: chain}) // signer: any crypto.Signer
//	v, err := sign.NewVerifier(sign.VerifyOptions{Validation: x509check.Options{Roots: roots}})
//	res, err := v.Verify(ctx, sig, nil) // nil: an enveloping signature; else the detached content
//	fmt.Println(res.Valid, res.Verdict, res.Reasons, res.SignerSubject, res.SigningTime)
//
// The command journal/cmd/signmsg signs, verifies and records messages
// from the command line; openssl cms verifies what this package signs and
// the reverse.
//
// # Signing
//
// [Sign] signs with any crypto.Signer (the eID signature key of package
// eid, a PIV token key, a software key). On a Belgian eID only the signature
// certificate signs (art. 7, second paragraph): a signature with the
// authentication certificate, or with a key that is not the certificate's,
// is refused before the key is used. [TSAClient] gets timestamps.
//
// # Verifying
//
// A [Verifier] checks the structure, the signed attributes, the signature
// value and the timestamp, then validates the signer's certificate with
// package x509check at the signing time, and its revocation with the
// information current at the verification time. The signing time is the
// timestamp's when there is one. Without a timestamp the signing-time
// attribute is a claim: it fixes the time of the path and qualification
// checks (it must not be after the verification time), but a certificate
// revoked at the verification time is refused, since only a trusted time
// proves that the signature came before the revocation
// (VerifyOptions.TrustClaimedTime relaxes this for a service that checks
// signatures as they arrive). Without either, the verification time is used.
// Once the signer's certificate has expired, its revocation status is no
// longer published and the signature (without embedded revocation data,
// CAdES-LT, which this package does not make) fails with
// "revocation-unavailable", or passes with SoftFail and a reason: the
// journal keeps the verdict given when the message was received.
//
// The [Result] grades a valid signature ([Verdict]): a qualified electronic
// signature, an advanced one with a qualified certificate, or an advanced
// one, with the reasons. Errors are typed: each wraps an *[Error] whose
// stable code says what is wrong ("digest-mismatch", "bad-signature",
// "bad-attribute", "authentication-key", "certificate",
// "revoked-before-signing" through *[RevokedError], "bad-timestamp",
// "timestamp-mismatch", ...), and [Code] reads it.
//
// # Implementation
//
// The CMS encoding and parsing are this package's own, on
// golang.org/x/crypto/cryptobyte (already a dependency of the module)
// rather than github.com/smallstep/pkcs7: that library always sets the
// signing time to the current time, cannot add the timestamp after the
// signature, re-encodes the signed attributes instead of checking the bytes
// received, does not check the content-type attribute nor
// signing-certificate-v2, and reports untyped errors. Parsing takes DER,
// and BER with indefinite lengths and chunked content (streamed output, as
// `openssl cms -sign -stream` writes) re-encoded in DER first; a signature
// has exactly one signer.
package sign
