package qc_test

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/qc"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestStatements decodes a Go-made certificate carrying one statement per
// subtest and checks what the Status says about it.
func TestStatements(t *testing.T) {
	tests := []struct {
		name  string
		stmts []stmt
		check func(t *testing.T, st qc.Status)
	}{
		{"QcCompliance", []stmt{{ID: qc.OIDQcCompliance}}, func(t *testing.T, st qc.Status) {
			if !st.Qualified || !st.EU || !st.TypeImplied || !st.Has(qc.TypeESign) || len(st.Types) != 1 {
				t.Errorf("compliance alone: %+v", st)
			}
		}},
		{"QcCompliance with NULL", []stmt{{ID: qc.OIDQcCompliance, Info: asn1.NullRawValue}}, func(t *testing.T, st qc.Status) {
			if !st.Qualified {
				t.Errorf("not qualified: %+v", st)
			}
		}},
		{"QcLimitValue alphabetic", []stmt{{ID: qc.OIDQcLimitValue, Info: info(t, monetary{"EUR", 125, -1})}}, func(t *testing.T, st qc.Status) {
			lv := st.Statements.LimitValue
			if lv == nil || lv.Currency != "EUR" || lv.Amount != 125 || lv.Exponent != -1 || lv.String() != "12.5 EUR" {
				t.Errorf("limit value %+v", lv)
			}
			if st.Qualified {
				t.Error("qualified without QcCompliance")
			}
		}},
		{"QcLimitValue numeric", []stmt{{ID: qc.OIDQcLimitValue, Info: info(t, monetaryNumeric{978, 3, 4})}}, func(t *testing.T, st qc.Status) {
			lv := st.Statements.LimitValue
			if lv == nil || lv.CurrencyNumber != 978 || lv.String() != "30000 currency 978" {
				t.Errorf("limit value %+v %q", lv, lv)
			}
		}},
		{"QcRetentionPeriod", []stmt{{ID: qc.OIDQcRetentionPeriod, Info: info(t, 15)}}, func(t *testing.T, st qc.Status) {
			if rp := st.Statements.RetentionPeriod; rp == nil || *rp != 15 {
				t.Errorf("retention %v", rp)
			}
		}},
		{"QcSSCD", []stmt{{ID: qc.OIDQcCompliance}, {ID: qc.OIDQcSSCD}}, func(t *testing.T, st qc.Status) {
			if !st.QSCD || !st.Qualified {
				t.Errorf("QSCD: %+v", st)
			}
		}},
		{"QcPDS", []stmt{{ID: qc.OIDQcPDS, Info: info(t, []pdsLocation{{"https://pds.example.test/en.pdf", "en"}, {"https://pds.example.test/de.pdf", "de"}})}}, func(t *testing.T, st qc.Status) {
			want := []qc.PDSLocation{{URL: "https://pds.example.test/en.pdf", Language: "en"}, {URL: "https://pds.example.test/de.pdf", Language: "de"}}
			if d := cmp.Diff(want, st.Statements.PDS); d != "" {
				t.Error(d)
			}
		}},
		{"QcType esign", []stmt{{ID: qc.OIDQcCompliance}, {ID: qc.OIDQcType, Info: info(t, []asn1.ObjectIdentifier{qc.OIDQcTypeESign})}}, func(t *testing.T, st qc.Status) {
			if len(st.Types) != 1 || st.Types[0] != qc.TypeESign || st.TypeImplied || st.Ambiguous() {
				t.Errorf("types %v implied %v", st.Types, st.TypeImplied)
			}
		}},
		{"QcType eseal", []stmt{{ID: qc.OIDQcCompliance}, {ID: qc.OIDQcType, Info: info(t, []asn1.ObjectIdentifier{qc.OIDQcTypeESeal})}}, func(t *testing.T, st qc.Status) {
			if len(st.Types) != 1 || st.Types[0] != qc.TypeESeal {
				t.Errorf("types %v", st.Types)
			}
		}},
		{"QcType web and eseal", []stmt{{ID: qc.OIDQcType, Info: info(t, []asn1.ObjectIdentifier{qc.OIDQcTypeWeb, qc.OIDQcTypeESeal, {1, 2, 3}})}}, func(t *testing.T, st qc.Status) {
			if len(st.Types) != 2 || st.Types[0] != qc.TypeWeb || st.Types[1] != qc.TypeESeal || !st.Ambiguous() {
				t.Errorf("types %v", st.Types)
			}
			if len(st.Statements.Types) != 3 {
				t.Errorf("declared types %v", st.Statements.Types)
			}
		}},
		{"QcCClegislation", []stmt{{ID: qc.OIDQcCompliance}, {ID: qc.OIDQcCClegislation, Info: info(t, []string{"CH", "GB"})}}, func(t *testing.T, st qc.Status) {
			if !st.Qualified || st.EU || cmp.Diff([]string{"CH", "GB"}, st.Legislation) != "" {
				t.Errorf("legislation: %+v", st)
			}
		}},
		{"pkixQCSyntax-v2 natural person", []stmt{{ID: qc.OIDPKIXQCSyntaxV2, Info: info(t, semantics{ID: qc.OIDSemanticsNatural})}}, func(t *testing.T, st qc.Status) {
			s := st.Statements.Semantics
			if s == nil || !s.ID.Equal(qc.OIDSemanticsNatural) || !s.Syntax.Equal(qc.OIDPKIXQCSyntaxV2) || qc.SemanticsName(s.ID) != "natural person" {
				t.Errorf("semantics %+v", s)
			}
		}},
		{"pkixQCSyntax-v2 legal person with authority", []stmt{{ID: qc.OIDPKIXQCSyntaxV2, Info: info(t, semantics{ID: qc.OIDSemanticsLegal, Names: []asn1.RawValue{uriName("https://ra.example.test")}})}}, func(t *testing.T, st qc.Status) {
			s := st.Statements.Semantics
			if s == nil || !s.ID.Equal(qc.OIDSemanticsLegal) || cmp.Diff([]string{"https://ra.example.test"}, s.NameRegistrationAuthorities) != "" {
				t.Errorf("semantics %+v", s)
			}
		}},
		{"pkixQCSyntax-v1 without info", []stmt{{ID: qc.OIDPKIXQCSyntaxV1}}, func(t *testing.T, st qc.Status) {
			s := st.Statements.Semantics
			if s == nil || s.ID != nil || !s.Syntax.Equal(qc.OIDPKIXQCSyntaxV1) {
				t.Errorf("semantics %+v", s)
			}
		}},
		{"unknown statement kept", []stmt{{ID: asn1.ObjectIdentifier{0, 4, 0, 19495, 2}, Info: info(t, []int{7})}}, func(t *testing.T, st qc.Status) {
			u := st.Statements.Unknown
			if len(u) != 1 || !u[0].ID.Equal(asn1.ObjectIdentifier{0, 4, 0, 19495, 2}) || string(u[0].Info) != string(mustMarshal(t, []int{7})) {
				t.Errorf("unknown %+v", u)
			}
			if st.Qualified {
				t.Error("qualified from an unknown statement")
			}
		}},
		{"empty extension", []stmt{}, func(t *testing.T, st qc.Status) {
			if !st.Present || st.Qualified || len(st.Statements.IDs) != 0 {
				t.Errorf("empty: %+v", st)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := qc.FromCertificate(makeCert(t, tt.stmts))
			if err != nil {
				t.Fatal(err)
			}
			if !st.Present {
				t.Fatal("QCStatements not found")
			}
			if len(st.Statements.IDs) != len(tt.stmts) {
				t.Errorf("got %d statement IDs, want %d", len(st.Statements.IDs), len(tt.stmts))
			}
			tt.check(t, st)
		})
	}
}

func TestPolicies(t *testing.T) {
	tests := []struct {
		oid  asn1.ObjectIdentifier
		want qc.Policy
		name string
		qscd bool
	}{
		{asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 0}, qc.PolicyQCPn, "QCP-n", false},
		{asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 1}, qc.PolicyQCPl, "QCP-l", false},
		{asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2}, qc.PolicyQCPnQSCD, "QCP-n-qscd", true},
		{asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 3}, qc.PolicyQCPlQSCD, "QCP-l-qscd", true},
		{asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 4}, qc.PolicyQCPw, "QCP-w", false},
		{asn1.ObjectIdentifier{0, 4, 0, 1456, 1, 2}, qc.PolicyQCPPublic, "QCP-public", false},
		{asn1.ObjectIdentifier{0, 4, 0, 1456, 1, 1}, qc.PolicyQCPPublicSSCD, "QCP-public+SSCD", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The Belgian policy beside it must not be recognized as qualified.
			cert := makeCert(t, nil, asn1.ObjectIdentifier{2, 16, 56, 13, 6, 1, 2, 1000}, tt.oid)
			st, err := qc.FromCertificate(cert)
			if err != nil {
				t.Fatal(err)
			}
			if st.Present || st.Qualified {
				t.Errorf("no statements expected: %+v", st)
			}
			if len(st.Policies) != 1 || st.Policies[0] != tt.want {
				t.Fatalf("policies %v, want [%v]", st.Policies, tt.want)
			}
			p := st.Policies[0]
			if p.String() != tt.name || !p.OID().Equal(tt.oid) || p.QSCD() != tt.qscd {
				t.Errorf("policy %v: name %q oid %v qscd %v", p, p.String(), p.OID(), p.QSCD())
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	compliance := mustMarshal(t, stmt{ID: qc.OIDQcCompliance})
	tests := []struct {
		name      string
		der       []byte
		statement asn1.ObjectIdentifier
	}{
		{"empty input", nil, nil},
		{"not a sequence", []byte{0x04, 0x00}, nil},
		{"trailing data", append(mustMarshal(t, []stmt{}), 0), nil},
		{"truncated", mustMarshal(t, []stmt{{ID: qc.OIDQcCompliance}})[:5], nil},
		{"statement not a sequence", []byte{0x30, 0x02, 0x05, 0x00}, nil},
		{"statement without id", []byte{0x30, 0x04, 0x30, 0x02, 0x05, 0x00}, nil},
		{"two infos", mustMarshal(t, []asn1.RawValue{{FullBytes: append(append([]byte{0x30, byte(len(compliance) - 2 + 4)}, compliance[2:]...), 0x05, 0x00, 0x05, 0x00)}}), qc.OIDQcCompliance},
		{"duplicate", mustMarshal(t, []stmt{{ID: qc.OIDQcCompliance}, {ID: qc.OIDQcCompliance}}), qc.OIDQcCompliance},
		{"compliance with info", mustMarshal(t, []stmt{{ID: qc.OIDQcCompliance, Info: info(t, 1)}}), qc.OIDQcCompliance},
		{"limit value missing", mustMarshal(t, []stmt{{ID: qc.OIDQcLimitValue}}), qc.OIDQcLimitValue},
		{"limit value bad currency", mustMarshal(t, []stmt{{ID: qc.OIDQcLimitValue, Info: info(t, monetary{"EURO", 1, 0})}}), qc.OIDQcLimitValue},
		{"limit value numeric out of range", mustMarshal(t, []stmt{{ID: qc.OIDQcLimitValue, Info: info(t, monetaryNumeric{1000, 1, 0})}}), qc.OIDQcLimitValue},
		{"limit value missing exponent", mustMarshal(t, []stmt{{ID: qc.OIDQcLimitValue, Info: info(t, struct {
			C string `asn1:"printable"`
			A int
		}{"EUR", 1})}}), qc.OIDQcLimitValue},
		{"retention negative", mustMarshal(t, []stmt{{ID: qc.OIDQcRetentionPeriod, Info: info(t, -1)}}), qc.OIDQcRetentionPeriod},
		{"retention not integer", mustMarshal(t, []stmt{{ID: qc.OIDQcRetentionPeriod, Info: info(t, "x")}}), qc.OIDQcRetentionPeriod},
		{"pds empty", mustMarshal(t, []stmt{{ID: qc.OIDQcPDS, Info: info(t, []pdsLocation{})}}), qc.OIDQcPDS},
		{"pds bad language", mustMarshal(t, []stmt{{ID: qc.OIDQcPDS, Info: info(t, []pdsLocation{{"https://x", "eng"}})}}), qc.OIDQcPDS},
		{"type empty", mustMarshal(t, []stmt{{ID: qc.OIDQcType, Info: info(t, []asn1.ObjectIdentifier{})}}), qc.OIDQcType},
		{"type not oid", mustMarshal(t, []stmt{{ID: qc.OIDQcType, Info: info(t, []int{1})}}), qc.OIDQcType},
		{"legislation three letters", mustMarshal(t, []stmt{{ID: qc.OIDQcCClegislation, Info: info(t, []string{"BEL"})}}), qc.OIDQcCClegislation},
		{"semantics empty", mustMarshal(t, []stmt{{ID: qc.OIDPKIXQCSyntaxV2, Info: info(t, semantics{})}}), qc.OIDPKIXQCSyntaxV2},
		{"semantics universal name", mustMarshal(t, []stmt{{ID: qc.OIDPKIXQCSyntaxV2, Info: info(t, semantics{Names: []asn1.RawValue{{Tag: 4, Bytes: []byte("x")}}})}}), qc.OIDPKIXQCSyntaxV2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := qc.DecodeStatements(tt.der)
			if err == nil {
				t.Fatalf("decoded %+v, want an error", s)
			}
			if !errors.Is(err, qc.ErrMalformed) {
				t.Errorf("error %v is not ErrMalformed", err)
			}
			var de *qc.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %T is not *DecodeError", err)
			}
			if !de.Statement.Equal(tt.statement) {
				t.Errorf("statement %v, want %v", de.Statement, tt.statement)
			}
			if !strings.HasPrefix(err.Error(), "qc: ") {
				t.Errorf("message %q lacks the package prefix", err)
			}
		})
	}
	t.Run("FromCertificate", func(t *testing.T) {
		cert := makeCert(t, []stmt{{ID: qc.OIDQcRetentionPeriod, Info: info(t, "x")}})
		if _, err := qc.FromCertificate(cert); !errors.Is(err, qc.ErrMalformed) {
			t.Errorf("FromCertificate: %v", err)
		}
		if _, err := qc.Text(cert); !errors.Is(err, qc.ErrMalformed) {
			t.Errorf("Text: %v", err)
		}
		if _, err := qc.FromCertificate(nil); !errors.Is(err, qc.ErrMalformed) {
			t.Errorf("nil: %v", err)
		}
	})
}

// TestOpenSSLEncodedStatements decodes QCStatements encoded by openssl
// (asn1parse -genconf) from testdata/openssl-qcstatements.cnf, an encoder
// that is not ours, and checks every value against the configuration.
func TestOpenSSLEncodedStatements(t *testing.T) {
	openssl := testenv.Tool(t, "openssl")
	out := filepath.Join(t.TempDir(), "qc.der")
	cmd := exec.Command(openssl, "asn1parse", "-genconf", filepath.Join("testdata", "openssl-qcstatements.cnf"), "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl: %v\n%s", err, b)
	}
	der, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s, err := qc.DecodeStatements(der)
	if err != nil {
		t.Fatal(err)
	}
	st := qc.FromStatements(s)
	retention := 30
	want := qc.Status{
		Present: true,
		Statements: qc.Statements{
			Compliance:      true,
			LimitValue:      &qc.MonetaryValue{CurrencyNumber: 978, Amount: 5000, Exponent: 2},
			RetentionPeriod: &retention,
			SSCD:            true,
			PDS:             []qc.PDSLocation{{URL: "https://pds.example.test/fr.pdf", Language: "fr"}},
			Types:           []asn1.ObjectIdentifier{qc.OIDQcTypeESeal, qc.OIDQcTypeWeb},
			Legislation:     []string{"CH", "NO"},
			Semantics: &qc.Semantics{
				Syntax:                      qc.OIDPKIXQCSyntaxV2,
				ID:                          qc.OIDSemanticsLegal,
				NameRegistrationAuthorities: []string{"https://ra.example.test", "ra.example.test"},
			},
			IDs: []asn1.ObjectIdentifier{qc.OIDQcCompliance, qc.OIDQcLimitValue, qc.OIDQcRetentionPeriod, qc.OIDQcSSCD,
				qc.OIDQcPDS, qc.OIDQcType, qc.OIDQcCClegislation, qc.OIDPKIXQCSyntaxV2},
		},
		Qualified:   true,
		Legislation: []string{"CH", "NO"},
		QSCD:        true,
		Types:       []qc.Type{qc.TypeESeal, qc.TypeWeb},
	}
	if d := cmp.Diff(want, st); d != "" {
		t.Errorf("status (-want +got):\n%s", d)
	}
	if got := st.Statements.LimitValue.String(); got != "500000 currency 978" {
		t.Errorf("limit value %q", got)
	}
}

// readCardCert reads a certificate file of the specimen card: DER padded
// with zero bytes up to the file size.
func readCardCert(t *testing.T, name string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(testenv.RealData(t, "eid-specimen", "alice", name))
	if err != nil {
		t.Fatal(err)
	}
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(b, &raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rest {
		if c != 0 {
			t.Fatalf("%s: non-zero byte after the DER certificate", name)
		}
	}
	cert, err := x509.ParseCertificate(raw.FullBytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// TestSpecimenCard checks the specimen card's certificates: the signing
// certificate declares QcCompliance alone (so an EU qualified esign
// certificate by implication, without QcSSCD), the authentication
// certificate has no QCStatements; neither carries an EN 319 411-2 policy.
func TestSpecimenCard(t *testing.T) {
	t.Run("signing", func(t *testing.T) {
		st, err := qc.FromCertificate(readCardCert(t, "Alice_SigningCertificate.tlv"))
		if err != nil {
			t.Fatal(err)
		}
		if !st.Present || !st.Qualified || !st.EU || st.QSCD || !st.TypeImplied ||
			len(st.Types) != 1 || st.Types[0] != qc.TypeESign || len(st.Policies) != 0 {
			t.Errorf("signing certificate status: %+v", st)
		}
		if d := cmp.Diff([]asn1.ObjectIdentifier{qc.OIDQcCompliance}, st.Statements.IDs); d != "" {
			t.Errorf("statements (-want +got):\n%s", d)
		}
	})
	t.Run("authentication", func(t *testing.T) {
		st, err := qc.FromCertificate(readCardCert(t, "Alice_AuthentificationCertificate.tlv"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Present || st.Qualified || len(st.Types) != 0 || len(st.Policies) != 0 {
			t.Errorf("authentication certificate status: %+v", st)
		}
	})
}

// TestBelgianCAs: the Belgian root and CA certificates carry neither
// QCStatements nor qualified policies.
func TestBelgianCAs(t *testing.T) {
	dir := testenv.RealData(t, "belgium-pki")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".pem") && !strings.HasSuffix(name, ".crt") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if p, _ := pem.Decode(b); p != nil {
				b = p.Bytes
			}
			// Some published files carry zero padding after the DER
			// certificate, as card files do: keep the DER value only.
			var raw asn1.RawValue
			if _, err := asn1.Unmarshal(b, &raw); err != nil {
				t.Fatalf("not DER: %v", err)
			}
			cert, err := x509.ParseCertificate(raw.FullBytes)
			if err != nil {
				t.Fatal(err)
			}
			st, err := qc.FromCertificate(cert)
			if err != nil {
				t.Fatal(err)
			}
			if st.Present || st.Qualified || len(st.Policies) != 0 {
				t.Errorf("%s: %+v", cert.Subject, st)
			}
			txt, err := qc.Text(cert)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(txt, "QCStatements: absent") || !strings.Contains(txt, "Qualified: no") {
				t.Errorf("text lacks the QC section:\n%s", txt)
			}
		})
	}
	if n < 9 {
		t.Errorf("found %d certificates in belgium-pki, want 9", n)
	}
}

// TestGolden compares the qualified status text of a Go-made certificate
// with every statement with testdata/full.golden (go test -update rewrites it).
func TestGolden(t *testing.T) {
	cert := makeCert(t, allStatements(t), asn1.ObjectIdentifier{0, 4, 0, 194112, 1, 2})
	got, err := qc.Text(cert)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "full.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("text differs from %s (-want +got):\n%s", golden, d)
	}
}
