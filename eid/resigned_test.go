package eid_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/eid"
	"github.com/csam-go/csam/internal/testpki"
)

// TestResignedCards covers the signature variants of the notes and the
// applet 1.7 addendum: an RSA card whose photo hash is SHA-1 but whose
// files were re-signed with SHA-256, and a re-keyed 1.7 card (SHA-256 photo
// hash) whose RRN key is EC, with ECDSA SHA-384 signatures in zero-padded
// files.
func TestResignedCards(t *testing.T) {
	photo := []byte{0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9}
	h1, h256 := sha1.Sum(photo), sha256.Sum256(photo)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		photoHash  []byte
		key        crypto.Signer
		wantDetail string
		// trimIDSig: the address signature covers EF(SGN#ID) trimmed to its
		// DER length rather than as read with its zero padding (§6.2.5
		// leaves it open).
		trimIDSig bool
	}{
		{"RSA re-signed with SHA-256", h1[:], rsaKey, "RSA PKCS#1 v1.5 SHA-256", false},
		{"re-keyed 1.7 with an EC RRN key", h256[:], ecKey, "ECDSA SHA-384", false},
		{"EC address signature over the unpadded identity signature", h256[:], ecKey, "ECDSA SHA-384", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rrn := testpki.MustIssue(t, &x509.Certificate{SerialNumber: big.NewInt(1),
				Subject:   pkix.Name{Country: []string{"BE"}, CommonName: "Test RRN"},
				NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
				BasicConstraintsValid: true, KeyUsage: x509.KeyUsageDigitalSignature,
			}, nil, tc.key.Public(), tc.key)
			id := identityFile(eid.TLV{Tag: 0x01, Value: []byte("591234567890")},
				eid.TLV{Tag: 0x02, Value: bytes.Repeat([]byte{0x53}, 16)},
				eid.TLV{Tag: 0x03, Value: []byte("23.07.2021")}, eid.TLV{Tag: 0x04, Value: []byte("23.07.2031")},
				eid.TLV{Tag: 0x05, Value: []byte("Bruxelles")},
				eid.TLV{Tag: 0x06, Value: []byte("85073003328")}, eid.TLV{Tag: 0x07, Value: []byte("Peeters")},
				eid.TLV{Tag: 0x0A, Value: []byte("Belge")}, eid.TLV{Tag: 0x0C, Value: []byte("30 JUIL 1985")},
				eid.TLV{Tag: 0x0D, Value: []byte("V")}, eid.TLV{Tag: 0x0F, Value: []byte("1")},
				eid.TLV{Tag: 0x11, Value: tc.photoHash})
			addr := identityFile(eid.TLV{Tag: 0x01, Value: []byte("Rue Haute 1")}, eid.TLV{Tag: 0x02, Value: []byte("1000")},
				eid.TLV{Tag: 0x03, Value: []byte("Bruxelles")})
			sign := func(data []byte) []byte {
				var sig []byte
				var err error
				switch k := tc.key.(type) {
				case *rsa.PrivateKey:
					h := sha256.Sum256(data)
					sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
				case *ecdsa.PrivateKey:
					h := sha512.Sum384(data)
					sig, err = ecdsa.SignASN1(rand.Reader, k, h[:])
					sig = pad(sig, 120-len(sig))
				}
				if err != nil {
					t.Fatal(err)
				}
				return sig
			}
			idSig := sign(id)
			signed := idSig
			if tc.trimIDSig {
				signed = idSig[:2+int(idSig[1])]
			}
			files := map[eid.FileID][]byte{
				eid.FileIdentity: id, eid.FileIdentitySignature: idSig, eid.FilePhoto: photo,
				eid.FileAddress: pad(addr, 60), eid.FileAddressSignature: sign(append(append([]byte(nil), addr...), signed...)),
				eid.FileRRNCert: pad(rrn.Raw, 1100),
			}
			in := verifyFiles(t, files)
			checkSignedFiles(t, in)
			if in.IdentitySignature.Detail != tc.wantDetail || in.AddressSignature.Detail != tc.wantDetail {
				t.Errorf("details %q, %q; want %q", in.IdentitySignature.Detail, in.AddressSignature.Detail, tc.wantDetail)
			}
		})
	}
}
