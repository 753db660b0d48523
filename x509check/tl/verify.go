package tl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// VerifyOptions configure Verify. The zero value needs only Signers.
type VerifyOptions struct {
	// Signers are the pinned certificates one of which must have made the
	// list's signature (for a national list, those its pointer in the EU
	// list of lists names). Required.
	Signers []*x509.Certificate
	// Time is the validation time; zero means time.Now(). The list's next
	// update must be after it unless AllowExpired is set. A list issued
	// after Time is accepted: its services' history says what held at
	// Time (ETSI TS 119 615 historical validation).
	Time time.Time
	// AllowExpired accepts a list past its next update, or a closed one
	// (zero: refuse).
	AllowExpired bool
	// MaxSize bounds the input in bytes; zero means DefaultMaxSize.
	MaxSize int
	// Cache, if set, remembers the lists verified with it, so that
	// verifying the same bytes with the same signers again costs a
	// SHA-256 of the input (the times are checked at every call). Lists
	// from a cache are shared between callers: do not modify them.
	Cache *Cache
}

// Verify checks the enveloped XMLDSig signature of a trusted list against
// the pinned signers and returns the list decoded from the signed content
// alone: one streaming pass feeds the same tokens of the root element to
// the digest and to the model, so content outside the signed root cannot
// be injected.
//
// Errors: [ParseError] ([ErrMalformed], also for too large an input),
// [SignatureError] ([ErrSignature]), [TimeError] ([ErrExpired]), and
// [x509check.ErrNoTrust] without pinned signer certificates.
//
// The signature must be a ds:Signature child of the TrustServiceStatusList
// root; its SignedInfo must reference the root (URI "" or "#Id") with the
// enveloped-signature transform, and any other reference must point inside
// the signature (the XAdES SignedProperties); every reference's digest is
// checked. Canonicalizations: exclusive and inclusive XML C14N 1.0 (with or
// without comments) and C14N 1.1. Digests: SHA-256/384/512. Signatures:
// RSA PKCS #1 v1.5 and ECDSA with those digests. SHA-1 is refused. The
// signer certificate must be valid at the list's issue date.
//
// The XML reader is strict (a *ParseError otherwise): UTF-8 only, no
// document type declaration, namespace prefixes bound, at most 128 levels
// of elements, 64 attributes per element, 64 namespace declarations in
// scope and 4096 elements in the signature.
func Verify(data []byte, opts VerifyOptions) (*List, error) {
	max := opts.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	if len(data) > max {
		return nil, malformed("", fmt.Sprintf("%d bytes, over the bound of %d", len(data), max), nil)
	}
	if len(opts.Signers) == 0 {
		return nil, errNoSigner
	}
	l, err := opts.Cache.verify(data, opts.Signers)
	if err != nil {
		return nil, err
	}
	at := opts.Time
	if at.IsZero() {
		at = time.Now()
	}
	if err := checkSignerTime(opts.Signers, l.IssueDate); err != nil {
		return nil, err
	}
	// A time before the issue date is judged from the services' history
	// (ETSI TS 119 615 historical validation): the list stands for the
	// past too.
	if !opts.AllowExpired && (l.NextUpdate.IsZero() || !at.Before(l.NextUpdate)) {
		return nil, &TimeError{Time: at, IssueDate: l.IssueDate, NextUpdate: l.NextUpdate}
	}
	return l, nil
}

// checkSignerTime requires one pinned signer to be valid at the list's
// issue date. (Which one signed is known only to checkSignature; a pinned
// set normally holds certificates of one operator.)
func checkSignerTime(signers []*x509.Certificate, issued time.Time) error {
	for _, c := range signers {
		if !issued.Before(c.NotBefore) && !issued.After(c.NotAfter) {
			return nil
		}
	}
	return sigErr(nil, "no pinned signer certificate is valid at the list's issue date %s", issued.Format(time.RFC3339))
}

// verifyList checks the signature of data with one pass over it (and a
// second one when the reference to the root asks for a canonicalization
// or digest other than the usual exclusive C14N and SHA-256) and returns
// the list decoded from the signed content.
func verifyList(data []byte, signers []*x509.Certificate) (*List, error) {
	guess := c14nParams{exclusive: true}
	pass := listPass{c14n: newC14NWriter(guess, sha256.New()), decode: true}
	if err := pass.run(data, true); err != nil {
		return nil, err
	}
	ref, err := checkSignature(&pass, signers)
	if err != nil {
		return nil, err
	}
	ts, err := readTransforms(ref)
	if err != nil {
		return nil, err
	}
	if !ts.enveloped {
		return nil, sigErr(nil, "the Reference to the list lacks the enveloped-signature transform")
	}
	hash, want, err := referenceDigest(ref)
	if err != nil {
		return nil, err
	}
	got := pass.c14n.h.Sum(nil)
	if ts.params != guess || hash != crypto.SHA256 {
		again := listPass{c14n: newC14NWriter(ts.params, hash.New())}
		if err := again.run(data, false); err != nil {
			return nil, err
		}
		got = again.c14n.h.Sum(nil)
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		uri, _ := attr(ref, "URI")
		return nil, sigErr(nil, "digest of Reference %q does not match: the content changed after signing", uri)
	}
	return pass.raw.convert()
}

// checkSignature checks the signature pass kept against the signers and
// every reference inside the signature, and returns the verified
// reference to the root.
func checkSignature(pass *listPass, signers []*x509.Certificate) (*etree.Element, error) {
	switch {
	case pass.sigs == 0:
		return nil, sigErr(nil, "the list carries no ds:Signature")
	case pass.sigs > 1:
		return nil, sigErr(nil, "more than one ds:Signature in the list")
	}
	root, sigEl := pass.root, pass.sig
	signedInfo, err := oneChild(sigEl, "SignedInfo")
	if err != nil {
		return nil, err
	}
	sigValueEl, err := oneChild(sigEl, "SignatureValue")
	if err != nil {
		return nil, err
	}
	sigValue, err := base64.StdEncoding.DecodeString(compact(sigValueEl.Text()))
	if err != nil {
		return nil, sigErr(err, "SignatureValue is not base64")
	}

	// Canonicalize SignedInfo in its context and check the signature value.
	c14nEl, err := oneChild(signedInfo, "CanonicalizationMethod")
	if err != nil {
		return nil, err
	}
	canon, _, err := canonicalizer(c14nEl.SelectAttrValue("Algorithm", ""), "")
	if err != nil {
		return nil, err
	}
	signedInfoBytes, err := canon.Canonicalize(detach(signedInfo))
	if err != nil {
		return nil, sigErr(err, "canonicalizing SignedInfo")
	}
	methodEl, err := oneChild(signedInfo, "SignatureMethod")
	if err != nil {
		return nil, err
	}
	if err := checkSignatureValue(methodEl.SelectAttrValue("Algorithm", ""), signedInfoBytes, sigValue, signers); err != nil {
		return nil, err
	}

	// From here on, read only the verified canonical SignedInfo.
	vdoc := etree.NewDocument()
	if err := vdoc.ReadFromBytes(signedInfoBytes); err != nil {
		return nil, sigErr(err, "re-reading the canonical SignedInfo")
	}
	refs := dsigChildren(vdoc.Root(), "Reference")
	if len(refs) == 0 {
		return nil, sigErr(nil, "SignedInfo has no Reference")
	}
	rootID := root.SelectAttrValue("Id", "")
	var rootRef *etree.Element
	for _, ref := range refs {
		uri, hasURI := attr(ref, "URI")
		if hasURI && (uri == "" || rootID != "" && uri == "#"+rootID) {
			if rootRef != nil {
				return nil, sigErr(nil, "more than one Reference to the list")
			}
			rootRef = ref
			continue
		}
		if err := digestInSignature(ref, uri, sigEl); err != nil {
			return nil, err
		}
	}
	if rootRef == nil {
		return nil, sigErr(nil, "no Reference covers the list's root element (Id %q)", rootID)
	}
	return rootRef, nil
}

// maxDepth bounds element nesting: trusted lists nest about 15 deep, and
// the signature's tree code recurses.
const maxDepth = 128

// bytesPerTag and minTags bound the markup of a document: at most one
// "<" (an element's start or end tag, a comment, a processing instruction,
// a CDATA section) per bytesPerTag bytes, plus minTags. The model costs
// tens of bytes per element and the signature's tree a few hundred per
// node, so a document of empty elements (<a/>, 4 bytes each) would
// otherwise cost many times its size before any digest is checked. Real
// lists have about one "<" per 70 bytes (the Belgian list: 72).
const (
	bytesPerTag = 16
	minTags     = 4096
)

func attr(el *etree.Element, key string) (string, bool) {
	for _, a := range el.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

func dsigChildren(el *etree.Element, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range el.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == nsDSig {
			out = append(out, c)
		}
	}
	return out
}

func oneChild(el *etree.Element, tag string) (*etree.Element, error) {
	cs := dsigChildren(el, tag)
	if len(cs) != 1 {
		return nil, sigErr(nil, "%s has %d ds:%s elements, want 1", el.Tag, len(cs), tag)
	}
	return cs[0], nil
}

// detach copies el and declares on the copy every namespace in scope from
// its ancestors, so that it canonicalizes as it would in place.
func detach(el *etree.Element) *etree.Element {
	cp := el.Copy()
	declared := map[string]bool{}
	for _, a := range cp.Attr {
		if a.Space == "xmlns" {
			declared[a.Key] = true
		} else if a.Space == "" && a.Key == "xmlns" {
			declared[""] = true
		}
	}
	for p := el.Parent(); p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			switch {
			case a.Space == "xmlns" && !declared[a.Key]:
				declared[a.Key] = true
				cp.Attr = append(cp.Attr, etree.Attr{Space: "xmlns", Key: a.Key, Value: a.Value})
			case a.Space == "" && a.Key == "xmlns" && !declared[""]:
				declared[""] = true
				cp.Attr = append(cp.Attr, etree.Attr{Key: "xmlns", Value: a.Value})
			}
		}
	}
	return cp
}

// canonicalizer maps a C14N algorithm URI to its implementation on trees
// and to the parameters of the streaming canonicalizer.
func canonicalizer(alg, prefixList string) (dsig.Canonicalizer, c14nParams, error) {
	switch dsig.AlgorithmID(alg) {
	case dsig.CanonicalXML10ExclusiveAlgorithmId:
		return dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(prefixList), c14nParams{exclusive: true, prefixes: prefixList}, nil
	case dsig.CanonicalXML10ExclusiveWithCommentsAlgorithmId:
		return dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(prefixList), c14nParams{exclusive: true, comments: true, prefixes: prefixList}, nil
	case dsig.CanonicalXML10RecAlgorithmId:
		return dsig.MakeC14N10RecCanonicalizer(), c14nParams{}, nil
	case dsig.CanonicalXML10WithCommentsAlgorithmId:
		return dsig.MakeC14N10WithCommentsCanonicalizer(), c14nParams{comments: true}, nil
	case dsig.CanonicalXML11AlgorithmId:
		return dsig.MakeC14N11Canonicalizer(), c14nParams{}, nil
	case dsig.CanonicalXML11WithCommentsAlgorithmId:
		return dsig.MakeC14N11WithCommentsCanonicalizer(), c14nParams{comments: true}, nil
	}
	return nil, c14nParams{}, sigErr(nil, "unsupported canonicalization %q", alg)
}

var digestAlgs = map[string]crypto.Hash{
	"http://www.w3.org/2001/04/xmlenc#sha256":       crypto.SHA256,
	"http://www.w3.org/2001/04/xmldsig-more#sha384": crypto.SHA384,
	"http://www.w3.org/2001/04/xmlenc#sha512":       crypto.SHA512,
	"http://www.w3.org/2001/04/xmldsig-more#sha224": crypto.SHA224,
}

type sigAlg struct {
	hash crypto.Hash
	ec   bool
}

var signatureAlgs = map[string]sigAlg{
	dsig.RSASHA256SignatureMethod:   {crypto.SHA256, false},
	dsig.RSASHA384SignatureMethod:   {crypto.SHA384, false},
	dsig.RSASHA512SignatureMethod:   {crypto.SHA512, false},
	dsig.ECDSASHA256SignatureMethod: {crypto.SHA256, true},
	dsig.ECDSASHA384SignatureMethod: {crypto.SHA384, true},
	dsig.ECDSASHA512SignatureMethod: {crypto.SHA512, true},
}

// checkSignatureValue verifies sig over signedInfo with one of the signers.
func checkSignatureValue(method string, signedInfo, sig []byte, signers []*x509.Certificate) error {
	alg, ok := signatureAlgs[method]
	if !ok {
		return sigErr(nil, "unsupported signature method %q", method)
	}
	h := alg.hash.New()
	h.Write(signedInfo)
	sum := h.Sum(nil)
	for _, c := range signers {
		switch pub := c.PublicKey.(type) {
		case *rsa.PublicKey:
			if !alg.ec && rsa.VerifyPKCS1v15(pub, alg.hash, sum, sig) == nil {
				return nil
			}
		case *ecdsa.PublicKey:
			// XMLDSig carries r || s, each the size of the curve order.
			n := (pub.Curve.Params().BitSize + 7) / 8
			if alg.ec && len(sig) == 2*n {
				r := new(big.Int).SetBytes(sig[:n])
				s := new(big.Int).SetBytes(sig[n:])
				if ecdsa.Verify(pub, sum, r, s) {
					return nil
				}
			}
		}
	}
	return sigErr(nil, "the signature does not verify with any pinned signer certificate")
}

type transformSpec struct {
	enveloped bool
	canon     dsig.Canonicalizer
	params    c14nParams
}

func readTransforms(ref *etree.Element) (transformSpec, error) {
	var ts transformSpec
	var list []*etree.Element
	for _, t := range dsigChildren(ref, "Transforms") {
		list = append(list, dsigChildren(t, "Transform")...)
	}
	for i, t := range list {
		alg := t.SelectAttrValue("Algorithm", "")
		if alg == string(dsig.EnvelopedSignatureAltorithmId) {
			if i != 0 || ts.enveloped {
				return ts, sigErr(nil, "enveloped-signature transform out of place")
			}
			ts.enveloped = true
			continue
		}
		if ts.canon != nil {
			return ts, sigErr(nil, "more than one canonicalization transform")
		}
		prefixes := ""
		for _, c := range t.ChildElements() {
			if c.Tag == "InclusiveNamespaces" {
				prefixes = c.SelectAttrValue("PrefixList", "")
			}
		}
		c, params, err := canonicalizer(alg, prefixes)
		if err != nil {
			return ts, err
		}
		ts.canon, ts.params = c, params
	}
	if ts.canon == nil {
		// XMLDSig: a node-set result is converted with inclusive C14N 1.0.
		ts.canon = dsig.MakeC14N10RecCanonicalizer()
	}
	return ts, nil
}

// referenceDigest returns a reference's digest algorithm and value.
func referenceDigest(ref *etree.Element) (crypto.Hash, []byte, error) {
	dm, err := oneChild(ref, "DigestMethod")
	if err != nil {
		return 0, nil, err
	}
	alg := dm.SelectAttrValue("Algorithm", "")
	hash, ok := digestAlgs[alg]
	if !ok {
		return 0, nil, sigErr(nil, "unsupported digest method %q", alg)
	}
	dv, err := oneChild(ref, "DigestValue")
	if err != nil {
		return 0, nil, err
	}
	want, err := base64.StdEncoding.DecodeString(compact(dv.Text()))
	if err != nil {
		return 0, nil, sigErr(err, "DigestValue is not base64")
	}
	return hash, want, nil
}

// checkDigest checks a reference's digest over content.
func checkDigest(ref *etree.Element, content []byte) error {
	hash, want, err := referenceDigest(ref)
	if err != nil {
		return err
	}
	h := hash.New()
	h.Write(content)
	if subtle.ConstantTimeCompare(h.Sum(nil), want) != 1 {
		uri, _ := attr(ref, "URI")
		return sigErr(nil, "digest of Reference %q does not match: the content changed after signing", uri)
	}
	return nil
}

// digestInSignature checks a reference to an element inside the signature
// (the XAdES signed properties).
func digestInSignature(ref *etree.Element, uri string, sigEl *etree.Element) error {
	id, ok := strings.CutPrefix(uri, "#")
	if !ok || id == "" {
		return sigErr(nil, "unsupported Reference URI %q", uri)
	}
	var target *etree.Element
	var walk func(*etree.Element) error
	walk = func(el *etree.Element) error {
		for _, a := range el.Attr {
			if a.Space == "" && (a.Key == "Id" || a.Key == "ID" || a.Key == "id") && a.Value == id {
				if target != nil {
					return sigErr(nil, "Reference URI %q matches more than one element", uri)
				}
				target = el
			}
		}
		for _, c := range el.ChildElements() {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(sigEl); err != nil {
		return err
	}
	if target == nil {
		return sigErr(nil, "Reference URI %q does not resolve inside the signature", uri)
	}
	ts, err := readTransforms(ref)
	if err != nil {
		return err
	}
	if ts.enveloped {
		return sigErr(nil, "enveloped-signature transform on Reference %q", uri)
	}
	content, err := ts.canon.Canonicalize(detach(target))
	if err != nil {
		return sigErr(err, "canonicalizing Reference %q", uri)
	}
	return checkDigest(ref, content)
}

// SignerFromKeyInfo returns the first certificate of the signature's
// ds:KeyInfo, UNVERIFIED: it serves to pin a list's own signer (e.g. in
// tests, or after checking its fingerprint out of band), never as trust.
// A document that is not XML gives a [ParseError]; a missing or
// unreadable certificate a [SignatureError].
func SignerFromKeyInfo(data []byte) (*x509.Certificate, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, malformed("", "not well-formed XML", err)
	}
	root := doc.Root()
	if root == nil {
		return nil, malformed("", "no root element", nil)
	}
	var first *etree.Element
	for _, sig := range dsigChildren(root, "Signature") {
		for _, ki := range dsigChildren(sig, "KeyInfo") {
			for _, xd := range dsigChildren(ki, "X509Data") {
				if xcs := dsigChildren(xd, "X509Certificate"); first == nil && len(xcs) > 0 {
					first = xcs[0]
				}
			}
		}
	}
	if first != nil {
		der, err := base64.StdEncoding.DecodeString(compact(first.Text()))
		if err != nil {
			return nil, sigErr(err, "KeyInfo certificate is not base64")
		}
		// The DER is used as decoded: trimming "whitespace" would cut a
		// certificate whose last signature byte happens to be 0x0a or 0x20.
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, sigErr(err, "KeyInfo certificate")
		}
		return c, nil
	}
	return nil, sigErr(nil, "no certificate in the signature's KeyInfo")
}
