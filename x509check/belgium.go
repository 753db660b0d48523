package x509check

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"

	"github.com/csam-go/csam/internal/beoid"
)

// BelgianRoot describes a Belgian eID root CA known to the package.
type BelgianRoot struct {
	// Name is the root's common name ("Belgium Root CA4").
	Name string
	// SPKISHA256 is the hexadecimal SHA-256 of the root's
	// SubjectPublicKeyInfo (DER): the pin. Re-issued roots keep the key,
	// so one pin covers every issue.
	SPKISHA256 string
}

// Pins of the Belgian eID roots: the SHA-256 of each root's
// SubjectPublicKeyInfo.
const (
	pinBelgiumRootCA2 = "f8e5f905bc939911267b83d50814a90323b51e183629db52d4fc2d5468a5a578"
	pinBelgiumRootCA3 = "c7bc5e493726bbf531f62fc5f5513ac03ead813af4dcd445b3305ba3d3d53374"
	// pinBelgiumRootCA4 covers Root CA4 (2013–2028) and its re-issue with
	// the same key (to 2032).
	pinBelgiumRootCA4 = "b1538a9071705a92d938e506b738da0cafd1ae66aec2eeddc75479d433bd8776"
	pinBelgiumRootCA6 = "894ad2232fe69bb09e8370ef387ec1c66ab6a4ce53c811fd3c8ced5b5158d8c1"
)

// BelgianRootPins lists the Belgian eID roots by pin.
func BelgianRootPins() []BelgianRoot {
	return []BelgianRoot{
		{"Belgium Root CA2", pinBelgiumRootCA2},
		{"Belgium Root CA3", pinBelgiumRootCA3},
		{"Belgium Root CA4", pinBelgiumRootCA4},
		{"Belgium Root CA6", pinBelgiumRootCA6},
	}
}

// belgianRootFiles are the public Belgian eID root certificates, as
// published at certs.eid.belgium.be (Root CA2 to CA4) and
// crt.eidpki.belgium.be (Root CA6): CA2 (2007–2021, SHA-1), CA3
// (2013–2028), CA4 (2013–2028) and its re-issue with the same key (to
// 2032), CA6 (EC P-384, 2020–2040).
//
//go:embed belgianroots/*.pem
var belgianRootFiles embed.FS

// BelgianRoots returns the five public Belgian eID root certificates that
// ship with the package (Root CA2, CA3, CA4, CA4 re-issued, CA6), for
// Options.BelgianRoots: a service needs no file to trust them. Each call
// returns new certificates, which the caller may keep or change.
func BelgianRoots() []*x509.Certificate {
	ents, err := fs.ReadDir(belgianRootFiles, "belgianroots")
	if err != nil {
		panic("x509check: embedded Belgian roots: " + err.Error())
	}
	var out []*x509.Certificate
	for _, e := range ents {
		b, err := fs.ReadFile(belgianRootFiles, "belgianroots/"+e.Name())
		if err != nil {
			panic("x509check: embedded Belgian roots: " + err.Error())
		}
		cs, err := ParseCertificates(b)
		if err != nil {
			panic("x509check: embedded Belgian root " + e.Name() + ": " + err.Error())
		}
		out = append(out, cs...)
	}
	return out
}

// SPKIPin returns the hexadecimal SHA-256 of c's SubjectPublicKeyInfo.
func SPKIPin(c *x509.Certificate) string {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(h[:])
}

// matchBelgianRoot returns the Belgian root whose pin c's public key
// matches, and whether one does. Only self-signed certificates match.
func matchBelgianRoot(c *x509.Certificate) (BelgianRoot, bool) {
	pin := SPKIPin(c)
	for _, r := range BelgianRootPins() {
		if r.SPKISHA256 == pin {
			// Self-signed check; SHA-1 is accepted here (old roots use it):
			// the pin, not the signature, is what makes the root trusted.
			if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
				// A certificate with a pinned key but not self-signed (a
				// cross-certificate) is not a root.
				return BelgianRoot{}, false
			}
			return r, true
		}
	}
	return BelgianRoot{}, false
}

// splitBelgianRoots sorts the certificates given as Belgian roots: the
// self-signed ones must match a Belgian pin (the first that does not gives
// an error wrapping ErrPinMismatch); the others (a Citizen or Foreigner CA
// kept in the same folder) are returned as intermediates, which a path
// still has to chain to a pinned root.
func splitBelgianRoots(certs []*x509.Certificate) (roots, cas []*x509.Certificate, err error) {
	for _, c := range certs {
		if _, ok := matchBelgianRoot(c); ok {
			roots = append(roots, c)
			continue
		}
		if !selfIssued(c) {
			cas = append(cas, c)
			continue
		}
		return nil, nil, fmt.Errorf("%w: %q (SPKI SHA-256 %s)", ErrPinMismatch, SubjectString(c), SPKIPin(c))
	}
	return roots, cas, nil
}

// selfIssued reports whether c names itself as its issuer (a root, or a
// self-issued key rollover certificate).
func selfIssued(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject)
}

// BelgianType is the kind of a Belgian eID certificate.
// The zero value is NotBelgian.
type BelgianType uint8

const (
	// NotBelgian: no Belgian eID certificate policy found.
	NotBelgian BelgianType = iota
	// CitizenAuthentication: a citizen card's authentication certificate.
	CitizenAuthentication
	// CitizenSignature: a citizen card's (qualified) signature certificate.
	CitizenSignature
	// ForeignerAuthentication: a foreigner card's authentication certificate.
	ForeignerAuthentication
	// ForeignerSignature: a foreigner card's signature certificate.
	ForeignerSignature
	// RRN: the National Register's certificate (signs identity files).
	RRN
)

var belgianTypeNames = [...]string{"", "citizen-authentication", "citizen-signature",
	"foreigner-authentication", "foreigner-signature", "rrn"}

// String returns "citizen-authentication", ..., "rrn", or "" for NotBelgian.
func (t BelgianType) String() string {
	if int(t) < len(belgianTypeNames) {
		return belgianTypeNames[t]
	}
	return "invalid"
}

// MarshalText implements encoding.TextMarshaler.
func (t BelgianType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Authentication reports an authentication certificate (citizen or foreigner).
func (t BelgianType) Authentication() bool {
	return t == CitizenAuthentication || t == ForeignerAuthentication
}

// Signature reports a signature certificate (citizen or foreigner).
func (t BelgianType) Signature() bool { return t == CitizenSignature || t == ForeignerSignature }

// BelgianKind is the Belgian eID classification of a certificate.
type BelgianKind struct {
	Type BelgianType `json:"type"`
	// Generation is the root generation the policy belongs to: "Root CA",
	// "CA2", "CA3", "CA4" or "CA6".
	Generation string `json:"generation,omitempty"`
	// Policy is the policy OID that matched.
	Policy string `json:"policy,omitempty"`
}

type belgianPolicy struct {
	gen string
	typ BelgianType
}

// belgianPolicies maps the eID certificate policy OIDs of end-entity
// certificates (the table of internal/beoid) to their kind.
var belgianPolicies = func() map[string]belgianPolicy {
	m := map[string]belgianPolicy{}
	for _, p := range beoid.Policies() {
		if p.Kind != beoid.CitizenCA {
			// beoid's kinds are numbered as BelgianType.
			m[p.OID.String()] = belgianPolicy{p.Generation, BelgianType(p.Kind)}
		}
	}
	return m
}()

// ClassifyBelgian classifies c by its certificate policy OIDs alone. Any
// CA can write these OIDs: Validator.Validate reports the classification
// (Result.Belgian) only when the path ends at a pinned Belgian root
// through its Citizen CA or Foreigner CA.
func ClassifyBelgian(c *x509.Certificate) BelgianKind {
	var oids []string
	for _, o := range c.PolicyIdentifiers {
		oids = append(oids, o.String())
	}
	for _, p := range c.Policies {
		oids = append(oids, p.String())
	}
	for _, o := range oids {
		if p, ok := belgianPolicies[o]; ok {
			return BelgianKind{Type: p.typ, Generation: p.gen, Policy: o}
		}
	}
	return BelgianKind{}
}
