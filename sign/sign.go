package sign

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"time"

	"github.com/csam-go/csam/internal/sigalg"
	"github.com/csam-go/csam/x509check"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Options configure Sign. Every zero value is a documented default.
type Options struct {
	// Certificate is the signer's certificate. Nil: the signer's own, when
	// it has a Certificate() *x509.Certificate method (as eid.PrivateKey
	// and the PIV keys do); otherwise Sign fails.
	Certificate *x509.Certificate
	// Chain are certificates to include beside the signer's (its
	// intermediates), so that a verifier can build the path.
	Chain []*x509.Certificate
	// Detached leaves the content out of the signature (the verifier gets
	// it apart). Zero: the content is enveloped.
	Detached bool
	// Hash is the digest algorithm: crypto.SHA256 (the zero value),
	// SHA384 or SHA512.
	Hash crypto.Hash
	// SigningTime is the signing-time attribute; zero means time.Now().
	SigningTime time.Time
	// Timestamper, when set, gets an RFC 3161 timestamp over the signature
	// value, embedded as the signature-time-stamp unsigned attribute
	// (CAdES-T). Nil: no timestamp (CAdES-BES).
	Timestamper Timestamper
}

// Timestamper gets RFC 3161 timestamp tokens; *TSAClient is one.
type Timestamper interface {
	// Timestamp returns the DER TimeStampToken (a CMS ContentInfo) whose
	// message imprint is digest, made with h.
	Timestamp(ctx context.Context, digest []byte, h crypto.Hash) ([]byte, error)
}

type certHolder interface{ Certificate() *x509.Certificate }

// Sign signs content with signer and returns a DER CMS SignedData (RFC
// 5652) with the CAdES-BES signed attributes (ETSI EN 319 122-1): content
// type, message digest, signing time and signing-certificate-v2, and with
// a signature timestamp when opts.Timestamper is set.
//
// A Belgian eID authentication certificate is refused with
// "authentication-key" before the key is asked to sign (art. 7 second
// paragraph of the règlement: only the signature certificate signs), and so
// is a signer whose public key is not the certificate's ("key-mismatch"):
// the authentication key paired with the signature certificate cannot sign
// either. RSA keys sign with PKCS #1 v1.5, ECDSA keys with
// ecdsa-with-SHA2; other keys fail with "unsupported".
func Sign(ctx context.Context, content []byte, signer crypto.Signer, opts Options) ([]byte, error) {
	cert := opts.Certificate
	if cert == nil {
		if h, ok := signer.(certHolder); ok {
			cert = h.Certificate()
		}
	}
	if cert == nil {
		return nil, errorf(errNoSigner, "no certificate given for the signer")
	}
	if k := x509check.ClassifyBelgian(cert); k.Type.Authentication() {
		return nil, errorf(errAuthenticationKey, "%q is a %s certificate", x509check.SubjectString(cert), k.Type)
	}
	if !samePublicKey(signer.Public(), cert.PublicKey) {
		return nil, errorf(errKeyMismatch, "the key does not belong to %q", x509check.SubjectString(cert))
	}
	h := opts.Hash
	if h == 0 {
		h = crypto.SHA256
	}
	if h != crypto.SHA256 && h != crypto.SHA384 && h != crypto.SHA512 {
		return nil, errorf(errUnsupported, "digest %v", h)
	}
	sigAlg, null, err := signatureAlgorithm(signer.Public(), h)
	if err != nil {
		return nil, err
	}
	at := opts.SigningTime
	if at.IsZero() {
		at = time.Now()
	}
	md := h.New()
	md.Write(content)
	attrs, err := signedAttributes(oidData, md.Sum(nil), at, cert)
	if err != nil {
		return nil, err
	}
	ad := h.New()
	ad.Write(attrs)
	sig, err := signer.Sign(rand.Reader, ad.Sum(nil), h)
	if err != nil {
		return nil, err
	}
	var unsigned []byte
	if opts.Timestamper != nil {
		th := crypto.SHA256.New()
		th.Write(sig)
		tok, err := opts.Timestamper.Timestamp(ctx, th.Sum(nil), crypto.SHA256)
		if err != nil {
			return nil, err
		}
		if unsigned, err = der(func(b *cryptobyte.Builder) { addAttribute(b, oidTimeStampAttr, tok) }); err != nil {
			return nil, err
		}
	}
	si := signerInfoDER{cert: cert, hash: h, signedAttrs: attrs, sigAlg: sigAlg, null: null, sig: sig, unsigned: unsigned}
	var enveloped []byte
	if !opts.Detached {
		enveloped = content
		if enveloped == nil {
			enveloped = []byte{}
		}
	}
	return encodeSignedData(oidData, enveloped, append([]*x509.Certificate{cert}, opts.Chain...), si)
}

// samePublicKey compares two public keys of the standard library types.
func samePublicKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// signatureAlgorithm returns the SignerInfo signatureAlgorithm for a key
// and digest, and whether it takes NULL parameters.
func signatureAlgorithm(pub crypto.PublicKey, h crypto.Hash) (asn1.ObjectIdentifier, bool, error) {
	switch pub.(type) {
	case *rsa.PublicKey:
		// rsaEncryption, as OpenSSL writes it; the digest is digestAlgorithm.
		return sigalg.RSA, true, nil
	case *ecdsa.PublicKey:
		switch h {
		case crypto.SHA256:
			return sigalg.ECDSASHA256, false, nil
		case crypto.SHA384:
			return sigalg.ECDSASHA384, false, nil
		case crypto.SHA512:
			return sigalg.ECDSASHA512, false, nil
		}
	}
	return nil, false, errorf(errUnsupported, "key of type %T", pub)
}

// signedAttributes encodes the CAdES-BES signed attributes as the SET OF
// that the signature covers.
func signedAttributes(contentType asn1.ObjectIdentifier, digest []byte, at time.Time, cert *x509.Certificate) ([]byte, error) {
	ct, err := der(func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(contentType) })
	if err != nil {
		return nil, err
	}
	md, _ := der(func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) })
	st, err := der(func(b *cryptobyte.Builder) {
		// RFC 5652 11.3: UTCTime from 1950 to 2049.
		at = at.UTC().Truncate(time.Second)
		if at.Year() >= 1950 && at.Year() < 2050 {
			b.AddASN1UTCTime(at)
		} else {
			b.AddASN1GeneralizedTime(at)
		}
	})
	if err != nil {
		return nil, err
	}
	sc, err := signingCertificateV2(cert)
	if err != nil {
		return nil, err
	}
	var enc [][]byte
	for _, a := range []struct {
		oid asn1.ObjectIdentifier
		v   []byte
	}{{oidContentType, ct}, {oidSigningTime, st}, {oidMessageDigest, md}, {oidSigningCertV2, sc}} {
		e, err := der(func(b *cryptobyte.Builder) { addAttribute(b, a.oid, a.v) })
		if err != nil {
			return nil, err
		}
		enc = append(enc, e)
	}
	return der(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
			for _, e := range sortedDER(enc) {
				b.AddBytes(e)
			}
		})
	})
}

// signingCertificateV2 encodes the SigningCertificateV2 value (RFC 5035)
// for cert: its SHA-256 hash (the default algorithm, so omitted) and its
// issuer and serial number.
func signingCertificateV2(cert *x509.Certificate) ([]byte, error) {
	sum := sha256.Sum256(cert.Raw)
	return der(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SigningCertificateV2
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // certs
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ESSCertIDv2
					b.AddASN1OctetString(sum[:])
					addIssuerSerial(b, cert)
				})
			})
		})
	})
}

func addIssuerSerial(b *cryptobyte.Builder, cert *x509.Certificate) {
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerSerial
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // GeneralNames
			b.AddASN1(cbasn1.Tag(4).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddBytes(cert.RawIssuer)
			})
		})
		b.AddASN1BigInt(cert.SerialNumber)
	})
}

type signerInfoDER struct {
	cert        *x509.Certificate
	hash        crypto.Hash
	signedAttrs []byte // SET OF, retagged [0] here
	sigAlg      asn1.ObjectIdentifier
	null        bool
	sig         []byte
	unsigned    []byte // one encoded Attribute, or nil
}

func encodeSignedData(contentType asn1.ObjectIdentifier, content []byte, certs []*x509.Certificate, si signerInfoDER) ([]byte, error) {
	signed := bytes.Clone(si.signedAttrs)
	signed[0] = 0xa0
	return der(func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oidSignedData)
			b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1Int64(1)
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) { addAlgorithm(b, sigalg.HashOID(si.hash), false) })
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
						b.AddASN1ObjectIdentifier(contentType)
						if content != nil {
							b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
								b.AddASN1OctetString(content)
							})
						}
					})
					b.AddASN1(cbasn1.Tag(0).ContextSpecific().Constructed(), func(b *cryptobyte.Builder) {
						seen := map[string]bool{}
						for _, c := range certs {
							if c != nil && !seen[string(c.Raw)] {
								seen[string(c.Raw)] = true
								b.AddBytes(c.Raw)
							}
						}
					})
					b.AddASN1(cbasn1.SET, func(b *cryptobyte.Builder) {
						b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
							b.AddASN1Int64(1)
							b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
								b.AddBytes(si.cert.RawIssuer)
								b.AddASN1BigInt(si.cert.SerialNumber)
							})
							addAlgorithm(b, sigalg.HashOID(si.hash), false)
							b.AddBytes(signed)
							addAlgorithm(b, si.sigAlg, si.null)
							b.AddASN1OctetString(si.sig)
							if si.unsigned != nil {
								b.AddASN1(tagUnsignedAtts, func(b *cryptobyte.Builder) { b.AddBytes(si.unsigned) })
							}
						})
					})
				})
			})
		})
	})
}
