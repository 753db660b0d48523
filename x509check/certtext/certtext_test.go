package certtext_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/certtext"
	"github.com/csam-go/csam/x509check/qc"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// realCert reads a certificate of the repository's real data: PEM, or DER
// padded with zero bytes as card files are.
func realCert(t *testing.T, elem ...string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(testenv.RealData(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := x509check.ParseCertificates(b)
	if err != nil {
		t.Fatal(err)
	}
	return cs[0]
}

// The text of real certificates: certinfo's part names the subject and
// issuer, and the qualified status section of package qc ends it.
func TestText(t *testing.T) {
	for _, tc := range []struct {
		elem []string
		want []string
	}{
		{[]string{"eid-specimen", "alice", "Alice_SigningCertificate.tlv"},
			[]string{"Certificate:", "Alice", "Qualified: yes, EU qualified certificate (QcCompliance)"}},
		{[]string{"eid-specimen", "alice", "Alice_AuthentificationCertificate.tlv"},
			[]string{"Certificate:", "Alice", "QCStatements: absent", "Qualified: no"}},
		{[]string{"belgium-pki", "citizenca-202002.pem"},
			[]string{"Certificate:", "Citizen CA", "Belgium Root CA6", "QCStatements: absent"}},
	} {
		t.Run(filepath.Base(tc.elem[len(tc.elem)-1]), func(t *testing.T) {
			c := realCert(t, tc.elem...)
			got, err := certtext.Text(c)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q:\n%s", w, got)
				}
			}
			q, err := qc.Text(c)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(got, "\n"+q) || !strings.HasPrefix(got, "Certificate:\n") {
				t.Errorf("text is not certinfo's followed by qc.Text:\n%s", got)
			}
		})
	}
}

// TestGolden compares the specimen signature certificate's text with
// testdata/specimen-signature.golden (go test -update rewrites it).
func TestGolden(t *testing.T) {
	got, err := certtext.Text(realCert(t, "eid-specimen", "alice", "Alice_SigningCertificate.tlv"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "specimen-signature.golden")
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

// Undecodable QCStatements are an error matching qc.ErrMalformed.
func TestMalformedStatements(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "bad statements"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 3}, Value: []byte{0x30, 0x03, 0x02}}},
	}
	c := testpki.MustIssue(t, tmpl, nil, key.Public(), key)
	if _, err := certtext.Text(c); !errors.Is(err, qc.ErrMalformed) || !strings.HasPrefix(err.Error(), "certtext: ") {
		t.Fatalf("err = %v, want qc.ErrMalformed", err)
	}
}
