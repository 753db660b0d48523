package tl

import (
	"bytes"
	"crypto/x509"
	"time"
)

// Service type identifiers (TS 119 612 clause 5.5.1) that this package
// gives a meaning to. Other types are parsed and kept as they are.
const (
	SvcTypeCAQC            = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
	SvcTypeCAPKC           = "http://uri.etsi.org/TrstSvc/Svctype/CA/PKC"
	SvcTypeQTST            = "http://uri.etsi.org/TrstSvc/Svctype/TSA/QTST"
	SvcTypeEDSQ            = "http://uri.etsi.org/TrstSvc/Svctype/EDS/Q"
	SvcTypeQESValidationQ  = "http://uri.etsi.org/TrstSvc/Svctype/QESValidation/Q"
	SvcTypeNationalRootCAQ = "http://uri.etsi.org/TrstSvc/Svctype/NationalRootCA-QC"
)

// Service status URIs (TS 119 612 clause 5.5.4), current and legacy.
const (
	StatusGranted   = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted"
	StatusWithdrawn = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/withdrawn"
	// Statuses of lists published under Directive 1999/93/EC, before
	// 1 July 2016.
	StatusUnderSupervision       = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision"
	StatusSupervisionInCessation = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation"
	StatusSupervisionCeased      = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionceased"
	StatusSupervisionRevoked     = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionrevoked"
	StatusAccredited             = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited"
	StatusAccreditationCeased    = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accreditationceased"
	StatusAccreditationRevoked   = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accreditationrevoked"
	StatusSetByNationalLaw       = "http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/setbynationallaw"
)

// grantedStatus reports whether a service status counts as granted for
// trust and qualification: "granted", and the legacy statuses that TS 119
// 615 treats as its equivalent (under supervision, supervision in
// cessation, accredited, set by national law).
func grantedStatus(status string) bool {
	switch status {
	case StatusGranted, StatusUnderSupervision, StatusSupervisionInCessation,
		StatusAccredited, StatusSetByNationalLaw:
		return true
	}
	return false
}

// Qualifier URIs of the Qualifications extension (TS 119 612 clause
// 5.5.9.2), including the legacy SSCD ones.
const (
	qualifierPrefix           = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/"
	QualifierQCWithQSCD       = qualifierPrefix + "QCWithQSCD"
	QualifierQCNoQSCD         = qualifierPrefix + "QCNoQSCD"
	QualifierQCQSCDAsInCert   = qualifierPrefix + "QCQSCDStatusAsInCert"
	QualifierQCQSCDOnBehalf   = qualifierPrefix + "QCQSCDManagedOnBehalf"
	QualifierQCWithSSCD       = qualifierPrefix + "QCWithSSCD"
	QualifierQCNoSSCD         = qualifierPrefix + "QCNoSSCD"
	QualifierQCSSCDAsInCert   = qualifierPrefix + "QCSSCDStatusAsInCert"
	QualifierQCForLegalPerson = qualifierPrefix + "QCForLegalPerson"
	QualifierQCForESig        = qualifierPrefix + "QCForESig"
	QualifierQCForESeal       = qualifierPrefix + "QCForESeal"
	QualifierQCForWSA         = qualifierPrefix + "QCForWSA"
	QualifierQCStatement      = qualifierPrefix + "QCStatement"
	QualifierNotQualified     = qualifierPrefix + "NotQualified"
)

// Additional service information URIs (TS 119 612 clause 5.5.9.4).
const (
	ASIForESignatures = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSignatures"
	ASIForESeals      = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForeSeals"
	ASIForWSA         = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/ForWebSiteAuthentication"
	ASIRootCAQC       = "http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/RootCA-QC"
)

// Name is a multilingual name or text, with its xml:lang.
type Name struct {
	Lang  string `json:"lang,omitempty"`
	Value string `json:"value"`
}

// Names is a set of translations of one name.
type Names []Name

// Get returns the value in lang, else the English one, else the first;
// "" when there is none.
func (n Names) Get(lang string) string {
	for _, v := range n {
		if v.Lang == lang {
			return v.Value
		}
	}
	for _, v := range n {
		if v.Lang == "en" {
			return v.Value
		}
	}
	if len(n) > 0 {
		return n[0].Value
	}
	return ""
}

// String returns the English (or first) value.
func (n Names) String() string { return n.Get("en") }

// List is a parsed TS 119 612 trusted list.
type List struct {
	// ID is the root element's Id attribute (the signature references it).
	ID string
	// Tag is the TSLTag attribute.
	Tag string
	// Version is TSLVersionIdentifier (5 for TS 119 612 v2).
	Version int
	// SequenceNumber is TSLSequenceNumber.
	SequenceNumber int
	// Type is the TSLType URI.
	Type string
	// OperatorName is the scheme operator's name.
	OperatorName Names
	// SchemeName is the scheme's name.
	SchemeName Names
	// SchemeInformationURIs are the SchemeInformationURI values.
	SchemeInformationURIs []string
	// StatusDeterminationApproach is the URI of that approach.
	StatusDeterminationApproach string
	// CommunityRules are the SchemeTypeCommunityRules URIs.
	CommunityRules []string
	// Territory is SchemeTerritory (a country code, or "EU").
	Territory string
	// HistoricalInformationPeriod is in days (65535: unlimited).
	HistoricalInformationPeriod int
	// Pointers are the pointers to other trusted lists.
	Pointers []Pointer
	// IssueDate is ListIssueDateTime.
	IssueDate time.Time
	// NextUpdate is the next update's date, zero for a closed list.
	NextUpdate time.Time
	// DistributionPoints are the URIs where the list is published.
	DistributionPoints []string
	// Providers are the trust service providers, in list order.
	Providers []*Provider
}

// Services returns every service of every provider, in list order.
func (l *List) Services() []*Service {
	var out []*Service
	for _, p := range l.Providers {
		out = append(out, p.Services...)
	}
	return out
}

// Pointer is a pointer to another trusted list (OtherTSLPointer).
type Pointer struct {
	// Location is TSLLocation.
	Location string
	// Type, Territory, MimeType, OperatorName and CommunityRules come from
	// the pointer's additional information.
	Type           string
	Territory      string
	MimeType       string
	OperatorName   Names
	CommunityRules []string
	// Identities are the digital identities that may sign the pointed-to
	// list.
	Identities []Identity
}

// PointerTo returns the pointer to the list of territory (e.g. "EU" for the
// list of lists, "BE" in the list of lists), or nil.
func (l *List) PointerTo(territory string) *Pointer {
	for i := range l.Pointers {
		if l.Pointers[i].Territory == territory {
			return &l.Pointers[i]
		}
	}
	return nil
}

// Signers returns the certificates of the pointer's digital identities:
// the signers to pin when verifying the pointed-to list (VerifyOptions.
// Signers), once the list holding the pointer is itself verified.
func (p *Pointer) Signers() []*x509.Certificate {
	var out []*x509.Certificate
	for _, id := range p.Identities {
		out = append(out, id.Certificates()...)
	}
	return out
}

// Provider is a trust service provider.
type Provider struct {
	// Name is TSPName.
	Name Names
	// TradeName is TSPTradeName.
	TradeName Names
	// InformationURIs are the TSPInformationURI values.
	InformationURIs []string
	// Services are the provider's services.
	Services []*Service
}

// Identity is a service digital identity: one public key, given as
// certificates, a subject name and/or a subject key identifier.
type Identity struct {
	// SubjectNames are the X509SubjectName values.
	SubjectNames []string
	// SKIs are the X509SKI values (decoded).
	SKIs [][]byte
	// ders are the X509Certificate values, decoded; each is parsed on
	// first use (Certificates, a Matches whose public key
	// agrees), once for all the identities sharing it.
	ders []*der
}

// Certificates returns the X509Certificate values that crypto/x509 parses
// (lists hold certificates it refuses, e.g. with negative serial numbers:
// those are left out). They are parsed on first use, and safe to use
// concurrently.
func (id *Identity) Certificates() []*x509.Certificate {
	var out []*x509.Certificate
	for _, d := range id.ders {
		if c, err := d.certificate(); err == nil {
			out = appendCap(out, len(id.ders), c)
		}
	}
	return out
}

// Matches reports whether cert carries the identity's public key: a listed
// certificate has the same SubjectPublicKeyInfo, or, when no certificate is
// listed, a listed subject key identifier equals cert's. Only a listed
// certificate whose public key agrees is parsed.
func (id *Identity) Matches(cert *x509.Certificate) bool {
	for _, d := range id.ders {
		if d.spki != nil && bytes.Equal(d.spki, cert.RawSubjectPublicKeyInfo) {
			if _, err := d.certificate(); err == nil {
				return true
			}
		}
	}
	if len(id.SKIs) == 0 || len(cert.SubjectKeyId) == 0 || len(id.Certificates()) > 0 {
		return false
	}
	for _, ski := range id.SKIs {
		if bytes.Equal(ski, cert.SubjectKeyId) {
			return true
		}
	}
	return false
}

// ServiceInstance is a service's information as of one status: the current
// one or a history instance.
type ServiceInstance struct {
	// Type is ServiceTypeIdentifier.
	Type string
	// Name is ServiceName.
	Name Names
	// Identity is ServiceDigitalIdentity.
	Identity Identity
	// Status is the ServiceStatus URI.
	Status string
	// Start is StatusStartingTime.
	Start time.Time
	// Extensions are the service information extensions.
	Extensions Extensions
}

// Granted reports whether the instance's status counts as granted.
func (si *ServiceInstance) Granted() bool { return grantedStatus(si.Status) }

// Service is a trust service: its current information and its history.
type Service struct {
	ServiceInstance
	// Provider is the provider offering the service.
	Provider *Provider
	// History holds the previous instances, as listed (most recent first).
	History []ServiceInstance
}

// At returns the instance in force at t: the one with the latest start at
// or before t, or nil when t is before the service's first status.
func (s *Service) At(t time.Time) *ServiceInstance {
	best := (*ServiceInstance)(nil)
	if !s.Start.After(t) {
		best = &s.ServiceInstance
	}
	for i := range s.History {
		h := &s.History[i]
		if h.Start.After(t) {
			continue
		}
		if best == nil || h.Start.After(best.Start) {
			best = h
		}
	}
	return best
}

// Identities returns the current identity followed by those of the history.
func (s *Service) Identities() []*Identity {
	out := []*Identity{&s.Identity}
	for i := range s.History {
		out = append(out, &s.History[i].Identity)
	}
	return out
}

// Extensions are a service instance's information extensions.
type Extensions struct {
	// Qualifications are the qualification elements of the Qualifications
	// extension.
	Qualifications []QualificationElement
	// AdditionalInfo are the AdditionalServiceInformation URIs (e.g.
	// ASIForESignatures, ASIRootCAQC).
	AdditionalInfo []string
	// TakenOverBy is set when the service was taken over by another
	// provider.
	TakenOverBy *TakenOverBy
	// ExpiredCertsRevocationInfo is the date from which revocation
	// information is kept for expired certificates, if given.
	ExpiredCertsRevocationInfo time.Time
	// UnknownCritical names the critical extensions this package does not
	// understand; qualification treats such an instance as unusable.
	UnknownCritical []string
}

// HasAdditionalInfo reports whether uri is among the additional service
// information URIs.
func (e *Extensions) HasAdditionalInfo(uri string) bool {
	for _, u := range e.AdditionalInfo {
		if u == uri {
			return true
		}
	}
	return false
}

// TakenOverBy names the provider that took a service over.
type TakenOverBy struct {
	URI          string
	ProviderName Names
	OperatorName Names
	Territory    string
}

// QualificationElement is one element of the Qualifications extension: its
// qualifiers apply to the certificates that meet its criteria.
type QualificationElement struct {
	// Qualifiers are the qualifier URIs (e.g. QualifierQCWithQSCD).
	Qualifiers []string
	// Criteria select the certificates the qualifiers apply to.
	Criteria CriteriaList
}

// Assert values of a criteria list.
const (
	AssertAll        = "all"
	AssertAtLeastOne = "atLeastOne"
	AssertNone       = "none"
)

// CriteriaList is a set of criteria combined by Assert.
type CriteriaList struct {
	// Assert is AssertAll, AssertAtLeastOne or AssertNone.
	Assert string
	// KeyUsages are key-usage criteria: each requires the listed bits.
	KeyUsages []KeyUsageCriterion
	// PolicySets are policy criteria: each requires all its policy OIDs.
	PolicySets [][]string
	// Lists are nested criteria lists.
	Lists []CriteriaList
	// ExtendedKeyUsages are extended key usage criteria (OIDs, all
	// required), from otherCriteriaList.
	ExtendedKeyUsages [][]string
	// SubjectDNAttributes are criteria requiring the subject to carry all
	// the attribute types (OIDs), from otherCriteriaList.
	SubjectDNAttributes [][]string
	// Unknown counts criteria this package does not understand; each
	// evaluates to false.
	Unknown int
	// Description is the optional description.
	Description string
}

// KeyUsageCriterion requires key usage bits to be set (true) or clear
// (false), named as in TS 119 612 (digitalSignature, nonRepudiation, ...).
type KeyUsageCriterion map[string]bool
