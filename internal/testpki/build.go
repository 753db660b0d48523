package testpki

import (
	"crypto"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/csam-go/csam/internal/beoid"
)

// ETSI identifiers written into the test certificates.
var (
	// PolicyQCPnQSCD is QCP-n-qscd (ETSI EN 319 411-2), beside the Belgian
	// policy of a qualified signature certificate.
	PolicyQCPnQSCD = asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2}

	oidQCStatements = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}
	oidQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	oidQcSSCD       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	oidQcType       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	oidQcTypeESign  = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	oidOCSPNoCheck  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
)

// Belgian eID policies under Root CA6, from the table of internal/beoid.
var (
	PolicyCitizenAuth = beoid.OID(beoid.CA6, beoid.CitizenAuthentication)
	PolicyCitizenSign = beoid.OID(beoid.CA6, beoid.CitizenSignature)
	PolicyRRN         = beoid.OID(beoid.CA6, beoid.RRN)
)

// Keys are the private keys of a hierarchy's five certificates.
type Keys struct {
	Root, CA, Auth, Sign, RRN crypto.Signer
}

// Hierarchy describes a Belgian-eID-like hierarchy: a self-signed root, a
// Citizen CA under it, the citizen's authentication and qualified
// signature certificates under the CA, and the National Register (RRN)
// certificate under the root, with the policies of one root generation.
// Both the virtual card (package eid/vcard) and the OpenSSL-backed test
// PKI (New) are built from it.
type Hierarchy struct {
	Keys Keys
	// Generation picks the Belgian policies: beoid.CA4 or beoid.CA6
	// (empty: CA6).
	Generation string
	// RootName is the root's common name; CASerialNumber the Citizen CA's
	// subject serialNumber (its issue month, "202601").
	RootName, CASerialNumber string
	// RRNName is the RRN certificate's common name and organization.
	RRNName string
	// Citizen returns the subject of the citizen certificate of kind
	// beoid.CitizenAuthentication or beoid.CitizenSignature.
	Citizen func(kind beoid.Kind) pkix.Name
	// NotBefore starts the validity of the citizen and RRN certificates,
	// CANotBefore (zero: NotBefore) the root's and the CA's; CANotAfter
	// ends the root's, the CA's and the RRN certificate's, NotAfter the
	// citizen certificates'.
	NotBefore, CANotBefore, CANotAfter, NotAfter time.Time
	// OCSPURL and CRLURL, when set, go into the citizen certificates (and
	// into the CA certificate when CAURLs is set).
	OCSPURL, CRLURL string
	CAURLs          bool
	// Serial returns the serial number of the certificate labelled
	// "root", "ca", "auth", "sign" or "rrn" (nil: 1 to 5).
	Serial func(label string) *big.Int
	// Rand is the randomness of the signatures (nil: crypto/rand). A
	// signer that ignores it (RFC 6979 ECDSA, RSA PKCS#1 v1.5) gives the
	// same certificates for the same inputs.
	Rand io.Reader
}

// Chain is a built hierarchy.
type Chain struct {
	Root, CA, Auth, Sign, RRN *x509.Certificate
}

// Build issues the hierarchy's five certificates. Every key is needed;
// the names left empty are "Test Root", "RRN" and, for the citizen, a
// "Test Citizen" common name.
func (h *Hierarchy) Build() (*Chain, error) {
	k := h.Keys
	if k.Root == nil || k.CA == nil || k.Auth == nil || k.Sign == nil || k.RRN == nil {
		return nil, errors.New("testpki: a hierarchy needs its five keys")
	}
	if h.Citizen == nil {
		h.Citizen = func(kind beoid.Kind) pkix.Name {
			role := "Authentication"
			if kind == beoid.CitizenSignature {
				role = "Signature"
			}
			return pkix.Name{Country: []string{"BE"}, CommonName: "Test Citizen (" + role + ")"}
		}
	}
	if h.RootName == "" {
		h.RootName = "Test Root"
	}
	if h.RRNName == "" {
		h.RRNName = "RRN"
	}
	c := &Chain{}
	var err error
	if c.Root, err = h.issue(h.RootTemplate(), nil, k.Root, k.Root); err != nil {
		return nil, err
	}
	if c.CA, err = h.issue(h.CATemplate(), c.Root, k.CA, k.Root); err != nil {
		return nil, err
	}
	if c.Auth, err = h.issue(h.CitizenTemplate(beoid.CitizenAuthentication, h.Citizen(beoid.CitizenAuthentication)), c.CA, k.Auth, k.CA); err != nil {
		return nil, err
	}
	if c.Sign, err = h.issue(h.CitizenTemplate(beoid.CitizenSignature, h.Citizen(beoid.CitizenSignature)), c.CA, k.Sign, k.CA); err != nil {
		return nil, err
	}
	if c.RRN, err = h.issue(h.RRNTemplate(), c.Root, k.RRN, k.Root); err != nil {
		return nil, err
	}
	return c, nil
}

func (h *Hierarchy) issue(tmpl, parent *x509.Certificate, key, signer crypto.Signer) (*x509.Certificate, error) {
	tmpl.SubjectKeyId = SubjectKeyID(key.Public())
	return IssueWith(h.Rand, tmpl, parent, key.Public(), signer)
}

func (h *Hierarchy) policy(k beoid.Kind) x509.OID {
	gen := h.Generation
	if gen == "" {
		gen = beoid.CA6
	}
	return OID(beoid.OID(gen, k))
}

func (h *Hierarchy) serial(label string) *big.Int {
	if h.Serial != nil {
		return h.Serial(label)
	}
	for i, l := range []string{"root", "ca", "auth", "sign", "rrn"} {
		if l == label {
			return big.NewInt(int64(i + 1))
		}
	}
	return big.NewInt(6)
}

// RootTemplate is the root certificate's template.
func (h *Hierarchy) RootTemplate() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          h.serial("root"),
		Subject:               pkix.Name{Country: []string{"BE"}, CommonName: h.RootName},
		NotBefore:             h.caNotBefore(),
		NotAfter:              h.CANotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

// CATemplate is the Citizen CA certificate's template: it issues end
// entities only (path length 0).
func (h *Hierarchy) CATemplate() *x509.Certificate {
	t := &x509.Certificate{
		SerialNumber: h.serial("ca"),
		Subject: pkix.Name{Country: []string{"BE"}, CommonName: "Citizen CA",
			SerialNumber: h.CASerialNumber},
		NotBefore:             h.caNotBefore(),
		NotAfter:              h.CANotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		Policies:              []x509.OID{h.policy(beoid.CitizenCA)},
	}
	if h.CAURLs {
		h.addURLs(t)
	}
	return t
}

// CitizenTemplate is the template of a citizen certificate of kind
// beoid.CitizenAuthentication (digital signature, client and e-mail
// protection) or beoid.CitizenSignature (non-repudiation, QCP-n-qscd and
// the QCStatements of a qualified certificate on a QSCD), for subject.
// The serial number is the hierarchy's "auth" or "sign" one.
func (h *Hierarchy) CitizenTemplate(kind beoid.Kind, subject pkix.Name) *x509.Certificate {
	t := &x509.Certificate{
		Subject:               subject,
		NotBefore:             h.NotBefore,
		NotAfter:              h.NotAfter,
		BasicConstraintsValid: true,
		Policies:              []x509.OID{h.policy(kind)},
	}
	if kind == beoid.CitizenSignature {
		t.SerialNumber = h.serial("sign")
		t.KeyUsage = x509.KeyUsageContentCommitment
		t.Policies = append(t.Policies, OID(PolicyQCPnQSCD))
		t.ExtraExtensions = []pkix.Extension{QCStatements(true)}
	} else {
		t.SerialNumber = h.serial("auth")
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageEmailProtection}
	}
	h.addURLs(t)
	return t
}

// RRNTemplate is the template of the National Register's certificate,
// which signs the identity and address files.
func (h *Hierarchy) RRNTemplate() *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          h.serial("rrn"),
		Subject:               pkix.Name{Country: []string{"BE"}, Organization: []string{h.RRNName}, CommonName: h.RRNName},
		NotBefore:             h.NotBefore,
		NotAfter:              h.CANotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		BasicConstraintsValid: true,
		Policies:              []x509.OID{h.policy(beoid.RRN)},
	}
}

func (h *Hierarchy) caNotBefore() time.Time {
	if h.CANotBefore.IsZero() {
		return h.NotBefore
	}
	return h.CANotBefore
}

func (h *Hierarchy) addURLs(t *x509.Certificate) {
	if h.OCSPURL != "" {
		t.OCSPServer = []string{h.OCSPURL}
	}
	if h.CRLURL != "" {
		t.CRLDistributionPoints = []string{h.CRLURL}
	}
}

// IssueWith signs tmpl for pub with signer, under parent (nil: tmpl
// itself, self-signed), with tmpl.SignatureAlgorithm (zero: the signer's
// default), taking the signature's randomness from rand, and parses the
// result. Tests choose the algorithm to make, say, a SHA-1 certificate.
func IssueWith(rand io.Reader, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, error) {
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("testpki: issuing %q: %w", tmpl.Subject.CommonName, err)
	}
	return x509.ParseCertificate(der)
}

// Fataler is what MustIssue needs of a test: a *testing.T or *testing.B
// is one, and so is an example's stand-in that panics.
type Fataler interface {
	Helper()
	Fatal(args ...any)
}

// MustIssue is IssueWith with crypto/rand, failing t on an error.
func MustIssue(t Fataler, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	c, err := IssueWith(nil, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// QCStatements returns a QCStatements extension with QcCompliance, QcType
// esign and, when sscd is true, QcSSCD (ETSI EN 319 412-5).
func QCStatements(sscd bool) pkix.Extension {
	type statement struct {
		ID   asn1.ObjectIdentifier
		Info asn1.RawValue `asn1:"optional"`
	}
	types, err := asn1.Marshal([]asn1.ObjectIdentifier{oidQcTypeESign})
	if err != nil {
		panic(err)
	}
	sts := []statement{{ID: oidQcCompliance}}
	if sscd {
		sts = append(sts, statement{ID: oidQcSSCD})
	}
	sts = append(sts, statement{ID: oidQcType, Info: asn1.RawValue{FullBytes: types}})
	v, err := asn1.Marshal(sts)
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: oidQCStatements, Value: v}
}

// SubjectKeyID is the SHA-1 of the public key's bits (RFC 5280
// §4.2.1.2, method 1), or nil for a key x509 cannot marshal.
func SubjectKeyID(pub crypto.PublicKey) []byte {
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

// OID converts an asn1.ObjectIdentifier to an x509.OID; it panics on an
// identifier x509 cannot encode.
func OID(o asn1.ObjectIdentifier) x509.OID {
	ints := make([]uint64, len(o))
	for i, v := range o {
		ints[i] = uint64(v)
	}
	x, err := x509.OIDFromInts(ints)
	if err != nil {
		panic(err)
	}
	return x
}
