package x509check_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
	"github.com/csam-go/csam/x509check/crl"
	"github.com/csam-go/csam/x509check/ocsp"
)

// TestCRLChecker checks the test PKI against CRLs from `openssl ca
// -gencrl`, given or fetched from the certificates' distribution point,
// through package x509check/crl.
func TestCRLChecker(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	der := p.GenCRL(t, 24)
	var fetches atomic.Int64
	body := der
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if r.URL.Path != "/citizen.crl" {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	doer := rewriteDoer{srv.URL}
	badSig := append([]byte(nil), der...)
	badSig[len(badSig)-5] ^= 0x40

	tests := []struct {
		name   string
		copts  x509check.CRLOptions
		cert   *testpki.Cert
		at     time.Time
		status x509check.Status
		want   error
		url    string
	}{
		{"provided good", x509check.CRLOptions{CRLs: [][]byte{der}, Offline: true}, p.Auth, time.Time{}, x509check.StatusGood, nil, "provided"},
		{"provided revoked", x509check.CRLOptions{CRLs: [][]byte{der}, Offline: true}, p.Revoked, time.Time{}, x509check.StatusRevoked, x509check.ErrRevoked, "provided"},
		{"provided on hold", x509check.CRLOptions{CRLs: [][]byte{der}, Offline: true}, p.Held, time.Time{}, x509check.StatusSuspended, x509check.ErrSuspended, "provided"},
		{"fetched good", x509check.CRLOptions{HTTP: doer}, p.Sign, time.Time{}, x509check.StatusGood, nil, p.CRLURL},
		{"fetched revoked", x509check.CRLOptions{HTTP: doer}, p.Revoked, time.Time{}, x509check.StatusRevoked, x509check.ErrRevoked, p.CRLURL},
		{"stale", x509check.CRLOptions{CRLs: [][]byte{der}, Offline: true}, p.Auth, time.Now().Add(48 * time.Hour), x509check.StatusUndetermined, errStaleResponse, "provided"},
		{"bad signature", x509check.CRLOptions{CRLs: [][]byte{badSig}, Offline: true}, p.Auth, time.Time{}, x509check.StatusUndetermined, errBadSignature, "provided"},
		{"too large", x509check.CRLOptions{HTTP: doer, MaxBytes: 64}, p.Auth, time.Time{}, x509check.StatusUndetermined, errResponseTooLarge, p.CRLURL},
		{"offline without CRL", x509check.CRLOptions{Offline: true}, p.Auth, time.Time{}, x509check.StatusUndetermined, errNoSource, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chk, err := x509check.NewCRLChecker(tt.copts)
			if err != nil {
				t.Fatal(err)
			}
			res, err := validate(context.Background(), tt.cert.Cert, x509check.Options{
				Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
				Revocation: x509check.CRLOnly, CRL: chk, CurrentTime: tt.at,
			})
			if res.Revocation != tt.status {
				t.Fatalf("revocation = %v (%v), want %v", res.Revocation, err, tt.status)
			}
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if s := res.Sources[0]; s.Kind != "crl" || s.URL != tt.url {
				t.Fatalf("source = %+v", s)
			}
		})
	}

	// Fetched once, then served from the cache with its index.
	chk, _ := x509check.NewCRLChecker(x509check.CRLOptions{HTTP: doer})
	v, _ := x509check.NewValidator(x509check.Options{Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.CRLOnly, CRL: chk})
	before := fetches.Load()
	for _, c := range []*testpki.Cert{p.Auth, p.Sign, p.Revoked, p.Auth} {
		v.Validate(context.Background(), c.Cert)
	}
	if n := fetches.Load() - before; n != 1 {
		t.Fatalf("CRL fetched %d times, want 1", n)
	}

	// CRL first, falling back to OCSP when no CRL decides.
	p.StartOCSP(t, 5)
	chk, _ = x509check.NewCRLChecker(x509check.CRLOptions{CRLs: [][]byte{badSig}, Offline: true})
	res, err := validate(context.Background(), p.Auth.Cert, x509check.Options{
		Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.CRLFirst, CRL: chk, OCSP: ocsp.NewChecker(ocsp.Options{GetLimit: -1}),
	})
	if err != nil || res.Revocation != x509check.StatusGood || len(res.Sources) < 2 ||
		res.Sources[0].Kind != "crl" || res.Sources[1].Kind != "ocsp" || res.Sources[1].Status != x509check.StatusGood {
		t.Fatalf("crl-first fallback: %v %+v", err, res.Sources)
	}
}

// A revoked intermediate makes the chain revoked: the root's CRL (made
// here in Go) lists the Citizen CA.
func TestIntermediateRevokedByCRL(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	citizen := p.GenCRL(t, 24)
	now := time.Now()
	rootCRL, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(7), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
		RevokedCertificateEntries: []x509.RevocationListEntry{
			{SerialNumber: p.CA.Cert.SerialNumber, RevocationTime: now.Add(-time.Minute), ReasonCode: int(crl.ReasonCACompromise)},
		},
	}, p.Root.Cert, p.Root.Key)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		crls   [][]byte
		status x509check.Status
		want   error
	}{
		{"CA revoked", [][]byte{citizen, rootCRL}, x509check.StatusRevoked, x509check.ErrRevoked},
		// The CA certificate names no distribution point: nothing to consult
		// for it, recorded as such.
		{"root CRL missing", [][]byte{citizen}, x509check.StatusGood, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			chk, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: tt.crls, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			res, err := validate(context.Background(), p.Auth.Cert, x509check.Options{
				Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
				Revocation: x509check.CRLOnly, CRL: chk,
			})
			if res.Revocation != tt.status || (tt.want == nil) != (err == nil) || !errors.Is(err, tt.want) || res.Valid != (tt.want == nil) {
				t.Fatalf("revocation = %v, err = %v", res.Revocation, err)
			}
			if tt.want == nil && !errors.Is(res.Sources[1].Err, errNoSource) {
				t.Fatalf("CA source = %+v", res.Sources[1])
			}
			var re *x509check.RevokedError
			if tt.want == x509check.ErrRevoked && (!errors.As(err, &re) || re.Subject != p.CA.Cert.Subject.String() || re.Reason != crl.ReasonCACompromise) {
				t.Fatalf("err = %v", err)
			}
			if len(res.Sources) != 2 || res.Sources[0].Status != x509check.StatusGood {
				t.Fatalf("sources = %+v", res.Sources)
			}
		})
	}
}

// TestCANamingSourcesOffline: a CA certificate that names a CRL
// distribution point must be checked like a leaf. Offline, without its
// issuer's CRL, its status is undetermined: the validation fails (hard
// fail), and passes only with SoftFail. (A CA naming no source at all has
// nothing to consult: see TestIntermediateRevokedByCRL.)
func TestCANamingSourcesOffline(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	ca := p.Issue(t, "ca-with-dp", p.Root, &x509.Certificate{
		Subject:   pkixName("Citizen CA with a distribution point"),
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		CRLDistributionPoints: []string{"http://crl.invalid/root.crl"},
	})
	leaf := p.Issue(t, "leaf-under-dp", ca, &x509.Certificate{
		Subject:   pkixName("Leaf"),
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature,
	})
	caCRL, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(1), ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour),
	}, ca.Cert, ca.Key)
	if err != nil {
		t.Fatal(err)
	}
	for _, soft := range []bool{false, true} {
		t.Run(map[bool]string{false: "hard fail", true: "soft fail"}[soft], func(t *testing.T) {
			chk, err := x509check.NewCRLChecker(x509check.CRLOptions{CRLs: [][]byte{caCRL}, Offline: true})
			if err != nil {
				t.Fatal(err)
			}
			res, err := validate(context.Background(), leaf.Cert, x509check.Options{
				Roots: certPool(p.Root.Cert), Intermediates: certPool(ca.Cert),
				Revocation: x509check.CRLOnly, CRL: chk, Offline: true, SoftFail: soft,
			})
			if len(res.Sources) != 2 || res.Sources[0].Status != x509check.StatusGood ||
				res.Sources[1].Status != x509check.StatusUndetermined || !errors.Is(res.Sources[1].Err, errNoSource) {
				t.Fatalf("sources = %+v", res.Sources)
			}
			if soft {
				if err != nil || !res.Valid {
					t.Fatalf("soft fail: err = %v", err)
				}
				return
			}
			if !errors.Is(err, x509check.ErrRevocationUnavailable) || res.Valid || res.Revocation != x509check.StatusUndetermined {
				t.Fatalf("revocation %v, err = %v; want undetermined, ErrRevocationUnavailable", res.Revocation, err)
			}
		})
	}
}

func pkixName(cn string) pkix.Name { return pkix.Name{Country: []string{"BE"}, CommonName: cn} }
