package path

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/csam-go/csam/internal/sigalg"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// checkSignature verifies sig over signed with pub under alg.
func checkSignature(alg algorithm, signed, sig []byte, pub any, allowSHA1 bool) error {
	if pub == nil {
		return fmt.Errorf("%w: issuer public key not usable", errUnsupportedAlgorithm)
	}
	h, kind := sigalg.Signature(alg.oid)
	switch kind {
	case sigalg.ECDSA:
		if h == crypto.SHA1 {
			return fmt.Errorf("%w: ECDSA with SHA-1", errUnsupportedAlgorithm)
		}
	case sigalg.EdDSA:
		k, ok := pub.(ed25519.PublicKey)
		if !ok || alg.params != nil {
			return errKeyMismatch
		}
		if !ed25519.Verify(k, signed, sig) {
			return errBadSignature
		}
		return nil
	case sigalg.PSS:
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
	case sigalg.PKCS1v15:
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
	case sigalg.PKCS1v15:
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
// SHA-512 and MGF1 with the same hash. Unlike sigalg.ParsePSS it does not
// read the mask generation function (crypto/rsa verifies with MGF1 and the
// message hash whatever is named), and it does not check that nothing
// follows the salt length.
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
		// SHA-1, the default, is refused below.
		if h = sigalg.Hash(alg.oid); h == 0 {
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
