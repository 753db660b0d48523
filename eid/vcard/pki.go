package vcard

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/csam-go/csam/internal/beoid"
	"github.com/csam-go/csam/internal/testpki"
)

// PKI is a card's test public key infrastructure: the certificates on the
// card and the private keys behind them. Certificates are DER parsed into
// *x509.Certificate; keys are *rsa.PrivateKey (applet 1.7) or
// *ecdsa.PrivateKey (applet 1.8).
type PKI struct {
	Root *x509.Certificate // self-signed test root (card file 503B)
	CA   *x509.Certificate // Citizen CA, issued by Root (503A)
	Auth *x509.Certificate // authentication certificate, issued by CA (5038)
	Sign *x509.Certificate // non-repudiation (qualified signature) certificate, issued by CA (5039)
	RRN  *x509.Certificate // National Register signer, issued directly by Root (503C)

	RootKey, CAKey, AuthKey, SignKey, RRNKey crypto.Signer
	// BasicKey is the card's basic key (applet 1.8 only; nil on 1.7): its
	// public key is file 4040 and it answers INTERNAL AUTHENTICATE.
	BasicKey *ecdsa.PrivateKey
}

func newPKI(p Profile, seed []byte, o *Options, holder *Holder, notBefore time.Time) (*PKI, error) {
	keyFor := func(label string) (crypto.Signer, error) {
		r := drbg(seed, string(rune('0'+p))+"/"+label)
		ecCA := o.Rekeyed && (label == "root" || label == "ca" || label == "rrn")
		if p == Applet17 && !ecCA {
			return rsaKey(r, 2048)
		}
		return ecKey(r)
	}
	k := &PKI{}
	var err error
	for _, x := range []struct {
		dst   *crypto.Signer
		label string
	}{{&k.RootKey, "root"}, {&k.CAKey, "ca"}, {&k.AuthKey, "auth"}, {&k.SignKey, "sign"}, {&k.RRNKey, "rrn"}} {
		if *x.dst, err = keyFor(x.label); err != nil {
			return nil, err
		}
	}
	if p == Applet18 {
		if k.BasicKey, err = ecKey(drbg(seed, "8/basic")); err != nil {
			return nil, err
		}
	}

	gen := beoid.CA4
	if p == Applet18 || o.Rekeyed {
		gen = beoid.CA6
	}
	h := &testpki.Hierarchy{
		// Deterministic signatures: the same seed gives the same card.
		Keys: testpki.Keys{Root: detSigner{k.RootKey}, CA: detSigner{k.CAKey}, Auth: detSigner{k.AuthKey},
			Sign: detSigner{k.SignKey}, RRN: detSigner{k.RRNKey}},
		Generation:     gen,
		RootName:       "Belgium Root CA Test " + p.short(),
		CASerialNumber: notBefore.Format("200601"),
		RRNName:        "RRN Test",
		Citizen: func(kind beoid.Kind) pkix.Name {
			role := "Authentication"
			if kind == beoid.CitizenSignature {
				role = "Signature"
			}
			cn := firstWord(holder.FirstNames) + " " + holder.Name + " (" + role + ")"
			return pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
				{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "BE"},                  // countryName
				{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn},                    // commonName
				{Type: asn1.ObjectIdentifier{2, 5, 4, 4}, Value: holder.Name},           // surname
				{Type: asn1.ObjectIdentifier{2, 5, 4, 42}, Value: holder.FirstNames},    // givenName
				{Type: asn1.ObjectIdentifier{2, 5, 4, 5}, Value: holder.NationalNumber}, // serialNumber
			}}
		},
		NotBefore:  notBefore,
		CANotAfter: notBefore.AddDate(20, 0, 0),
		NotAfter:   notBefore.AddDate(10, 0, 0),
		OCSPURL:    o.OCSPURL,
		CRLURL:     o.CRLURL,
		CAURLs:     true,
		Serial: func(label string) *big.Int {
			b := make([]byte, 16)
			_, _ = io.ReadFull(drbg(seed, "serial/"+label), b)
			b[0] &= 0x7F
			b[0] |= 0x10
			return new(big.Int).SetBytes(b)
		},
	}
	chain, err := h.Build()
	if err != nil {
		return nil, fmt.Errorf("vcard: %w", err)
	}
	k.Root, k.CA, k.Auth, k.Sign, k.RRN = chain.Root, chain.CA, chain.Auth, chain.Sign, chain.RRN
	return k, nil
}

func firstWord(s string) string {
	for i, r := range s {
		if r == ' ' {
			return s[:i]
		}
	}
	return s
}

// Export writes the PKI to dir (created if needed) as PEM files:
// root.pem, ca.pem, auth.pem, sign.pem, rrn.pem and the PKCS#8 private keys
// root.key, ca.key, auth.key, sign.key, rrn.key (and basic.key on applet
// 1.8). The keys are test keys; the files are written with mode 0600.
func (k *PKI) Export(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("vcard: export: %w", err)
	}
	certs := []struct {
		name string
		c    *x509.Certificate
		key  any
	}{
		{"root", k.Root, k.RootKey}, {"ca", k.CA, k.CAKey}, {"auth", k.Auth, k.AuthKey},
		{"sign", k.Sign, k.SignKey}, {"rrn", k.RRN, k.RRNKey},
	}
	if k.BasicKey != nil {
		certs = append(certs, struct {
			name string
			c    *x509.Certificate
			key  any
		}{"basic", nil, k.BasicKey})
	}
	for _, c := range certs {
		if c.c != nil {
			b := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.c.Raw})
			if err := os.WriteFile(filepath.Join(dir, c.name+".pem"), b, 0o644); err != nil {
				return fmt.Errorf("vcard: export: %w", err)
			}
		}
		if c.key == nil {
			continue
		}
		der, err := x509.MarshalPKCS8PrivateKey(c.key)
		if err != nil {
			return fmt.Errorf("vcard: export %s key: %w", c.name, err)
		}
		b := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(filepath.Join(dir, c.name+".key"), b, 0o600); err != nil {
			return fmt.Errorf("vcard: export: %w", err)
		}
	}
	return nil
}
