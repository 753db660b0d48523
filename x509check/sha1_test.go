package x509check_test

import (
	"bytes"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/checktest"
	"github.com/csam-go/csam/x509check"
)

// TestAllowSHA1Signatures validates real SHA-1 signed certificates: the
// Citizen CA and RRN certificates under Belgium Root CA2 (2013–2020), and
// the specimen card's authentication certificate (2009–2014) under its
// test Citizen CA and Root CA. crypto/x509 refuses them: they are
// untrusted by default and valid only with AllowSHA1Signatures, at a time
// inside their validity.
func TestAllowSHA1Signatures(t *testing.T) {
	ca2 := []*x509.Certificate{realCert(t, "belgium-pki", "belgiumrca2.pem")}
	alice := func(f string) []*x509.Certificate {
		return []*x509.Certificate{realCert(t, "eid-specimen", "alice", f)}
	}
	tamper := func(c *x509.Certificate) *x509.Certificate {
		raw := bytes.Clone(c.Raw)
		raw[len(raw)-1] ^= 1 // the signature's last byte
		d, err := x509.ParseCertificate(raw)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	citizenCA := realCert(t, "belgium-pki", "citizenca-brca2.crt")
	at2016 := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		cert  *x509.Certificate
		opts  x509check.Options
		allow bool
		want  error
		chain []string // CNs, leaf first
	}{
		{name: "Citizen CA under Root CA2, refused by default", cert: citizenCA,
			opts: x509check.Options{BelgianRoots: ca2, CurrentTime: at2016},
			want: x509check.ErrUntrusted},
		{name: "Citizen CA under Root CA2", cert: citizenCA, allow: true,
			opts:  x509check.Options{BelgianRoots: ca2, CurrentTime: at2016},
			chain: []string{"Citizen CA", "Belgium Root CA2"}},
		{name: "RRN under Root CA2", cert: realCert(t, "belgium-pki", "rrn-brca2.crt"), allow: true,
			opts:  x509check.Options{BelgianRoots: ca2, CurrentTime: at2016},
			chain: []string{"RRN", "Belgium Root CA2"}},
		{name: "Citizen CA after its validity", cert: citizenCA, allow: true,
			opts: x509check.Options{BelgianRoots: ca2, CurrentTime: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC)},
			want: x509check.ErrExpired},
		{name: "Citizen CA with a changed signature", cert: tamper(citizenCA), allow: true,
			opts: x509check.Options{BelgianRoots: ca2, CurrentTime: at2016},
			want: x509check.ErrUntrusted},
		{name: "Citizen CA under another root", cert: citizenCA, allow: true,
			opts: x509check.Options{BelgianRoots: certPool(realCert(t, "belgium-pki", "belgiumrca3.pem")), CurrentTime: at2016},
			want: x509check.ErrUntrusted},
		{name: "Citizen CA, Root CA2 given as a plain root", cert: citizenCA, allow: true,
			opts:  x509check.Options{Roots: ca2, CurrentTime: at2016},
			chain: []string{"Citizen CA", "Belgium Root CA2"}},
		{name: "Citizen CA under the roots that ship with the package", cert: citizenCA, allow: true,
			opts:  x509check.Options{BelgianRoots: x509check.BelgianRoots(), CurrentTime: at2016},
			chain: []string{"Citizen CA", "Belgium Root CA2"}},
		{name: "specimen card authentication", cert: realCert(t, "eid-specimen", "alice", "Alice_AuthentificationCertificate.tlv"), allow: true,
			opts: x509check.Options{Roots: alice("Alice_RootCertificate.tlv"),
				Intermediates: alice("Alice_CACertificate.tlv"), Usage: x509check.UsageAuthentication,
				CurrentTime: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)},
			chain: []string{"Alice SPECIMEN (Authentication)", "eID test Citizen CA", "eID test Root CA"}},
		{name: "specimen card authentication, refused by default", cert: realCert(t, "eid-specimen", "alice", "Alice_AuthentificationCertificate.tlv"),
			opts: x509check.Options{Roots: alice("Alice_RootCertificate.tlv"),
				Intermediates: alice("Alice_CACertificate.tlv"), Usage: x509check.UsageAuthentication,
				CurrentTime: time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)},
			want: x509check.ErrUntrusted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Revocation, o.AllowSHA1Signatures = x509check.NoRevocation, tt.allow
			res, err := checktest.Validate(t.Context(), tt.cert, o)
			if tt.want != nil {
				if !errors.Is(err, tt.want) || res.Valid {
					t.Fatalf("err = %v, valid %v; want %v", err, res.Valid, tt.want)
				}
				return
			}
			if err != nil || !res.Valid {
				t.Fatalf("err = %v", err)
			}
			var cns []string
			for _, c := range res.Chain {
				cns = append(cns, c.Subject.CommonName)
			}
			if len(cns) != len(tt.chain) {
				t.Fatalf("chain %q, want %q", cns, tt.chain)
			}
			for i := range cns {
				if cns[i] != tt.chain[i] {
					t.Fatalf("chain %q, want %q", cns, tt.chain)
				}
			}
		})
	}
}
