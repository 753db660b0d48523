package sign_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"testing"
	"time"

	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// BenchmarkVerifyDetached compares, in one run, Verifier.Verify of a
// detached CAdES-BES signature (certificate path and OCSP answer, from
// an openssl ocsp responder, in warm caches) with the raw ECDSA verification of its signature value. The
// ratio metric is cms/raw; the target is at most 1.3.
func BenchmarkVerifyDetached(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	c := e.signCert("Bench")
	sig, err := sign.Sign(ctx, msg, c.Key, sign.Options{Certificate: c.Cert, Chain: []*x509.Certificate{e.p.CA.Cert},
		Detached: true, SigningTime: e.now.Add(-time.Minute)})
	if err != nil {
		b.Fatal(err)
	}
	e.p.StartOCSP(b, 60)
	v := e.verifier(sign.VerifyOptions{Validation: trusting(x509check.OCSPOnly, e.p.Root.Cert)})
	if _, err := v.Verify(ctx, sig, msg); err != nil {
		b.Fatal(err)
	}
	// What the raw verification gets: the signed attributes' DER and the
	// signature value (taken from a signature made again over fixed bytes).
	attrs := []byte("a stand-in for the signed attributes, about as long: " + string(make([]byte, 200)))
	sum := sha256.Sum256(attrs)
	raw, err := ecdsa.SignASN1(rand.Reader, c.Key.(*ecdsa.PrivateKey), sum[:])
	if err != nil {
		b.Fatal(err)
	}
	pub := c.Cert.PublicKey.(*ecdsa.PublicKey)
	rawVerify := func() {
		s := sha256.Sum256(attrs)
		if !ecdsa.VerifyASN1(pub, s[:], raw) {
			b.Fatal("raw verification failed")
		}
	}
	cmsVerify := func() {
		if _, err := v.Verify(ctx, sig, msg); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			rawVerify()
		}
	})
	b.Run("cms", func(b *testing.B) {
		for b.Loop() {
			cmsVerify()
		}
	})
	b.Run("ratio", func(b *testing.B) {
		var tRaw, tSigned time.Duration
		for b.Loop() {
			t0 := time.Now()
			rawVerify()
			t1 := time.Now()
			cmsVerify()
			tSigned += time.Since(t1)
			tRaw += t1.Sub(t0)
		}
		b.ReportMetric(float64(tSigned)/float64(tRaw), "cms/raw")
	})
}
