package x509check

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

// TrustedListQualification returns a QualificationSource that decides with
// a trusted list (package x509check/tl, ETSI TS 119 615): the list's
// services and qualifiers at the certificate's issuance override what the
// certificate states, provided the service is still granted at the
// validation time (tl.Result); a certificate no listed service covers is
// not qualified. The certificate's own statements are kept in Compliance,
// SSCD and Policies for information. Use l.CertPool(t) as Options.Roots to
// take the trust anchors from the same list, or TrustedList, which also
// requires the path to end in a service granted at issuance.
func TrustedListQualification(l *tl.List) QualificationSource { return tlSource{l} }

type tlSource struct{ l *tl.List }

var tlTypes = map[tl.QCType]string{tl.TypeESig: "esign", tl.TypeESeal: "eseal", tl.TypeWSA: "web"}

func (s tlSource) Qualification(_ context.Context, chain []*x509.Certificate, at time.Time) (*Qualified, error) {
	if len(chain) == 0 {
		return nil, nil
	}
	own := CertificateQualification(chain[0])
	q := &Qualified{Source: "trusted-list", Compliance: own.Compliance, Policies: own.Policies, Legislation: own.Legislation}
	r, err := s.l.Qualify(chain, at)
	if err != nil {
		q.Detail = "trusted list could not decide: " + err.Error()
		return q, nil
	}
	iss := r.AtIssuance
	q.TrustedList = r
	// Qualified at issuance, and the service still granted at the
	// validation time (tl.Result gives the rule).
	q.Qualified, q.SSCD = r.Qualified, r.Qualified && iss.QSCD
	if t, ok := tlTypes[iss.Type]; ok && r.Qualified {
		q.Types = []string{t}
	}
	q.Detail = fmt.Sprintf("%s at issuance (%s); %s at validation", iss.Label(), iss.Reason, r.AtValidation.Label())
	if iss.Qualified && !r.Qualified {
		q.Detail += " (" + r.Reason + ")"
	}
	return q, nil
}
