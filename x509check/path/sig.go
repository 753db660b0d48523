package path

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

var (
	oidSHA1RSA    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 5}
	oidSHA256RSA  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384RSA  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512RSA  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidSHA224RSA  = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 14}
	oidPSS        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	oidECDSASHA1  = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 1}
	oidECDSA256   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSA384   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSA512   = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	oidEd25519    = asn1.ObjectIdentifier{1, 3, 101, 112}
	oidHashSHA256 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidHashSHA384 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidHashSHA512 = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
)

// checkSignature verifies sig over signed with pub under alg.
func checkSignature(alg algorithm, signed, sig []byte, pub any, allowSHA1 bool) error {
	if pub == nil {
		return fmt.Errorf("%w: issuer public key not usable", errUnsupportedAlgorithm)
	}
	var h crypto.Hash
	kind := ""
	switch {
	case alg.oid.Equal(oidSHA1RSA):
		h, kind = crypto.SHA1, "rsa"
	case alg.oid.Equal(oidSHA256RSA):
		h, kind = crypto.SHA256, "rsa"
	case alg.oid.Equal(oidSHA384RSA):
		h, kind = crypto.SHA384, "rsa"
	case alg.oid.Equal(oidSHA512RSA):
		h, kind = crypto.SHA512, "rsa"
	case alg.oid.Equal(oidSHA224RSA):
		h, kind = crypto.SHA224, "rsa"
	case alg.oid.Equal(oidECDSASHA1):
		return fmt.Errorf("%w: ECDSA with SHA-1", errUnsupportedAlgorithm)
	case alg.oid.Equal(oidECDSA256):
		h, kind = crypto.SHA256, "ecdsa"
	case alg.oid.Equal(oidECDSA384):
		h, kind = crypto.SHA384, "ecdsa"
	case alg.oid.Equal(oidECDSA512):
		h, kind = crypto.SHA512, "ecdsa"
	case alg.oid.Equal(oidEd25519):
		k, ok := pub.(ed25519.PublicKey)
		if !ok || alg.params != nil {
			return errKeyMismatch
		}
		if !ed25519.Verify(k, signed, sig) {
			return errBadSignature
		}
		return nil
	case alg.oid.Equal(oidPSS):
		var err error
		var salt int
		if h, salt, err = pssParams(alg.params); err != nil {
			return err
		}
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errKeyMismatch
		}
		d := h.New()
		d.Write(signed)
		if rsa.VerifyPSS(k, h, d.Sum(nil), sig, &rsa.PSSOptions{SaltLength: salt, Hash: h}) != nil {
			return errBadSignature
		}
		return nil
	default:
		return fmt.Errorf("%w: %s", errUnsupportedAlgorithm, alg.oid)
	}
	if h == crypto.SHA1 && !allowSHA1 {
		return fmt.Errorf("%w: SHA-1 (SHA1-RSA) not allowed", errUnsupportedAlgorithm)
	}
	d := h.New()
	d.Write(signed)
	digest := d.Sum(nil)
	switch kind {
	case "rsa":
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errKeyMismatch
		}
		if rsa.VerifyPKCS1v15(k, h, digest, sig) != nil {
			return errBadSignature
		}
	default:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || alg.params != nil {
			return errKeyMismatch
		}
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return errBadSignature
		}
	}
	return nil
}

var (
	errBadSignature = errors.New("signature invalid")
	errKeyMismatch  = fmt.Errorf("%w: key type does not match the signature algorithm", errBadSignature)
)

// pssParams reads RSASSA-PSS-params (RFC 4055) with SHA-256, SHA-384 or
// SHA-512 and MGF1 with the same hash.
func pssParams(p []byte) (crypto.Hash, int, error) {
	s := cryptobyte.String(p)
	var seq cryptobyte.String
	bad := fmt.Errorf("%w: RSASSA-PSS parameters", errUnsupportedAlgorithm)
	if !s.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return 0, 0, bad
	}
	h := crypto.SHA1
	salt := 20
	if seq.PeekASN1Tag(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		var a cryptobyte.String
		if !seq.ReadASN1(&a, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return 0, 0, bad
		}
		alg, err := readAlgorithm(&a)
		if err != nil {
			return 0, 0, bad
		}
		switch {
		case alg.oid.Equal(oidHashSHA256):
			h = crypto.SHA256
		case alg.oid.Equal(oidHashSHA384):
			h = crypto.SHA384
		case alg.oid.Equal(oidHashSHA512):
			h = crypto.SHA512
		default:
			return 0, 0, bad
		}
	}
	if seq.PeekASN1Tag(cbasn1.Tag(1).Constructed().ContextSpecific()) {
		seq.SkipASN1(cbasn1.Tag(1).Constructed().ContextSpecific())
	}
	if seq.PeekASN1Tag(cbasn1.Tag(2).Constructed().ContextSpecific()) {
		var a cryptobyte.String
		if !seq.ReadASN1(&a, cbasn1.Tag(2).Constructed().ContextSpecific()) || !a.ReadASN1Integer(&salt) {
			return 0, 0, bad
		}
	}
	if h == crypto.SHA1 {
		return 0, 0, bad
	}
	return h, salt, nil
}
