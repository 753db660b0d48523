// Package sigalg is the one table of the signature and hash algorithm
// identifiers the signature checks know: RSA PKCS #1 v1.5 with SHA-1,
// SHA-224, SHA-256, SHA-384 and SHA-512, RSASSA-PSS, ECDSA with SHA-1,
// SHA-256, SHA-384 and SHA-512, Ed25519, and the hash identifiers. It also
// reads RSASSA-PSS-params (RFC 4055).
//
// It states what an identifier means; which ones a caller accepts (SHA-1,
// the PSS hash and salt) is the caller's policy, and so are its errors.
package sigalg

import (
	"crypto"
	"encoding/asn1"
)

// The object identifiers. They are shared: callers must not modify them.
var (
	RSA       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	SHA1RSA   = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	MGF1      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	RSAPSS    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	SHA256RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	SHA384RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	SHA512RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	SHA224RSA = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}

	ECPublicKey = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
	ECDSASHA1   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	ECDSASHA256 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	ECDSASHA384 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	ECDSASHA512 = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}

	Ed25519 = asn1.ObjectIdentifier{1, 3, 101, 112}

	SHA1   = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	SHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	SHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	SHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// Kind is the key a signature algorithm takes and how it signs.
type Kind uint8

// The kinds; the zero value is an unknown algorithm.
const (
	PKCS1v15 Kind = iota + 1 // RSA PKCS #1 v1.5
	PSS                      // RSASSA-PSS; the hash is in the parameters
	ECDSA
	EdDSA // Ed25519, which hashes itself
)

var sigAlgs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
	kind Kind
}{
	{SHA256RSA, crypto.SHA256, PKCS1v15},
	{ECDSASHA256, crypto.SHA256, ECDSA},
	{SHA384RSA, crypto.SHA384, PKCS1v15},
	{ECDSASHA384, crypto.SHA384, ECDSA},
	{SHA512RSA, crypto.SHA512, PKCS1v15},
	{ECDSASHA512, crypto.SHA512, ECDSA},
	{SHA1RSA, crypto.SHA1, PKCS1v15},
	{SHA224RSA, crypto.SHA224, PKCS1v15},
	{ECDSASHA1, crypto.SHA1, ECDSA},
	{Ed25519, 0, EdDSA},
	{RSAPSS, 0, PSS},
}

// Signature returns the hash and kind of the signature algorithm oid; kind
// is zero for an identifier not in the table. The hash is zero for PSS
// (see ParsePSS) and Ed25519.
func Signature(oid asn1.ObjectIdentifier) (crypto.Hash, Kind) {
	for _, a := range sigAlgs {
		if a.oid.Equal(oid) {
			return a.hash, a.kind
		}
	}
	return 0, 0
}

var hashOIDs = []struct {
	oid  asn1.ObjectIdentifier
	hash crypto.Hash
}{
	{SHA256, crypto.SHA256}, {SHA384, crypto.SHA384}, {SHA512, crypto.SHA512}, {SHA1, crypto.SHA1},
}

// Hash returns the hash function of a hash algorithm identifier, zero for
// one not known.
func Hash(oid asn1.ObjectIdentifier) crypto.Hash {
	for _, h := range hashOIDs {
		if h.oid.Equal(oid) {
			return h.hash
		}
	}
	return 0
}

// HashOID returns the identifier of h, nil for a hash not known.
func HashOID(h crypto.Hash) asn1.ObjectIdentifier {
	for _, e := range hashOIDs {
		if e.hash == h {
			return e.oid
		}
	}
	return nil
}
