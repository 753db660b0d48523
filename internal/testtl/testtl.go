// Package testtl builds ETSI TS 119 612 trusted lists for tests and signs
// them the way scheme operators do (enveloped XMLDSig over the root,
// exclusive C14N, SHA-256), with keys the tests generate.
package testtl

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"strings"
	"sync/atomic"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// TB is the part of testing.TB the builders use.
type TB interface {
	Helper()
	Fatal(args ...any)
}

// URIs used by the builders' defaults.
const (
	TypeCAQC = "http://uri.etsi.org/TrstSvc/Svctype/CA/QC"
)

// Qual is a qualification element: qualifiers and their criteria list.
type Qual struct {
	Qualifiers []string
	Assert     string          // "" means atLeastOne
	Policies   [][]string      // policy sets (dotted OIDs)
	KeyUsage   map[string]bool // one KeyUsage criterion, if non-empty
	Nested     []Qual          // nested criteria lists (qualifiers ignored)
}

// Instance is a service's status with its information.
type Instance struct {
	Status string
	Start  time.Time
	ASI    []string // additional service information URIs
	Quals  []Qual
	Name   string // service name; "" means the certificate's CN
}

// Service is a service of a provider; Cert is its digital identity.
type Service struct {
	Type    string // "" means CA/QC
	Cert    *x509.Certificate
	Current Instance
	History []Instance // most recent first; their identity omits the certificate
}

// Provider is a trust service provider.
type Provider struct {
	Name     string
	Services []Service
}

// List is a trusted list to render.
type List struct {
	ID         string // root Id; "" means "TSL-TEST"
	Territory  string // "" means BE
	Seq        int
	Issued     time.Time
	NextUpdate time.Time
	Providers  []Provider
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func criteriaXML(b *strings.Builder, q Qual) {
	assert := q.Assert
	if assert == "" {
		assert = "atLeastOne"
	}
	fmt.Fprintf(b, `<ecc:CriteriaList assert="%s">`, assert)
	if len(q.KeyUsage) > 0 {
		b.WriteString(`<ecc:KeyUsage>`)
		for name, v := range q.KeyUsage {
			fmt.Fprintf(b, `<ecc:KeyUsageBit name="%s">%t</ecc:KeyUsageBit>`, name, v)
		}
		b.WriteString(`</ecc:KeyUsage>`)
	}
	for _, set := range q.Policies {
		b.WriteString(`<ecc:PolicySet>`)
		for _, p := range set {
			fmt.Fprintf(b, `<ecc:PolicyIdentifier><xades:Identifier Qualifier="OIDAsURN">urn:oid:%s</xades:Identifier></ecc:PolicyIdentifier>`, p)
		}
		b.WriteString(`</ecc:PolicySet>`)
	}
	for _, n := range q.Nested {
		criteriaXML(b, n)
	}
	b.WriteString(`</ecc:CriteriaList>`)
}

func instanceXML(b *strings.Builder, typ string, cert *x509.Certificate, in Instance, history bool) {
	name := in.Name
	if name == "" {
		name = cert.Subject.CommonName
	}
	fmt.Fprintf(b, `<ServiceTypeIdentifier>%s</ServiceTypeIdentifier><ServiceName><Name xml:lang="en">%s</Name></ServiceName>`, typ, esc(name))
	b.WriteString(`<ServiceDigitalIdentity>`)
	if !history {
		fmt.Fprintf(b, `<DigitalId><X509Certificate>%s</X509Certificate></DigitalId>`, base64.StdEncoding.EncodeToString(cert.Raw))
	}
	fmt.Fprintf(b, `<DigitalId><X509SubjectName>%s</X509SubjectName></DigitalId>`, esc(cert.Subject.String()))
	if len(cert.SubjectKeyId) > 0 {
		fmt.Fprintf(b, `<DigitalId><X509SKI>%s</X509SKI></DigitalId>`, base64.StdEncoding.EncodeToString(cert.SubjectKeyId))
	}
	b.WriteString(`</ServiceDigitalIdentity>`)
	fmt.Fprintf(b, `<ServiceStatus>%s</ServiceStatus><StatusStartingTime>%s</StatusStartingTime>`, in.Status, in.Start.UTC().Format(time.RFC3339))
	if len(in.ASI) == 0 && len(in.Quals) == 0 {
		return
	}
	b.WriteString(`<ServiceInformationExtensions>`)
	for _, a := range in.ASI {
		fmt.Fprintf(b, `<Extension Critical="true"><AdditionalServiceInformation><URI xml:lang="en">%s</URI></AdditionalServiceInformation></Extension>`, a)
	}
	if len(in.Quals) > 0 {
		b.WriteString(`<Extension Critical="true"><ecc:Qualifications>`)
		for _, q := range in.Quals {
			b.WriteString(`<ecc:QualificationElement><ecc:Qualifiers>`)
			for _, u := range q.Qualifiers {
				fmt.Fprintf(b, `<ecc:Qualifier uri="%s"/>`, u)
			}
			b.WriteString(`</ecc:Qualifiers>`)
			criteriaXML(b, q)
			b.WriteString(`</ecc:QualificationElement>`)
		}
		b.WriteString(`</ecc:Qualifications></Extension>`)
	}
	b.WriteString(`</ServiceInformationExtensions>`)
}

// XML renders the list, unsigned.
func (l List) XML() string {
	var b strings.Builder
	id, terr := l.ID, l.Territory
	if id == "" {
		id = "TSL-TEST"
	}
	if terr == "" {
		terr = "BE"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#" xmlns:ecc="http://uri.etsi.org/TrstSvc/SvcInfoExt/eSigDir-1999-93-EC-TrustedList/#" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Id="%s" TSLTag="http://uri.etsi.org/19612/TSLTag">
<SchemeInformation>
<TSLVersionIdentifier>5</TSLVersionIdentifier>
<TSLSequenceNumber>%d</TSLSequenceNumber>
<TSLType>http://uri.etsi.org/TrstSvc/TrustedList/TSLType/EUgeneric</TSLType>
<SchemeOperatorName><Name xml:lang="en">Test Scheme Operator</Name></SchemeOperatorName>
<SchemeTerritory>%s</SchemeTerritory>
<ListIssueDateTime>%s</ListIssueDateTime>
<NextUpdate><dateTime>%s</dateTime></NextUpdate>
<DistributionPoints><URI>https://tl.example/tl-test.xml</URI></DistributionPoints>
</SchemeInformation>
<TrustServiceProviderList>`, id, l.Seq, esc(terr), l.Issued.UTC().Format(time.RFC3339), l.NextUpdate.UTC().Format(time.RFC3339))
	for _, p := range l.Providers {
		fmt.Fprintf(&b, `<TrustServiceProvider><TSPInformation><TSPName><Name xml:lang="en">%s</Name></TSPName><TSPTradeName><Name xml:lang="en">VATBE-0000000000</Name></TSPTradeName></TSPInformation><TSPServices>`, esc(p.Name))
		for _, s := range p.Services {
			typ := s.Type
			if typ == "" {
				typ = TypeCAQC
			}
			b.WriteString(`<TSPService><ServiceInformation>`)
			instanceXML(&b, typ, s.Cert, s.Current, false)
			b.WriteString(`</ServiceInformation>`)
			if len(s.History) > 0 {
				b.WriteString(`<ServiceHistory>`)
				for _, h := range s.History {
					b.WriteString(`<ServiceHistoryInstance>`)
					instanceXML(&b, typ, s.Cert, h, true)
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

// Signer is a scheme operator's key and certificate.
type Signer struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Canonicalizer canonicalizes SignedInfo and the reference to the
	// list (nil: exclusive C14N without an inclusive prefix list).
	Canonicalizer dsig.Canonicalizer
}

var serial atomic.Int64

// NewSigner makes a self-signed scheme operator certificate (2014–2040)
// for key. Wrap an ECDSA key in RawECDSA.
func NewSigner(t TB, key crypto.Signer) *Signer {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1000 + serial.Add(1)),
		Subject:      pkix.Name{CommonName: "Test Trusted List Scheme Operator", Country: []string{"BE"}},
		NotBefore:    time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	certKey := key
	if r, ok := key.(RawECDSA); ok {
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
	return &Signer{Cert: c, Key: key}
}

// RawECDSA makes an ECDSA key sign with r || s, as XMLDSig wants
// (goxmldsig passes the signer's ASN.1 form through).
type RawECDSA struct{ *ecdsa.PrivateKey }

// Sign implements crypto.Signer.
func (r RawECDSA) Sign(rand io.Reader, digest []byte, _ crypto.SignerOpts) ([]byte, error) {
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

// Sign returns the XML with an enveloped signature over its root.
func (s *Signer) Sign(t TB, xmlText string) []byte {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(xmlText); err != nil {
		t.Fatal(err)
	}
	ctx, err := dsig.NewSigningContext(s.Key, [][]byte{s.Cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.IdAttribute = "Id"
	ctx.Canonicalizer = s.Canonicalizer
	if ctx.Canonicalizer == nil {
		ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	}
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
