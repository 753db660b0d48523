package vcard

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1"
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
)

// Belgian eID certificate policy identifiers (per root generation), and the
// ETSI identifiers used in the test certificates.
var (
	// Root CA4 arc, used by the applet 1.7 (RSA) profile.
	oidCA4Sign = asn1.ObjectIdentifier{2, 16, 56, 12, 1, 1, 2, 1}
	oidCA4Auth = asn1.ObjectIdentifier{2, 16, 56, 12, 1, 1, 2, 2}
	oidCA4RRN  = asn1.ObjectIdentifier{2, 16, 56, 12, 1, 1, 4}
	oidCA4CA   = asn1.ObjectIdentifier{2, 16, 56, 12, 1, 1, 2}
	// Root CA6 arc, used by the applet 1.8 (EC) profile; note the flipped
	// order: .1.1 authentication, .1.2 signature.
	oidCA6Auth = asn1.ObjectIdentifier{2, 16, 56, 13, 6, 1, 1, 1000}
	oidCA6Sign = asn1.ObjectIdentifier{2, 16, 56, 13, 6, 1, 2, 1000}
	oidCA6RRN  = asn1.ObjectIdentifier{2, 16, 56, 13, 6, 0, 1}
	oidCA6CA   = asn1.ObjectIdentifier{2, 16, 56, 13, 6, 1}

	oidQCPnQSCD     = asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2} // ETSI EN 319 411-2 QCP-n-qscd
	oidQCStatements = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}
	oidQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	oidQcSSCD       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	oidQcType       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	oidQcTypeESign  = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
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

	polCA, polAuth, polSign, polRRN := oidCA4CA, oidCA4Auth, oidCA4Sign, oidCA4RRN
	if p == Applet18 || o.Rekeyed {
		polCA, polAuth, polSign, polRRN = oidCA6CA, oidCA6Auth, oidCA6Sign, oidCA6RRN
	}
	notAfterCA := notBefore.AddDate(20, 0, 0)
	notAfter := notBefore.AddDate(10, 0, 0)
	serial := func(label string) *big.Int {
		b := make([]byte, 16)
		_, _ = io.ReadFull(drbg(seed, "serial/"+label), b)
		b[0] &= 0x7F
		b[0] |= 0x10
		return new(big.Int).SetBytes(b)
	}
	var ocsp, crl []string
	if o.OCSPURL != "" {
		ocsp = []string{o.OCSPURL}
	}
	if o.CRLURL != "" {
		crl = []string{o.CRLURL}
	}

	rootName := pkix.Name{Country: []string{"BE"}, CommonName: "Belgium Root CA Test " + p.short()}
	root := &x509.Certificate{
		SerialNumber:          serial("root"),
		Subject:               rootName,
		NotBefore:             notBefore,
		NotAfter:              notAfterCA,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          ski(k.RootKey.Public()),
	}
	if k.Root, err = issue(root, root, k.RootKey.Public(), k.RootKey); err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		SerialNumber: serial("ca"),
		Subject: pkix.Name{Country: []string{"BE"}, CommonName: "Citizen CA",
			SerialNumber: notBefore.Format("200601")},
		NotBefore:             notBefore,
		NotAfter:              notAfterCA,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          ski(k.CAKey.Public()),
		Policies:              []x509.OID{mustOID(polCA)},
		OCSPServer:            ocsp,
		CRLDistributionPoints: crl,
	}
	if k.CA, err = issue(ca, k.Root, k.CAKey.Public(), k.RootKey); err != nil {
		return nil, err
	}
	person := func(role string) pkix.Name {
		cn := firstWord(holder.FirstNames) + " " + holder.Name + " (" + role + ")"
		return pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: asn1.ObjectIdentifier{2, 5, 4, 6}, Value: "BE"},                  // countryName
			{Type: asn1.ObjectIdentifier{2, 5, 4, 3}, Value: cn},                    // commonName
			{Type: asn1.ObjectIdentifier{2, 5, 4, 4}, Value: holder.Name},           // surname
			{Type: asn1.ObjectIdentifier{2, 5, 4, 42}, Value: holder.FirstNames},    // givenName
			{Type: asn1.ObjectIdentifier{2, 5, 4, 5}, Value: holder.NationalNumber}, // serialNumber
		}}
	}
	auth := &x509.Certificate{
		SerialNumber:          serial("auth"),
		Subject:               person("Authentication"),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
		SubjectKeyId:          ski(k.AuthKey.Public()),
		Policies:              []x509.OID{mustOID(polAuth)},
		OCSPServer:            ocsp,
		CRLDistributionPoints: crl,
	}
	if k.Auth, err = issue(auth, k.CA, k.AuthKey.Public(), k.CAKey); err != nil {
		return nil, err
	}
	qc, err := qcStatements()
	if err != nil {
		return nil, err
	}
	sign := &x509.Certificate{
		SerialNumber:          serial("sign"),
		Subject:               person("Signature"),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		SubjectKeyId:          ski(k.SignKey.Public()),
		Policies:              []x509.OID{mustOID(polSign), mustOID(oidQCPnQSCD)},
		OCSPServer:            ocsp,
		CRLDistributionPoints: crl,
		ExtraExtensions:       []pkix.Extension{{Id: oidQCStatements, Value: qc}},
	}
	if k.Sign, err = issue(sign, k.CA, k.SignKey.Public(), k.CAKey); err != nil {
		return nil, err
	}
	rrn := &x509.Certificate{
		SerialNumber:          serial("rrn"),
		Subject:               pkix.Name{Country: []string{"BE"}, Organization: []string{"RRN Test"}, CommonName: "RRN Test"},
		NotBefore:             notBefore,
		NotAfter:              notAfterCA,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		SubjectKeyId:          ski(k.RRNKey.Public()),
		Policies:              []x509.OID{mustOID(polRRN)},
	}
	if k.RRN, err = issue(rrn, k.Root, k.RRNKey.Public(), k.RootKey); err != nil {
		return nil, err
	}
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

func mustOID(o asn1.ObjectIdentifier) x509.OID {
	x, err := x509.OIDFromInts(toUint64(o))
	if err != nil {
		panic(err)
	}
	return x
}

func toUint64(o asn1.ObjectIdentifier) []uint64 {
	u := make([]uint64, len(o))
	for i, v := range o {
		u[i] = uint64(v)
	}
	return u
}

// qcStatements encodes the QCStatements extension of the signing
// certificate: QcCompliance, QcSSCD and QcType esign (ETSI EN 319 412-5).
func qcStatements() ([]byte, error) {
	type statement struct {
		ID   asn1.ObjectIdentifier
		Info asn1.RawValue `asn1:"optional"`
	}
	types, err := asn1.Marshal([]asn1.ObjectIdentifier{oidQcTypeESign})
	if err != nil {
		return nil, err
	}
	return asn1.Marshal([]statement{
		{ID: oidQcCompliance},
		{ID: oidQcSSCD},
		{ID: oidQcType, Info: asn1.RawValue{FullBytes: types}},
	})
}

func ski(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	var spki struct {
		Alg asn1.RawValue
		Key asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	h := sha1.Sum(spki.Key.Bytes)
	return h[:]
}

func issue(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	if _, ok := signer.(*rsa.PrivateKey); ok {
		tmpl.SignatureAlgorithm = x509.SHA256WithRSA
	} else {
		tmpl.SignatureAlgorithm = x509.ECDSAWithSHA384
	}
	der, err := x509.CreateCertificate(nil, tmpl, parent, pub, detSigner{signer})
	if err != nil {
		return nil, fmt.Errorf("vcard: issuing %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
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
