package x509check_test

import (
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check"
)

func realCert(t *testing.T, elem ...string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(testenv.RealData(t, elem...))
	if err != nil {
		t.Fatal(err)
	}
	cs, err := x509check.ParseCertificates(b)
	if err != nil {
		t.Fatalf("%v: %v", elem, err)
	}
	return cs[0]
}

// Each real Belgian root matches its pin, and the re-issued Root CA4 the
// same pin as the first issue.
func TestBelgianRootPins(t *testing.T) {
	tests := []struct {
		file, pin, name string
	}{
		{"belgiumrca2.pem", x509check.PinBelgiumRootCA2, "Belgium Root CA2"},
		{"belgiumrca3.pem", x509check.PinBelgiumRootCA3, "Belgium Root CA3"},
		{"belgiumrca4.pem", x509check.PinBelgiumRootCA4, "Belgium Root CA4"},
		{"belgiumrca4b.pem", x509check.PinBelgiumRootCA4, "Belgium Root CA4"},
		{"belgiumrca6.pem", x509check.PinBelgiumRootCA6, "Belgium Root CA6"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c := realCert(t, "belgium-pki", tt.file)
			if got := x509check.SPKIPin(c); got != tt.pin {
				t.Fatalf("SPKI pin = %s, want %s", got, tt.pin)
			}
			r, ok := x509check.MatchBelgianRoot(c)
			if !ok || r.Name != tt.name || r.Name != c.Subject.CommonName {
				t.Fatalf("MatchBelgianRoot = %+v, %v; want %s", r, ok, tt.name)
			}
		})
	}
	// CA certificates are not roots: they match no pin.
	for _, f := range []string{"citizenca-202002.pem", "foreignerca-202001.pem", "citizenca-brca2.crt", "rrn-brca2.crt"} {
		if _, ok := x509check.MatchBelgianRoot(realCert(t, "belgium-pki", f)); ok {
			t.Errorf("%s matched a root pin", f)
		}
	}
}

// A folder of roots is accepted only when every certificate matches a pin.
func TestBelgianRootPathsPinned(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"belgiumrca4b.pem", "belgiumrca6.pem"} {
		b, err := os.ReadFile(testenv.RealData(t, "belgium-pki", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir+"/"+f, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := x509check.NewValidator(x509check.Options{BelgianRootPaths: []string{dir}}); err != nil {
		t.Fatalf("pinned roots rejected: %v", err)
	}
	_, err := x509check.NewValidator(x509check.Options{BelgianRootPaths: []string{
		testenv.RealData(t, "belgium-pki", "citizenca-202002.pem")}})
	if !errors.Is(err, x509check.ErrPinMismatch) {
		t.Fatalf("a CA certificate given as Belgian root: err = %v, want ErrPinMismatch", err)
	}
}

// The Citizen and Foreigner CA 2020 certificates validate to Root CA6.
func TestRealCA6Chains(t *testing.T) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, f := range []string{"citizenca-202002.pem", "foreignerca-202001.pem"} {
		t.Run(f, func(t *testing.T) {
			v, err := x509check.NewValidator(x509check.Options{
				BelgianRootPaths: []string{testenv.RealData(t, "belgium-pki", "belgiumrca6.pem")},
				CurrentTime:      at,
				Revocation:       x509check.NoRevocation,
			})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(t.Context(), realCert(t, "belgium-pki", f))
			if err != nil || !res.Valid {
				t.Fatalf("Validate: %v", err)
			}
			if len(res.Chain) != 2 || res.Chain[1].Subject.CommonName != "Belgium Root CA6" {
				t.Fatalf("chain = %v", res.Subjects())
			}
			if res.Revocation != x509check.StatusNotChecked {
				t.Fatalf("revocation = %v, want not-checked", res.Revocation)
			}
			// Outside the validity (before Root CA6 existed): not yet valid.
			v2, _ := x509check.NewValidator(x509check.Options{
				BelgianRootPaths: []string{testenv.RealData(t, "belgium-pki", "belgiumrca6.pem")},
				CurrentTime:      time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
				Revocation:       x509check.NoRevocation,
			})
			if _, err := v2.Validate(t.Context(), realCert(t, "belgium-pki", f)); !errors.Is(err, x509check.ErrNotYetValid) {
				t.Fatalf("in 2019: err = %v, want ErrNotYetValid", err)
			}
			// Under another root: untrusted.
			v3, _ := x509check.NewValidator(x509check.Options{
				BelgianRootPaths: []string{testenv.RealData(t, "belgium-pki", "belgiumrca4b.pem")},
				CurrentTime:      at, Revocation: x509check.NoRevocation,
			})
			if _, err := v3.Validate(t.Context(), realCert(t, "belgium-pki", f)); !errors.Is(err, x509check.ErrUntrusted) {
				t.Fatalf("under Root CA4: err = %v, want ErrUntrusted", err)
			}
		})
	}
}

// The CA2-era certificates are signed with SHA-1, which crypto/x509 no
// longer verifies in paths: the validator reports them untrusted, and
// their signature still checks against Root CA2 (and no other root).
func TestRealCA2Certificates(t *testing.T) {
	ca2 := realCert(t, "belgium-pki", "belgiumrca2.pem")
	others := []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca3.pem"), realCert(t, "belgium-pki", "belgiumrca4.pem")}
	for _, tt := range []struct {
		file string
		kind x509check.BelgianType
	}{{"citizenca-brca2.crt", x509check.NotBelgian}, {"rrn-brca2.crt", x509check.RRN}} {
		t.Run(tt.file, func(t *testing.T) {
			c := realCert(t, "belgium-pki", tt.file)
			if err := ca2.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
				t.Fatalf("not signed by Root CA2: %v", err)
			}
			for _, o := range others {
				if o.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil {
					t.Fatalf("also verifies under %s", o.Subject.CommonName)
				}
			}
			if k := x509check.ClassifyBelgian(c); k.Type != tt.kind {
				t.Fatalf("ClassifyBelgian = %+v, want %v", k, tt.kind)
			}
			v, _ := x509check.NewValidator(x509check.Options{
				BelgianRootPaths: []string{testenv.RealData(t, "belgium-pki", "belgiumrca2.pem")},
				CurrentTime:      time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC),
				Revocation:       x509check.NoRevocation,
			})
			if _, err := v.Validate(t.Context(), c); !errors.Is(err, x509check.ErrUntrusted) {
				t.Fatalf("err = %v, want ErrUntrusted (SHA-1 path)", err)
			}
		})
	}
}

// The specimen card's certificate files are DER padded with zeros.
func TestSpecimenCardFiles(t *testing.T) {
	tests := []struct {
		file, cn string
		ku       x509.KeyUsage
	}{
		{"Alice_AuthentificationCertificate.tlv", "Alice SPECIMEN (Authentication)", x509.KeyUsageDigitalSignature},
		{"Alice_SigningCertificate.tlv", "Alice SPECIMEN (Signature)", x509.KeyUsageContentCommitment},
		{"Alice_CACertificate.tlv", "eID test Citizen CA", x509.KeyUsageCertSign | x509.KeyUsageCRLSign},
		{"Alice_RootCertificate.tlv", "eID test Root CA", x509.KeyUsageCertSign | x509.KeyUsageCRLSign},
		{"Alice_RRNCertificate.tlv", "test RRN", x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(testenv.RealData(t, "eid-specimen", "alice", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			c := realCert(t, "eid-specimen", "alice", tt.file)
			if c.Subject.CommonName != tt.cn || c.KeyUsage != tt.ku {
				t.Fatalf("got %q ku %b", c.Subject.CommonName, c.KeyUsage)
			}
			if len(c.Raw) >= len(raw) && raw[len(raw)-1] == 0 {
				t.Fatalf("padding kept: %d of %d bytes", len(c.Raw), len(raw))
			}
		})
	}
	// The signature certificate states it is qualified.
	q := x509check.CertificateQualification(realCert(t, "eid-specimen", "alice", "Alice_SigningCertificate.tlv"))
	if !q.Qualified || !q.Compliance {
		t.Fatalf("specimen signature certificate: %+v", q)
	}
	if q := x509check.CertificateQualification(realCert(t, "eid-specimen", "alice", "Alice_AuthentificationCertificate.tlv")); q.Qualified {
		t.Fatalf("specimen authentication certificate qualified: %+v", q)
	}
}

// rewriteDoer sends every request to a test server, keeping the path.
type rewriteDoer struct{ base string }

func (d rewriteDoer) Do(r *http.Request) (*http.Response, error) {
	u, _ := url.Parse(d.base)
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host = u.Scheme, u.Host
	r2.Host = u.Host
	return http.DefaultClient.Do(r2)
}

// Downloaded roots are kept only when they match their pin: the official
// addresses served here by a local server, one of them serving the wrong
// certificate.
func TestDownloadBelgianRoots(t *testing.T) {
	files := map[string]string{
		"/belgiumrs2.crt": "belgiumrca2.pem",
		"/belgiumrs3.crt": "belgiumrca3.pem",
		"/belgiumrs4.crt": "belgiumrca4b.pem",     // the re-issue: same key, same pin
		"/eid/brca6.crt":  "citizenca-202002.pem", // wrong: a CA certificate, not Root CA6
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(testenv.RealData(t, "belgium-pki", f))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	got, err := x509check.DownloadBelgianRoots(t.Context(), rewriteDoer{srv.URL})
	if !errors.Is(err, x509check.ErrPinMismatch) || !strings.Contains(err.Error(), "brca6.crt") {
		t.Fatalf("err = %v, want a pin mismatch for brca6.crt", err)
	}
	var names []string
	for _, c := range got {
		names = append(names, c.Subject.CommonName)
	}
	if want := "Belgium Root CA2,Belgium Root CA3,Belgium Root CA4"; strings.Join(names, ",") != want {
		t.Fatalf("roots = %v, want %s", names, want)
	}
	if got[2].NotAfter.Year() != 2032 {
		t.Fatalf("Root CA4 re-issue not the one served: %v", got[2].NotAfter)
	}
}
