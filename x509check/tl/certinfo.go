package tl

import (
	"crypto/x509"
	"encoding/asn1"
)

// This file reads what qualification needs from a certificate: its
// QCStatements (ETSI EN 319 412-5), the ETSI qualified-certificate policies
// (EN 319 411-2, TS 101 456), and the extended key usage OIDs.

var (
	oidQCStatements = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}
	oidExtKeyUsage  = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	oidQcSSCD       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	oidQcType       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	oidQcTypeESign  = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	oidQcTypeESeal  = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 2}
	oidQcTypeWeb    = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 3}
)

// ETSI certificate policies that claim a qualified certificate.
const (
	policyQCPn       = "0.4.0.194112.1.0"
	policyQCPl       = "0.4.0.194112.1.1"
	policyQCPnQSCD   = "0.4.0.194112.1.2"
	policyQCPlQSCD   = "0.4.0.194112.1.3"
	policyQCPw       = "0.4.0.194112.1.4"
	policyQCPPublic  = "0.4.0.1456.1.2"
	policyQCPPlusSSC = "0.4.0.1456.1.1"
)

// certQC is what a certificate itself claims.
type certQC struct {
	Compliance bool
	SSCD       bool
	Types      []QCType
	Policies   map[string]bool
	EKUs       map[string]bool
	// Malformed is set when the QCStatements extension does not decode;
	// the certificate then claims nothing.
	Malformed bool
}

type qcStatement struct {
	ID   asn1.ObjectIdentifier
	Info asn1.RawValue `asn1:"optional"`
}

func readCertQC(c *x509.Certificate) certQC {
	ci := certQC{Policies: map[string]bool{}, EKUs: map[string]bool{}}
	for _, p := range c.Policies {
		ci.Policies[p.String()] = true
	}
	for _, p := range c.PolicyIdentifiers {
		ci.Policies[p.String()] = true
	}
	addType := func(t QCType) {
		for _, have := range ci.Types {
			if have == t {
				return
			}
		}
		ci.Types = append(ci.Types, t)
	}
	for _, ext := range c.Extensions {
		switch {
		case ext.Id.Equal(oidExtKeyUsage):
			var ekus []asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(ext.Value, &ekus); err == nil && len(rest) == 0 {
				for _, e := range ekus {
					ci.EKUs[e.String()] = true
				}
			}
		case ext.Id.Equal(oidQCStatements):
			var stmts []qcStatement
			rest, err := asn1.Unmarshal(ext.Value, &stmts)
			if err != nil || len(rest) != 0 {
				ci.Malformed = true
				continue
			}
			for _, s := range stmts {
				switch {
				case s.ID.Equal(oidQcCompliance):
					ci.Compliance = true
				case s.ID.Equal(oidQcSSCD):
					ci.SSCD = true
				case s.ID.Equal(oidQcType):
					var types []asn1.ObjectIdentifier
					if rest, err := asn1.Unmarshal(s.Info.FullBytes, &types); err != nil || len(rest) != 0 {
						ci.Malformed = true
						continue
					}
					for _, t := range types {
						switch {
						case t.Equal(oidQcTypeESign):
							addType(TypeESig)
						case t.Equal(oidQcTypeESeal):
							addType(TypeESeal)
						case t.Equal(oidQcTypeWeb):
							addType(TypeWSA)
						}
					}
				}
			}
		}
	}
	if ci.Malformed {
		return certQC{Policies: ci.Policies, EKUs: ci.EKUs, Malformed: true}
	}
	// Qualified-certificate policies make the same claims.
	p := ci.Policies
	if p[policyQCPn] || p[policyQCPl] || p[policyQCPnQSCD] || p[policyQCPlQSCD] || p[policyQCPw] || p[policyQCPPublic] || p[policyQCPPlusSSC] {
		ci.Compliance = true
	}
	if p[policyQCPnQSCD] || p[policyQCPlQSCD] || p[policyQCPPlusSSC] {
		ci.SSCD = true
	}
	if len(ci.Types) == 0 {
		if p[policyQCPn] || p[policyQCPnQSCD] {
			addType(TypeESig)
		}
		if p[policyQCPl] || p[policyQCPlQSCD] {
			addType(TypeESeal)
		}
		if p[policyQCPw] {
			addType(TypeWSA)
		}
	}
	return ci
}
