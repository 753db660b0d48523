package sign_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/csam-go/csam/sign"
	"github.com/csam-go/csam/x509check"
)

// FuzzVerify feeds arbitrary signatures and contents to the CMS parser and
// the verifier: no panic, a nil error only for a valid result, and every
// error typed.
func FuzzVerify(f *testing.F) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fuzz"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		f.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	ctx := context.Background()
	for _, detached := range []bool{false, true} {
		sig, err := sign.Sign(ctx, msg, key, sign.Options{Certificate: cert, Detached: detached})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(sig, msg)
	}
	// testdata/fuzz/FuzzVerify holds a CAdES-T seed (a token from
	// `openssl ts`), so that the token parser is reached.
	v, err := sign.NewVerifier(sign.VerifyOptions{Validation: trusting(x509check.NoRevocation, cert)})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sig, content []byte) {
		if len(content) == 0 {
			content = nil
		}
		res, err := v.Verify(ctx, sig, content)
		if res == nil {
			t.Fatal("nil result")
		}
		if err == nil && !res.Valid {
			t.Fatal("no error for an invalid signature")
		}
		if err != nil && (res.Valid || sign.Code(err) == "error") {
			t.Fatalf("valid %v, untyped error %v", res.Valid, err)
		}
	})
}
