package ocsp_test

import (
	"crypto"
	"math/big"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"

	"github.com/csam-go/csam/x509check/ocsp"
)

// BenchmarkParseResponse measures ParseResponse on a good response signed
// by the issuer (parsing and signature), on one about another serial
// (parsing only: it fails before the signature) and on tryLater.
func BenchmarkParseResponse(b *testing.B) {
	p := newPKI(b)
	now := time.Now()
	other, err := xocsp.CreateResponse(p.ca, p.ca, xocsp.Response{Status: xocsp.Good, SerialNumber: big.NewInt(7),
		ThisUpdate: now.Add(-time.Minute), NextUpdate: now.Add(time.Hour)}, p.caKey)
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		der  []byte
		ok   bool
	}{
		{"good", p.respond(b, xocsp.Good, now.Add(-time.Minute)), true},
		{"certid-mismatch", other, false},
		{"tryLater", xocsp.TryLaterErrorResponse, false},
	}
	opts := ocsp.VerifyOptions{CurrentTime: now}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ocsp.ParseResponse(c.der, p.leaf, p.ca, opts); (err == nil) != c.ok {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateRequest measures CreateRequest without and with a nonce.
func BenchmarkCreateRequest(b *testing.B) {
	p := newPKI(b)
	for _, nonce := range []bool{false, true} {
		name := "plain"
		if nonce {
			name = "nonce"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ocsp.CreateRequest(p.leaf, p.ca, crypto.SHA256, nonce); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
