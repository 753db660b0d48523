package tl_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/tl"
)

var (
	testIssued = time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC)
	testNext   = time.Date(2024, 7, 10, 0, 0, 0, 0, time.UTC)
	testNow    = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
)

// smallList is a signed list with one provider and one granted CA/QC
// service.
func smallList(t *testing.T, s *listSigner) (string, []byte, *testCA) {
	t.Helper()
	ca := newRootCA(t, "Test Qualified CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC))
	l := tList{seq: 3, issued: testIssued, nextUpdate: testNext, order: []string{"Test TSP"},
		providers: map[string][]tService{"Test TSP": {{cert: ca.cert, current: tInstance{
			status: tl.StatusGranted, start: time.Date(2016, 7, 1, 0, 0, 0, 0, time.UTC),
			asi: []string{tl.ASIForESignatures}}}}}}
	x := l.xml()
	return x, s.sign(t, x), ca
}

func TestVerifyBuiltList(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		signer *listSigner
	}{
		{"rsa-sha256", testSigner(t)},
		{"ecdsa-p384-sha256", newListSigner(t, rawECDSA{PrivateKey: ecKey})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, signed, ca := smallList(t, tc.signer)
			l, err := tl.Verify(signed, tl.VerifyOptions{Signers: []*x509.Certificate{tc.signer.cert}, Time: testNow})
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if l.SequenceNumber != 3 || len(l.Services()) != 1 || !l.Services()[0].Identity.Matches(ca.cert) {
				t.Errorf("list %+v", l)
			}
			// The signer is found in KeyInfo.
			kc, err := tl.SignerFromKeyInfo(signed)
			if err != nil || !kc.Equal(tc.signer.cert) {
				t.Errorf("SignerFromKeyInfo: %v", err)
			}
		})
	}
}

func TestVerifyRefusals(t *testing.T) {
	s := testSigner(t)
	unsigned, signed, _ := smallList(t, s)
	other := newListSigner(t, newKey(t))
	pinned := []*x509.Certificate{s.cert}

	// A signed copy of another list, for the wrapping attempts.
	evilXML := strings.Replace(unsigned, "Test TSP", "Evil TSP", 1)

	cases := []struct {
		name  string
		data  []byte
		opts  tl.VerifyOptions
		want  error
		extra func(t *testing.T, err error)
	}{
		{name: "unsigned", data: []byte(unsigned), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature},
		{name: "other signer pinned", data: signed, opts: tl.VerifyOptions{Signers: []*x509.Certificate{other.cert}, Time: testNow}, want: tl.ErrSignature},
		{name: "provider renamed", data: bytes.Replace(signed, []byte("Test TSP"), []byte("Evil TSP"), 1), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature},
		{name: "status changed", data: bytes.Replace(signed, []byte("Svcstatus/granted"), []byte("Svcstatus/withdrawn"), 1), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature},
		{name: "signed info changed", data: bytes.Replace(signed, []byte("xmlenc#sha256"), []byte("xmlenc#sha512"), 1), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature},
		{name: "root id changed", data: bytes.Replace(signed, []byte(`Id="TSL-TEST"`), []byte(`Id="TSL-OTHER"`), 1), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature},
		{
			// The signed list is wrapped inside an unsigned one carrying
			// the same Id and the signature: the digest covers the outer
			// root, so it fails.
			name: "wrapped in an evil root",
			data: wrap(t, evilXML, signed),
			opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature,
		},
		{
			name: "two signatures",
			data: bytes.Replace(signed, []byte("</TrustServiceStatusList>"), append(signatureOf(t, signed), []byte("</TrustServiceStatusList>")...), 1),
			opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrSignature,
		},
		{name: "doctype", data: append([]byte(`<!DOCTYPE x [<!ENTITY a "b">]>`), signed[bytes.Index(signed, []byte("<TrustServiceStatusList")):]...), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrMalformed},
		{name: "nested too deep", data: []byte(strings.Repeat("<a>", 200) + strings.Repeat("</a>", 200)), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrMalformed},
		{name: "not xml", data: []byte("not xml"), opts: tl.VerifyOptions{Signers: pinned, Time: testNow}, want: tl.ErrMalformed},
		{name: "too large", data: signed, opts: tl.VerifyOptions{Signers: pinned, Time: testNow, MaxSize: 100}, want: tl.ErrMalformed},
		{name: "expired", data: signed, opts: tl.VerifyOptions{Signers: pinned, Time: testNext}, want: tl.ErrExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := tl.Verify(tc.data, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify: %v (list %v), want %v", err, l != nil, tc.want)
			}
			if l != nil {
				t.Error("a list was returned with the error")
			}
			if !strings.HasPrefix(err.Error(), "tl: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
}

// signatureOf returns the ds:Signature element's text of a signed list.
func signatureOf(t *testing.T, signed []byte) []byte {
	i := bytes.Index(signed, []byte("<ds:Signature"))
	j := bytes.Index(signed, []byte("</ds:Signature>"))
	if i < 0 || j < 0 {
		t.Fatal("no signature")
	}
	return bytes.Clone(signed[i : j+len("</ds:Signature>")])
}

// wrap builds an evil list whose root has the signed list's Id and
// signature, with the genuine signed list hidden in an extension.
func wrap(t *testing.T, evilXML string, signed []byte) []byte {
	genuine := signed[bytes.Index(signed, []byte("<TrustServiceStatusList")):]
	hidden := `<SchemeExtensions><Extension Critical="false">` + string(genuine) + `</Extension></SchemeExtensions>`
	out := strings.Replace(evilXML, "</SchemeInformation>", hidden+"</SchemeInformation>", 1)
	out = strings.Replace(out, "</TrustServiceStatusList>", string(signatureOf(t, signed))+"</TrustServiceStatusList>", 1)
	return []byte(out)
}

func TestVerifyCanonicalForms(t *testing.T) {
	// A CDATA section and a comment: C14N replaces the one by its text and
	// drops the other, so writing signed text as CDATA, or adding a
	// comment, changes nothing, while changing the text does.
	s := testSigner(t)
	unsigned, _, _ := smallList(t, s)
	escaped := strings.Replace(unsigned, "<Name xml:lang=\"en\">Test TSP</Name>", "<Name xml:lang=\"en\">Test &lt;TSP&gt; &amp; co</Name>", 1)
	if escaped == unsigned {
		t.Fatal("provider name not found")
	}
	signed := s.sign(t, escaped)
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: testNow}
	const signedName = "Test &lt;TSP&gt; &amp; co"
	if !bytes.Contains(signed, []byte(signedName)) {
		t.Fatalf("signed list lacks %q", signedName)
	}
	for _, tc := range []struct {
		name, from, to string
		ok             bool
	}{
		{"as signed", "", "", true},
		{"comment added", "<SchemeInformation>", "<SchemeInformation><!-- added -->", true},
		{"text as CDATA", signedName, "<![CDATA[Test <TSP> & co]]>", true},
		{"CDATA with other text", signedName, "<![CDATA[Test <TSP> & cp]]>", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := signed
			if tc.from != "" {
				data = bytes.Replace(signed, []byte(tc.from), []byte(tc.to), 1)
				if bytes.Equal(data, signed) {
					t.Fatalf("%q not found", tc.from)
				}
			}
			l, err := tl.Verify(data, opts)
			if (err == nil) != tc.ok {
				t.Fatalf("Verify: %v, want ok %v", err, tc.ok)
			}
			if l != nil && l.Providers[0].Name.String() != "Test <TSP> & co" {
				// (only lists that verified are read)
				t.Errorf("name %q", l.Providers[0].Name.String())
			}
		})
	}
}

func TestVerifyParsesSignedBytes(t *testing.T) {
	// Content after the root is not part of the list and is ignored; the
	// list returned is the signed one.
	s := testSigner(t)
	_, signed, _ := smallList(t, s)
	withTrailer := append(bytes.Clone(signed), []byte("<!-- trailing comment -->\n")...)
	l, err := tl.Verify(withTrailer, tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Providers[0].Name.String(); got != "Test TSP" {
		t.Errorf("provider %q", got)
	}
}

// TestSignerFromKeyInfoTrailingSpaceByte: a signer certificate whose DER
// ends in a byte that reads as ASCII whitespace (a random ECDSA signature
// does so about once in 40) is found in KeyInfo whole.
func TestSignerFromKeyInfoTrailingSpaceByte(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var s *listSigner
	for range 5000 {
		c := newListSigner(t, rawECDSA{PrivateKey: key})
		if strings.ContainsRune(" \t\n\v\f\r", rune(c.cert.Raw[len(c.cert.Raw)-1])) {
			s = c
			break
		}
	}
	if s == nil {
		t.Fatal("no certificate ending in a whitespace byte in 5000 tries")
	}
	_, signed, _ := smallList(t, s)
	kc, err := tl.SignerFromKeyInfo(signed)
	if err != nil {
		t.Fatalf("SignerFromKeyInfo: %v", err)
	}
	if !kc.Equal(s.cert) {
		t.Fatal("SignerFromKeyInfo returned another certificate")
	}
}
