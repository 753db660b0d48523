package x509check

import (
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
)

// An OCSP "unknown" fails the certificate, even with SoftFail, unless
// Tuning.UnknownTryNext makes it no answer: the CRL then decides.
func TestUnknownTryNext(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	now := time.Now()
	unknown := buildResponse(t, respSpec{status: StatusUnknown, thisUpdate: now.Add(-time.Minute),
		nextUpdate: now.Add(time.Hour), signer: p.CA}, p.Auth.Cert, p.CA.Cert, nil)
	chk, err := NewCRLChecker(CRLOptions{CRLs: [][]byte{p.GenCRL(t, 48)}, Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		tryNext   bool
		soft      bool
		want      error
		revStatus Status
	}{
		{"unknown fails", false, false, ErrUnknown, StatusUnknown},
		{"unknown fails with soft fail", false, true, ErrUnknown, StatusUnknown},
		{"unknown, then the CRL decides", true, false, nil, StatusGood},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := NewValidator(Options{Roots: pool(p.Root.Cert), Intermediates: pool(p.CA.Cert),
				Offline: true, SoftFail: tt.soft, CRL: chk, Tuning: Tuning{UnknownTryNext: tt.tryNext}})
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Validate(WithOCSPResponses(t.Context(), unknown), p.Auth.Cert)
			if (tt.want == nil) != (err == nil) || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if res.Revocation != tt.revStatus || res.Valid != (tt.want == nil) {
				t.Fatalf("revocation %v, valid %v; want %v", res.Revocation, res.Valid, tt.revStatus)
			}
		})
	}
}
