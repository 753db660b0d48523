package x509check

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"time"
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

var (
	oidQCStatements = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}
	oidQcCompliance = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}
	oidQcSSCD       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}
	oidQcType       = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}
	oidQcCCLegis    = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 7}
)

var qcTypeNames = map[string]string{
	"0.4.0.1862.1.6.1": "esign", "0.4.0.1862.1.6.2": "eseal", "0.4.0.1862.1.6.3": "web",
}

var qcPolicyNames = map[string]string{
	"0.4.0.194112.1.0": "QCP-n", "0.4.0.194112.1.1": "QCP-l", "0.4.0.194112.1.2": "QCP-n-qscd",
	"0.4.0.194112.1.3": "QCP-l-qscd", "0.4.0.194112.1.4": "QCP-w",
}

type qcStatement struct {
	ID   asn1.ObjectIdentifier
	Info asn1.RawValue `asn1:"optional"`
}

// CertificateQualification reads the qualified status c states about
// itself: QCStatements (QcCompliance, QcSSCD, QcType, QcCClegislation) and
// the EN 319 411-2 policies. QcCompliance without QcType means esign. A
// certificate is qualified when it states QcCompliance.
func CertificateQualification(c *x509.Certificate) *Qualified {
	q := &Qualified{Source: "certificate"}
	for _, p := range c.Policies {
		if n, ok := qcPolicyNames[p.String()]; ok {
			q.Policies = append(q.Policies, n)
		}
	}
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidQCStatements) {
			continue
		}
		var sts []qcStatement
		if _, err := asn1.Unmarshal(e.Value, &sts); err != nil {
			q.Detail = "undecodable QCStatements"
			return q
		}
		for _, s := range sts {
			switch {
			case s.ID.Equal(oidQcCompliance):
				q.Compliance = true
			case s.ID.Equal(oidQcSSCD):
				q.SSCD = true
			case s.ID.Equal(oidQcType):
				var ts []asn1.ObjectIdentifier
				if _, err := asn1.Unmarshal(s.Info.FullBytes, &ts); err == nil {
					for _, t := range ts {
						if n, ok := qcTypeNames[t.String()]; ok {
							q.Types = append(q.Types, n)
						} else {
							q.Types = append(q.Types, t.String())
						}
					}
				}
			case s.ID.Equal(oidQcCCLegis):
				var cs []string
				if _, err := asn1.Unmarshal(s.Info.FullBytes, &cs); err == nil {
					q.Legislation = cs
				}
			}
		}
	}
	if q.Compliance && len(q.Types) == 0 {
		q.Types = []string{"esign"}
	}
	q.Qualified = q.Compliance
	switch {
	case q.Qualified && q.SSCD:
		q.Detail = "qualified certificate, key in a QSCD"
	case q.Qualified:
		q.Detail = "qualified certificate"
	default:
		q.Detail = "not a qualified certificate"
	}
	return q
}
