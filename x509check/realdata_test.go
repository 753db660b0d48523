package x509check_test

import (
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
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
			r, ok := belgianRootOf(c)
			if !ok || r.Name != tt.name || r.Name != c.Subject.CommonName {
				t.Fatalf("root pinned = %+v, %v; want %s", r, ok, tt.name)
			}
		})
	}
	// CA certificates are not roots: they match no pin.
	for _, f := range []string{"citizenca-202002.pem", "foreignerca-202001.pem", "citizenca-brca2.crt", "rrn-brca2.crt"} {
		if _, ok := belgianRootOf(realCert(t, "belgium-pki", f)); ok {
			t.Errorf("%s matched a root pin", f)
		}
	}
}

// A folder given as Belgian roots is read whole: its roots must match a
// pin, and the CA certificates beside them serve as intermediates; a
// self-signed certificate that matches no pin is refused.
func TestBelgianRootsFolder(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"belgiumrca4b.pem", "belgiumrca6.pem", "citizenca-202002.pem", "foreignerca-202001.pem"} {
		b, err := os.ReadFile(testenv.RealData(t, "belgium-pki", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		load func() ([]*x509.Certificate, error)
	}{
		{"LoadCertificates", func() ([]*x509.Certificate, error) { return x509check.LoadCertificates(dir) }},
		{"LoadCertificatesFS", func() ([]*x509.Certificate, error) { return x509check.LoadCertificatesFS(os.DirFS(dir), ".") }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			certs, err := tt.load()
			if err != nil || len(certs) != 4 {
				t.Fatalf("loaded %d certificates: %v", len(certs), err)
			}
			v, err := x509check.NewValidator(x509check.Options{BelgianRoots: certs, CurrentTime: at, Revocation: x509check.NoRevocation})
			if err != nil {
				t.Fatalf("a folder of roots and CAs refused: %v", err)
			}
			// A leaf-like check: the folder's Citizen CA is an
			// intermediate, not an anchor, so a certificate it issued
			// chains through it to Root CA6; the CA itself validates to
			// the root.
			res, err := v.Validate(t.Context(), realCert(t, "belgium-pki", "foreignerca-202001.pem"))
			if err != nil || len(res.Chain) != 2 || res.Chain[1].Subject.CommonName != "Belgium Root CA6" {
				t.Fatalf("Foreigner CA: %v %v", err, res.Subjects())
			}
		})
	}
	// A self-signed certificate that is no Belgian root.
	for _, bad := range [][]*x509.Certificate{
		{realCert(t, "belgium-pki", "belgiumrca6.pem"), realCert(t, "eid-specimen", "alice", "Alice_RootCertificate.tlv")},
	} {
		if _, err := x509check.NewValidator(x509check.Options{BelgianRoots: bad}); !errors.Is(err, x509check.ErrPinMismatch) {
			t.Fatalf("the specimen card's test root given as Belgian root: err = %v, want ErrPinMismatch", err)
		}
	}
	// A CA certificate alone is no anchor.
	v, err := x509check.NewValidator(x509check.Options{BelgianRoots: []*x509.Certificate{realCert(t, "belgium-pki", "citizenca-202002.pem")},
		CurrentTime: at, Revocation: x509check.NoRevocation})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Validate(t.Context(), realCert(t, "belgium-pki", "citizenca-202002.pem")); !errors.Is(err, x509check.ErrNoTrust) {
		t.Fatalf("CA certificate without its root: err = %v, want ErrNoTrust", err)
	}
}

// The roots that ship with the package: the five Belgian roots, fresh
// copies at each call, validating the real Citizen CA of 2020 with no file
// given, and the Root CA2-era SHA-1 path with the opt-in.
func TestBelgianRootsEmbedded(t *testing.T) {
	roots := x509check.BelgianRoots()
	var names []string
	for _, c := range roots {
		r, ok := belgianRootOf(c)
		if !ok || r.Name != c.Subject.CommonName {
			t.Fatalf("%s: root pinned = %+v, %v", c.Subject, r, ok)
		}
		names = append(names, r.Name+" to "+c.NotAfter.Format("2006"))
	}
	want := "Belgium Root CA2 to 2021,Belgium Root CA3 to 2028,Belgium Root CA4 to 2028,Belgium Root CA4 to 2032,Belgium Root CA6 to 2040"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("roots = %s, want %s", got, want)
	}
	roots[0].Subject.CommonName = "changed"
	roots[0].Raw[0] ^= 0xff
	if again := x509check.BelgianRoots(); again[0].Subject.CommonName != "Belgium Root CA2" || again[0].Raw[0] != 0x30 {
		t.Fatal("BelgianRoots returned shared certificates")
	}

	v, err := x509check.NewValidator(x509check.Options{BelgianRoots: x509check.BelgianRoots(),
		CurrentTime: time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC), Revocation: x509check.NoRevocation})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"citizenca-202002.pem", "foreignerca-202001.pem"} {
		res, err := v.Validate(t.Context(), realCert(t, "belgium-pki", f))
		if err != nil || !res.Valid || len(res.Chain) != 2 || x509check.SPKIPin(res.Chain[1]) != x509check.PinBelgiumRootCA6 {
			t.Fatalf("%s: %v %v", f, err, res.Subjects())
		}
	}

	// Root CA2 era: SHA-1 signed, valid only with the opt-in.
	at2016 := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, allow := range []bool{false, true} {
		res, err := checktest.Validate(t.Context(), realCert(t, "belgium-pki", "citizenca-brca2.crt"), x509check.Options{
			BelgianRoots: x509check.BelgianRoots(), CurrentTime: at2016, Revocation: x509check.NoRevocation, AllowSHA1Signatures: allow})
		if allow && (err != nil || len(res.Chain) != 2 || res.Chain[1].Subject.CommonName != "Belgium Root CA2") {
			t.Fatalf("SHA-1 allowed: %v %v", err, res.Subjects())
		}
		if !allow && !errors.Is(err, x509check.ErrUntrusted) {
			t.Fatalf("SHA-1 not allowed: err = %v, want ErrUntrusted", err)
		}
	}
}

// The Citizen and Foreigner CA 2020 certificates validate to Root CA6.
func TestRealCA6Chains(t *testing.T) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, f := range []string{"citizenca-202002.pem", "foreignerca-202001.pem"} {
		t.Run(f, func(t *testing.T) {
			v, err := x509check.NewValidator(x509check.Options{
				BelgianRoots: []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca6.pem")},
				CurrentTime:  at,
				Revocation:   x509check.NoRevocation,
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
				BelgianRoots: []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca6.pem")},
				CurrentTime:  time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
				Revocation:   x509check.NoRevocation,
			})
			if _, err := v2.Validate(t.Context(), realCert(t, "belgium-pki", f)); !errors.Is(err, x509check.ErrNotYetValid) {
				t.Fatalf("in 2019: err = %v, want ErrNotYetValid", err)
			}
			// Under another root: untrusted.
			v3, _ := x509check.NewValidator(x509check.Options{
				BelgianRoots: []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca4b.pem")},
				CurrentTime:  at, Revocation: x509check.NoRevocation,
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
				BelgianRoots: []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca2.pem")},
				CurrentTime:  time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC),
				Revocation:   x509check.NoRevocation,
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

// belgianRootOf returns the Belgian root pinned for c's public key.
func belgianRootOf(c *x509.Certificate) (x509check.BelgianRoot, bool) {
	pin := x509check.SPKIPin(c)
	for _, r := range x509check.BelgianRootPins() {
		if r.SPKISHA256 == pin {
			return r, true
		}
	}
	return x509check.BelgianRoot{}, false
}
