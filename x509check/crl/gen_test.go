package crl_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// now is the validation time of the Go-made CRLs.
var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// goCA is a CA made with crypto/x509.
type goCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newGoCA(t testing.TB, cn string) *goCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &goCA{cert: cert, key: key}
}

// leaf issues a certificate; isCA makes it a sub-CA; exts are added as is.
func (ca *goCA) leaf(t testing.TB, serial int64, isCA bool, crldp []string, exts ...pkix.Extension) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: "leaf"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  isCA,
		CRLDistributionPoints: crldp,
		ExtraExtensions:       exts,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// entry is a revoked serial for makeCRL.
func entry(serial int64, reason int, exts ...pkix.Extension) x509.RevocationListEntry {
	return x509.RevocationListEntry{
		SerialNumber:    big.NewInt(serial),
		RevocationTime:  now.Add(-2 * time.Hour),
		ReasonCode:      reason,
		ExtraExtensions: exts,
	}
}

// makeCRL signs a CRL with the given number, entries and extra CRL
// extensions, valid from an hour before now for a day.
func (ca *goCA) makeCRL(t testing.TB, number int64, entries []x509.RevocationListEntry, exts ...pkix.Extension) []byte {
	t.Helper()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(number),
		ThisUpdate:                now.Add(-time.Hour),
		NextUpdate:                now.Add(23 * time.Hour),
		RevokedCertificateEntries: entries,
		ExtraExtensions:           exts,
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func build(t testing.TB, f func(b *cryptobyte.Builder)) []byte {
	t.Helper()
	var b cryptobyte.Builder
	f(&b)
	out, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// idp describes an Issuing Distribution Point for idpExt.
type idp struct {
	uris                  []string
	user, ca, attr, indir bool
	reasons               []byte // BIT STRING content (first byte: unused bits)
}

func idpExt(t testing.TB, p idp) pkix.Extension {
	v := build(t, func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			if p.uris != nil {
				b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						for _, u := range p.uris {
							b.AddASN1(casn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(u)) })
						}
					})
				})
			}
			flag := func(n int, on bool) {
				if on {
					b.AddASN1(casn1.Tag(n).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddUint8(0xff) })
				}
			}
			flag(1, p.user)
			flag(2, p.ca)
			if p.reasons != nil {
				b.AddASN1(casn1.Tag(3).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(p.reasons) })
			}
			flag(4, p.indir)
			flag(5, p.attr)
		})
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 28}, Critical: true, Value: v}
}

// deltaExt is a Delta CRL Indicator naming base.
func deltaExt(t testing.TB, base int64) pkix.Extension {
	v := build(t, func(b *cryptobyte.Builder) { b.AddASN1Int64(base) })
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 27}, Critical: true, Value: v}
}

// certIssuerExt is a certificateIssuer entry extension naming issuer.
func certIssuerExt(t testing.TB, issuer *x509.Certificate) pkix.Extension {
	v := build(t, func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(issuer.RawSubject) })
		})
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 29}, Critical: true, Value: v}
}

// crldpWithIssuer is a CRL distribution points extension with one point:
// uri and a cRLIssuer naming crlIssuer.
func crldpWithIssuer(t testing.TB, uri string, crlIssuer *x509.Certificate) pkix.Extension {
	v := build(t, func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
						b.AddASN1(casn1.Tag(6).ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes([]byte(uri)) })
					})
				})
				b.AddASN1(casn1.Tag(2).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1(casn1.Tag(4).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) { b.AddBytes(crlIssuer.RawSubject) })
				})
			})
		})
	})
	return pkix.Extension{Id: asn1.ObjectIdentifier{2, 5, 29, 31}, Value: v}
}
