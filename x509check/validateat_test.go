package x509check_test

import (
	"context"
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
)

// TestValidateAt: one validator checks a certificate at several times,
// the cached path included: valid inside its validity, expired after,
// not yet valid before.
func TestValidateAt(t *testing.T) {
	p := testpki.New(t, testpki.Options{})
	o := x509check.Options{Revocation: x509check.NoRevocation}
	switch r := any(&o.Roots).(type) { // a pool or a slice
	case **x509.CertPool:
		*r = x509.NewCertPool()
		(*r).AddCert(p.Root.Cert)
	case *[]*x509.Certificate:
		*r = []*x509.Certificate{p.Root.Cert}
	}
	v, err := x509check.NewValidator(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	now := time.Now()
	for _, tc := range []struct {
		name string
		at   time.Time
		want error
	}{
		{"now (zero time)", time.Time{}, nil},
		{"in two years", now.Add(2 * 365 * 24 * time.Hour), x509check.ErrExpired},
		{"a day ago", now.Add(-24 * time.Hour), x509check.ErrNotYetValid},
		{"in a month", now.Add(30 * 24 * time.Hour), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := v.ValidateAt(ctx, tc.at, p.Sign.Cert, p.CA.Cert)
			if !errors.Is(err, tc.want) || (err == nil) != res.Valid {
				t.Fatalf("err %v valid %v, want %v", err, res.Valid, tc.want)
			}
			if !tc.at.IsZero() && !res.At.Equal(tc.at) {
				t.Fatalf("result at %v, want %v", res.At, tc.at)
			}
		})
	}
}
