// Package tl reads ETSI TS 119 612 (version 5) trusted lists, such as the
// Belgian list of qualified trust service providers, verifies their
// enveloped XMLDSig signature against pinned signer certificates, and
// derives from them trust anchors and the qualification of certificates in
// the manner of ETSI TS 119 615.
//
// Verify is the entry point for a list to rely on: it checks the size
// bound, the signature (with the signer the caller pins, e.g. from the EU
// list of lists) and the list's validity period at the validation time,
// and decodes only the content the signature covers, in one streaming
// pass. VerifyOptions.Cache keeps verified lists by the hash of their
// bytes. Parse decodes a list without any check, for inspection.
//
// A List gives the scheme information, the providers and their services
// with status history, digital identities and information extensions
// (qualifications with their criteria, additional service information,
// taken-over-by, expired-certificates revocation information). CAServices
// and TrustAnchors give the CA/QC services granted at a time;
// Qualify tells whether a certificate was qualified at its issuance and is
// at the validation time (for e-signature with or without QSCD, e-seal,
// website authentication, or not), and which service and qualifiers
// decided it.
//
// Source plugs a verified list into the validator of package x509check
// (which does not import this package): Source.Apply makes the list the
// validator's trust anchors and QualificationSource, and the decision is
// reported in x509check.Qualified.TrustedList.
//
// Errors are typed: [ParseError] ([ErrMalformed]), [SignatureError]
// ([ErrSignature]), [TimeError] ([ErrExpired]); a Verify without pinned
// signers fails with [x509check.ErrNoTrust].
package tl
