package x509check

// ASN.1 shapes of RFC 6960 for the test responders (package ocsp keeps its
// own unexported).

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"time"
)

var (
	oidOCSPBasic   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}
	oidOCSPNonce   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2}
	oidOCSPNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
)

var hashOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   {1, 3, 14, 3, 2, 26},
	crypto.SHA256: {2, 16, 840, 1, 101, 3, 4, 2, 1},
	crypto.SHA384: {2, 16, 840, 1, 101, 3, 4, 2, 2},
	crypto.SHA512: {2, 16, 840, 1, 101, 3, 4, 2, 3},
}

// ASN.1 shapes of RFC 6960 section 4.

type asnCertID struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	NameHash      []byte
	KeyHash       []byte
	Serial        *big.Int
}

type asnRequest struct {
	CertID asnCertID
}

type asnTBSRequest struct {
	Requests   []asnRequest
	Extensions []pkix.Extension `asn1:"explicit,tag:2,optional"`
}

type asnOCSPRequest struct {
	TBS asnTBSRequest
}

type asnResponse struct {
	Status asn1.Enumerated
	Bytes  asnResponseBytes `asn1:"explicit,tag:0,optional"`
}

type asnResponseBytes struct {
	Type     asn1.ObjectIdentifier
	Response []byte
}

type asnResponseData struct {
	Version     int `asn1:"optional,default:0,explicit,tag:0"`
	ResponderID asn1.RawValue
	ProducedAt  time.Time `asn1:"generalized"`
	Responses   []asnSingle
	Extensions  []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

type asnSingle struct {
	CertID     asnCertID
	Good       asn1.Flag        `asn1:"tag:0,optional"`
	Revoked    asnRevokedInfo   `asn1:"tag:1,optional"`
	Unknown    asn1.Flag        `asn1:"tag:2,optional"`
	ThisUpdate time.Time        `asn1:"generalized"`
	NextUpdate time.Time        `asn1:"generalized,explicit,tag:0,optional"`
	Extensions []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

type asnRevokedInfo struct {
	Time   time.Time       `asn1:"generalized"`
	Reason asn1.Enumerated `asn1:"explicit,tag:0,optional"`
}

// issuerKeyBits returns the subjectPublicKey BIT STRING contents of c.
func issuerKeyBits(c *x509.Certificate) ([]byte, error) {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil, err
	}
	return spki.PublicKey.RightAlign(), nil
}

func hashBytes(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}

// hasNoCheck reports whether c carries id-pkix-ocsp-nocheck.
func hasNoCheck(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oidOCSPNoCheck) {
			return true
		}
	}
	return false
}
