package crl

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Object identifiers of the CRL extensions this package processes.
var (
	oidAuthorityKeyID      = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidCRLNumber           = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRLIndicator   = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIssuingDistPoint    = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidFreshestCRL         = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidIssuerAltName       = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidAuthorityInfoAccess = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
	oidCRLDistPoints       = asn1.ObjectIdentifier{2, 5, 29, 31}
)

// CRL is a parsed certificate revocation list: its header fields, the
// extensions this package interprets, and the Index of its entries. It is
// read-only and safe for concurrent use.
type CRL struct {
	// Raw is the DER of the whole CRL, RawTBS that of tbsCertList.
	Raw, RawTBS []byte
	// RawIssuer is the DER of the issuer Name; Issuer its parsed form.
	RawIssuer []byte
	Issuer    pkix.Name
	// ThisUpdate and NextUpdate (zero when absent).
	ThisUpdate, NextUpdate time.Time
	// Number is the cRLNumber, nil when absent.
	Number *big.Int
	// AuthorityKeyID is the keyIdentifier of the AKI extension, nil when
	// absent.
	AuthorityKeyID []byte
	// DeltaBase is the BaseCRLNumber of a delta CRL (Delta CRL Indicator),
	// nil for a complete CRL.
	DeltaBase *big.Int
	// IDP is the Issuing Distribution Point, nil when absent.
	IDP *IssuingDistributionPoint
	// Extensions are all CRL extensions as found.
	Extensions []pkix.Extension
	// SignatureAlgorithm and Signature, as x509 reads them.
	SignatureAlgorithm x509.SignatureAlgorithm
	Signature          []byte
	// Index holds the revoked entries.
	Index *Index

	rawIDP          []byte
	unknownCritical []asn1.ObjectIdentifier
}

// ReasonFlags is the BIT STRING of reasons (RFC 5280 ReasonFlags): bit i
// (1<<i) stands for Reason i; bit 0 is unused.
type ReasonFlags uint16

// AllReasons is every reason a CRL may cover.
const AllReasons ReasonFlags = 1<<ReasonKeyCompromise | 1<<ReasonCACompromise | 1<<ReasonAffiliationChanged |
	1<<ReasonSuperseded | 1<<ReasonCessationOfOperation | 1<<ReasonCertificateHold |
	1<<ReasonPrivilegeWithdrawn | 1<<ReasonAACompromise

// Has reports whether the flags include reason r.
func (f ReasonFlags) Has(r Reason) bool { return r >= 0 && r < 16 && f&(1<<r) != 0 }

// IssuingDistributionPoint is the IDP CRL extension (RFC 5280 5.2.5).
type IssuingDistributionPoint struct {
	// FullName holds the DER of each GeneralName of the distribution
	// point's fullName; RelativeName the DER of nameRelativeToCRLIssuer.
	FullName     [][]byte
	RelativeName []byte
	// URIs are the uniformResourceIdentifier names of FullName.
	URIs                       []string
	OnlyContainsUserCerts      bool
	OnlyContainsCACerts        bool
	OnlyContainsAttributeCerts bool
	IndirectCRL                bool
	// OnlySomeReasons is zero when absent (all reasons).
	OnlySomeReasons ReasonFlags
}

// Parse parses a CRL in DER or PEM ("X509 CRL") form and builds its Index.
// It does not verify anything: call Verify before trusting the content.
// Errors are [MalformedError].
func Parse(data []byte) (*CRL, error) {
	c, revoked, err := parseUnindexed(data)
	if err != nil {
		return nil, err
	}
	if c.Index, err = buildIndex(revoked); err != nil {
		return nil, err
	}
	return c, nil
}

// parseUnindexed parses a CRL in DER or PEM form except its entries: it
// returns the CRL without an Index and the revokedCertificates content to
// build one from (the cache first looks for an index of the same version).
func parseUnindexed(data []byte) (*CRL, cryptobyte.String, error) {
	der, err := derBytes(data)
	if err != nil {
		return nil, nil, err
	}
	r, err := parseOuter(der)
	if err != nil {
		return nil, nil, err
	}
	c, err := parseHeader(r)
	if err != nil {
		return nil, nil, err
	}
	return c, r.revoked, nil
}

// parseHeader interprets everything but the entries. It lets
// x509.ParseRevocationList read a copy of the CRL without its entries (the
// signature still covers the original tbsCertList, kept in RawTBS).
func parseHeader(r *rawCRL) (*CRL, error) {
	var b cryptobyte.Builder
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(r.tbsContent[:r.revStart])
			b.AddBytes(r.tbsContent[r.revEnd:])
		})
		b.AddBytes(r.sigAlg)
		b.AddBytes(r.sig)
	})
	header, err := b.Bytes()
	if err != nil {
		return nil, malformed("%v", err)
	}
	if r.revStart == 0 && r.revEnd == 0 {
		header = r.der
	}
	rl, err := x509.ParseRevocationList(header)
	if err != nil {
		return nil, malformed("%v", err)
	}
	c := &CRL{
		Raw:                r.der,
		RawTBS:             r.tbs,
		RawIssuer:          r.issuer,
		ThisUpdate:         r.thisUpdate,
		NextUpdate:         r.nextUpdate,
		Number:             rl.Number,
		AuthorityKeyID:     rl.AuthorityKeyId,
		Extensions:         rl.Extensions,
		SignatureAlgorithm: rl.SignatureAlgorithm,
		Signature:          rl.Signature,
	}
	c.Issuer = rl.Issuer
	for _, ext := range rl.Extensions {
		switch {
		case ext.Id.Equal(oidDeltaCRLIndicator):
			c.DeltaBase = new(big.Int)
			s := cryptobyte.String(ext.Value)
			if !s.ReadASN1Integer(c.DeltaBase) || !s.Empty() || c.DeltaBase.Sign() < 0 {
				return nil, malformed("bad Delta CRL Indicator")
			}
		case ext.Id.Equal(oidIssuingDistPoint):
			idp, err := parseIDP(ext.Value)
			if err != nil {
				return nil, err
			}
			c.IDP, c.rawIDP = idp, ext.Value
		case ext.Id.Equal(oidAuthorityKeyID), ext.Id.Equal(oidCRLNumber), ext.Id.Equal(oidFreshestCRL),
			ext.Id.Equal(oidIssuerAltName), ext.Id.Equal(oidAuthorityInfoAccess):
		default:
			if ext.Critical {
				c.unknownCritical = append(c.unknownCritical, ext.Id)
			}
		}
	}
	return c, nil
}

func parseIDP(v []byte) (*IssuingDistributionPoint, error) {
	bad := func(what string) error { return malformed("bad Issuing Distribution Point: %s", what) }
	s := cryptobyte.String(v)
	var seq cryptobyte.String
	if !s.ReadASN1(&seq, casn1.SEQUENCE) || !s.Empty() {
		return nil, bad("not a SEQUENCE")
	}
	idp := &IssuingDistributionPoint{}
	tagDP := casn1.Tag(0).Constructed().ContextSpecific()
	if seq.PeekASN1Tag(tagDP) {
		var dp cryptobyte.String
		if !seq.ReadASN1(&dp, tagDP) {
			return nil, bad("distributionPoint")
		}
		var err error
		if idp.FullName, idp.RelativeName, idp.URIs, err = parseDPName(dp); err != nil {
			return nil, bad(err.Error())
		}
	}
	readBool := func(n int, dst *bool) bool {
		tag := casn1.Tag(n).ContextSpecific()
		if !seq.PeekASN1Tag(tag) {
			return true
		}
		var body cryptobyte.String
		if !seq.ReadASN1(&body, tag) || len(body) != 1 || (body[0] != 0xff && body[0] != 0) {
			return false
		}
		*dst = body[0] == 0xff
		return true
	}
	if !readBool(1, &idp.OnlyContainsUserCerts) || !readBool(2, &idp.OnlyContainsCACerts) {
		return nil, bad("onlyContains flags")
	}
	if tag := casn1.Tag(3).ContextSpecific(); seq.PeekASN1Tag(tag) {
		var bits cryptobyte.String
		if !seq.ReadASN1(&bits, tag) || len(bits) < 1 || len(bits) > 3 || bits[0] > 7 {
			return nil, bad("onlySomeReasons")
		}
		// Bit 0 is the most significant bit of the first content byte.
		for i := 1; i < len(bits); i++ {
			for j := 0; j < 8; j++ {
				if bits[i]&(0x80>>j) != 0 {
					idp.OnlySomeReasons |= 1 << ((i-1)*8 + j)
				}
			}
		}
		if idp.OnlySomeReasons == 0 {
			return nil, bad("empty onlySomeReasons")
		}
	}
	if !readBool(4, &idp.IndirectCRL) || !readBool(5, &idp.OnlyContainsAttributeCerts) || !seq.Empty() {
		return nil, bad("trailing or misplaced fields")
	}
	return idp, nil
}

type dpError string

func (e dpError) Error() string { return string(e) }

// parseDPName reads a DistributionPointName (the content of its [0]
// wrapper): fullName [0] GeneralNames or nameRelativeToCRLIssuer [1].
func parseDPName(dp cryptobyte.String) (full [][]byte, rel []byte, uris []string, err error) {
	var body cryptobyte.String
	var tag casn1.Tag
	var elem cryptobyte.String
	if !dp.ReadAnyASN1Element(&elem, &tag) || !dp.Empty() {
		return nil, nil, nil, dpError("distributionPoint name")
	}
	switch tag {
	case casn1.Tag(0).Constructed().ContextSpecific():
		e := elem
		if !e.ReadASN1(&body, tag) || body.Empty() {
			return nil, nil, nil, dpError("fullName")
		}
		for !body.Empty() {
			var gn cryptobyte.String
			var gt casn1.Tag
			if !body.ReadAnyASN1Element(&gn, &gt) || gt&0xc0 != 0x80 {
				return nil, nil, nil, dpError("GeneralName")
			}
			full = append(full, gn)
			if gt == casn1.Tag(6).ContextSpecific() {
				var u cryptobyte.String
				g := gn
				g.ReadASN1(&u, gt)
				uris = append(uris, string(u))
			}
		}
		return full, nil, uris, nil
	case casn1.Tag(1).Constructed().ContextSpecific():
		return nil, elem, nil, nil
	}
	return nil, nil, nil, dpError("distributionPoint name choice")
}

// IsDelta reports whether the CRL is a delta CRL.
func (c *CRL) IsDelta() bool { return c.DeltaBase != nil }

// unknownCriticalErrors returns the unknown critical extensions of the CRL and
// of its entries as *ExtensionError values (nil when there are none).
func (c *CRL) unknownCriticalErrors() []*ExtensionError {
	var out []*ExtensionError
	for _, id := range c.unknownCritical {
		out = append(out, &ExtensionError{OID: id})
	}
	if c.Index != nil {
		out = append(out, c.Index.unknownCritical...)
	}
	return out
}

// sameIDP reports whether two CRLs have the same IDP extension.
func sameIDP(a, b *CRL) bool { return bytes.Equal(a.rawIDP, b.rawIDP) }
