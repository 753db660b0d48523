package path

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"testing"
)

// TestCheckSignatureRefusals checks the algorithms checkSignature refuses
// before it looks at the signature value.
func TestCheckSignatureRefusals(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk := &rsa.PublicKey{N: ec.X, E: 65537} // never reached: refused before
	oid := func(s ...int) asn1.ObjectIdentifier { return s }
	hx := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name string
		alg  algorithm
		pub  any
		sha1 bool
		want error
		msg  string
	}{
		{"ECDSA with SHA-1", algorithm{oid: oid(1, 2, 840, 10045, 4, 1)}, &ec.PublicKey, true, errUnsupportedAlgorithm,
			"unsupported signature algorithm: ECDSA with SHA-1"},
		{"SHA1-RSA without AllowSHA1", algorithm{oid: oid(1, 2, 840, 113549, 1, 1, 5)}, rk, false, errUnsupportedAlgorithm,
			"unsupported signature algorithm: SHA-1 (SHA1-RSA) not allowed"},
		{"unknown", algorithm{oid: oid(1, 2, 840, 10045, 4, 3, 1)}, &ec.PublicKey, true, errUnsupportedAlgorithm,
			"unsupported signature algorithm: 1.2.840.10045.4.3.1"},
		{"no key", algorithm{oid: oid(1, 2, 840, 10045, 4, 3, 2)}, nil, true, errUnsupportedAlgorithm,
			"unsupported signature algorithm: issuer public key not usable"},
		{"ECDSA with parameters", algorithm{oid: oid(1, 2, 840, 10045, 4, 3, 2), params: hx("0500")}, &ec.PublicKey, false, errKeyMismatch, ""},
		{"ECDSA key under RSA", algorithm{oid: oid(1, 2, 840, 113549, 1, 1, 11)}, &ec.PublicKey, false, errKeyMismatch, ""},
		{"Ed25519 with an ECDSA key", algorithm{oid: oid(1, 3, 101, 112)}, &ec.PublicKey, false, errKeyMismatch, ""},
		{"PSS with SHA-1 default", algorithm{oid: oid(1, 2, 840, 113549, 1, 1, 10), params: hx("3000")}, rk, true, errUnsupportedAlgorithm,
			"unsupported signature algorithm: RSASSA-PSS parameters"},
		{"PSS with SHA-224", algorithm{oid: oid(1, 2, 840, 113549, 1, 1, 10), params: hx("300fa00d300b0609608648016503040204")}, rk, true,
			errUnsupportedAlgorithm, "unsupported signature algorithm: RSASSA-PSS parameters"},
		{"PSS SHA-256 with an ECDSA key", algorithm{oid: oid(1, 2, 840, 113549, 1, 1, 10), params: hx("3011a00f300d06096086480165030402010500")},
			&ec.PublicKey, true, errKeyMismatch, ""},
	} {
		err := checkSignature(c.alg, []byte("tbs"), []byte("sig"), c.pub, c.sha1)
		if !errors.Is(err, c.want) || (c.msg != "" && err.Error() != c.msg) {
			t.Errorf("%s: checkSignature = %v, want %v %q", c.name, err, c.want, c.msg)
		}
	}
}
