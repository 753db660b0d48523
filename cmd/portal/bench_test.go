package main

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"testing"

	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/x509check"
)

// BenchmarkPortalAccess measures decisions per second through net/http over
// mutual TLS with an eID authentication certificate: one client whose
// connection (and TLS session) is reused, warm validator caches (OCSP
// answered once by the openssl responder, then cached until nextUpdate).
// Report: ns/op (1e9/ns = decisions/s) and allocs/op per request, client
// and server in this process.
func BenchmarkPortalAccess(b *testing.B) {
	pt := startPortalTB(b, "-new-totp-store")
	c := pt.client(pt.pki.Auth)
	req := func() {
		resp, err := c.Post(pt.url+"/access/Rina", "application/json", nil)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	req() // warm: handshake, OCSP
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req()
	}
}

// BenchmarkChainCost compares, side by side in one run, the whole chain a
// service runs per certificate (Validate with warm caches, PresentedKey,
// Decide) with x509.Certificate.Verify alone on the same path: read the
// ratio of the two ns/op.
func BenchmarkChainCost(b *testing.B) {
	pt := startPortalTB(b, "-new-totp-store")
	p := pt.pki
	v, err := x509check.NewValidator(x509check.Options{Roots: []*x509.Certificate{p.Root.Cert}, Usage: x509check.UsageAuthentication,
		Revocation: x509check.OCSPOnly})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := v.Validate(ctx, p.Auth.Cert, p.CA.Cert); err != nil { // warm
		b.Fatal(err)
	}
	b.Run("x509-verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			inter := x509PoolOf(p.CA.Cert)
			if _, err := p.Auth.Cert.Verify(x509VerifyOptions(pt.roots, inter)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate-presentedkey-decide", func(b *testing.B) {
		b.ReportAllocs()
		var d levels.Decision
		for b.Loop() {
			res, err := v.Validate(ctx, p.Auth.Cert, p.CA.Cert)
			if err != nil {
				b.Fatal(err)
			}
			req := levels.Request{Application: "Rina", Roles: levels.RolesOf(levels.RoleAccessManager), Key: res.PresentedKey()}
			if err := levels.DecideInto(&d, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
