// Package tl reads ETSI TS 119 612 (version 5) trusted lists, such as the
// Belgian list of qualified trust service providers, verifies their
// enveloped XMLDSig signature against pinned signer certificates, and
// derives from them trust anchors and the qualification of certificates in
// the manner of ETSI TS 119 615.
//
//	list, err := tl.Verify(xmlBytes, tl.VerifyOptions{
//		Signers: []*x509.Certificate{operatorCert}, // required: pinned (for a national list, those its pointer in the EU list of lists names)
//		Time:    time.Now(),                         // zero: now; the list must be current then (AllowExpired accepts a list past its next update)
//	}) // errors.Is(err, tl.ErrSignature / tl.ErrExpired / tl.ErrMalformed)
//	roots := list.TrustAnchors(leaf.NotBefore) // CA/QC services granted at issuance
//	r, err := list.Qualify([]*x509.Certificate{leaf, issuer, root}, time.Now())
//	fmt.Println(r.AtIssuance.Label(), r.AtValidation.Label(), r.AtIssuance.Service, r.AtIssuance.Qualifiers)
//
// With the validator, the list is the source of trust and qualification:
//
//	opts := x509check.Options{CurrentTime: at}
//	(&tl.Source{List: list}).Apply(&opts) // roots + Qualification
//	v, err := x509check.NewValidator(opts)
//	res, err := v.Validate(ctx, leaf) // res.Qualified.TrustedList: at issuance / at validation
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
// taken-over-by, expired-certificates revocation information).
// TrustAnchors gives the certificates of the CA/QC services granted at a
// time;
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
// A path must end in a CA/QC service granted at the certificate's issuance
// and still granted at the validation time (else x509check.ErrUntrusted):
// TS 119 615 checks the service status at both dates, and a withdrawn
// service no longer vouches for anything it certified, whenever issued; to
// rely on what was done before the withdrawal, validate at that time
// (CurrentTime, a proven signature time). res.Qualified.Qualified is the
// list's verdict at issuance when both hold; the decision (Trusted,
// Qualified, Reason) and both verdicts are in res.Qualified.TrustedList
// (x509check.TrustedListDecision). To keep trust in other roots and take
// the qualification from the list, set
// opts.Qualification = &tl.Source{List: list, AllowUnlisted: true} without
// Apply: a path no listed service covers (the Belgian eID roots, say) then
// keeps the certificate's own qualified status, and one the list covers is
// still judged by it.
//
// Errors are typed: [ParseError] ([ErrMalformed]), [SignatureError]
// ([ErrSignature]), [TimeError] ([ErrExpired]); a Verify without pinned
// signers fails with [x509check.ErrNoTrust].
//
// # Rules
//
//   - Only the bytes the signature covers are parsed (the canonical root
//     without its signature); every reference digest is checked (the list
//     and the XAdES signed properties). Exclusive and inclusive C14N,
//     SHA-256/384/512, RSA and ECDSA; SHA-1 is refused. Inputs over 32 MiB
//     (MaxSize) are refused, and so are documents with more than one tag
//     ("<") per 16 bytes (plus 4096; real lists have one per ~70), before
//     any tree is built, so memory stays proportional to the input.
//   - Statuses granted, and the pre-2016 under supervision / in cessation /
//     accredited / set by national law, count as granted. The list's
//     qualifiers (NotQualified, QCStatement, QCWithQSCD, QCNoQSCD,
//     QCQSCDStatusAsInCert, QCQSCDManagedOnBehalf, QCForESig/ESeal/WSA,
//     legacy SSCD forms) override the certificate's QCStatements when their
//     criteria (policies, key usage, extended key usage, subject
//     attributes, nested lists with all/atLeastOne/none) match. Services
//     disagreeing on a certificate give a conflict: not qualified.
//   - A verified list's pointers give the signers of the lists they point
//     to: eu.PointerTo("BE").Signers() in the EU list of lists pins the
//     Belgian list's signer.
//   - Tests use the real Belgian list of June 2020 (sequence 47) at a time
//     inside its validity, cross-check signatures with xmlsec1, and sign
//     their own lists. Benchmark:
//     go test -run=^$ -bench TrustedList -benchmem ./x509check/tl. Fuzz:
//     go test -run=^$ -fuzz=FuzzParse -fuzztime=30s -fuzzminimizetime=5s ./x509check/tl
//     (the short minimization time keeps the run fuzzing rather than
//     minimizing the multi-KiB seeds).
//
// # Performance
//
// Verify reads a list in one streaming pass (strict tokenizer, canonical
// form hashed with a namespace stack, model built from the same tokens,
// equal certificates decoded once, only ds:Signature kept as a tree; a
// second pass only when the reference asks for a canonicalization other
// than exclusive C14N or a digest other than SHA-256). The list's
// certificates are parsed on first use (Identity.Certificates,
// List.TrustAnchors); a qualification compares public keys read from the
// DER and parses only a certificate whose key agrees.
//
// Against xmlsec1 --verify run as a process on the same file (the real
// list, and lists of 4× and 16× its size whose copies of the providers have
// their own names and certificates, re-signed), CPU time, medians of 3, on
// 2 cores under a load average of 4 to 5, over two runs:
//
//	go test -run='^$' -bench=VerifyVsXMLSec -benchtime=10x -count=3 ./x509check/tl
//
// 0.05–0.06×, 0.17–0.18× and 0.24–0.26× (with every certificate parsed by
// Verify: 0.08–0.09×, 0.20–0.26× and 0.34–0.53×; the former tree
// implementation: 0.6–0.8×, 1.8× and 2.9–3.6×). xmlsec1's start-up weighs
// on the small sizes. Bytes allocated per input byte: 1.37, 0.86 and 0.82
// (target ≤ 2; with every certificate parsed by Verify: 2.64, 2.00 and
// 1.94; tree: 22, 21.5, 20); parsing every certificate of the real list
// afterwards (Identity.Certificates of every identity) allocates about 1.3
// more. VerifyOptions.Cache (a bounded Cache, keyed by the SHA-256 of the
// bytes and of the pinned signers, times checked at every call) makes
// verifying the same list again a hash (0.005×, 0.02× and 0.02× xmlsec1,
// no allocation). FuzzCanonical and FuzzVerifyDifferential compare the
// streaming pass with the former tree implementation (goxmldsig,
// encoding/xml), kept for tests.
package tl
