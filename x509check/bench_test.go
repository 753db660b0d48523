package x509check_test

import (
	"context"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testpki"
	"github.com/csam-go/csam/x509check"
)

// BenchmarkValidateCache measures, side by side, a cold validation (new
// validator: path building and an OCSP request to a real openssl
// responder) and a repeat validation whose chain and OCSP answer are
// cached, and reports the ratio as "speedup".
//
//	go test -run=^$ -bench=ValidateCache -benchmem ./x509check
func BenchmarkValidateCache(b *testing.B) {
	p := testpki.New(b, testpki.Options{})
	p.StartOCSP(b, 60)
	o := x509check.Options{
		Roots: certPool(p.Root.Cert), Intermediates: certPool(p.CA.Cert),
		Revocation: x509check.OCSPOnly, OCSPGetLimit: -1, Usage: x509check.UsageAuthentication,
	}
	ctx := context.Background()
	validate := func(b *testing.B, v *x509check.Validator) {
		res, err := v.Validate(ctx, p.Auth.Cert)
		if err != nil || res.Revocation != x509check.StatusGood {
			b.Fatalf("validate: %v", err)
		}
	}
	var cold, warm time.Duration
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for b.Loop() {
			v, err := x509check.NewValidator(o)
			if err != nil {
				b.Fatal(err)
			}
			validate(b, v)
		}
		cold = time.Since(start) / time.Duration(b.N)
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		v, err := x509check.NewValidator(o)
		if err != nil {
			b.Fatal(err)
		}
		validate(b, v)
		start := time.Now()
		for b.Loop() {
			validate(b, v)
		}
		warm = time.Since(start) / time.Duration(b.N)
		if v.OCSPRequests() != 1 {
			b.Fatalf("cached validations sent %d OCSP requests", v.OCSPRequests())
		}
		if warm > 0 && cold > 0 {
			b.ReportMetric(float64(cold)/float64(warm), "x-faster-than-cold")
		}
	})
}
