package tl

import (
	"crypto/x509"
	"encoding/asn1"

	"github.com/csam-go/csam/x509check/qc"
)

// This file reads what qualification needs from a certificate: its
// QCStatements and qualified-certificate policies (through package
// x509check/qc), its policy OIDs and extended key usage OIDs (for the
// list's criteria).

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

// certQC is what a certificate itself claims.
type certQC struct {
	// Compliance: QcCompliance, or a qualified-certificate policy.
	Compliance bool
	// SSCD: QcSSCD, or a policy requiring a QSCD.
	SSCD bool
	// Types are the types the certificate declares (QcType, else the
	// EN 319 411-2 policies); empty when it declares none.
	Types []QCType
	// Policies and EKUs are the certificate's policy and extended key
	// usage OIDs, dotted.
	Policies map[string]bool
	EKUs     map[string]bool
	// Malformed is set when the QCStatements extension does not decode;
	// the certificate then claims nothing.
	Malformed bool
}

func readCertQC(c *x509.Certificate) certQC {
	ci := certQC{Policies: map[string]bool{}, EKUs: map[string]bool{}}
	for _, p := range c.Policies {
		ci.Policies[p.String()] = true
	}
	for _, p := range c.PolicyIdentifiers {
		ci.Policies[p.String()] = true
	}
	for _, ext := range c.Extensions {
		if ext.Id.Equal(oidExtKeyUsage) {
			var ekus []asn1.ObjectIdentifier
			if rest, err := asn1.Unmarshal(ext.Value, &ekus); err == nil && len(rest) == 0 {
				for _, e := range ekus {
					ci.EKUs[e.String()] = true
				}
			}
		}
	}
	st, err := qc.FromCertificate(c)
	if err != nil {
		ci.Malformed = true
		return ci
	}
	addType := func(t QCType) {
		for _, have := range ci.Types {
			if have == t {
				return
			}
		}
		ci.Types = append(ci.Types, t)
	}
	ci.Compliance, ci.SSCD = st.Qualified, st.QSCD
	if !st.TypeImplied {
		for _, t := range st.Types {
			addType(fromQCType(t))
		}
	}
	// Qualified-certificate policies make the same claims.
	for _, p := range st.Policies {
		ci.Compliance = true
		if p.QSCD() {
			ci.SSCD = true
		}
	}
	if len(ci.Types) == 0 {
		for _, p := range st.Policies {
			switch p {
			case qc.PolicyQCPn, qc.PolicyQCPnQSCD:
				addType(TypeESig)
			case qc.PolicyQCPl, qc.PolicyQCPlQSCD:
				addType(TypeESeal)
			case qc.PolicyQCPw:
				addType(TypeWSA)
			}
		}
	}
	return ci
}

func fromQCType(t qc.Type) QCType {
	switch t {
	case qc.TypeESeal:
		return TypeESeal
	case qc.TypeWeb:
		return TypeWSA
	}
	return TypeESig
}
