package path

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"

	"github.com/csam-go/csam/x509check/internal/errs"
)

// x509Lenient returns a crypto/x509 form of a certificate crypto/x509
// refuses for what RFC 5280 allows or path validation judges itself: a
// negative serial number, a CRL distribution point it cannot read (one
// named relative to its CRL issuer). It parses a copy of the
// tbsCertificate with a positive serial and without the CRL distribution
// points, then restores the original encoding, serial and extensions: the
// fields read from the dropped extension stay empty, and no signature of
// it may be checked from this form.
func (c *Certificate) x509Lenient() (*x509.Certificate, error) {
	tbs := cryptobyte.String(c.rawTBS)
	var body cryptobyte.String
	if !tbs.ReadASN1(&body, cbasn1.SEQUENCE) {
		return nil, malformed("tbsCertificate")
	}
	b := cryptobyte.NewBuilder(nil)
	var bad error
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			var el cryptobyte.String
			var tag cbasn1.Tag
			first := true
			for !body.Empty() {
				if !body.ReadAnyASN1Element(&el, &tag) {
					bad = malformed("tbsCertificate")
					return
				}
				switch {
				case tag == cbasn1.INTEGER && first:
					b.AddASN1Int64(1)
					first = false
				case tag == cbasn1.Tag(3).Constructed().ContextSpecific():
					b.AddASN1(tag, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							for _, x := range c.exts {
								if x.oid.Equal(oidCRLDP) {
									continue
								}
								b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
									b.AddASN1ObjectIdentifier(x.oid)
									if x.critical {
										b.AddASN1Boolean(true)
									}
									b.AddASN1OctetString(x.value)
								})
							}
						})
					})
				default:
					if tag == cbasn1.INTEGER {
						first = false
					}
					b.AddBytes(el)
				}
			}
		})
		b.AddBytes(c.sigAlg.raw)
		b.AddASN1BitString(c.signature)
	})
	if bad != nil {
		return nil, bad
	}
	der, err := b.Bytes()
	if err != nil {
		return nil, malformed(err.Error())
	}
	x, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%w: certificate: %v", errs.BadInput, err)
	}
	x.Raw, x.RawTBSCertificate = c.Raw, c.rawTBS
	x.SerialNumber = c.Serial
	x.Extensions = x.Extensions[:0]
	for _, e := range c.exts {
		x.Extensions = append(x.Extensions, pkix.Extension{Id: asn1.ObjectIdentifier(e.oid), Critical: e.critical, Value: e.value})
	}
	return x, nil
}

// ToX509 returns the crypto/x509 form of c: the one crypto/x509 parses,
// or for a certificate it refuses for a negative serial number or a CRL
// distribution point named relative to its CRL issuer, a form with the
// original encoding, serial number and extensions and the fields read
// from that distribution point left empty. Its errors wrap
// x509check.ErrBadInput.
func (c *Certificate) ToX509() (*x509.Certificate, error) {
	if c.X509 != nil {
		return c.X509, nil
	}
	return c.x509Lenient()
}

// CheckSignatureFrom reports whether parent issued c: parent is a CA
// allowed to sign certificates (basic constraints, key usage) and its key
// verifies c's signature under this package's rules (SHA-1 with RSA only
// when allowSHA1). It is crypto/x509's Certificate.CheckSignatureFrom for
// the certificates of a path validated with Options.AllowSHA1: a
// delegated OCSP responder's, or a path checked again by a trusted list.
// Its errors are an [InvalidError] about parent (reason NotCA, KeyUsage or
// BadSignature), or match x509check.ErrBadInput.
func CheckSignatureFrom(c, parent *x509.Certificate, allowSHA1 bool) error {
	cp, err := FromX509(c)
	if err != nil {
		return err
	}
	pp, err := FromX509(parent)
	if err != nil {
		return err
	}
	fail := func(r InvalidReason, err error) error {
		return &InvalidError{Reason: r, Depth: 1, Subject: pp.subjectString(), Cert: pp, Err: err}
	}
	if pp.version == 3 && (!pp.hasBC || !pp.isCA) {
		return fail(NotCA, nil)
	}
	if pp.hasKU && pp.keyUsage&keyCertSign == 0 {
		return fail(KeyUsage, nil)
	}
	if pp.publicKeyErr != nil {
		return fail(BadSignature, fmt.Errorf("%w: %v", errUnsupportedAlgorithm, pp.publicKeyErr))
	}
	if err := checkSignature(cp.sigAlg, cp.rawTBS, cp.signature, pp.publicKey, allowSHA1); err != nil {
		return fail(BadSignature, err)
	}
	return nil
}
