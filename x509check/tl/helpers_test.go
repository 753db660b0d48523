package tl_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/tl"
	dsig "github.com/russellhaering/goxmldsig"
)

// realList reads the real Belgian trusted list (sequence 47) and its own
// signer certificate from its KeyInfo.
func realList(t testing.TB) ([]byte, *x509.Certificate) {
	t.Helper()
	data, err := os.ReadFile(testenv.RealData(t, "trusted-lists", "tl-be-seq47.xml"))
	if err != nil {
		t.Fatal(err)
	}
	signer, err := tl.SignerFromKeyInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	return data, signer
}

// inRealValidity is a validation time inside the real list's validity
// (issued 2020-06-02, next update 2020-12-01).
var inRealValidity = time.Date(2020, 7, 1, 12, 0, 0, 0, time.UTC)

// --- test PKI ---

type testCA struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var serial int64 = 100

func nextSerial() *big.Int { serial++; return big.NewInt(serial) }

func newKey(t tb) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newRootCA(t tb, cn string, from, to time.Time) *testCA {
	t.Helper()
	k := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:             from,
		NotAfter:              to,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.Public(), k)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: c, key: k}
}

func (ca *testCA) subCA(t tb, cn string) *testCA {
	t.Helper()
	k := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:             ca.cert.NotBefore,
		NotAfter:              ca.cert.NotAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, k.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: c, key: k}
}

// leafSpec describes an end-entity certificate's qualified claims.
type leafSpec struct {
	issued     time.Time
	policies   []string
	compliance bool
	sscd       bool
	types      []asn1.ObjectIdentifier
	keyUsage   x509.KeyUsage
}

var (
	qcTypeESign = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 1}
	qcTypeESeal = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 2}
	qcTypeWeb   = asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6, 3}
)

type qcStatement struct {
	ID   asn1.ObjectIdentifier
	Info asn1.RawValue `asn1:"optional"`
}

func qcStatements(t tb, s leafSpec) []byte {
	var stmts []qcStatement
	if s.compliance {
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 1}})
	}
	if s.sscd {
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 4}})
	}
	if len(s.types) > 0 {
		info, err := asn1.Marshal(s.types)
		if err != nil {
			t.Fatal(err)
		}
		stmts = append(stmts, qcStatement{ID: asn1.ObjectIdentifier{0, 4, 0, 1862, 1, 6}, Info: asn1.RawValue{FullBytes: info}})
	}
	der, err := asn1.Marshal(stmts)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func (ca *testCA) leaf(t tb, cn string, s leafSpec) *x509.Certificate {
	t.Helper()
	k := newKey(t)
	ku := s.keyUsage
	if ku == 0 {
		ku = x509.KeyUsageContentCommitment
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: cn, Country: []string{"BE"}},
		NotBefore:    s.issued,
		NotAfter:     s.issued.AddDate(3, 0, 0),
		KeyUsage:     ku,
	}
	for _, p := range s.policies {
		oid, err := x509.ParseOID(p)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.Policies = append(tmpl.Policies, oid)
	}
	if s.compliance || s.sscd || len(s.types) > 0 {
		tmpl.ExtraExtensions = append(tmpl.ExtraExtensions, pkix.Extension{
			Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}, Value: qcStatements(t, s)})
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, k.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// --- test trusted lists ---

type tQual struct {
	qualifiers []string
	assert     string
	policies   [][]string
	keyUsage   map[string]bool
	nested     []tQual // nested criteria lists (their qualifiers are ignored)
}

type tInstance struct {
	status string
	start  time.Time
	asi    []string
	quals  []tQual
	name   string
}

type tService struct {
	typ     string
	cert    *x509.Certificate
	current tInstance
	history []tInstance
}

type tList struct {
	id         string
	seq        int
	issued     time.Time
	nextUpdate time.Time
	providers  map[string][]tService
	order      []string
}

func esc(s string) string {
	var b strings.Builder
	_ = xmlEscape(&b, s)
	return b.String()
}

func xmlEscape(w io.Writer, s string) error {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	_, err := io.WriteString(w, r.Replace(s))
	return err
}

func criteriaXML(q tQual) string {
	var b strings.Builder
	assert := q.assert
	if assert == "" {
		assert = "atLeastOne"
	}
	fmt.Fprintf(&b, `<ecc:CriteriaList assert="%s">`, assert)
	if len(q.keyUsage) > 0 {
		b.WriteString(`<ecc:KeyUsage>`)
		for name, v := range q.keyUsage {
			fmt.Fprintf(&b, `<ecc:KeyUsageBit name="%s">%t</ecc:KeyUsageBit>`, name, v)
		}
		b.WriteString(`</ecc:KeyUsage>`)
	}
	for _, set := range q.policies {
		b.WriteString(`<ecc:PolicySet>`)
		for _, p := range set {
			fmt.Fprintf(&b, `<ecc:PolicyIdentifier><xades:Identifier Qualifier="OIDAsURN">urn:oid:%s</xades:Identifier></ecc:PolicyIdentifier>`, p)
		}
		b.WriteString(`</ecc:PolicySet>`)
	}
	for _, n := range q.nested {
		b.WriteString(criteriaXML(n))
	}
	b.WriteString(`</ecc:CriteriaList>`)
	return b.String()
}

func instanceXML(typ string, cert *x509.Certificate, in tInstance, history bool) string {
	var b strings.Builder
	name := in.name
	if name == "" {
		name = cert.Subject.CommonName
	}
	fmt.Fprintf(&b, `<ServiceTypeIdentifier>%s</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">%s</Name></ServiceName>`, typ, esc(name))
	b.WriteString(`<ServiceDigitalIdentity>`)
	if !history {
		fmt.Fprintf(&b, `<DigitalId><X509Certificate>%s</X509Certificate></DigitalId>`, base64.StdEncoding.EncodeToString(cert.Raw))
	}
	fmt.Fprintf(&b, `<DigitalId><X509SubjectName>%s</X509SubjectName></DigitalId>`, esc(cert.Subject.String()))
	fmt.Fprintf(&b, `<DigitalId><X509SKI>%s</X509SKI></DigitalId>`, base64.StdEncoding.EncodeToString(cert.SubjectKeyId))
	b.WriteString(`</ServiceDigitalIdentity>`)
	fmt.Fprintf(&b, `<ServiceStatus>%s</ServiceStatus><StatusStartingTime>%s</StatusStartingTime>`, in.status, in.start.UTC().Format(time.RFC3339))
	if len(in.asi) > 0 || len(in.quals) > 0 {
		b.WriteString(`<ServiceInformationExtensions>`)
		for _, a := range in.asi {
			fmt.Fprintf(&b, `<Extension Critical="true"><AdditionalServiceInformation><URI xml:lang="en">%s</URI></AdditionalServiceInformation></Extension>`, a)
		}
		if len(in.quals) > 0 {
			b.WriteString(`<Extension Critical="true"><ecc:Qualifications>`)
			for _, q := range in.quals {
				b.WriteString(`<ecc:QualificationElement><ecc:Qualifiers>`)
				for _, u := range q.qualifiers {
					fmt.Fprintf(&b, `<ecc:Qualifier uri="%s"/>`, u)
				}
				b.WriteString(`</ecc:Qualifiers>`)
				b.WriteString(criteriaXML(q))
				b.WriteString(`</ecc:QualificationElement>`)
			}
			b.WriteString(`</ecc:Qualifications></Extension>`)
		}
		b.WriteString(`</ServiceInformationExtensions>`)
	}
	return b.String()
}

// xml renders the list, unsigned.
func (l tList) xml() string {
	var b strings.Builder
	id := l.id
	if id == "" {
		id = "TSL-TEST"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" xmlns:ecc="http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Id="%s" TSLTag="http://uri.etsi.org/19612/TSLTag">
<SchemeInformation>
<TSLVersionIdentifier>5</TSLVersionIdentifier>
<TSLSequenceNumber>%d</TSLSequenceNumber>
<TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
<SchemeOperatorName><Name xml:lang="en">Test Scheme Operator</Name></SchemeOperatorName>
<SchemeTerritory>BE</SchemeTerritory>
<ListIssueDateTime>%s</ListIssueDateTime>
<NextUpdate><dateTime>%s</dateTime></NextUpdate>
<DistributionPoints><URI>https://tl.example/tl-test.xml</URI></DistributionPoints>
</SchemeInformation>
<TrustServiceProviderList>`, id, l.seq, l.issued.UTC().Format(time.RFC3339), l.nextUpdate.UTC().Format(time.RFC3339))
	for _, pname := range l.order {
		fmt.Fprintf(&b, `<TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">%s</Name></TSPName><TSPTradeName><Name xml:lang="en">VATBE-0000000000</Name></TSPTradeName></TSPInformation><TSPServices>`, esc(pname))
		for _, s := range l.providers[pname] {
			typ := s.typ
			if typ == "" {
				typ = tl.SvcTypeCAQC
			}
			b.WriteString(`<TSPService><ServiceInformation>`)
			b.WriteString(instanceXML(typ, s.cert, s.current, false))
			b.WriteString(`</ServiceInformation>`)
			if len(s.history) > 0 {
				b.WriteString(`<ServiceHistory>`)
				for _, h := range s.history {
					b.WriteString(`<ServiceHistoryInstance>`)
					b.WriteString(instanceXML(typ, s.cert, h, true))
					b.WriteString(`</ServiceHistoryInstance>`)
				}
				b.WriteString(`</ServiceHistory>`)
			}
			b.WriteString(`</TSPService>`)
		}
		b.WriteString(`</TSPServices></TrustServiceProvider>`)
	}
	b.WriteString("</TrustServiceProviderList>\n</TrustServiceStatusList>\n")
	return b.String()
}

// listSigner is the scheme operator's key and certificate for test lists.
type listSigner struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var (
	rsaSignerOnce sync.Once
	rsaSigner     *listSigner
)

func newListSigner(t tb, key crypto.Signer) *listSigner {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: "Test Trusted List Scheme Operator", Country: []string{"BE"}},
		NotBefore:    time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	certKey := key
	if r, ok := key.(rawECDSA); ok {
		certKey = r.PrivateKey // X.509 wants the ASN.1 form
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), certKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &listSigner{cert: c, key: key}
}

// testSigner returns a shared RSA-2048 list signer.
func testSigner(t tb) *listSigner {
	rsaSignerOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		rsaSigner = newListSigner(t, k)
	})
	return rsaSigner
}

// rawECDSA makes an ECDSA signer emit r || s, as XMLDSig wants (goxmldsig
// passes the ASN.1 form through).
type rawECDSA struct{ *ecdsa.PrivateKey }

func (r rawECDSA) Sign(rand io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
	sr, ss, err := ecdsa.Sign(rand, r.PrivateKey, digest)
	if err != nil {
		return nil, err
	}
	n := (r.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*n)
	sr.FillBytes(out[:n])
	ss.FillBytes(out[n:])
	return out, nil
}

// sign signs the XML as an enveloped signature over the root (exclusive
// C14N, SHA-256), the way trusted lists are signed.
func (s *listSigner) sign(t tb, xmlText string) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xmlText); err != nil {
		t.Fatal(err)
	}
	ctx, err := dsig.NewSigningContext(s.key, [][]byte{s.cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.IdAttribute = "Id"
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	signed, err := ctx.SignEnveloped(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	doc.SetRoot(signed)
	out, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tb is the part of testing.TB the builders need, so that the example can
// use them too.
type tb interface {
	Helper()
	Fatal(args ...any)
}

// panicTB fails by panicking (for Example functions, which have no T).
type panicTB struct{}

func (panicTB) Helper()           {}
func (panicTB) Fatal(args ...any) { panic(fmt.Sprint(args...)) }
