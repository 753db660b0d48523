package tl

// This file plugs a trusted list into the x509check validator, as its
// source of trust anchors and of qualification.

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/csam-go/csam/x509check"
)

// Source makes a verified ETSI TS 119 612 trusted list the validator's
// source of trust and qualification (ETSI TS 119 615), the one way to plug
// a list into package x509check: Apply adds the certificates of its CA/QC
// services to the roots and makes it the QualificationSource. A
// certificate is then trusted only when a CA/QC service identifying an
// issuer of its path was granted at its issuance (its NotBefore) and is
// still granted at the validation time, and qualified when, besides, the
// list said so at its issuance (the rule and its reasoning: Result). The
// decision, with the verdicts at issuance and at validation, is reported
// in Qualified.TrustedList.
//
// To take trust from other roots and the qualification from the list, set
// Options.Qualification to a Source with AllowUnlisted instead of calling
// Apply: a path no service of the list identifies then keeps the
// certificate's own qualified status, and a path the list identifies is
// judged by it (a service withdrawn since the certificate's issuance makes
// it untrusted).
type Source struct {
	// List is the list, as Verify returned it.
	List *List
	// AllowUnlisted accepts paths that no service of the list identifies
	// (anchored in other roots, such as the Belgian eID roots): such
	// certificates keep their own qualified status (what their
	// QCStatements say, Source "certificate"). Zero (false): such paths
	// fail with x509check.ErrUntrusted.
	AllowUnlisted bool
	// AllowSHA1 accepts SHA-1 with RSA signatures on the path, as the
	// validator's x509check.Options.AllowSHA1Signatures does on its side
	// (Apply sets it from there). Zero (false): such a path is refused.
	AllowSHA1 bool
}

// Apply adds the list's anchors to opts.Roots and sets opts.Qualification
// (and AllowSHA1 when opts.AllowSHA1Signatures is set: apply after it).
func (t *Source) Apply(opts *x509check.Options) {
	t.AllowSHA1 = t.AllowSHA1 || opts.AllowSHA1Signatures
	opts.Roots = append(append([]*x509.Certificate(nil), opts.Roots...), t.List.AllTrustAnchors()...)
	opts.Qualification = t
}

// Qualification implements x509check.QualificationSource. The Qualified
// it returns has Source "trusted-list" and TrustedList set to the decision
// at issuance and at validation. Its error wraps x509check.ErrUntrusted
// when the path is not anchored in a CA/QC service granted at the
// certificate's issuance and at the validation time (unless AllowUnlisted
// and no service of the list identifies an issuer of the path).
func (t *Source) Qualification(_ context.Context, chain []*x509.Certificate, at time.Time) (*x509check.Qualified, error) {
	if len(chain) == 0 {
		return nil, nil
	}
	if len(chain) == 1 {
		return t.anchor(chain[0], at)
	}
	r, err := t.List.qualify(chain, at, t.AllowSHA1)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", x509check.ErrUntrusted, err)
	}
	own := x509check.CertificateQualification(chain[0])
	iss, val := r.AtIssuance, r.AtValidation
	q := &x509check.Qualified{
		Source:      "trusted-list",
		Compliance:  own.Compliance,
		Policies:    own.Policies,
		Legislation: own.Legislation,
		TrustedList: r.decision(),
		Qualified:   r.Qualified,
		SSCD:        r.Qualified && iss.QSCD,
	}
	if iss.Service == "" && t.AllowUnlisted {
		own.Detail += " (the trusted list does not know the issuer)"
		return own, nil
	}
	if typ := qualifiedTypes[iss.Type]; typ != "" && r.Qualified {
		q.Types = []string{typ}
	}
	q.Detail = fmt.Sprintf("%s at issuance (%s); %s at validation", iss.Label(), iss.Reason, val.Label())
	if !val.Qualified && iss.Qualified {
		q.Detail += " (" + val.Reason + ")"
	}
	if !r.Trusted {
		return q, fmt.Errorf("%w: trusted list (issued %s, validated %s): %s", x509check.ErrUntrusted,
			chain[0].NotBefore.UTC().Format(time.RFC3339), at.UTC().Format(time.RFC3339), r.Reason)
	}
	return q, nil
}

// anchor judges a certificate validated as its own path: a trust anchor,
// as a root given to the validator is. The digital identity of a CA/QC
// service granted at the validation time is trusted (it is a CA, not a
// qualified certificate); one whose service is not granted then is
// refused, and a root the list does not know keeps its own status with
// AllowUnlisted.
func (t *Source) anchor(c *x509.Certificate, at time.Time) (*x509check.Qualified, error) {
	listed := ""
	for _, s := range t.List.Services() {
		for _, id := range s.Identities() {
			if !id.Matches(c) {
				continue
			}
			listed = s.Name.String()
			if in := s.At(at); in != nil && in.Type == SvcTypeCAQC && in.Granted() {
				return &x509check.Qualified{Source: "trusted-list",
					Detail: fmt.Sprintf("digital identity of the CA/QC service %q, granted at the validation time: a trust anchor", listed)}, nil
			}
		}
	}
	if listed == "" && t.AllowUnlisted {
		own := x509check.CertificateQualification(c)
		own.Detail += " (the trusted list does not know the certificate)"
		return own, nil
	}
	q := &x509check.Qualified{Source: "trusted-list", Detail: "not a CA/QC service granted at the validation time"}
	if listed != "" {
		q.Detail = fmt.Sprintf("the CA/QC service %q is not granted at the validation time", listed)
	}
	return q, fmt.Errorf("%w: trusted list (validated %s): %s", x509check.ErrUntrusted, at.UTC().Format(time.RFC3339), q.Detail)
}

// qualifiedTypes maps a QCType to the names x509check.Qualified.Types uses.
var qualifiedTypes = map[QCType]string{TypeESig: "esign", TypeESeal: "eseal", TypeWSA: "web"}

// decision returns r as package x509check reports it in
// Qualified.TrustedList.
func (r *Result) decision() *x509check.TrustedListDecision {
	return &x509check.TrustedListDecision{AtIssuance: r.AtIssuance.verdict(), AtValidation: r.AtValidation.verdict(),
		Trusted: r.Trusted, Qualified: r.Qualified, Reason: r.Reason}
}

func (q Qualification) verdict() x509check.TrustedListVerdict {
	return x509check.TrustedListVerdict{
		Time: q.Time, Label: q.Label(), Qualified: q.Qualified, Type: string(q.Type), QSCD: q.QSCD,
		QSCDManagedOnBehalf: q.QSCDManagedOnBehalf, Provider: q.Provider, Service: q.Service,
		Status: q.Status, StatusStart: q.StatusStart, Qualifiers: q.Qualifiers, Conflict: q.Conflict, Reason: q.Reason,
	}
}
