// Package ocspasn is the wire form of OCSP (RFC 6960 section 4, with the
// nonce of RFC 8954): the ASN.1 structures, object identifiers and hashes
// that package ocsp parses responses and builds requests with, and the
// few encoders x509check's tests use to build responses no responder
// would make (a chosen CertID or responder ID, a corrupted signature, ...).
//
// The structures are for encoding/asn1. A zero time.Time in an optional
// field (SingleResponse.NextUpdate) is left out of the encoding, as is a
// false flag or a zero RevokedInfo, so one SingleResponse value encodes
// each certStatus choice.
package ocspasn

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"math/big"
	"time"

	"github.com/csam-go/csam/internal/sigalg"
)

// Object identifiers of RFC 6960 and RFC 8954.
var (
	OIDBasic   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1} // id-pkix-ocsp-basic
	OIDNonce   = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 2} // id-pkix-ocsp-nonce
	OIDNoCheck = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5} // id-pkix-ocsp-nocheck
)

// HashOIDs are the CertID hash algorithms understood.
var HashOIDs = map[crypto.Hash]asn1.ObjectIdentifier{
	crypto.SHA1:   sigalg.SHA1,
	crypto.SHA256: sigalg.SHA256,
	crypto.SHA384: sigalg.SHA384,
	crypto.SHA512: sigalg.SHA512,
}

// HashFromOID returns the hash of o, 0 when o is none of HashOIDs.
func HashFromOID(o asn1.ObjectIdentifier) crypto.Hash {
	return sigalg.Hash(o)
}

// CertID identifies a certificate by its issuer and serial.
type CertID struct {
	HashAlgorithm pkix.AlgorithmIdentifier
	NameHash      []byte
	KeyHash       []byte
	Serial        *big.Int
}

// Request is one entry of a TBSRequest's requestList.
type Request struct {
	CertID CertID
}

// TBSRequest is the body of an OCSPRequest (version v1, no requestorName).
type TBSRequest struct {
	Requests   []Request
	Extensions []pkix.Extension `asn1:"explicit,tag:2,optional"`
}

// OCSPRequest is an unsigned OCSP request.
type OCSPRequest struct {
	TBS TBSRequest
}

// Response is an OCSPResponse: a status, and the response bytes when the
// status is successful (0).
type Response struct {
	Status asn1.Enumerated
	Bytes  ResponseBytes `asn1:"explicit,tag:0,optional"`
}

// ResponseBytes is a response of the type named by Type (OIDBasic).
type ResponseBytes struct {
	Type     asn1.ObjectIdentifier
	Response []byte
}

// BasicResponse is a BasicOCSPResponse. TBS is the DER ResponseData the
// signature covers.
type BasicResponse struct {
	TBS       asn1.RawValue
	SigAlg    pkix.AlgorithmIdentifier
	Signature asn1.BitString
	Certs     []asn1.RawValue `asn1:"explicit,tag:0,optional"`
}

// ResponseData is the signed part of a BasicResponse. ResponderID is one
// of the choices ResponderByName and ResponderByKey.
type ResponseData struct {
	Version     int `asn1:"optional,default:0,explicit,tag:0"`
	ResponderID asn1.RawValue
	ProducedAt  time.Time `asn1:"generalized"`
	Responses   []SingleResponse
	Extensions  []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

// SingleResponse is the status of one certificate: one of Good, Revoked
// and Unknown is set.
type SingleResponse struct {
	CertID     CertID
	Good       asn1.Flag        `asn1:"tag:0,optional"`
	Revoked    RevokedInfo      `asn1:"tag:1,optional"`
	Unknown    asn1.Flag        `asn1:"tag:2,optional"`
	ThisUpdate time.Time        `asn1:"generalized"`
	NextUpdate time.Time        `asn1:"generalized,explicit,tag:0,optional"`
	Extensions []pkix.Extension `asn1:"explicit,tag:1,optional"`
}

// RevokedInfo is when, and why (an RFC 5280 reason code), a certificate
// was revoked.
type RevokedInfo struct {
	Time   time.Time       `asn1:"generalized"`
	Reason asn1.Enumerated `asn1:"explicit,tag:0,optional"`
}

// The context-specific tags of the ResponderID choices.
const (
	ResponderByName = 1 // [1] Name
	ResponderByKey  = 2 // [2] KeyHash, the SHA-1 of the subjectPublicKey
)

// KeyBits returns the subjectPublicKey BIT STRING contents of c, what
// CertID and ResponderID key hashes are computed on.
func KeyBits(c *x509.Certificate) ([]byte, error) {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil, err
	}
	return spki.PublicKey.RightAlign(), nil
}

// KeyHash returns the SHA-1 of c's subjectPublicKey, as ResponderByKey
// names it.
func KeyHash(c *x509.Certificate) ([sha1.Size]byte, error) {
	key, err := KeyBits(c)
	if err != nil {
		return [sha1.Size]byte{}, err
	}
	return sha1.Sum(key), nil
}

// HashBytes returns the h digest of b.
func HashBytes(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}

// ErrHash is returned by NewCertID for a hash not in HashOIDs or not
// linked into the program.
var ErrHash = errors.New("ocspasn: unsupported CertID hash")

// NewCertID returns the CertID, hashed with h, of the certificate with
// serial issued by issuer. Its error is ErrHash or that of KeyBits.
func NewCertID(h crypto.Hash, issuer *x509.Certificate, serial *big.Int) (CertID, error) {
	oid, ok := HashOIDs[h]
	if !ok || !h.Available() {
		return CertID{}, ErrHash
	}
	key, err := KeyBits(issuer)
	if err != nil {
		return CertID{}, err
	}
	return CertID{
		HashAlgorithm: pkix.AlgorithmIdentifier{Algorithm: oid, Parameters: asn1.NullRawValue},
		NameHash:      HashBytes(h, issuer.RawSubject),
		KeyHash:       HashBytes(h, key),
		Serial:        serial,
	}, nil
}

// HasNoCheck reports whether c carries id-pkix-ocsp-nocheck.
func HasNoCheck(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(OIDNoCheck) {
			return true
		}
	}
	return false
}

// NonceExtension returns the extension carrying nonce (RFC 8954).
func NonceExtension(nonce []byte) pkix.Extension {
	v, _ := asn1.Marshal(nonce) // an OCTET STRING always encodes
	return pkix.Extension{Id: OIDNonce, Value: v}
}

// Nonce returns the value of the first nonce extension of exts, found
// false when there is none; err when its value is not exactly one OCTET
// STRING.
func Nonce(exts []pkix.Extension) (nonce []byte, found bool, err error) {
	for _, e := range exts {
		if !e.Id.Equal(OIDNonce) {
			continue
		}
		rest, err := asn1.Unmarshal(e.Value, &nonce)
		if err == nil && len(rest) > 0 {
			err = asn1.SyntaxError{Msg: "trailing data after the nonce"}
		}
		return nonce, true, err
	}
	return nil, false, nil
}
