package qc

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
)

// Type is a qualified certificate type (QcType).
type Type int

// The QcType values of ETSI EN 319 412-5.
const (
	TypeESign Type = iota + 1 // electronic signature (natural person)
	TypeESeal                 // electronic seal (legal person)
	TypeWeb                   // website authentication
)

// String returns "esign", "eseal" or "web".
func (t Type) String() string {
	switch t {
	case TypeESign:
		return "esign"
	case TypeESeal:
		return "eseal"
	case TypeWeb:
		return "web"
	}
	return "unknown"
}

// OID returns the QcType identifier of t, or nil.
func (t Type) oid() asn1.ObjectIdentifier {
	switch t {
	case TypeESign:
		return oidQcTypeESign
	case TypeESeal:
		return oidQcTypeESeal
	case TypeWeb:
		return oidQcTypeWeb
	}
	return nil
}

// typeFromOID maps a QcType identifier to its Type.
func typeFromOID(id asn1.ObjectIdentifier) (Type, bool) {
	for _, t := range []Type{TypeESign, TypeESeal, TypeWeb} {
		if t.oid().Equal(id) {
			return t, true
		}
	}
	return 0, false
}

// Policy is a certificate policy for qualified certificates (ETSI EN 319
// 411-2, and the older ETSI TS 101 456 ones still met in the field).
type Policy int

// The recognized qualified certificate policies.
const (
	PolicyQCPn          Policy = iota + 1 // QCP-n 0.4.0.194112.1.0: natural person
	PolicyQCPl                            // QCP-l 0.4.0.194112.1.1: legal person
	PolicyQCPnQSCD                        // QCP-n-qscd 0.4.0.194112.1.2: natural person, key in a QSCD
	PolicyQCPlQSCD                        // QCP-l-qscd 0.4.0.194112.1.3: legal person, key in a QSCD
	PolicyQCPw                            // QCP-w 0.4.0.194112.1.4: website
	PolicyQCPPublic                       // TS 101 456 qcp-public 0.4.0.1456.1.2
	PolicyQCPPublicSSCD                   // TS 101 456 qcp-public-with-sscd 0.4.0.1456.1.1
)

var policies = []struct {
	p    Policy
	oid  asn1.ObjectIdentifier
	name string
}{
	{PolicyQCPn, asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 0}, "QCP-n"},
	{PolicyQCPl, asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 1}, "QCP-l"},
	{PolicyQCPnQSCD, asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2}, "QCP-n-qscd"},
	{PolicyQCPlQSCD, asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 3}, "QCP-l-qscd"},
	{PolicyQCPw, asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 4}, "QCP-w"},
	{PolicyQCPPublic, asn1.ObjectIdentifier{0, 4, 0, 1456, 1, 2}, "QCP-public"},
	{PolicyQCPPublicSSCD, asn1.ObjectIdentifier{0, 4, 0, 1456, 1, 1}, "QCP-public+SSCD"},
}

// String returns the policy's short name ("QCP-n-qscd", ...).
func (p Policy) String() string {
	for _, x := range policies {
		if x.p == p {
			return x.name
		}
	}
	return "unknown"
}

// OID returns the policy identifier, or nil.
func (p Policy) OID() asn1.ObjectIdentifier {
	for _, x := range policies {
		if x.p == p {
			return x.oid
		}
	}
	return nil
}

// QSCD reports whether the policy requires the key to be in a QSCD (SSCD).
func (p Policy) QSCD() bool {
	return p == PolicyQCPnQSCD || p == PolicyQCPlQSCD || p == PolicyQCPPublicSSCD
}

// Status sums up what a certificate says about its qualified status. It
// reflects the certificate only: a trusted list's service qualifiers
// (ETSI TS 119 615) may override it, which is the validator's business.
type Status struct {
	// Present reports whether the certificate has a QCStatements extension.
	Present bool
	// Statements is the decoded extension (zero when absent).
	Statements Statements
	// Qualified: QcCompliance is present.
	Qualified bool
	// EU: qualified under EU legislation (QcCompliance without
	// QcCClegislation).
	EU bool
	// Legislation lists the countries of QcCClegislation (non-EU
	// qualified certificates).
	Legislation []string
	// QSCD: QcSSCD is present (the private key is in a QSCD).
	QSCD bool
	// Types are the recognized qualified types. Without a QcType statement
	// a qualified certificate is an esign certificate (EN 319 412-5 4.2.3),
	// and TypeImplied is set.
	Types       []Type
	TypeImplied bool
	// Policies are the recognized EN 319 411-2 (or TS 101 456) policies
	// among the certificate's policies, in certificate order.
	Policies []Policy
}

// Ambiguous reports whether more than one QcType is declared: the trusted
// list must then decide which one applies.
func (s Status) Ambiguous() bool { return len(s.Types) > 1 }

// Has reports whether the status has type t.
func (s Status) Has(t Type) bool {
	for _, x := range s.Types {
		if x == t {
			return true
		}
	}
	return false
}

// errNilCertificate is returned by FromCertificate and Text for a nil
// certificate.
var errNilCertificate = fmt.Errorf("%w: qc: nil certificate", ErrMalformed)

// FromCertificate decodes the QCStatements extension of cert (if any) and
// recognizes its qualified certificate policies. A certificate without the
// extension gives a Status with Present false and no error. Errors are
// [DecodeError] or, for a nil certificate, another error matching
// [ErrMalformed].
func FromCertificate(cert *x509.Certificate) (Status, error) {
	if cert == nil {
		return Status{}, errNilCertificate
	}
	var st Status
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidExtension) {
			continue
		}
		s, err := DecodeStatements(ext.Value)
		if err != nil {
			return Status{}, err
		}
		st = FromStatements(s)
		break
	}
	for _, oid := range cert.Policies {
		for _, x := range policies {
			if oid.EqualASN1OID(x.oid) {
				st.Policies = append(st.Policies, x.p)
			}
		}
	}
	return st, nil
}

// FromStatements derives the Status of decoded statements (without
// policies).
func FromStatements(s *Statements) Status {
	st := Status{Present: true, Statements: *s}
	st.Qualified = s.Compliance
	st.Legislation = s.Legislation
	st.EU = s.Compliance && len(s.Legislation) == 0
	st.QSCD = s.SSCD
	for _, id := range s.Types {
		if t, ok := typeFromOID(id); ok && !st.Has(t) {
			st.Types = append(st.Types, t)
		}
	}
	if s.Compliance && s.Types == nil {
		st.Types = []Type{TypeESign}
		st.TypeImplied = true
	}
	return st
}
