package sign

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"github.com/csam-go/csam/internal/sigalg"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers (RFC 5652, RFC 5035, RFC 3161, RFC 5754, RFC 5758).
var (
	oidData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidTSTInfo       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidContentType   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidMessageDigest = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidSigningTime   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSigningCert   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 12}
	oidSigningCertV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidTimeStampAttr = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 14}

	tagSignedAttrs  = cbasn1.Tag(0).ContextSpecific().Constructed()
	tagUnsignedAtts = cbasn1.Tag(1).ContextSpecific().Constructed()
)

// knownOIDs are the object identifiers above and the algorithm ones, by the content octets of
// their DER encoding: readOID returns them without allocating.
var knownOIDs = func() map[string]asn1.ObjectIdentifier {
	m := map[string]asn1.ObjectIdentifier{}
	for _, o := range []asn1.ObjectIdentifier{oidData, oidSignedData, oidTSTInfo, oidContentType, oidMessageDigest,
		oidSigningTime, oidSigningCert, oidSigningCertV2, oidTimeStampAttr, sigalg.SHA1, sigalg.SHA256, sigalg.SHA384, sigalg.SHA512,
		sigalg.RSA, sigalg.SHA256RSA, sigalg.SHA384RSA, sigalg.SHA512RSA, sigalg.ECPublicKey, sigalg.ECDSASHA256, sigalg.ECDSASHA384,
		sigalg.ECDSASHA512, sigalg.Ed25519, sigalg.RSAPSS, sigalg.MGF1} {
		der, err := asn1.Marshal(o)
		if err != nil {
			panic("sign: object identifier " + o.String() + ": " + err.Error())
		}
		s := cryptobyte.String(der)
		var content cryptobyte.String
		if !s.ReadASN1(&content, cbasn1.OBJECT_IDENTIFIER) {
			panic("sign: object identifier " + o.String())
		}
		m[string(content)] = o
	}
	return m
}()

// readOID reads an OBJECT IDENTIFIER as cryptobyte's
// ReadASN1ObjectIdentifier does; one of knownOIDs (whose encodings are the
// valid ones) is returned as the package's variable, shared and not to be
// modified, without allocating.
func readOID(s *cryptobyte.String, out *asn1.ObjectIdentifier) bool {
	in := *s
	var content cryptobyte.String
	if in.ReadASN1(&content, cbasn1.OBJECT_IDENTIFIER) {
		if o, ok := knownOIDs[string(content)]; ok {
			*s, *out = in, o
			return true
		}
	}
	return s.ReadASN1ObjectIdentifier(out)
}

// attribute is one CMS attribute: its type and the DER of each value.
type attribute struct {
	typ    asn1.ObjectIdentifier
	values [][]byte
}

// signerInfo is a parsed CMS SignerInfo (RFC 5652 section 5.3).
type signerInfo struct {
	version int
	// issuer (raw Name) and serial, or subjectKeyID (version 3).
	issuer       []byte
	serial       *big.Int
	subjectKeyID []byte
	digestAlg    asn1.ObjectIdentifier
	// signedAttrs is the DER of the [0] IMPLICIT SET OF Attribute, as
	// received; nil without signed attributes.
	signedAttrs []byte
	signed      []attribute
	sigAlg      asn1.ObjectIdentifier
	sigParams   []byte // the signature algorithm's parameters (DER), if any
	signature   []byte
	unsigned    []attribute
}

// signedData is a parsed CMS ContentInfo holding SignedData (RFC 5652
// section 5.1) with exactly one signer.
type signedData struct {
	version      int
	digestAlgs   []asn1.ObjectIdentifier
	contentType  asn1.ObjectIdentifier
	content      []byte
	hasContent   bool
	certificates [][]byte
	signer       signerInfo
}

// parseSignedData parses a DER ContentInfo of type SignedData. It reads
// certificates as raw elements (other certificate choices are skipped)
// and ignores CRLs. It requires exactly one SignerInfo.
func parseSignedData(der []byte) (*signedData, error) {
	in := cryptobyte.String(der)
	var ci, sdb cryptobyte.String
	var ct asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, cbasn1.SEQUENCE) || !in.Empty() {
		return nil, errorf(errMalformed, "not a DER ContentInfo")
	}
	if !readOID(&ci, &ct) || !ct.Equal(oidSignedData) {
		return nil, errorf(errMalformed, "content type is not SignedData")
	}
	var expl cryptobyte.String
	if !ci.ReadASN1(&expl, cbasn1.Tag(0).ContextSpecific().Constructed()) || !ci.Empty() ||
		!expl.ReadASN1(&sdb, cbasn1.SEQUENCE) || !expl.Empty() {
		return nil, errorf(errMalformed, "SignedData content")
	}
	sd := &signedData{}
	var algs cryptobyte.String
	if !sdb.ReadASN1Integer(&sd.version) || !sdb.ReadASN1(&algs, cbasn1.SET) {
		return nil, errorf(errMalformed, "SignedData version or digest algorithms")
	}
	for !algs.Empty() {
		oid, err := readAlgorithm(&algs)
		if err != nil {
			return nil, err
		}
		sd.digestAlgs = append(sd.digestAlgs, oid)
	}
	var eci cryptobyte.String
	if !sdb.ReadASN1(&eci, cbasn1.SEQUENCE) || !readOID(&eci, &sd.contentType) {
		return nil, errorf(errMalformed, "encapsulated content info")
	}
	var econt cryptobyte.String
	var present bool
	if !eci.ReadOptionalASN1(&econt, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) || !eci.Empty() {
		return nil, errorf(errMalformed, "encapsulated content")
	}
	if present {
		var oct cryptobyte.String
		if !econt.ReadASN1(&oct, cbasn1.OCTET_STRING) || !econt.Empty() {
			return nil, errorf(errMalformed, "encapsulated content is not a DER OCTET STRING")
		}
		sd.content, sd.hasContent = []byte(oct), true
	}
	var certs cryptobyte.String
	if !sdb.ReadOptionalASN1(&certs, &present, cbasn1.Tag(0).ContextSpecific().Constructed()) {
		return nil, errorf(errMalformed, "certificates")
	}
	if present {
		sd.certificates = make([][]byte, 0, 4)
	}
	for !certs.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !certs.ReadAnyASN1Element(&el, &tag) {
			return nil, errorf(errMalformed, "certificate")
		}
		if tag == cbasn1.SEQUENCE {
			sd.certificates = append(sd.certificates, []byte(el))
		}
	}
	var skip cryptobyte.String
	if !sdb.ReadOptionalASN1(&skip, &present, cbasn1.Tag(1).ContextSpecific().Constructed()) {
		return nil, errorf(errMalformed, "crls")
	}
	var sis cryptobyte.String
	if !sdb.ReadASN1(&sis, cbasn1.SET) || !sdb.Empty() {
		return nil, errorf(errMalformed, "signer infos")
	}
	var si cryptobyte.String
	if !sis.ReadASN1(&si, cbasn1.SEQUENCE) {
		return nil, errorf(errMalformed, "no signer info")
	}
	if !sis.Empty() {
		return nil, errorf(errMalformed, "more than one signer")
	}
	var err error
	if sd.signer, err = parseSignerInfo(si); err != nil {
		return nil, err
	}
	return sd, nil
}

func readAlgorithm(s *cryptobyte.String) (asn1.ObjectIdentifier, error) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !readOID(&alg, &oid) {
		return nil, errorf(errMalformed, "algorithm identifier")
	}
	// Parameters (NULL or absent for the algorithms this package knows)
	// are not interpreted.
	return oid, nil
}

// readAlgorithmParams reads an AlgorithmIdentifier with the DER of its
// parameters (nil when absent).
func readAlgorithmParams(s *cryptobyte.String) (asn1.ObjectIdentifier, []byte, error) {
	var alg cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !s.ReadASN1(&alg, cbasn1.SEQUENCE) || !readOID(&alg, &oid) {
		return nil, nil, errorf(errMalformed, "algorithm identifier")
	}
	var params []byte
	if !alg.Empty() {
		var el cryptobyte.String
		var tag cbasn1.Tag
		if !alg.ReadAnyASN1Element(&el, &tag) || !alg.Empty() {
			return nil, nil, errorf(errMalformed, "algorithm parameters")
		}
		params = []byte(el)
	}
	return oid, params, nil
}

// pssOptions reads RSASSA-PSS-params (RFC 4055): the hash, MGF1 with the
// same hash (what crypto/rsa verifies), the salt length, the trailer 1.
func pssOptions(params []byte) (*rsa.PSSOptions, error) {
	p, err := sigalg.ParsePSS(params)
	if err != nil {
		var pe *sigalg.PSSError
		if errors.As(err, &pe) && pe.Unsupported {
			return nil, errorf(errUnsupported, "%s", pe.Msg)
		}
		return nil, errorf(errMalformed, "%s", err)
	}
	h, mgfHash, salt, trailer := p.Hash, p.MGFHash, p.SaltLength, p.Trailer
	if h == 0 || h == crypto.SHA1 || h != mgfHash || trailer != 1 || salt < 0 || salt > 1024 {
		return nil, errorf(errUnsupported, "RSASSA-PSS with hash %v, MGF1 hash %v, trailer %d", h, mgfHash, trailer)
	}
	return &rsa.PSSOptions{Hash: h, SaltLength: int(salt)}, nil
}

func parseSignerInfo(si cryptobyte.String) (signerInfo, error) {
	var s signerInfo
	if !si.ReadASN1Integer(&s.version) {
		return s, errorf(errMalformed, "signer version")
	}
	if si.PeekASN1Tag(cbasn1.SEQUENCE) {
		var ias cryptobyte.String
		var issuer cryptobyte.String
		s.serial = new(big.Int)
		if !si.ReadASN1(&ias, cbasn1.SEQUENCE) || !ias.ReadASN1Element(&issuer, cbasn1.SEQUENCE) ||
			!ias.ReadASN1Integer(s.serial) || !ias.Empty() {
			return s, errorf(errMalformed, "issuerAndSerialNumber")
		}
		s.issuer = []byte(issuer)
	} else {
		var ski cryptobyte.String
		if !si.ReadASN1(&ski, cbasn1.Tag(0).ContextSpecific()) {
			return s, errorf(errMalformed, "signer identifier")
		}
		s.subjectKeyID = []byte(ski)
	}
	var err error
	if s.digestAlg, err = readAlgorithm(&si); err != nil {
		return s, err
	}
	if si.PeekASN1Tag(tagSignedAttrs) {
		var el cryptobyte.String
		if !si.ReadASN1Element(&el, tagSignedAttrs) {
			return s, errorf(errMalformed, "signed attributes")
		}
		s.signedAttrs = []byte(el)
		if s.signed, err = parseAttributes(el, tagSignedAttrs); err != nil {
			return s, err
		}
	}
	if s.sigAlg, s.sigParams, err = readAlgorithmParams(&si); err != nil {
		return s, err
	}
	var sig cryptobyte.String
	if !si.ReadASN1(&sig, cbasn1.OCTET_STRING) {
		return s, errorf(errMalformed, "signature value")
	}
	s.signature = []byte(sig)
	if si.PeekASN1Tag(tagUnsignedAtts) {
		var el cryptobyte.String
		if !si.ReadASN1Element(&el, tagUnsignedAtts) {
			return s, errorf(errMalformed, "unsigned attributes")
		}
		if s.unsigned, err = parseAttributes(el, tagUnsignedAtts); err != nil {
			return s, err
		}
	}
	if !si.Empty() {
		return s, errorf(errMalformed, "trailing data in signer info")
	}
	return s, nil
}

func parseAttributes(el cryptobyte.String, tag cbasn1.Tag) ([]attribute, error) {
	var set cryptobyte.String
	if !el.ReadASN1(&set, tag) {
		return nil, errorf(errMalformed, "attributes")
	}
	// The attributes and their values in two arrays (CAdES-BES has four
	// signed attributes of one value each).
	out := make([]attribute, 0, 6)
	all := make([][]byte, 0, 6)
	for !set.Empty() {
		var a, vals cryptobyte.String
		var at attribute
		if !set.ReadASN1(&a, cbasn1.SEQUENCE) || !readOID(&a, &at.typ) ||
			!a.ReadASN1(&vals, cbasn1.SET) || !a.Empty() {
			return nil, errorf(errMalformed, "attribute")
		}
		first := len(all)
		for !vals.Empty() {
			var v cryptobyte.String
			var t cbasn1.Tag
			if !vals.ReadAnyASN1Element(&v, &t) {
				return nil, errorf(errMalformed, "attribute value of %v", at.typ)
			}
			all = append(all, []byte(v))
		}
		at.values = all[first:len(all):len(all)]
		out = append(out, at)
	}
	return out, nil
}

// single returns the one value of the attribute of type oid; ok is false
// when it is absent. An attribute present twice or with several values
// has code "bad-attribute".
func single(attrs []attribute, oid asn1.ObjectIdentifier) (val []byte, ok bool, err error) {
	for _, a := range attrs {
		if !a.typ.Equal(oid) {
			continue
		}
		if ok || len(a.values) != 1 {
			return nil, false, errorf(errAttribute, "attribute %v must appear once with one value", oid)
		}
		val, ok = a.values[0], true
	}
	return val, ok, nil
}

// signedAttrsDER returns the DER that the signature covers: the signed
// attributes with the SET OF tag instead of [0] IMPLICIT (RFC 5652 5.4).
func (s *signerInfo) signedAttrsDER() []byte {
	b := bytes.Clone(s.signedAttrs)
	b[0] = 0x31
	return b
}

// matches reports whether the signer identifier designates c.
func (s *signerInfo) matches(c *x509.Certificate) bool {
	if s.subjectKeyID != nil {
		return len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, s.subjectKeyID)
	}
	return bytes.Equal(c.RawIssuer, s.issuer) && c.SerialNumber.Cmp(s.serial) == 0
}

// parseTime reads a UTCTime or GeneralizedTime (with optional fractional
// seconds, which RFC 3161 genTime allows).
func parseTime(der []byte) (time.Time, error) {
	s := cryptobyte.String(der)
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		if !s.ReadASN1UTCTime(&t) || !s.Empty() {
			return t, errorf(errAttribute, "bad UTCTime")
		}
		return t, nil
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		var raw cryptobyte.String
		if !s.ReadASN1(&raw, cbasn1.GeneralizedTime) || !s.Empty() {
			return t, errorf(errAttribute, "bad GeneralizedTime")
		}
		t, err := time.Parse("20060102150405Z0700", string(raw))
		if err != nil || len(raw) < 15 || raw[len(raw)-1] != 'Z' {
			return t, errorf(errAttribute, "bad GeneralizedTime %q", string(raw))
		}
		return t, nil
	}
	return t, errorf(errAttribute, "not a time")
}

// Encoding helpers.

func addAlgorithm(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, null bool) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		if null {
			b.AddASN1NULL()
		}
	})
}

func addAttribute(b *cryptobyte.Builder, oid asn1.ObjectIdentifier, values ...[]byte) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oid)
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, v := range sortedDER(values) {
				b.AddBytes(v)
			}
		})
	})
}

// sortedDER sorts encodings as DER requires for SET OF (X.690 11.6).
func sortedDER(els [][]byte) [][]byte {
	out := make([][]byte, len(els))
	copy(out, els)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && bytes.Compare(out[j-1], out[j]) > 0; j-- {
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

func der(f func(b *cryptobyte.Builder)) ([]byte, error) {
	var b cryptobyte.Builder
	f(&b)
	out, err := b.Bytes()
	if err != nil {
		return nil, errorf(errMalformed, "encoding: %v", err)
	}
	return out, nil
}
