package qc_test

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check/qc"
)

// stmt is one QCStatement as encoded by the tests (independently of the
// decoder under test, with encoding/asn1).
type stmt struct {
	ID   asn1.ObjectIdentifier
	Info asn1.RawValue `asn1:"optional"`
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func info(t testing.TB, v any) asn1.RawValue {
	return asn1.RawValue{FullBytes: mustMarshal(t, v)}
}

type monetary struct {
	Currency string `asn1:"printable"`
	Amount   int
	Exponent int
}

type monetaryNumeric struct {
	Currency int
	Amount   int
	Exponent int
}

type pdsLocation struct {
	URL  string `asn1:"ia5"`
	Lang string `asn1:"printable"`
}

type semantics struct {
	ID    asn1.ObjectIdentifier `asn1:"optional"`
	Names []asn1.RawValue       `asn1:"optional"`
}

func uriName(s string) asn1.RawValue {
	return asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 6, Bytes: []byte(s)}
}

// allStatements returns statements of every kind this package knows, plus
// one it does not (the PSD2 statement of ETSI TS 119 495).
func allStatements(t testing.TB) []stmt {
	return []stmt{
		{ID: qc.OIDQcCompliance},
		{ID: qc.OIDQcLimitValue, Info: info(t, monetary{"EUR", 125, -1})},
		{ID: qc.OIDQcRetentionPeriod, Info: info(t, 15)},
		{ID: qc.OIDQcSSCD},
		{ID: qc.OIDQcPDS, Info: info(t, []pdsLocation{{"https://pds.example.test/en.pdf", "en"}, {"https://pds.example.test/nl.pdf", "nl"}})},
		{ID: qc.OIDQcType, Info: info(t, []asn1.ObjectIdentifier{qc.OIDQcTypeESign})},
		{ID: qc.OIDPKIXQCSyntaxV2, Info: info(t, semantics{ID: qc.OIDSemanticsNatural, Names: []asn1.RawValue{uriName("https://ra.example.test")}})},
		{ID: asn1.ObjectIdentifier{0, 4, 0, 19495, 2}, Info: info(t, []int{1})},
	}
}

// fixedKey is an Ed25519 key from a fixed seed: Ed25519 signatures are
// deterministic, so certificates made with it are byte-for-byte stable.
var fixedKey = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

// makeCert returns a certificate with the given QCStatements (none when
// stmts is nil) and policies.
func makeCert(t testing.TB, stmts []stmt, policies ...asn1.ObjectIdentifier) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(4242),
		Subject:      pkix.Name{CommonName: "Qualified Test Subject", Country: []string{"BE"}},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage:     x509.KeyUsageContentCommitment,
	}
	for _, p := range policies {
		oid, err := x509.OIDFromASN1OID(p)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.Policies = append(tmpl.Policies, oid)
	}
	if stmts != nil {
		tmpl.ExtraExtensions = []pkix.Extension{{Id: qc.OIDExtension, Value: mustMarshal(t, stmts)}}
	}
	cert := testpki.MustIssue(t, tmpl, nil, fixedKey.Public(), fixedKey)
	return cert
}
