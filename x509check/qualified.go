package x509check

import (
	"context"
	"crypto/x509"
	"slices"
	"time"

	"github.com/csam-go/csam/x509check/qc"
)

// qualification returns the qualified status of chain's leaf from the
// configured source, or from the certificate itself.
func (v *Validator) qualification(ctx context.Context, chain []*x509.Certificate, at time.Time) (*Qualified, error) {
	if len(chain) == 0 {
		return nil, nil
	}
	if v.opts.Qualification != nil {
		return v.opts.Qualification.Qualification(ctx, chain, at)
	}
	return CertificateQualification(chain[0]), nil
}

// CertificateQualification reads the qualified status c states about
// itself with package qc: QCStatements (QcCompliance, QcSSCD, QcType,
// QcCClegislation) and the EN 319 411-2 policies. QcCompliance without
// QcType means esign. A certificate is qualified when it states
// QcCompliance; undecodable QCStatements make it not qualified.
func CertificateQualification(c *x509.Certificate) *Qualified {
	q := &Qualified{Source: "certificate"}
	st, err := qc.FromCertificate(c)
	if err != nil {
		q.Detail = "undecodable QCStatements: " + err.Error()
		return q
	}
	q.Compliance, q.SSCD, q.Legislation = st.Qualified, st.QSCD, st.Legislation
	for _, t := range st.Types {
		q.Types = append(q.Types, t.String())
	}
	for _, p := range st.Policies {
		q.Policies = append(q.Policies, p.String())
	}
	q.Qualified = st.Qualified
	switch {
	case q.Qualified && st.Ambiguous():
		q.Detail = "qualified certificate with several QcTypes (a trusted list must decide)"
	case q.Qualified && q.SSCD:
		q.Detail = "qualified certificate, key in a QSCD"
	case q.Qualified:
		q.Detail = "qualified certificate"
	default:
		q.Detail = "not a qualified certificate"
	}
	return q
}

// qualifiedByPolicy recognizes a qualified certificate by its policy when
// its QCStatements do not say so: an EN 319 411-2 policy (QCP-n,
// QCP-n-qscd, QCP-l, QCP-l-qscd) the leaf asserts and the path is valid
// for (valid is the path's valid policy set, Result.Policies), or a
// Belgian eID signature certificate on a path proven Belgian (the card
// is a QSCD; its policy is the Belgian eID signature policy).
func qualifiedByPolicy(q *Qualified, leaf *x509.Certificate, valid []string, belgian BelgianKind) {
	if q.Qualified {
		return
	}
	if belgian.Type.Signature() {
		q.Qualified, q.SSCD, q.Types = true, true, []string{qc.TypeESign.String()}
		q.Detail = "Belgian eID signature certificate: qualified by its policy, key on the card (a QSCD)"
		return
	}
	st, err := qc.FromCertificate(leaf)
	if err != nil {
		return
	}
	for _, p := range st.Policies {
		var typ qc.Type
		switch p {
		case qc.PolicyQCPn, qc.PolicyQCPnQSCD:
			typ = qc.TypeESign
		case qc.PolicyQCPl, qc.PolicyQCPlQSCD:
			typ = qc.TypeESeal
		default:
			continue
		}
		oid := p.OID().String()
		if !slices.Contains(valid, oid) && !slices.Contains(valid, anyPolicyOID) {
			continue
		}
		q.Qualified, q.SSCD, q.Types = true, p.QSCD(), []string{typ.String()}
		q.Detail = "qualified by policy " + p.String() + ", valid on the path"
		return
	}
}

// anyPolicyOID is anyPolicy in a valid policy set.
const anyPolicyOID = "2.5.29.32.0"
