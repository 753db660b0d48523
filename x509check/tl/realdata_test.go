package tl_test

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/tl"
)

func readPEM(t *testing.T, elem ...string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(testenv.RealData(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := pem.Decode(data); b != nil {
		data = b.Bytes
	} else {
		// Some DER files carry trailing bytes after the certificate.
		var rv asn1.RawValue
		if _, err := asn1.Unmarshal(data, &rv); err != nil {
			t.Fatal(err)
		}
		data = rv.FullBytes
	}
	c, err := x509.ParseCertificate(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRealListVerifies(t *testing.T) {
	data, signer := realList(t)
	if got := signer.Subject.CommonName; got != "Belgian Trusted List Scheme Operator" {
		t.Fatalf("KeyInfo signer is %q", got)
	}
	l, err := tl.Verify(data, tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if l.Territory != "BE" || l.SequenceNumber != 47 || l.Version != 5 {
		t.Errorf("scheme: territory %q sequence %d version %d", l.Territory, l.SequenceNumber, l.Version)
	}
	if want := time.Date(2020, 6, 2, 0, 0, 0, 0, time.UTC); !l.IssueDate.Equal(want) {
		t.Errorf("issue date %s, want %s", l.IssueDate, want)
	}
	if want := time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC); !l.NextUpdate.Equal(want) {
		t.Errorf("next update %s, want %s", l.NextUpdate, want)
	}
	if want := []string{"https://tsl.belgium.be/tsl-be.xml"}; !reflect.DeepEqual(l.DistributionPoints, want) {
		t.Errorf("distribution points %v", l.DistributionPoints)
	}
	if l.Type != "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric" {
		t.Errorf("type %q", l.Type)
	}
	if got := l.OperatorName.Get("nl"); got != "FOD Economie, KMO, Middenstand en Energie - Kwaliteit en Veiligheid" {
		t.Errorf("operator name (nl) %q", got)
	}
	if len(l.Pointers) != 1 {
		t.Fatalf("%d pointers, want 1", len(l.Pointers))
	}
	p := l.Pointers[0]
	if p.Location != "https://ec.europa.eu/tools/lotl/eu-lotl.xml" || p.Territory != "EU" ||
		p.Type != "http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUlistofthelists" || p.MimeType != "application/vnd.etsi.tsl+xml" {
		t.Errorf("pointer %+v", p)
	}
	if len(p.Identities) != 8 {
		t.Errorf("pointer has %d identities, want 8", len(p.Identities))
	}
	if eu := l.PointerTo("EU"); eu == nil || len(eu.Signers()) != 8 || l.PointerTo("FR") != nil {
		t.Errorf("PointerTo(EU): %+v", eu)
	}
	for i, id := range p.Identities {
		if len(id.Certificates()) != 1 {
			t.Errorf("pointer identity %d: %d certificates", i, len(id.Certificates()))
		}
	}

	if len(l.Providers) != 9 {
		t.Errorf("%d providers, want 9", len(l.Providers))
	}
	if got := l.Providers[0].Name.String(); got != "Certipost n.v./s.a." {
		t.Errorf("first provider %q", got)
	}
	if got := l.Providers[0].TradeName.String(); got != "VATBE-0475396406" {
		t.Errorf("first provider trade name %q", got)
	}
	byType := map[string]int{}
	for _, s := range l.Services() {
		byType[s.Type]++
	}
	want := map[string]int{tl.SvcTypeCAQC: 23, tl.SvcTypeQTST: 7, tl.SvcTypeEDSQ: 6, tl.SvcTypeQESValidationQ: 1}
	if !reflect.DeepEqual(byType, want) {
		t.Errorf("services by type %v, want %v", byType, want)
	}
}

// rootCA4Service finds the Belgium Root CA4 service.
func rootCA4Service(t *testing.T, l *tl.List) *tl.Service {
	t.Helper()
	for _, s := range l.Services() {
		if s.Name.String() == "CN=Belgium Root CA4, C=BE" {
			return s
		}
	}
	t.Fatal("no Belgium Root CA4 service")
	return nil
}

func TestRealListRootCA4(t *testing.T) {
	data, signer := realList(t)
	l, err := tl.Verify(data, tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity})
	if err != nil {
		t.Fatal(err)
	}
	s := rootCA4Service(t, l)
	if s.Type != tl.SvcTypeCAQC || s.Status != tl.StatusGranted {
		t.Errorf("type %q status %q", s.Type, s.Status)
	}
	if want := time.Date(2016, 6, 30, 22, 0, 0, 0, time.UTC); !s.Start.Equal(want) {
		t.Errorf("status start %s, want %s", s.Start, want)
	}
	if s.Provider == nil || s.Provider.Name.String() != "Certipost n.v./s.a." {
		t.Errorf("provider %v", s.Provider)
	}
	q := s.Extensions.Qualifications
	if len(q) != 1 || !reflect.DeepEqual(q[0].Qualifiers, []string{tl.QualifierQCQSCDAsInCert}) {
		t.Fatalf("qualifications %+v", q)
	}
	if q[0].Criteria.Assert != tl.AssertAtLeastOne ||
		!reflect.DeepEqual(q[0].Criteria.PolicySets, [][]string{{"2.16.56.12.1.1.2.1"}, {"2.16.56.12.1.1.7.1"}}) {
		t.Errorf("criteria %+v", q[0].Criteria)
	}
	if !s.Extensions.HasAdditionalInfo(tl.ASIRootCAQC) || !s.Extensions.HasAdditionalInfo(tl.ASIForESignatures) {
		t.Errorf("additional information %v", s.Extensions.AdditionalInfo)
	}
	// History: under supervision since 2013-06-26 with the legacy SSCD
	// qualifier.
	if len(s.History) != 1 || s.History[0].Status != tl.StatusUnderSupervision ||
		!s.History[0].Start.Equal(time.Date(2013, 6, 26, 12, 0, 0, 0, time.UTC)) {
		t.Fatalf("history %+v", s.History)
	}
	if hq := s.History[0].Extensions.Qualifications; len(hq) != 1 || hq[0].Qualifiers[0] != tl.QualifierQCSSCDAsInCert {
		t.Errorf("history qualifications %+v", hq)
	}
	if in := s.At(time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)); in == nil || in.Status != tl.StatusUnderSupervision {
		t.Errorf("status in 2015: %+v", in)
	}
	if in := s.At(inRealValidity); in != &s.ServiceInstance {
		t.Errorf("status in 2020 is not the current one")
	}
	if in := s.At(time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)); in != nil {
		t.Errorf("status in 2010: %+v", in)
	}

	// The real Root CA4 certificates (and the re-issued one, same key)
	// match the service's identity; Root CA3 does not.
	ca4 := readPEM(t, "belgium-pki", "belgiumrca4.pem")
	ca4b := readPEM(t, "belgium-pki", "belgiumrca4b.pem")
	ca3 := readPEM(t, "belgium-pki", "belgiumrca3.pem")
	if !s.Identity.Matches(ca4) || !s.Identity.Matches(ca4b) {
		t.Error("Root CA4 certificates do not match the service identity")
	}
	if s.Identity.Matches(ca3) {
		t.Error("Root CA3 matches the Root CA4 service")
	}
	if s.Identity.SubjectNames[0] != "CN=Belgium Root CA4,C=BE" || !bytes.Equal(s.Identity.SKIs[0], ca4.SubjectKeyId) {
		t.Errorf("identity names %v / SKI mismatch", s.Identity.SubjectNames)
	}
}

func TestRealListTrustAnchors(t *testing.T) {
	data, _ := realList(t)
	l, err := tl.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	has := func(anchors []*x509.Certificate, cn string) bool {
		for _, c := range anchors {
			if c.Subject.CommonName == cn {
				return true
			}
		}
		return false
	}
	// Belgium Root CA (the first) was withdrawn on 2016-09-06.
	for _, tc := range []struct {
		at   time.Time
		cn   string
		want bool
	}{
		{time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), "Belgium Root CA", true},
		{inRealValidity, "Belgium Root CA", false},
		{inRealValidity, "Belgium Root CA4", true},
		{time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), "Belgium Root CA4", false},
		{inRealValidity, "Belgium Root CA2", true},
	} {
		if got := has(l.TrustAnchors(tc.at), tc.cn); got != tc.want {
			t.Errorf("%s anchor at %s: %v, want %v", tc.cn, tc.at.Format(time.DateOnly), got, tc.want)
		}
	}
	// Every anchor ever granted: the withdrawn Root CA included, no time
	// stamping unit.
	all := l.AllTrustAnchors()
	if !has(all, "Belgium Root CA") || !has(all, "Belgium Root CA4") || has(all, "ZETES TSP RSA Qualified TSU1") {
		t.Errorf("AllTrustAnchors: %d certificates, missing or extra ones", len(all))
	}
	if n := len(l.TrustAnchors(inRealValidity)); len(all) <= n {
		t.Errorf("AllTrustAnchors has %d, not more than the %d granted in 2020", len(all), n)
	}
	// The real Citizen CA under Root CA2 names an anchor of 2020 as its
	// issuer (its SHA-1 signature is not checked here).
	cit := readPEM(t, "belgium-pki", "citizenca-brca2.crt")
	found := false
	for _, a := range l.TrustAnchors(inRealValidity) {
		if bytes.Equal(a.SubjectKeyId, cit.AuthorityKeyId) && bytes.Equal(a.RawSubject, cit.RawIssuer) {
			found = true
		}
	}
	if !found {
		t.Error("the Citizen CA's issuer is not among the anchors")
	}
}

func TestRealListTampered(t *testing.T) {
	data, signer := realList(t)
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity}
	// One byte of a service name changed.
	i := bytes.Index(data, []byte("CN=Belgium Root CA4, C=BE</Name>"))
	if i < 0 {
		t.Fatal("service name not found")
	}
	bad := bytes.Clone(data)
	bad[i+len("CN=Belgium Root CA")] = '5'
	_, err := tl.Verify(bad, opts)
	var se *tl.SignatureError
	if !errors.Is(err, tl.ErrSignature) || !errors.As(err, &se) {
		t.Fatalf("tampered list: %v, want a signature error", err)
	}
	// Parse without verification still reads it: the change is there.
	if l, err := tl.Parse(bad); err != nil || rootCA4ServiceOrNil(l) != nil {
		t.Errorf("Parse of the tampered list: err %v", err)
	}
}

func rootCA4ServiceOrNil(l *tl.List) *tl.Service {
	for _, s := range l.Services() {
		if s.Name.String() == "CN=Belgium Root CA4, C=BE" {
			return s
		}
	}
	return nil
}

func TestRealListTimes(t *testing.T) {
	data, signer := realList(t)
	signers := []*x509.Certificate{signer}
	// After the next update: refused by default.
	after := time.Date(2020, 12, 1, 0, 0, 0, 0, time.UTC)
	_, err := tl.Verify(data, tl.VerifyOptions{Signers: signers, Time: after})
	var te *tl.TimeError
	if !errors.Is(err, tl.ErrExpired) || !errors.As(err, &te) || !te.NextUpdate.Equal(after) {
		t.Fatalf("at next update: %v, want ErrExpired", err)
	}
	// Now (the zero time): refused as well.
	if _, err := tl.Verify(data, tl.VerifyOptions{Signers: signers}); !errors.Is(err, tl.ErrExpired) {
		t.Errorf("now: %v, want ErrExpired", err)
	}
	// Accepted when asked to.
	if _, err := tl.Verify(data, tl.VerifyOptions{Signers: signers, Time: after, AllowExpired: true}); err != nil {
		t.Errorf("AllowExpired: %v", err)
	}
	// Before its issue: accepted, its services' history judges that time
	// (ETSI TS 119 615 historical validation).
	if _, err := tl.Verify(data, tl.VerifyOptions{Signers: signers, Time: time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Errorf("before issue: %v", err)
	}
	// Last second of validity: accepted.
	if _, err := tl.Verify(data, tl.VerifyOptions{Signers: signers, Time: after.Add(-time.Second)}); err != nil {
		t.Errorf("just before next update: %v", err)
	}
}

func TestRealListWrongSigner(t *testing.T) {
	data, _ := realList(t)
	other := readPEM(t, "belgium-pki", "belgiumrca4.pem")
	_, err := tl.Verify(data, tl.VerifyOptions{Signers: []*x509.Certificate{other}, Time: inRealValidity})
	if !errors.Is(err, tl.ErrSignature) {
		t.Fatalf("with Root CA4 pinned: %v, want ErrSignature", err)
	}
	if _, err := tl.Verify(data, tl.VerifyOptions{Time: inRealValidity}); !errors.Is(err, x509check.ErrNoTrust) {
		t.Fatalf("no signer: %v, want ErrNoTrust", err)
	}
}
