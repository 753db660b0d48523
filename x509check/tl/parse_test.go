package tl_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

func TestParseMalformed(t *testing.T) {
	ca := newRootCA(t, "CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC))
	good := tList{seq: 1, issued: testIssued, nextUpdate: testNext, order: []string{"TSP"},
		providers: map[string][]tService{"TSP": {{cert: ca.cert, current: tInstance{status: tl.StatusGranted, start: testIssued,
			quals: []tQual{{qualifiers: []string{tl.QualifierQCWithQSCD}, policies: [][]string{{"1.2.3"}}}}}}}}}.xml()
	if _, err := tl.Parse([]byte(good)); err != nil {
		t.Fatalf("good list: %v", err)
	}
	for _, tc := range []struct {
		name, from, to, path string
	}{
		{"wrong root", "<TrustServiceStatusList ", "<TrustServiceList ", ""},
		{"wrong namespace", `xmlns="http://uri.etsi.org/02231/v2#"`, `xmlns="urn:x"`, ""},
		{"version 4", "<TSLVersionIdentifier>5<", "<TSLVersionIdentifier>4<", "TSLVersionIdentifier"},
		{"bad sequence", "<TSLSequenceNumber>1<", "<TSLSequenceNumber>one<", "TSLSequenceNumber"},
		{"bad issue date", "<ListIssueDateTime>2024", "<ListIssueDateTime>x2024", "ListIssueDateTime"},
		{"next update before issue", "<dateTime>2024-07-10", "<dateTime>2023-07-10", "NextUpdate"},
		{"bad assert", `assert="atLeastOne"`, `assert="some"`, "@assert"},
		{"bad policy oid", "urn:oid:1.2.3<", "urn:oid:1..3<", "PolicyIdentifier"},
		{"missing status", "<ServiceStatus>" + tl.StatusGranted + "</ServiceStatus>", "", "ServiceStatus"},
		{"bad status time", "<StatusStartingTime>2024", "<StatusStartingTime>20x24", "StatusStartingTime"},
		{"bad certificate base64", "<X509Certificate>", "<X509Certificate>!!", "X509Certificate"},
		{"unclosed", "</TrustServiceStatusList>", "", ""},
		{"no scheme information", "<SchemeInformation>", "<SchemeInformationX>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(good, tc.from, tc.to, 1)
			if bad == good {
				t.Fatalf("%q not found", tc.from)
			}
			_, err := tl.Parse([]byte(bad))
			var pe *tl.ParseError
			if !errors.Is(err, tl.ErrMalformed) || !errors.As(err, &pe) {
				t.Fatalf("Parse: %v, want a *ParseError", err)
			}
			if !strings.Contains(pe.Path, tc.path) {
				t.Errorf("path %q, want it to contain %q", pe.Path, tc.path)
			}
			if !strings.HasPrefix(err.Error(), "tl: malformed trusted list") {
				t.Errorf("message %q", err)
			}
		})
	}
	if _, err := tl.Parse(make([]byte, tl.DefaultMaxSize+1)); !errors.Is(err, tl.ErrMalformed) {
		t.Errorf("oversized: %v", err)
	}
}

func TestParseExtensions(t *testing.T) {
	// TakenOverBy, ExpiredCertsRevocationInfo, key usage and nested
	// criteria, other criteria, and an unknown critical extension.
	x := `<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" xmlns:ecc="http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" xmlns:tslx="http://uri.etsi.org/02231/v2/additionaltypes#" Id="x">
<SchemeInformation><TSLVersionIdentifier>5</TSLVersionIdentifier><TSLSequenceNumber>9</TSLSequenceNumber>
<ListIssueDateTime>2024-01-01T00:00:00Z</ListIssueDateTime><NextUpdate><dateTime/></NextUpdate></SchemeInformation>
<TrustServiceProviderList><TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="fr">Prestataire</Name><Name xml:lang="en">Provider</Name></TSPName></TSPInformation>
<TSPServices><TSPService><ServiceInformation>
<ServiceTypeIdentifier>http://uri.etsi.org/TrstSvc/Svctype/CA/QC</ServiceTypeIdentifier>
<ServiceName><Name xml:lang="en">S</Name></ServiceName>
<ServiceDigitalIdentity><DigitalId><X509SKI>AQID</X509SKI></DigitalId></ServiceDigitalIdentity>
<ServiceStatus>http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted</ServiceStatus>
<StatusStartingTime>2020-01-01T00:00:00</StatusStartingTime>
<ServiceInformationExtensions>
<Extension Critical="false"><tslx:TakenOverBy><tslx:URI xml:lang="en">https://new.example</tslx:URI><tslx:TSPName><Name xml:lang="en">New TSP</Name></tslx:TSPName><SchemeTerritory>LU</SchemeTerritory></tslx:TakenOverBy></Extension>
<Extension Critical="false"><ExpiredCertsRevocationInfo>2019-05-01T00:00:00Z</ExpiredCertsRevocationInfo></Extension>
<Extension Critical="true"><ecc:Qualifications><ecc:QualificationElement><ecc:Qualifiers><ecc:Qualifier uri="http://uri.etsi.org/TrstSvc/TrustedList/SvcInfoExt/QCForESeal"/></ecc:Qualifiers>
<ecc:CriteriaList assert="all"><ecc:KeyUsage><ecc:KeyUsageBit name="nonRepudiation">true</ecc:KeyUsageBit><ecc:KeyUsageBit name="keyCertSign">false</ecc:KeyUsageBit></ecc:KeyUsage>
<ecc:CriteriaList assert="none"><ecc:PolicySet><ecc:PolicyIdentifier><xades:Identifier>1.2.3</xades:Identifier></ecc:PolicyIdentifier><ecc:PolicyIdentifier><xades:Identifier Qualifier="OIDAsURN">urn:oid:1.2.4</xades:Identifier></ecc:PolicyIdentifier></ecc:PolicySet></ecc:CriteriaList>
<ecc:otherCriteriaList><tslx:ExtendedKeyUsage><tslx:KeyPurposeId><xades:Identifier>1.3.6.1.5.5.7.3.4</xades:Identifier></tslx:KeyPurposeId></tslx:ExtendedKeyUsage><tslx:CertSubjectDNAttribute><tslx:AttributeOID><xades:Identifier>2.5.4.97</xades:Identifier></tslx:AttributeOID></tslx:CertSubjectDNAttribute></ecc:otherCriteriaList>
</ecc:CriteriaList></ecc:QualificationElement></ecc:Qualifications></Extension>
<Extension Critical="true"><Mystery xmlns="urn:example:mystery"/></Extension>
</ServiceInformationExtensions></ServiceInformation></TSPService></TSPServices></TrustServiceProvider></TrustServiceProviderList></TrustServiceStatusList>`
	l, err := tl.Parse([]byte(x))
	if err != nil {
		t.Fatal(err)
	}
	if !l.NextUpdate.IsZero() {
		t.Errorf("closed list has next update %s", l.NextUpdate)
	}
	p := l.Providers[0]
	if p.Name.Get("fr") != "Prestataire" || p.Name.String() != "Provider" || p.Name.Get("de") != "Provider" {
		t.Errorf("names %v", p.Name)
	}
	s := p.Services[0]
	if !s.Start.Equal(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("zone-less start %s", s.Start)
	}
	e := s.Extensions
	if e.TakenOverBy == nil || e.TakenOverBy.URI != "https://new.example" || e.TakenOverBy.ProviderName.String() != "New TSP" || e.TakenOverBy.Territory != "LU" {
		t.Errorf("taken over by %+v", e.TakenOverBy)
	}
	if !e.ExpiredCertsRevocationInfo.Equal(time.Date(2019, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("expired certs revocation info %s", e.ExpiredCertsRevocationInfo)
	}
	if len(e.UnknownCritical) != 1 || e.UnknownCritical[0] != "{urn:example:mystery}Mystery" {
		t.Errorf("unknown critical %v", e.UnknownCritical)
	}
	c := e.Qualifications[0].Criteria
	if c.Assert != tl.AssertAll || len(c.KeyUsages) != 1 || !c.KeyUsages[0]["nonRepudiation"] || c.KeyUsages[0]["keyCertSign"] {
		t.Errorf("key usage %+v", c.KeyUsages)
	}
	if len(c.Lists) != 1 || c.Lists[0].Assert != tl.AssertNone || len(c.Lists[0].PolicySets[0]) != 2 || c.Lists[0].PolicySets[0][1] != "1.2.4" {
		t.Errorf("nested %+v", c.Lists)
	}
	if len(c.ExtendedKeyUsages) != 1 || c.ExtendedKeyUsages[0][0] != "1.3.6.1.5.5.7.3.4" || len(c.SubjectDNAttributes) != 1 || c.SubjectDNAttributes[0][0] != "2.5.4.97" {
		t.Errorf("other criteria %+v %+v", c.ExtendedKeyUsages, c.SubjectDNAttributes)
	}
	if len(s.Identity.SKIs) != 1 || string(s.Identity.SKIs[0]) != "\x01\x02\x03" {
		t.Errorf("SKI %v", s.Identity.SKIs)
	}
}
