package tl

// The implementation Verify and Parse had before the streaming pass: a
// tree of the whole document, canonicalized by goxmldsig, and the signed
// bytes decoded again with encoding/xml. Kept for differential tests.

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// verifySignature returns the canonical bytes of the signed root (without
// its signature) after checking the signature over them.
func verifySignatureOld(data []byte, signers []*x509.Certificate) ([]byte, error) {
	if err := checkDepthOld(data); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, malformed("", "not well-formed XML", err)
	}
	for _, tok := range doc.Child {
		if _, ok := tok.(*etree.Directive); ok {
			return nil, malformed("", "document type declarations are not allowed", nil)
		}
	}
	root := doc.Root()
	if root == nil {
		return nil, malformed("", "no root element", nil)
	}
	if root.NamespaceURI() != nsTSL || root.Tag != "TrustServiceStatusList" {
		return nil, malformed("", fmt.Sprintf("root element is {%s}%s, want {%s}TrustServiceStatusList", root.NamespaceURI(), root.Tag, nsTSL), nil)
	}

	// The enveloped signature: exactly one ds:Signature child of the root.
	var sigEl *etree.Element
	for _, c := range root.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			if sigEl != nil {
				return nil, sigErr(nil, "more than one ds:Signature in the list")
			}
			sigEl = c
		}
	}
	if sigEl == nil {
		return nil, sigErr(nil, "the list carries no ds:Signature")
	}
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
	var content []byte
	for _, ref := range refs {
		uri, hasURI := attr(ref, "URI")
		if hasURI && (uri == "" || rootID != "" && uri == "#"+rootID) {
			if content != nil {
				return nil, sigErr(nil, "more than one Reference to the list")
			}
			content, err = digestRootOld(ref, root, sigEl)
			if err != nil {
				return nil, err
			}
			continue
		}
		if err := digestInSignature(ref, uri, sigEl); err != nil {
			return nil, err
		}
	}
	if content == nil {
		return nil, sigErr(nil, "no Reference covers the list's root element (Id %q)", rootID)
	}
	return content, nil
}

// checkDepth refuses, before a tree is built, documents with more markup
// than bytesPerTag allows (counted at memory speed) and documents nested
// deeper than maxDepth (in one streaming pass).
func checkDepthOld(data []byte) error {
	if n, max := bytes.Count(data, []byte("<")), len(data)/bytesPerTag+minTags; n > max {
		return malformed("", fmt.Sprintf("%d tags in %d bytes: more than one per %d bytes (bound %d)", n, len(data), bytesPerTag, max), nil)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return malformed("", "not well-formed XML", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return malformed("", fmt.Sprintf("elements nested deeper than %d", maxDepth), nil)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// digestRoot checks the reference to the root and returns the canonical
// bytes it covers: the root without its signature.
func digestRootOld(ref, root, sigEl *etree.Element) ([]byte, error) {
	ts, err := readTransforms(ref)
	if err != nil {
		return nil, err
	}
	if !ts.enveloped {
		return nil, sigErr(nil, "the Reference to the list lacks the enveloped-signature transform")
	}
	idx := sigEl.Index()
	cp := root.Copy()
	if idx < 0 || idx >= len(cp.Child) {
		return nil, sigErr(nil, "signature not found in the copy")
	}
	removed, ok := cp.Child[idx].(*etree.Element)
	if !ok || removed.Tag != "Signature" {
		return nil, sigErr(nil, "signature not found in the copy")
	}
	cp.RemoveChildAt(idx)
	content, err := ts.canon.Canonicalize(cp)
	if err != nil {
		return nil, sigErr(err, "canonicalizing the list")
	}
	if err := checkDigest(ref, content); err != nil {
		return nil, err
	}
	return content, nil
}

// decode turns XML bytes into a List.
func decodeOld(data []byte) (*List, error) {
	var raw xmlList
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = nil
	if err := d.Decode(&raw); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, malformed("", "empty document", nil)
		}
		return nil, malformed("", "not well-formed XML", err)
	}
	if raw.XMLName.Space != nsTSL || raw.XMLName.Local != "TrustServiceStatusList" {
		return nil, malformed("", fmt.Sprintf("root element is {%s}%s, want {%s}TrustServiceStatusList",
			raw.XMLName.Space, raw.XMLName.Local, nsTSL), nil)
	}
	return raw.convert()
}

// verifyOld is Verify's signature and decoding step as it was.
func verifyOld(data []byte, signers []*x509.Certificate) (*List, error) {
	signed, err := verifySignatureOld(data, signers)
	if err != nil {
		return nil, err
	}
	return decodeOld(signed)
}

// parseOld is Parse as it was.
func parseOld(data []byte) (*List, error) {
	if err := checkDepthOld(data); err != nil {
		return nil, err
	}
	return decodeOld(data)
}

// canonicalOld is the root element without its ds:Signature children,
// canonicalized by goxmldsig on a tree, as the old Verify digested it.
func canonicalOld(data []byte, p c14nParams) ([]byte, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, err
	}
	root := doc.Root()
	if root == nil {
		return nil, errors.New("no root")
	}
	cp := root.Copy()
	for _, c := range cp.ChildElements() {
		if c.Tag == "Signature" && c.NamespaceURI() == nsDSig {
			cp.RemoveChild(c)
		}
	}
	canon, _, err := canonicalizer(p.algorithm(), p.prefixes)
	if err != nil {
		return nil, err
	}
	return canon.Canonicalize(cp)
}

// algorithm is the URI of the canonicalization p stands for.
func (p c14nParams) algorithm() string {
	switch {
	case p.exclusive && p.comments:
		return string(dsig.CanonicalXML10ExclusiveWithCommentsAlgorithmId)
	case p.exclusive:
		return string(dsig.CanonicalXML10ExclusiveAlgorithmId)
	case p.comments:
		return string(dsig.CanonicalXML10WithCommentsAlgorithmId)
	}
	return string(dsig.CanonicalXML10RecAlgorithmId)
}

// canonicalStream is the same canonical form from one streaming pass.
func canonicalStream(data []byte, p c14nParams) ([]byte, error) {
	pass := listPass{c14n: newC14NWriter(p, nil)}
	if err := pass.run(data, false); err != nil {
		return nil, err
	}
	return pass.c14n.buf, nil
}
