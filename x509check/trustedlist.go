package x509check

// This file plugs a trusted list (package x509check/tl) into the
// validator, as its source of trust anchors and of qualification.

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

// TrustedList makes a verified ETSI TS 119 612 trusted list the
// validator's source of trust and qualification (ETSI TS 119 615):
// Apply adds the certificates of its CA/QC services to the roots and makes
// it the QualificationSource. A certificate is then trusted only when a
// CA/QC service identifying an issuer of its path was granted at its
// issuance (its NotBefore) and is still granted at the validation time,
// and qualified when, besides, the list said so at its issuance (the rule
// and its reasoning: tl.Result).
// (TrustedListQualification decides qualification only, leaving trust to
// the Roots.)
type TrustedList struct {
	// List is the list, as tl.Verify returned it.
	List *tl.List
	// AllowUnlisted accepts paths that no service of the list identifies
	// (anchored in other Roots), with the certificate's own qualified
	// status. Zero (false): such paths fail with ErrUntrusted.
	AllowUnlisted bool
}

// Roots returns the certificates of every CA/QC service that was granted
// at some time: the anchors to build paths from (whether the service was
// granted at the certificate's issuance is checked after).
func (t *TrustedList) Roots() *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range t.List.AllTrustAnchors() {
		p.AddCert(c)
	}
	return p
}

// Apply adds the list's anchors to opts.Roots and sets opts.Qualification.
func (t *TrustedList) Apply(opts *Options) {
	if opts.Roots == nil {
		opts.Roots = x509.NewCertPool()
	} else {
		opts.Roots = opts.Roots.Clone()
	}
	for _, c := range t.List.AllTrustAnchors() {
		opts.Roots.AddCert(c)
	}
	opts.Qualification = t
}

// Qualification implements QualificationSource. The Qualified it returns
// has Source "trusted-list" and TrustedList set to the decision at
// issuance and at validation. Its error wraps ErrUntrusted when the path
// is not anchored in a CA/QC service granted at the certificate's
// issuance.
func (t *TrustedList) Qualification(_ context.Context, chain []*x509.Certificate, at time.Time) (*Qualified, error) {
	if len(chain) == 0 {
		return nil, nil
	}
	r, err := t.List.Qualify(chain, at)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUntrusted, err)
	}
	own := CertificateQualification(chain[0])
	iss, val := r.AtIssuance, r.AtValidation
	if iss.Service == "" && t.AllowUnlisted {
		own.Detail += " (the trusted list does not know the issuer)"
		return own, nil
	}
	q := &Qualified{
		Source:      "trusted-list",
		Compliance:  own.Compliance,
		Policies:    own.Policies,
		Legislation: own.Legislation,
		TrustedList: r,
		Qualified:   r.Qualified,
		SSCD:        r.Qualified && iss.QSCD,
	}
	switch iss.Type {
	case tl.TypeESig:
		q.Types = []string{"esign"}
	case tl.TypeESeal:
		q.Types = []string{"eseal"}
	case tl.TypeWSA:
		q.Types = []string{"web"}
	}
	q.Detail = fmt.Sprintf("%s at issuance (%s); %s at validation", iss.Label(), iss.Reason, val.Label())
	if !val.Qualified && iss.Qualified {
		q.Detail += " (" + val.Reason + ")"
	}
	if !r.Trusted {
		return q, fmt.Errorf("%w: trusted list (issued %s, validated %s): %s", ErrUntrusted,
			chain[0].NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339), r.Reason)
	}
	return q, nil
}
