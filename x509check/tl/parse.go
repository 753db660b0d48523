package tl

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// XML namespaces of TS 119 612 lists.
const (
	nsTSL   = "http://uri.etsi.org/02231/v2#"
	nsTSLX  = "http://uri.etsi.org/02231/v2/additionaltypes#"
	nsECC   = "http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#"
	nsXAdES = "http://uri.etsi.org/01903/v1.3.2#"
	nsDSig  = "http://www.w3.org/2000/09/xmldsig#"
)

// DefaultMaxSize is the size bound applied when an options struct leaves
// MaxSize zero. The largest EU national lists are a few MiB.
const DefaultMaxSize = 32 << 20

// Parse decodes a trusted list WITHOUT verifying its signature. Use Verify
// for a list whose content is to be trusted; Parse serves inspection and
// tests. Errors are [ParseError] (errors.Is [ErrMalformed]), also for too large
// an input
// for inputs over DefaultMaxSize.
func Parse(data []byte) (*List, error) {
	if len(data) > DefaultMaxSize {
		return nil, malformed("", fmt.Sprintf("%d bytes, over the bound of %d", len(data), DefaultMaxSize), nil)
	}
	pass := listPass{decode: true}
	if err := pass.run(data, false); err != nil {
		return nil, err
	}
	return pass.raw.convert()
}

type xmlNames struct {
	Names []xmlName `xml:"http://uri.etsi.org/02231/v2# Name"`
}

type xmlName struct {
	Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Value string `xml:",chardata"`
}

func (n *xmlNames) convert() Names {
	if n == nil {
		return nil
	}
	var out Names
	for _, v := range n.Names {
		out = appendCap(out, len(n.Names), Name{Lang: v.Lang, Value: strings.TrimSpace(v.Value)})
	}
	return out
}

type xmlURIs struct {
	URIs []string `xml:"http://uri.etsi.org/02231/v2# URI"`
}

func (u *xmlURIs) convert() []string {
	if u == nil {
		return nil
	}
	var out []string
	for _, v := range u.URIs {
		out = appendCap(out, len(u.URIs), strings.TrimSpace(v))
	}
	return out
}

type xmlList struct {
	XMLName   xml.Name
	ID        string        `xml:"Id,attr"`
	Tag       string        `xml:"TSLTag,attr"`
	Scheme    *xmlScheme    `xml:"http://uri.etsi.org/02231/v2# SchemeInformation"`
	Providers *xmlProviders `xml:"http://uri.etsi.org/02231/v2# TrustServiceProviderList"`
}

type xmlScheme struct {
	Version            string      `xml:"http://uri.etsi.org/02231/v2# TSLVersionIdentifier"`
	Sequence           string      `xml:"http://uri.etsi.org/02231/v2# TSLSequenceNumber"`
	Type               string      `xml:"http://uri.etsi.org/02231/v2# TSLType"`
	OperatorName       *xmlNames   `xml:"http://uri.etsi.org/02231/v2# SchemeOperatorName"`
	SchemeName         *xmlNames   `xml:"http://uri.etsi.org/02231/v2# SchemeName"`
	InformationURI     *xmlURIs    `xml:"http://uri.etsi.org/02231/v2# SchemeInformationURI"`
	StatusApproach     string      `xml:"http://uri.etsi.org/02231/v2# StatusDeterminationApproach"`
	CommunityRules     *xmlURIs    `xml:"http://uri.etsi.org/02231/v2# SchemeTypeCommunityRules"`
	Territory          string      `xml:"http://uri.etsi.org/02231/v2# SchemeTerritory"`
	HistoricalPeriod   string      `xml:"http://uri.etsi.org/02231/v2# HistoricalInformationPeriod"`
	Pointers           *xmlPointer `xml:"http://uri.etsi.org/02231/v2# PointersToOtherTSL"`
	IssueDate          string      `xml:"http://uri.etsi.org/02231/v2# ListIssueDateTime"`
	NextUpdate         *xmlNext    `xml:"http://uri.etsi.org/02231/v2# NextUpdate"`
	DistributionPoints *xmlURIs    `xml:"http://uri.etsi.org/02231/v2# DistributionPoints"`
}

type xmlNext struct {
	DateTime string `xml:"http://uri.etsi.org/02231/v2# dateTime"`
}

type xmlPointer struct {
	Pointers []xmlOtherTSL `xml:"http://uri.etsi.org/02231/v2# OtherTSLPointer"`
}

type xmlOtherTSL struct {
	Identities []*xmlIdentity `xml:"http://uri.etsi.org/02231/v2# ServiceDigitalIdentities>ServiceDigitalIdentity"`
	Location   string         `xml:"http://uri.etsi.org/02231/v2# TSLLocation"`
	Info       []xmlOther     `xml:"http://uri.etsi.org/02231/v2# AdditionalInformation>OtherInformation"`
}

type xmlOther struct {
	TSLType        string    `xml:"http://uri.etsi.org/02231/v2# TSLType"`
	Territory      string    `xml:"http://uri.etsi.org/02231/v2# SchemeTerritory"`
	MimeType       string    `xml:"http://uri.etsi.org/02231/v2/additionaltypes# MimeType"`
	OperatorName   *xmlNames `xml:"http://uri.etsi.org/02231/v2# SchemeOperatorName"`
	CommunityRules *xmlURIs  `xml:"http://uri.etsi.org/02231/v2# SchemeTypeCommunityRules"`
}

type xmlIdentity struct {
	IDs []*xmlDigitalID `xml:"http://uri.etsi.org/02231/v2# DigitalId"`
}

type xmlDigitalID struct {
	Certificate base64Text `xml:"http://uri.etsi.org/02231/v2# X509Certificate"`
	SubjectName string     `xml:"http://uri.etsi.org/02231/v2# X509SubjectName"`
	SKI         string     `xml:"http://uri.etsi.org/02231/v2# X509SKI"`
}

type xmlProviders struct {
	Providers []*xmlProvider `xml:"http://uri.etsi.org/02231/v2# TrustServiceProvider"`
}

type xmlProvider struct {
	Info     xmlTSPInfo    `xml:"http://uri.etsi.org/02231/v2# TSPInformation"`
	Services []*xmlService `xml:"http://uri.etsi.org/02231/v2# TSPServices>TSPService"`
}

type xmlTSPInfo struct {
	Name      *xmlNames `xml:"http://uri.etsi.org/02231/v2# TSPName"`
	TradeName *xmlNames `xml:"http://uri.etsi.org/02231/v2# TSPTradeName"`
	InfoURI   *xmlURIs  `xml:"http://uri.etsi.org/02231/v2# TSPInformationURI"`
}

type xmlService struct {
	Info    *xmlInstance   `xml:"http://uri.etsi.org/02231/v2# ServiceInformation"`
	History []*xmlInstance `xml:"http://uri.etsi.org/02231/v2# ServiceHistory>ServiceHistoryInstance"`
}

type xmlInstance struct {
	Type       string          `xml:"http://uri.etsi.org/02231/v2# ServiceTypeIdentifier"`
	Name       *xmlNames       `xml:"http://uri.etsi.org/02231/v2# ServiceName"`
	Identity   *xmlIdentity    `xml:"http://uri.etsi.org/02231/v2# ServiceDigitalIdentity"`
	Status     string          `xml:"http://uri.etsi.org/02231/v2# ServiceStatus"`
	Start      string          `xml:"http://uri.etsi.org/02231/v2# StatusStartingTime"`
	Extensions []*xmlExtension `xml:"http://uri.etsi.org/02231/v2# ServiceInformationExtensions>Extension"`
}

type xmlExtension struct {
	Critical       string              `xml:"Critical,attr"`
	ASI            *xmlASI             `xml:"http://uri.etsi.org/02231/v2# AdditionalServiceInformation"`
	Qualifications *xmlQualifications  `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# Qualifications"`
	TakenOverBy    *xmlTakenOverBy     `xml:"http://uri.etsi.org/02231/v2/additionaltypes# TakenOverBy"`
	ExpiredCerts   *string             `xml:"http://uri.etsi.org/02231/v2# ExpiredCertsRevocationInfo"`
	Other          []xmlUnknownElement `xml:",any"`
}

type xmlUnknownElement struct {
	XMLName xml.Name
}

type xmlASI struct {
	URI string `xml:"http://uri.etsi.org/02231/v2# URI"`
}

type xmlTakenOverBy struct {
	URI          string    `xml:"http://uri.etsi.org/02231/v2/additionaltypes# URI"`
	ProviderName *xmlNames `xml:"http://uri.etsi.org/02231/v2/additionaltypes# TSPName"`
	OperatorName *xmlNames `xml:"http://uri.etsi.org/02231/v2# SchemeOperatorName"`
	Territory    string    `xml:"http://uri.etsi.org/02231/v2# SchemeTerritory"`
}

type xmlQualifications struct {
	Elements []*xmlQualElement `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# QualificationElement"`
}

type xmlQualElement struct {
	Qualifiers []xmlQualifier `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# Qualifiers>Qualifier"`
	Criteria   *xmlCriteria   `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# CriteriaList"`
}

type xmlQualifier struct {
	URI string `xml:"uri,attr"`
}

type xmlCriteria struct {
	Assert      string         `xml:"assert,attr"`
	KeyUsages   []xmlKeyUsage  `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# KeyUsage"`
	PolicySets  []xmlPolicySet `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# PolicySet"`
	Lists       []xmlCriteria  `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# CriteriaList"`
	Description string         `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# Description"`
	Other       *xmlOtherCrit  `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# otherCriteriaList"`
}

type xmlKeyUsage struct {
	Bits []xmlKeyUsageBit `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# KeyUsageBit"`
}

type xmlKeyUsageBit struct {
	Name  string `xml:"name,attr"`
	Value string `xml:",chardata"`
}

type xmlPolicySet struct {
	Policies []xmlIDHolder `xml:"http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/# PolicyIdentifier"`
}

// xmlIDHolder is an element holding a xades:Identifier.
type xmlIDHolder struct {
	ID xmlIdentifier `xml:"http://uri.etsi.org/01903/v1.3.2# Identifier"`
}

type xmlIdentifier struct {
	Qualifier string `xml:"Qualifier,attr"`
	Value     string `xml:",chardata"`
}

type xmlOtherCrit struct {
	EKUs    []xmlOIDSet         `xml:"http://uri.etsi.org/02231/v2/additionaltypes# ExtendedKeyUsage"`
	DNAttrs []xmlDNAttr         `xml:"http://uri.etsi.org/02231/v2/additionaltypes# CertSubjectDNAttribute"`
	Other   []xmlUnknownElement `xml:",any"`
}

type xmlOIDSet struct {
	IDs []xmlIDHolder `xml:"http://uri.etsi.org/02231/v2/additionaltypes# KeyPurposeId"`
}

type xmlDNAttr struct {
	IDs []xmlIDHolder `xml:"http://uri.etsi.org/02231/v2/additionaltypes# AttributeOID"`
}

// maxCriteriaDepth bounds the nesting of criteria lists.
const maxCriteriaDepth = 16

func (raw *xmlList) convert() (*List, error) {
	s := raw.Scheme
	if s == nil {
		return nil, malformed("SchemeInformation", "missing", nil)
	}
	l := &List{
		ID:                          strings.TrimSpace(raw.ID),
		Tag:                         strings.TrimSpace(raw.Tag),
		Type:                        strings.TrimSpace(s.Type),
		OperatorName:                s.OperatorName.convert(),
		SchemeName:                  s.SchemeName.convert(),
		SchemeInformationURIs:       s.InformationURI.convert(),
		StatusDeterminationApproach: strings.TrimSpace(s.StatusApproach),
		CommunityRules:              s.CommunityRules.convert(),
		Territory:                   strings.TrimSpace(s.Territory),
		DistributionPoints:          s.DistributionPoints.convert(),
	}
	var err error
	if l.Version, err = parseInt(xpath{seg: "SchemeInformation/TSLVersionIdentifier"}, s.Version, true); err != nil {
		return nil, err
	}
	if l.Version != 5 {
		return nil, malformed("SchemeInformation/TSLVersionIdentifier", fmt.Sprintf("version %d, want 5 (TS 119 612 v2)", l.Version), nil)
	}
	if l.SequenceNumber, err = parseInt(xpath{seg: "SchemeInformation/TSLSequenceNumber"}, s.Sequence, true); err != nil {
		return nil, err
	}
	if l.HistoricalInformationPeriod, err = parseInt(xpath{seg: "SchemeInformation/HistoricalInformationPeriod"}, s.HistoricalPeriod, false); err != nil {
		return nil, err
	}
	if l.IssueDate, err = parseTime(xpath{seg: "SchemeInformation/ListIssueDateTime"}, s.IssueDate, true); err != nil {
		return nil, err
	}
	if s.NextUpdate != nil {
		if l.NextUpdate, err = parseTime(xpath{seg: "SchemeInformation/NextUpdate/dateTime"}, s.NextUpdate.DateTime, false); err != nil {
			return nil, err
		}
		if !l.NextUpdate.IsZero() && !l.NextUpdate.After(l.IssueDate) {
			return nil, malformed("SchemeInformation/NextUpdate", "not after ListIssueDateTime", nil)
		}
	}
	if s.Pointers != nil {
		for i, p := range s.Pointers.Pointers {
			path := xpath{seg: "SchemeInformation/PointersToOtherTSL/OtherTSLPointer", idx: i + 1}
			ptr := Pointer{Location: strings.TrimSpace(p.Location)}
			for j, id := range p.Identities {
				ident, err := id.convert(xpath{parent: &path, seg: "/ServiceDigitalIdentities/ServiceDigitalIdentity", idx: j + 1})
				if err != nil {
					return nil, err
				}
				ptr.Identities = appendCap(ptr.Identities, len(p.Identities), ident)
			}
			for _, o := range p.Info {
				switch {
				case o.TSLType != "":
					ptr.Type = strings.TrimSpace(o.TSLType)
				case o.Territory != "":
					ptr.Territory = strings.TrimSpace(o.Territory)
				case o.MimeType != "":
					ptr.MimeType = strings.TrimSpace(o.MimeType)
				case o.OperatorName != nil:
					ptr.OperatorName = o.OperatorName.convert()
				case o.CommunityRules != nil:
					ptr.CommunityRules = o.CommunityRules.convert()
				}
			}
			l.Pointers = appendCap(l.Pointers, len(s.Pointers.Pointers), ptr)
		}
	}
	if raw.Providers != nil {
		for i, rp := range raw.Providers.Providers {
			path := xpath{seg: "TrustServiceProviderList/TrustServiceProvider", idx: i + 1}
			p := &Provider{
				Name:            rp.Info.Name.convert(),
				TradeName:       rp.Info.TradeName.convert(),
				InformationURIs: rp.Info.InfoURI.convert(),
			}
			if len(p.Name) == 0 {
				return nil, malformed(path.String()+"/TSPInformation/TSPName", "missing", nil)
			}
			for j, rs := range rp.Services {
				spath := xpath{parent: &path, seg: "/TSPServices/TSPService", idx: j + 1}
				if rs.Info == nil {
					return nil, malformed(spath.String()+"/ServiceInformation", "missing", nil)
				}
				svc := &Service{Provider: p}
				if svc.ServiceInstance, err = rs.Info.convert(xpath{parent: &spath, seg: "/ServiceInformation"}); err != nil {
					return nil, err
				}
				for k := range rs.History {
					h, err := rs.History[k].convert(xpath{parent: &spath, seg: "/ServiceHistory/ServiceHistoryInstance", idx: k + 1})
					if err != nil {
						return nil, err
					}
					svc.History = appendCap(svc.History, len(rs.History), h)
				}
				p.Services = appendCap(p.Services, len(rp.Services), svc)
			}
			l.Providers = appendCap(l.Providers, len(raw.Providers.Providers), p)
		}
	}
	return l, nil
}

func (ri *xmlInstance) convert(path xpath) (ServiceInstance, error) {
	si := ServiceInstance{
		Type:   strings.TrimSpace(ri.Type),
		Name:   ri.Name.convert(),
		Status: strings.TrimSpace(ri.Status),
	}
	if si.Type == "" {
		return si, malformed(path.String()+"/ServiceTypeIdentifier", "missing", nil)
	}
	if si.Status == "" {
		return si, malformed(path.String()+"/ServiceStatus", "missing", nil)
	}
	var err error
	if si.Start, err = parseTime(xpath{parent: &path, seg: "/StatusStartingTime"}, ri.Start, true); err != nil {
		return si, err
	}
	if ri.Identity != nil {
		if si.Identity, err = ri.Identity.convert(xpath{parent: &path, seg: "/ServiceDigitalIdentity"}); err != nil {
			return si, err
		}
	}
	for i, e := range ri.Extensions {
		epath := xpath{parent: &path, seg: "/ServiceInformationExtensions/Extension", idx: i + 1}
		if err := e.convert(epath, &si.Extensions); err != nil {
			return si, err
		}
	}
	return si, nil
}

func (e *xmlExtension) convert(path xpath, out *Extensions) error {
	known := false
	if e.ASI != nil {
		known = true
		out.AdditionalInfo = append(out.AdditionalInfo, strings.TrimSpace(e.ASI.URI))
	}
	if e.Qualifications != nil {
		known = true
		for i, q := range e.Qualifications.Elements {
			qpath := xpath{parent: &path, seg: "/Qualifications/QualificationElement", idx: i + 1}
			var qe QualificationElement
			for _, ql := range q.Qualifiers {
				u := strings.TrimSpace(ql.URI)
				if u == "" {
					return malformed(qpath.String()+"/Qualifiers/Qualifier", "empty uri", nil)
				}
				qe.Qualifiers = appendCap(qe.Qualifiers, len(q.Qualifiers), u)
			}
			if len(qe.Qualifiers) == 0 {
				return malformed(qpath.String()+"/Qualifiers", "no qualifier", nil)
			}
			if q.Criteria == nil {
				return malformed(qpath.String()+"/CriteriaList", "missing", nil)
			}
			c, err := q.Criteria.convert(xpath{parent: &qpath, seg: "/CriteriaList"}, 0)
			if err != nil {
				return err
			}
			qe.Criteria = c
			out.Qualifications = appendCap(out.Qualifications, len(e.Qualifications.Elements), qe)
		}
	}
	if e.TakenOverBy != nil {
		known = true
		out.TakenOverBy = &TakenOverBy{
			URI:          strings.TrimSpace(e.TakenOverBy.URI),
			ProviderName: e.TakenOverBy.ProviderName.convert(),
			OperatorName: e.TakenOverBy.OperatorName.convert(),
			Territory:    strings.TrimSpace(e.TakenOverBy.Territory),
		}
	}
	if e.ExpiredCerts != nil {
		known = true
		t, err := parseTime(xpath{parent: &path, seg: "/ExpiredCertsRevocationInfo"}, *e.ExpiredCerts, true)
		if err != nil {
			return err
		}
		out.ExpiredCertsRevocationInfo = t
	}
	if crit := strings.TrimSpace(e.Critical); !known && (crit == "true" || crit == "1") {
		name := "(empty)"
		if len(e.Other) > 0 {
			name = "{" + e.Other[0].XMLName.Space + "}" + e.Other[0].XMLName.Local
		}
		out.UnknownCritical = append(out.UnknownCritical, name)
	}
	return nil
}

func (c *xmlCriteria) convert(path xpath, depth int) (CriteriaList, error) {
	if depth > maxCriteriaDepth {
		return CriteriaList{}, malformed(path.String(), "criteria lists nested too deep", nil)
	}
	out := CriteriaList{Assert: strings.TrimSpace(c.Assert), Description: strings.TrimSpace(c.Description)}
	switch out.Assert {
	case AssertAll, AssertAtLeastOne, AssertNone:
	case "":
		out.Assert = AssertAll // the schema's default
	default:
		return out, malformed(path.String()+"/@assert", fmt.Sprintf("unknown value %q", out.Assert), nil)
	}
	for i, ku := range c.KeyUsages {
		crit := KeyUsageCriterion{}
		for _, b := range ku.Bits {
			name := strings.TrimSpace(b.Name)
			if _, ok := keyUsageBits[name]; !ok {
				return out, malformed(fmt.Sprintf("%s/KeyUsage[%d]", path.String(), i+1), fmt.Sprintf("unknown key usage bit %q", name), nil)
			}
			v, err := strconv.ParseBool(strings.TrimSpace(b.Value))
			if err != nil {
				return out, malformed(fmt.Sprintf("%s/KeyUsage[%d]/KeyUsageBit", path.String(), i+1), "not a boolean", err)
			}
			crit[name] = v
		}
		out.KeyUsages = append(out.KeyUsages, crit)
	}
	for i, ps := range c.PolicySets {
		var set []string
		for _, id := range ps.Policies {
			oid, err := parseOID(xpath{parent: &path, seg: "/PolicySet", idx: i + 1, tail: "/PolicyIdentifier/Identifier"}, id.ID)
			if err != nil {
				return out, err
			}
			set = append(set, oid)
		}
		if len(set) == 0 {
			return out, malformed(fmt.Sprintf("%s/PolicySet[%d]", path.String(), i+1), "no policy identifier", nil)
		}
		out.PolicySets = append(out.PolicySets, set)
	}
	for i := range c.Lists {
		sub, err := c.Lists[i].convert(xpath{parent: &path, seg: "/CriteriaList", idx: i + 1}, depth+1)
		if err != nil {
			return out, err
		}
		out.Lists = append(out.Lists, sub)
	}
	if c.Other != nil {
		for i, e := range c.Other.EKUs {
			var set []string
			for _, id := range e.IDs {
				oid, err := parseOID(xpath{parent: &path, seg: "/otherCriteriaList/ExtendedKeyUsage", idx: i + 1}, id.ID)
				if err != nil {
					return out, err
				}
				set = append(set, oid)
			}
			out.ExtendedKeyUsages = append(out.ExtendedKeyUsages, set)
		}
		for i, e := range c.Other.DNAttrs {
			var set []string
			for _, id := range e.IDs {
				oid, err := parseOID(xpath{parent: &path, seg: "/otherCriteriaList/CertSubjectDNAttribute", idx: i + 1}, id.ID)
				if err != nil {
					return out, err
				}
				set = append(set, oid)
			}
			out.SubjectDNAttributes = append(out.SubjectDNAttributes, set)
		}
		out.Unknown += len(c.Other.Other)
	}
	return out, nil
}

// keyUsageBits maps TS 119 612 key usage bit names to crypto/x509 bits.
var keyUsageBits = map[string]x509.KeyUsage{
	"digitalSignature": x509.KeyUsageDigitalSignature,
	"nonRepudiation":   x509.KeyUsageContentCommitment,
	"keyEncipherment":  x509.KeyUsageKeyEncipherment,
	"dataEncipherment": x509.KeyUsageDataEncipherment,
	"keyAgreement":     x509.KeyUsageKeyAgreement,
	"keyCertSign":      x509.KeyUsageCertSign,
	"crlSign":          x509.KeyUsageCRLSign,
	"encipherOnly":     x509.KeyUsageEncipherOnly,
	"decipherOnly":     x509.KeyUsageDecipherOnly,
}

// parseOID accepts a dotted OID or "urn:oid:" form, returning dotted.
func parseOID(path xpath, id xmlIdentifier) (string, error) {
	v := strings.TrimSpace(id.Value)
	if rest, ok := strings.CutPrefix(strings.ToLower(v), "urn:oid:"); ok {
		v = rest
	}
	if v == "" {
		return "", malformed(path.String(), "empty object identifier", nil)
	}
	arcs := 0
	for a := range strings.SplitSeq(v, ".") {
		arcs++
		if a == "" || strings.Trim(a, "0123456789") != "" || len(a) > 1 && a[0] == '0' {
			return "", malformed(path.String(), fmt.Sprintf("%q is not an object identifier", v), nil)
		}
	}
	if arcs < 2 {
		return "", malformed(path.String(), fmt.Sprintf("%q is not an object identifier", v), nil)
	}
	return v, nil
}

// appendCap appends v to s, giving a nil s the capacity n (the number of
// raw elements it is made from) rather than growing it step by step.
func appendCap[T any](s []T, n int, v T) []T {
	if s == nil {
		s = make([]T, 0, n)
	}
	return append(s, v)
}

func (ri *xmlIdentity) convert(path xpath) (Identity, error) {
	var id Identity
	for i, d := range ri.IDs {
		p := func() string { return fmt.Sprintf("%s/DigitalId[%d]", path.String(), i+1) }
		if d.Certificate.err != nil {
			return id, malformed(p()+"/X509Certificate", "bad base64", d.Certificate.err)
		}
		if d.Certificate.der != nil && len(d.Certificate.der.data) > 0 {
			id.ders = appendCap(id.ders, len(ri.IDs), d.Certificate.der)
		}
		if n := strings.TrimSpace(d.SubjectName); n != "" {
			id.SubjectNames = append(id.SubjectNames, n)
		}
		if s := compact(d.SKI); s != "" {
			ski, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return id, malformed(p()+"/X509SKI", "bad base64", err)
			}
			id.SKIs = append(id.SKIs, ski)
		}
	}
	return id, nil
}

// xpath is the path of an element, for error messages: built only when
// one is returned, so that decoding a list does not format a path per
// element.
type xpath struct {
	parent *xpath
	seg    string // appended to the parent's path
	idx    int    // if not zero, "[idx]" follows seg
	tail   string // appended after the index
}

func (p xpath) String() string {
	var b strings.Builder
	p.write(&b)
	return b.String()
}

func (p xpath) write(b *strings.Builder) {
	if p.parent != nil {
		p.parent.write(b)
	}
	b.WriteString(p.seg)
	if p.idx != 0 {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(p.idx))
		b.WriteByte(']')
	}
	b.WriteString(p.tail)
}

// base64Text is the content of an element holding a base64 certificate,
// decoded without a string copy of the text. Equal certificates in a list
// (a service's history repeats its certificate) share one der, decoded
// and parsed once.
type base64Text struct {
	der *der
	err error
}

// der is a decoded certificate, parsed on first use: a list holds many
// more certificates than a qualification looks at.
type der struct {
	data []byte
	spki []byte // the SubjectPublicKeyInfo within data; nil if data is not a certificate
	once sync.Once
	cert *x509.Certificate
	err  error
}

func newDER(data []byte) *der {
	return &der{data: data, spki: rawSPKI(data)}
}

func (d *der) certificate() (*x509.Certificate, error) {
	d.once.Do(func() { d.cert, d.err = x509.ParseCertificate(d.data) })
	return d.cert, d.err
}

// rawSPKI returns the SubjectPublicKeyInfo element of a DER certificate,
// as x509.Certificate.RawSubjectPublicKeyInfo holds it, or nil.
func rawSPKI(data []byte) []byte {
	input := cryptobyte.String(data)
	var cert, tbs cryptobyte.String
	if !input.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) ||
		!tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil
	}
	// serialNumber, signature, issuer, validity, subject
	for _, tag := range []cbasn1.Tag{cbasn1.INTEGER, cbasn1.SEQUENCE, cbasn1.SEQUENCE, cbasn1.SEQUENCE, cbasn1.SEQUENCE} {
		if !tbs.SkipASN1(tag) {
			return nil
		}
	}
	var spki cryptobyte.String
	if !tbs.ReadASN1Element(&spki, cbasn1.SEQUENCE) {
		return nil
	}
	return spki
}

// UnmarshalText implements encoding.TextUnmarshaler: it decodes text,
// ignoring the white space XML may carry; a decoding error is kept for
// convert to report with the element's path.
func (b *base64Text) UnmarshalText(text []byte) error {
	if bytes.ContainsAny(text, " \t") {
		text = []byte(compact(string(text)))
	}
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(text)))
	n, err := base64.StdEncoding.Decode(dst, text)
	if err != nil {
		*b = base64Text{err: err}
		return nil
	}
	*b = base64Text{der: newDER(dst[:n:n])}
	return nil
}

// compact removes the white space that base64 text in XML may carry.
func compact(s string) string {
	if strings.IndexFunc(s, isSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
}

func isSpace(r rune) bool { return r == ' ' || r == '\n' || r == '\r' || r == '\t' }

func parseInt(path xpath, s string, required bool) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return 0, malformed(path.String(), "missing", nil)
		}
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, malformed(path.String(), fmt.Sprintf("%q is not a non-negative integer", s), nil)
	}
	return n, nil
}

// parseTime parses an xsd:dateTime; one without a zone is taken as UTC.
func parseTime(path xpath, s string, required bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return time.Time{}, malformed(path.String(), "missing", nil)
		}
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, malformed(path.String(), fmt.Sprintf("%q is not an xsd:dateTime", s), nil)
}
