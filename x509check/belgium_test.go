package x509check_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
)

// certWithPolicy makes a self-signed certificate carrying one policy OID.
func certWithPolicy(t *testing.T, key *ecdsa.PrivateKey, oid string) *x509.Certificate {
	t.Helper()
	var ints []uint64
	for _, p := range strings.Split(oid, ".") {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		ints = append(ints, n)
	}
	o, err := x509.OIDFromInts(ints)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: oid},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), Policies: []x509.OID{o}}
	c := testpki.MustIssue(t, tmpl, nil, key.Public(), key)
	return c
}

// The Belgian eID policy OIDs of every root generation (the table of the
// revocation checklist), one subtest per OID.
func TestClassifyBelgian(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	const (
		cs = x509check.CitizenSignature
		ca = x509check.CitizenAuthentication
		fs = x509check.ForeignerSignature
		fa = x509check.ForeignerAuthentication
		rr = x509check.RRN
	)
	tests := []struct {
		oid string
		typ x509check.BelgianType
		gen string
	}{
		{"2.16.56.1.1.1.2.1", cs, "Root CA"}, {"2.16.56.1.1.1.2.2", ca, "Root CA"},
		{"2.16.56.1.1.1.7.1", fs, "Root CA"}, {"2.16.56.1.1.1.7.2", fa, "Root CA"}, {"2.16.56.1.1.1.4", rr, "Root CA"},
		{"2.16.56.9.1.1.2.1", cs, "CA2"}, {"2.16.56.9.1.1.2.2", ca, "CA2"},
		{"2.16.56.9.1.1.7.1", fs, "CA2"}, {"2.16.56.9.1.1.7.2", fa, "CA2"}, {"2.16.56.9.1.1.4", rr, "CA2"},
		{"2.16.56.10.1.1.2.1", cs, "CA3"}, {"2.16.56.10.1.1.2.2", ca, "CA3"},
		{"2.16.56.10.1.1.7.1", fs, "CA3"}, {"2.16.56.10.1.1.7.2", fa, "CA3"}, {"2.16.56.10.1.1.4", rr, "CA3"},
		{"2.16.56.12.1.1.2.1", cs, "CA4"}, {"2.16.56.12.1.1.2.2", ca, "CA4"},
		{"2.16.56.12.1.1.7.1", fs, "CA4"}, {"2.16.56.12.1.1.7.2", fa, "CA4"}, {"2.16.56.12.1.1.4", rr, "CA4"},
		{"2.16.56.13.6.1.2.1000", cs, "CA6"}, {"2.16.56.13.6.1.1.1000", ca, "CA6"},
		{"2.16.56.13.6.2.2.1000", fs, "CA6"}, {"2.16.56.13.6.2.1.1000", fa, "CA6"}, {"2.16.56.13.6.0.1", rr, "CA6"},
		// Not eID leaf policies: CA policies, the test card's, others.
		{"2.16.56.9.1.1.2", x509check.NotBelgian, ""}, {"2.16.56.12.1.1", x509check.NotBelgian, ""},
		{"2.16.56.1.40.40.40.1", x509check.NotBelgian, ""}, {"0.4.0.194112.1.2", x509check.NotBelgian, ""},
	}
	for _, tt := range tests {
		t.Run(tt.oid, func(t *testing.T) {
			k := x509check.ClassifyBelgian(certWithPolicy(t, key, tt.oid))
			if k.Type != tt.typ || k.Generation != tt.gen {
				t.Fatalf("ClassifyBelgian = %+v, want %v %q", k, tt.typ, tt.gen)
			}
			if tt.typ != x509check.NotBelgian && k.Policy != tt.oid {
				t.Fatalf("policy = %s", k.Policy)
			}
		})
	}
}

// FuzzParseCertificates: certificate input in PEM or (padded, chained)
// DER never panics, and what parses re-encodes to its own bytes.
func FuzzParseCertificates(f *testing.F) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fuzz"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	f.Add(der)
	f.Add(append(append([]byte{}, der...), make([]byte, 64)...))
	f.Add(append(append([]byte{}, der...), der...))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := x509check.ParseCertificates(data)
		if err != nil {
			if x509check.Code(err) != "bad-input" {
				t.Fatalf("error without ErrBadInput: %v", err)
			}
			return
		}
		if len(cs) == 0 {
			t.Fatal("no certificate and no error")
		}
		for _, c := range cs {
			if !bytes.Contains(data, c.Raw) && !bytes.Contains(data, []byte("-----BEGIN")) {
				t.Fatal("parsed certificate bytes not found in the DER input")
			}
		}
	})
}

// Subjects print the eID attributes by name, most specific first, as
// openssl's RFC 2253 form does.
func TestSubjectString(t *testing.T) {
	tests := []struct{ file, want string }{
		{"Alice_SigningCertificate.tlv", "SERIALNUMBER=71715100070,GN=Alice Geldigekaart,SN=SPECIMEN,CN=Alice SPECIMEN (Signature),C=BE"},
		{"Alice_RRNCertificate.tlv", "CN=test RRN,O=test RRN,C=BE"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := realCert(t, "eid-specimen", "alice", tt.file)
			if got := x509check.SubjectString(c); got != tt.want {
				t.Fatalf("SubjectString = %q, want %q", got, tt.want)
			}
		})
	}
}

// SubjectString agrees with openssl's RFC 2253 form on every real
// certificate (attribute names compared without case).
func TestSubjectStringAgainstOpenSSL(t *testing.T) {
	openssl := testenv.Tool(t, "openssl")
	files := []string{
		"belgium-pki/belgiumrca2.pem", "belgium-pki/belgiumrca6.pem", "belgium-pki/citizenca-202002.pem",
		"belgium-pki/foreignerca-202001.pem", "belgium-pki/citizenca-brca2.crt", "belgium-pki/rrn-brca2.crt",
		"eid-specimen/alice/Alice_AuthentificationCertificate.tlv", "eid-specimen/alice/Alice_CACertificate.tlv",
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			c := realCert(t, strings.Split(f, "/")...)
			form := "PEM"
			if !strings.HasSuffix(f, ".pem") {
				form = "DER"
			}
			// openssl reads the DER up to its end; trailing padding is ignored.
			out, err := exec.Command(openssl, "x509", "-inform", form, "-in", testenv.RealData(t, strings.Split(f, "/")...),
				"-noout", "-subject", "-nameopt", "RFC2253").Output()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSpace(strings.TrimPrefix(string(out), "subject="))
			if got := x509check.SubjectString(c); !strings.EqualFold(got, want) {
				t.Fatalf("SubjectString = %q\nopenssl        = %q", got, want)
			}
		})
	}
}
