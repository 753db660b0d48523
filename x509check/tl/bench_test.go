package tl_test

import (
	"crypto/x509"
	"testing"

	"github.com/csam-go/csam/x509check/tl"
)

// BenchmarkTrustedList measures loading the real Belgian list: Verify
// (parse the XML tree, check the signature and both reference digests,
// decode the signed bytes) against Parse alone (decode without checking),
// side by side.
func BenchmarkTrustedList(b *testing.B) {
	data, signer := realList(b)
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{signer}, Time: inRealValidity}
	b.Run("Verify", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tl.Verify(data, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ParseOnly", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tl.Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
