package x509check

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
)

// Status is a revocation status. The zero value is StatusNotChecked.
type Status uint8

const (
	// StatusNotChecked: revocation was not checked (policy "none").
	StatusNotChecked Status = iota
	// StatusGood: a source said the certificate is not revoked.
	StatusGood
	// StatusRevoked: a source said the certificate is revoked.
	StatusRevoked
	// StatusSuspended: revoked with reason certificateHold (on hold).
	StatusSuspended
	// StatusUnknown: the OCSP responder does not know the certificate.
	StatusUnknown
	// StatusUndetermined: no source gave an answer that could be used.
	StatusUndetermined
)

var statusNames = [...]string{"not-checked", "good", "revoked", "suspended", "unknown", "undetermined"}

// String returns "not-checked", "good", "revoked", "suspended", "unknown"
// or "undetermined".
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "invalid"
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// severity orders statuses for aggregation over a chain: the worst wins.
func (s Status) severity() int {
	switch s {
	case StatusRevoked:
		return 5
	case StatusSuspended:
		return 4
	case StatusUnknown:
		return 3
	case StatusUndetermined:
		return 2
	case StatusGood:
		return 1
	}
	return 0
}

// Source records one revocation source consulted.
type Source struct {
	// Kind is "ocsp" or "crl".
	Kind string `json:"kind"`
	// URL is the address fetched, "provided" for a response or CRL given
	// to the checker (ocsp.Options.Responses, CRLOptions.CRLs), "stapled"
	// for a response given with the call (WithOCSPResponses), or "cache:"
	// followed by the address for a cached answer.
	URL string `json:"url"`
	// Subject is the certificate the source was asked about.
	Subject string `json:"subject"`
	// ProducedAt is the OCSP producedAt (zero for a CRL).
	ProducedAt time.Time `json:"produced_at,omitzero"`
	// ThisUpdate and NextUpdate are the source's validity interval
	// (NextUpdate zero when absent).
	ThisUpdate time.Time `json:"this_update,omitzero"`
	NextUpdate time.Time `json:"next_update,omitzero"`
	// Status is what the source said, StatusUndetermined when it failed.
	Status Status `json:"status"`
	// RevokedAt and Reason are set for revoked and suspended answers.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	Reason    *Reason   `json:"reason,omitempty"`
	// Responder is the delegated OCSP responder's subject (empty when the
	// CA signed the response itself).
	Responder string `json:"responder,omitempty"`
	// Note reports a caveat about an answer that was used.
	Note string `json:"note,omitempty"`
	// Err is why the source gave no usable answer, nil otherwise.
	Err error `json:"-"`
	// Error is Err's message, for JSON.
	Error string `json:"error,omitempty"`

	nonce bool // an OCSP answer to a nonce: not for the result cache
}

// Qualified is the qualified status of a certificate (ETSI EN 319 412-5,
// EN 319 411-2), as the certificate states it or as a trusted list
// overrides it.
type Qualified struct {
	// Qualified is the decision: a qualified certificate (for electronic
	// signatures, seals or websites as Types says).
	Qualified bool `json:"qualified"`
	// Compliance: the certificate carries QcCompliance.
	Compliance bool `json:"qc_compliance"`
	// SSCD: the private key is in a qualified signature creation device.
	SSCD bool `json:"qc_sscd"`
	// Types are the QcType values: "esign", "eseal", "web".
	Types []string `json:"qc_types,omitempty"`
	// Policies are the EN 319 411-2 policy names found (QCP-n-qscd, ...).
	Policies []string
	// Legislation lists QcCClegislation country codes.
	Legislation []string `json:"legislation,omitempty"`
	// Source says who decided: "certificate" or "trusted-list".
	Source string `json:"source"`
	// Detail is a short explanation.
	Detail string `json:"detail,omitempty"`
	// TrustedList is the trusted list's decision at issuance and at the
	// validation time, with the deciding service and qualifiers (Source
	// "trusted-list" only).
	TrustedList *TrustedListDecision `json:"trusted_list,omitempty"`
}

// TrustedListDecision is a trusted list's verdict on a certificate at its
// issuance and at the validation time, and the decision drawn from both
// (ETSI TS 119 615; the rule: x509check/tl.Result). Package x509check/tl
// fills it; this package only carries it.
type TrustedListDecision struct {
	AtIssuance   TrustedListVerdict `json:"at_issuance"`
	AtValidation TrustedListVerdict `json:"at_validation"`
	// Trusted: a CA/QC service of the list identifying an issuer of the
	// path was granted at issuance and is granted at the validation time.
	Trusted bool `json:"trusted"`
	// Qualified: Trusted, and qualified at issuance.
	Qualified bool `json:"qualified"`
	// Reason explains Trusted and Qualified in one sentence.
	Reason string `json:"reason"`
}

// TrustedListVerdict is a trusted list's verdict at one time, and what
// decided it.
type TrustedListVerdict struct {
	// Time is when the verdict holds (issuance or validation).
	Time time.Time `json:"time"`
	// Label names the verdict as TS 119 615 does: "QC for eSig with
	// QSCD", "QC for eSeal", "QC for WSA", "not qualified"...
	Label string `json:"label"`
	// Qualified is true for a qualified certificate.
	Qualified bool `json:"qualified"`
	// Type is the certificate's purpose when qualified: "esig", "eseal"
	// or "wsa".
	Type string `json:"type,omitempty"`
	// QSCD is true when the private key is on a qualified signature or
	// seal creation device.
	QSCD bool `json:"qscd"`
	// QSCDManagedOnBehalf is true when the list says a provider manages
	// the QSCD on the holder's behalf.
	QSCDManagedOnBehalf bool `json:"qscd_managed_on_behalf,omitempty"`
	// Provider and Service name the deciding trust service, if any.
	Provider string `json:"provider,omitempty"`
	Service  string `json:"service,omitempty"`
	// Status is the deciding service's status URI at Time, StatusStart
	// when that status began.
	Status      string    `json:"status,omitempty"`
	StatusStart time.Time `json:"status_start,omitzero"`
	// Qualifiers are the list's qualifier URIs that applied.
	Qualifiers []string `json:"qualifiers,omitempty"`
	// Conflict is set when services or qualifiers disagree (the
	// certificate is then not qualified).
	Conflict bool `json:"conflict,omitempty"`
	// Reason explains the verdict in one sentence.
	Reason string `json:"reason"`
}

// String returns the label and the reason.
func (v TrustedListVerdict) String() string { return v.Label + ": " + v.Reason }

// Result is the outcome of a validation.
type Result struct {
	// Valid is true when every check passed (path, validity, usage,
	// revocation per the policy).
	Valid bool
	// Chain is the verified path, leaf first, ending with the trust
	// anchor; nil when no path verified.
	Chain []*x509.Certificate
	// Policies is the valid policy set of the path (RFC 5280 section
	// 6.1.5 g, within Options.Policy.Set), dotted OIDs; "2.5.29.32.0"
	// (anyPolicy) when the path is valid for any policy. Empty when the
	// path asserts no policy or none is valid.
	Policies []string
	// Revocation is the worst revocation status over the chain.
	Revocation Status
	// RevokedAt and Reason describe a revoked or suspended certificate.
	RevokedAt time.Time
	Reason    Reason
	// Sources lists every revocation source consulted, in order.
	Sources []Source
	// Qualified is the qualified status; nil when no path verified.
	Qualified *Qualified
	// Belgian is the Belgian eID classification of the leaf.
	Belgian BelgianKind
	// EID: the leaf is a Belgian eID identity or signature certificate on
	// a path to a Belgian eID root (by pin) or to an authority that
	// Options.Accepted lists for eID certificates: art. 7 admits the eID
	// card as such, qualified or not.
	EID bool
	// Accepted: the leaf is of a type on Options.Accepted's list of
	// accepted certificates (art. 7).
	Accepted bool
	// Authority names the authority of Options.Accepted closest to the leaf
	// on its path; empty when none or without a list.
	Authority string
	// Unlisted: with Options.Accepted, a qualified certificate whose path
	// reaches no authority listed for qualified certificates (and of no
	// accepted type): art. 7 lets its holder ask for the authority to be
	// added; until then it cannot be used.
	Unlisted bool
	// KeyType is the keys.ID the certificate stands for ("eid",
	// "eid-signature", "x509-qualified"), empty when it is no key.
	KeyType keys.ID
	// Level is the reliability level of KeyType as package keys defines it
	// (column 3 for the eID and qualified certificates); levels.None when
	// not valid.
	Level levels.Level
	// Errors lists every failed check; each wraps a sentinel.
	Errors []error
	// At is the validation time used.
	At time.Time
}

// Subjects returns the chain's subjects, leaf first.
func (r *Result) Subjects() []string {
	out := make([]string, len(r.Chain))
	for i, c := range r.Chain {
		out[i] = SubjectString(c)
	}
	return out
}

// CertificateStatus returns what art. 7 of the règlement asks, as package
// levels models it.
func (r *Result) CertificateStatus() levels.CertificateStatus {
	cs := levels.CertificateStatus{
		Valid:     r.Valid,
		Qualified: r.Qualified != nil && r.Qualified.Qualified,
		Accepted:  r.Accepted,
		EID:       r.EID,
		Unlisted:  r.Unlisted,
		Revoked:   r.Revocation == StatusRevoked || r.Revocation == StatusSuspended,
	}
	for _, err := range r.Errors {
		if errors.Is(err, ErrExpired) {
			cs.Expired = true
		}
	}
	return cs
}

// PresentedKey returns the key the certificate stands for, for an access
// decision. It starts from the built-in key type's keys.KeyType.Presented
// (identifier, channels, art. 11 marker), keeps the level of this result
// (None when the certificate is not valid), marks the key as
// certificate-based (UsesCertificate) and adds the certificate status. Its
// state is active: a certificate's lifecycle is its validity, expiry and
// revocation, which the certificate status carries (art. 7).
func (r *Result) PresentedKey() levels.PresentedKey {
	var pk levels.PresentedKey
	if k, ok := builtinKeys[r.KeyType]; ok {
		pk = k.Presented()
	}
	cs := r.CertificateStatus()
	pk.Type = string(r.KeyType)
	pk.Level = r.Level
	pk.EIDSignature = pk.EIDSignature || r.KeyType == keys.IDEIDSignature
	pk.UsesCertificate = true
	pk.Certificate = &cs
	pk.State = levels.KeyActive
	return pk
}

func serialHex(c *x509.Certificate) string {
	return strings.ToUpper(hex.EncodeToString(c.SerialNumber.Bytes()))
}
