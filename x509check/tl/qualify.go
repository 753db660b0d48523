package tl

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/csam-go/csam/x509check/path"
)

// QCType is the purpose of a qualified certificate.
type QCType string

// Qualified certificate types (Regulation (EU) No 910/2014).
const (
	TypeESig  QCType = "esig"  // electronic signatures (natural persons)
	TypeESeal QCType = "eseal" // electronic seals (legal persons)
	TypeWSA   QCType = "wsa"   // website authentication
)

// eIDASDate is the date from which Regulation (EU) No 910/2014 applies;
// before it, qualified certificates were for electronic signatures only.
var eIDASDate = time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC)

// Qualification is a certificate's qualification at one time, and what
// decided it.
type Qualification struct {
	// Time is when the qualification holds (issuance or validation).
	Time time.Time `json:"time"`
	// Qualified is true for a qualified certificate.
	Qualified bool `json:"qualified"`
	// Type is the certificate's purpose when qualified.
	Type QCType `json:"type,omitempty"`
	// QSCD is true when the private key is on a qualified signature or seal
	// creation device (never for website authentication).
	QSCD bool `json:"qscd"`
	// QSCDManagedOnBehalf is true when the list says a provider manages the
	// QSCD on the holder's behalf.
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
	// Reason explains the decision in one sentence.
	Reason string `json:"reason"`
}

// Label names the qualification as TS 119 615 does.
func (q Qualification) Label() string {
	if !q.Qualified {
		return "not qualified"
	}
	switch q.Type {
	case TypeESig:
		if q.QSCD {
			return "QC for eSig with QSCD"
		}
		return "QC for eSig"
	case TypeESeal:
		if q.QSCD {
			return "QC for eSeal with QSCD"
		}
		return "QC for eSeal"
	case TypeWSA:
		return "QC for WSA"
	}
	return "QC"
}

// MarshalJSON adds the label to the fields.
func (q Qualification) MarshalJSON() ([]byte, error) {
	type fields Qualification
	return json.Marshal(struct {
		Label string `json:"label"`
		fields
	}{q.Label(), fields(q)})
}

// String returns the label and the reason.
func (q Qualification) String() string { return q.Label() + ": " + q.Reason }

// Result is a certificate's qualification at its issuance and at the
// validation time, and the decision drawn from both.
//
// The rule (ETSI TS 119 615, which checks the trust service's status at
// the certificate's issuance and at the date-time of validation): the
// certificate is trusted only when a CA/QC service identifying an issuer
// of its path was granted both when the certificate was issued and at the
// validation time, and qualified only when it was qualified at issuance
// and that service is still granted at the validation time. The issuance
// time comes from the certificate (its NotBefore, a date the CA itself
// writes) and so cannot decide alone. A withdrawn service ends trust and
// qualification for validations at a time after the withdrawal, for
// certificates issued before it too: withdrawal means the supervisory body
// no longer vouches for the service (TS 119 612 clause 5.5.4: it ceased, or
// its qualified status was withdrawn, possibly for a compromise), so
// nothing it certified can be relied on for a new validation. What was
// done while the service was granted stays provable: validate at that time
// (a signature time proven by a time-stamp or an archive) and the service
// is granted at both dates.
type Result struct {
	AtIssuance   Qualification `json:"at_issuance"`
	AtValidation Qualification `json:"at_validation"`
	// Trusted: a CA/QC service of the list identifying an issuer of the
	// path was granted at issuance and is granted at the validation time.
	Trusted bool `json:"trusted"`
	// Qualified: Trusted, and qualified at issuance.
	Qualified bool `json:"qualified"`
	// Reason explains Trusted and Qualified in one sentence.
	Reason string `json:"reason"`
}

// decideResult fills Trusted, Qualified and Reason from the two
// qualifications (see Result).
func (r *Result) decideResult() {
	iss, val := r.AtIssuance, r.AtValidation
	switch {
	case !grantedStatus(iss.Status):
		r.Reason = "no CA/QC service of the list was granted at the certificate's issuance: " + iss.Reason
	case !grantedStatus(val.Status):
		r.Reason = "the CA/QC service granted at issuance is not granted at the validation time: " + val.Reason
	default:
		r.Trusted, r.Qualified = true, iss.Qualified
		r.Reason = "granted at issuance and at validation; " + iss.Label() + " at issuance"
	}
}

// caServices returns the CA/QC services whose status counts as granted at
// t.
func (l *List) caServices(t time.Time) []*Service {
	var out []*Service
	for _, s := range l.Services() {
		if in := s.At(t); in != nil && in.Type == SvcTypeCAQC && in.Granted() {
			out = append(out, s)
		}
	}
	return out
}

// TrustAnchors returns the certificates of the CA/QC services granted at t
// (the issuance time of the certificate to validate): the anchors from
// which a path is to be built.
func (l *List) TrustAnchors(t time.Time) []*x509.Certificate {
	var out []*x509.Certificate
	seen := map[string]bool{}
	for _, s := range l.caServices(t) {
		// History instances often give only the subject and SKI: the
		// certificates of every instance identify the same key.
		for _, id := range s.Identities() {
			for _, c := range id.Certificates() {
				if !seen[string(c.Raw)] {
					seen[string(c.Raw)] = true
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// AllTrustAnchors returns the certificates of every CA/QC service that
// was granted at some time in its listed history: a pool for path building
// when the time to check against (each certificate's issuance) is not
// known yet; Qualify then tells whether the service was granted when it
// mattered.
func (l *List) AllTrustAnchors() []*x509.Certificate {
	var out []*x509.Certificate
	seen := map[string]bool{}
	for _, s := range l.Services() {
		ever := false
		for _, in := range append([]ServiceInstance{s.ServiceInstance}, s.History...) {
			if in.Type == SvcTypeCAQC && in.Granted() {
				ever = true
			}
		}
		if !ever {
			continue
		}
		for _, id := range s.Identities() {
			for _, c := range id.Certificates() {
				if !seen[string(c.Raw)] {
					seen[string(c.Raw)] = true
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// Qualify determines a certificate's qualification (ETSI TS 119 615
// style) at its issuance (its NotBefore) and at the validation time at
// (zero: time.Now()).
//
// chain is the validated path: chain[0] the certificate, each next element
// its issuer, up to the root (or any anchor). Qualify checks that each
// element is signed by the next, then looks for the CA/QC services of the
// list whose digital identity has the public key of an issuer, the closest
// to the certificate first. At each time, the services whose status counts
// as granted decide: the list's qualifiers whose criteria the certificate
// meets override the certificate's own QCStatements (NotQualified,
// QCStatement, QCWithQSCD, QCNoQSCD, QCQSCDStatusAsInCert,
// QCQSCDManagedOnBehalf, QCForESig, QCForESeal, QCForWSA and the legacy
// SSCD forms), and services whose additional information restricts them
// to another type do not apply. Disagreeing services give a conflict,
// which is not qualified.
//
// Result.Trusted and Result.Qualified combine both times (see Result):
// use them, not AtIssuance alone.
//
// The error (wrapping [ErrMalformed]) is for an empty or broken chain only; a
// certificate outside the list is simply not qualified.
func (l *List) Qualify(chain []*x509.Certificate, at time.Time) (*Result, error) {
	return l.qualify(chain, at, false)
}

// qualify is Qualify; allowSHA1 accepts SHA-1 with RSA signatures on the
// chain (a path the validator accepted with AllowSHA1Signatures).
func (l *List) qualify(chain []*x509.Certificate, at time.Time, allowSHA1 bool) (*Result, error) {
	if len(chain) == 0 || chain[0] == nil {
		return nil, fmt.Errorf("%w: tl: empty chain", ErrMalformed)
	}
	for i := 0; i+1 < len(chain); i++ {
		if chain[i+1] == nil {
			return nil, fmt.Errorf("%w: tl: nil certificate at %d", ErrMalformed, i+1)
		}
		if err := path.CheckSignatureFrom(chain[i], chain[i+1], allowSHA1); err != nil {
			return nil, fmt.Errorf("%w: tl: certificate %d is not signed by certificate %d: %v", ErrMalformed, i, i+1, err)
		}
	}
	if at.IsZero() {
		at = time.Now()
	}
	leaf := chain[0]
	ci := readCertQC(leaf)
	cands := l.candidates(chain[1:])
	r := &Result{
		AtIssuance:   qualifyAt(leaf, ci, cands, leaf.NotBefore.UTC()),
		AtValidation: qualifyAt(leaf, ci, cands, at.UTC()),
	}
	r.decideResult()
	return r, nil
}

// candidates returns the CA/QC services matching the closest issuer that
// any CA/QC service of the list identifies.
func (l *List) candidates(issuers []*x509.Certificate) []*Service {
	for _, iss := range issuers {
		var out []*Service
		for _, s := range l.Services() {
			if !s.everCAQC() {
				continue
			}
			for _, id := range s.Identities() {
				if id.Matches(iss) {
					out = append(out, s)
					break
				}
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func (s *Service) everCAQC() bool {
	if s.Type == SvcTypeCAQC {
		return true
	}
	for _, h := range s.History {
		if h.Type == SvcTypeCAQC {
			return true
		}
	}
	return false
}

// outcome is one service's verdict.
type outcome struct {
	q          Qualification
	applicable bool // false when the service is restricted to another type
}

func qualifyAt(leaf *x509.Certificate, ci certQC, cands []*Service, t time.Time) Qualification {
	if len(cands) == 0 {
		return Qualification{Time: t, Reason: "no CA/QC service of the trusted list identifies an issuer of the certificate"}
	}
	var granted, refused []outcome
	for _, s := range cands {
		in := s.At(t)
		base := Qualification{Time: t, Provider: s.Provider.Name.String(), Service: s.Name.String()}
		switch {
		case in == nil:
			base.Reason = fmt.Sprintf("service %q had no status yet at %s", base.Service, t.Format(time.RFC3339))
			refused = append(refused, outcome{q: base})
			continue
		case in.Type != SvcTypeCAQC:
			base.Reason = fmt.Sprintf("service %q was not of type CA/QC at %s", base.Service, t.Format(time.RFC3339))
			refused = append(refused, outcome{q: base})
			continue
		}
		base.Service = in.Name.String()
		base.Status, base.StatusStart = in.Status, in.Start
		switch {
		case !in.Granted():
			base.Reason = fmt.Sprintf("service %q had status %s since %s", base.Service, lastSegment(in.Status), in.Start.Format(time.RFC3339))
			refused = append(refused, outcome{q: base})
		case len(in.Extensions.UnknownCritical) > 0:
			base.Reason = fmt.Sprintf("service %q carries a critical extension this validator does not know (%s)", base.Service, strings.Join(in.Extensions.UnknownCritical, ", "))
			refused = append(refused, outcome{q: base})
		default:
			granted = append(granted, decide(leaf, ci, in, base, t))
		}
	}
	if len(granted) == 0 {
		return refused[0].q
	}
	var appl []outcome
	for _, o := range granted {
		if o.applicable {
			appl = append(appl, o)
		}
	}
	if len(appl) == 0 {
		return granted[0].q
	}
	first := appl[0].q
	for _, o := range appl[1:] {
		q := o.q
		if q.Qualified != first.Qualified || q.Type != first.Type || q.QSCD != first.QSCD {
			return Qualification{Time: t, Conflict: true, Provider: first.Provider, Service: first.Service,
				Status: first.Status, StatusStart: first.StatusStart,
				Reason: fmt.Sprintf("services disagree: %q says %s, %q says %s", first.Service, first.Label(), q.Service, q.Label())}
		}
	}
	return first
}

// decide applies one granted service instance to the certificate.
func decide(leaf *x509.Certificate, ci certQC, in *ServiceInstance, q Qualification, t time.Time) outcome {
	quals := map[string]bool{}
	for _, qe := range in.Extensions.Qualifications {
		if qe.Criteria.matches(leaf, ci) {
			for _, u := range qe.Qualifiers {
				quals[u] = true
			}
		}
	}
	for u := range quals {
		q.Qualifiers = append(q.Qualifiers, u)
	}
	sort.Strings(q.Qualifiers)
	svc := fmt.Sprintf("service %q (%s since %s)", q.Service, lastSegment(in.Status), in.Start.Format(time.RFC3339))
	notQ := func(conflict bool, format string, args ...any) outcome {
		q.Qualified, q.Type, q.QSCD, q.QSCDManagedOnBehalf = false, "", false, false
		q.Conflict = conflict
		q.Reason = fmt.Sprintf(format, args...)
		return outcome{q: q, applicable: true}
	}

	if quals[QualifierNotQualified] {
		return notQ(false, "%s: the list's qualifier NotQualified applies", svc)
	}
	if ci.Malformed {
		return notQ(false, "%s: the certificate's QCStatements do not decode", svc)
	}
	if !ci.Compliance && !quals[QualifierQCStatement] {
		return notQ(false, "%s: the certificate does not claim to be qualified (no QcCompliance statement) and the list does not assert it", svc)
	}

	// Type: the list's QCFor* qualifiers, else the certificate's QcType,
	// else the service's additional information, else e-signature.
	var listTypes []QCType
	for _, p := range []struct {
		uri string
		t   QCType
	}{{QualifierQCForESig, TypeESig}, {QualifierQCForESeal, TypeESeal}, {QualifierQCForWSA, TypeWSA}} {
		if quals[p.uri] {
			listTypes = append(listTypes, p.t)
		}
	}
	asiTypes := map[QCType]bool{}
	for _, a := range in.Extensions.AdditionalInfo {
		switch a {
		case ASIForESignatures:
			asiTypes[TypeESig] = true
		case ASIForESeals:
			asiTypes[TypeESeal] = true
		case ASIForWSA:
			asiTypes[TypeWSA] = true
		}
	}
	var typ QCType
	typeBy := ""
	switch {
	case len(listTypes) > 1:
		return notQ(true, "%s: the list's qualifiers give several types (%v)", svc, listTypes)
	case len(listTypes) == 1:
		typ, typeBy = listTypes[0], "the list's qualifier"
	case len(ci.Types) > 1:
		return notQ(true, "%s: the certificate claims several types (%v)", svc, ci.Types)
	case len(ci.Types) == 1:
		typ, typeBy = ci.Types[0], "the certificate's QcType"
	case t.Before(eIDASDate):
		typ, typeBy = TypeESig, "issuance before eIDAS"
	case len(asiTypes) == 1:
		for k := range asiTypes {
			typ = k
		}
		typeBy = "the service's additional information"
	default:
		typ, typeBy = TypeESig, "default (no type in the certificate)"
	}
	if !t.Before(eIDASDate) && len(asiTypes) > 0 && !asiTypes[typ] {
		o := notQ(false, "%s: the service is not for %s certificates", svc, typ)
		o.applicable = false
		return o
	}

	// QSCD.
	qscd, onBehalf := ci.SSCD, false
	qscdBy := "the certificate's QcSSCD statement"
	var qscdRules []string
	if quals[QualifierQCWithQSCD] || quals[QualifierQCWithSSCD] {
		qscdRules = append(qscdRules, "with")
		qscd, qscdBy = true, "the list's qualifier"
	}
	if quals[QualifierQCNoQSCD] || quals[QualifierQCNoSSCD] {
		qscdRules = append(qscdRules, "no")
		qscd, qscdBy = false, "the list's qualifier"
	}
	if quals[QualifierQCQSCDAsInCert] || quals[QualifierQCSSCDAsInCert] {
		qscdRules = append(qscdRules, "as in certificate")
		qscd, qscdBy = ci.SSCD, "the certificate, as the list's qualifier says"
	}
	if quals[QualifierQCQSCDOnBehalf] {
		qscdRules = append(qscdRules, "managed on behalf")
		qscd, onBehalf, qscdBy = true, true, "the list's qualifier (managed on behalf)"
	}
	if len(qscdRules) > 1 {
		return notQ(true, "%s: the list's QSCD qualifiers conflict (%s)", svc, strings.Join(qscdRules, ", "))
	}
	if typ == TypeWSA {
		qscd, onBehalf = false, false
	}
	q.Qualified, q.Type, q.QSCD, q.QSCDManagedOnBehalf = true, typ, qscd, onBehalf
	q.Reason = fmt.Sprintf("%s; type from %s", svc, typeBy)
	if typ != TypeWSA {
		q.Reason += "; QSCD from " + qscdBy
	}
	if len(q.Qualifiers) > 0 {
		var short []string
		for _, u := range q.Qualifiers {
			short = append(short, lastSegment(u))
		}
		q.Reason += "; qualifiers " + strings.Join(short, ", ")
	}
	return outcome{q: q, applicable: true}
}

func lastSegment(uri string) string {
	if i := strings.LastIndexByte(uri, '/'); i >= 0 && i+1 < len(uri) {
		return uri[i+1:]
	}
	return uri
}

// matches evaluates the criteria list against the certificate.
func (c *CriteriaList) matches(cert *x509.Certificate, ci certQC) bool {
	var results []bool
	for _, ku := range c.KeyUsages {
		ok := true
		for name, want := range ku {
			if (cert.KeyUsage&keyUsageBits[name] != 0) != want {
				ok = false
			}
		}
		results = append(results, ok)
	}
	for _, set := range c.PolicySets {
		results = append(results, allIn(set, ci.Policies))
	}
	for _, set := range c.ExtendedKeyUsages {
		results = append(results, allIn(set, ci.EKUs))
	}
	if len(c.SubjectDNAttributes) > 0 {
		attrs := map[string]bool{}
		for _, n := range cert.Subject.Names {
			attrs[n.Type.String()] = true
		}
		for _, set := range c.SubjectDNAttributes {
			results = append(results, allIn(set, attrs))
		}
	}
	for i := range c.Lists {
		results = append(results, c.Lists[i].matches(cert, ci))
	}
	for i := 0; i < c.Unknown; i++ {
		results = append(results, false)
	}
	n := 0
	for _, r := range results {
		if r {
			n++
		}
	}
	switch c.Assert {
	case AssertAtLeastOne:
		return n > 0
	case AssertNone:
		return n == 0
	default:
		return n == len(results)
	}
}

func allIn(set []string, have map[string]bool) bool {
	for _, s := range set {
		if !have[s] {
			return false
		}
	}
	return len(set) > 0
}
