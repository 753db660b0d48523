package tl_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/x509"
	"os"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/tl"
)

// FuzzParse feeds arbitrary bytes to Parse and, with a pinned signer, to
// Verify: neither may panic, and a list either parses or fails with a
// typed error.
func FuzzParse(f *testing.F) {
	// A fixed key, so that every fuzzing process verifies the seeds the
	// coordinator signed.
	scalar := sha256.Sum256([]byte("csam tl fuzz signer"))
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), scalar[:])
	if err != nil {
		f.Fatal(err)
	}
	s := newListSigner(f, rawECDSA{PrivateKey: key})
	ca := newRootCA(f, "Fuzz CA", time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC))
	x := tList{seq: 1, issued: testIssued, nextUpdate: testNext, order: []string{"TSP"},
		providers: map[string][]tService{"TSP": {{cert: ca.cert,
			current: tInstance{status: tl.StatusWithdrawn, start: testIssued, asi: []string{tl.ASIForESeals},
				quals: []tQual{{qualifiers: []string{tl.QualifierQCForESeal}, assert: "all", keyUsage: map[string]bool{"nonRepudiation": true},
					nested: []tQual{{assert: "none", policies: [][]string{{"1.2.3", "1.2.4"}}}}}}},
			history: []tInstance{{status: tl.StatusGranted, start: testIssued.AddDate(-1, 0, 0)}}}}}}.xml()
	f.Add([]byte(x))
	f.Add(s.sign(f, x))
	f.Add([]byte(`<TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"/>`))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE a><a/>`))
	// The real list the repository carries.
	if data, err := os.ReadFile(testenv.RealData(f, "trusted-lists", "tl-be-seq47.xml")); err == nil {
		f.Add(data)
	}
	opts := tl.VerifyOptions{Signers: []*x509.Certificate{s.cert}, Time: testNow, AllowExpired: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := tl.Parse(data)
		if (l == nil) == (err == nil) {
			t.Fatalf("Parse returned list %v and error %v", l != nil, err)
		}
		if l != nil {
			// Exercise the model on what parsed.
			for _, svc := range l.Services() {
				_ = svc.At(testNow)
				// A listed certificate carries its identity's key: the
				// public key found in the DER without parsing agrees.
				for _, id := range svc.Identities() {
					for _, c := range id.Certificates() {
						if !id.Matches(c) {
							t.Fatalf("identity does not match its certificate %x", c.Raw)
						}
					}
				}
			}
			_ = l.TrustAnchors(testNow)
		}
		vl, err := tl.Verify(data, opts)
		if (vl == nil) == (err == nil) {
			t.Fatalf("Verify returned list %v and error %v", vl != nil, err)
		}
	})
}
