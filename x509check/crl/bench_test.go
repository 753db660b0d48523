package crl_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	mrand "math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/x509check/crl"
)

// big1M is a signed CRL with 1,000,000 entries, made once per test binary
// (never committed): 16-byte random serials like real CAs use, a reason
// code on every entry, revocation times spread over a year.
var big1M struct {
	once    sync.Once
	der     []byte
	serials []*big.Int
}

func bigCRL(b testing.TB) ([]byte, []*big.Int) {
	big1M.once.Do(func() {
		const n = 1_000_000
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		ca := &x509.Certificate{
			SerialNumber:          big.NewInt(1),
			Subject:               pkix.Name{CommonName: "Bench CA"},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.Add(24 * time.Hour),
			IsCA:                  true,
			BasicConstraintsValid: true,
			KeyUsage:              x509.KeyUsageCRLSign | x509.KeyUsageCertSign,
			SubjectKeyId:          []byte{1, 2, 3, 4},
		}
		rng := mrand.New(mrand.NewPCG(1, 2))
		entries := make([]x509.RevocationListEntry, n)
		serials := make([]*big.Int, n)
		reasonCodes := []int{0, 1, 3, 4, 5, 6, 9}
		for i := range entries {
			var s [16]byte
			for j := range s {
				s[j] = byte(rng.Uint32())
			}
			s[0] &= 0x7f
			s[0] |= 0x01
			serials[i] = new(big.Int).SetBytes(s[:])
			entries[i] = x509.RevocationListEntry{
				SerialNumber:   serials[i],
				RevocationTime: now.Add(-time.Duration(rng.IntN(365*24)) * time.Hour),
				ReasonCode:     reasonCodes[i%len(reasonCodes)],
			}
		}
		der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
			Number:                    big.NewInt(7),
			ThisUpdate:                now,
			NextUpdate:                now.Add(24 * time.Hour),
			RevokedCertificateEntries: entries,
		}, ca, key)
		if err != nil {
			b.Fatal(err)
		}
		big1M.der, big1M.serials = der, serials
	})
	return big1M.der, big1M.serials
}

// BenchmarkIndexBuild1M and BenchmarkParseRevocationList1M measure the
// same bytes side by side; compare their ns/op and B/op.
func BenchmarkIndexBuild1M(b *testing.B) {
	der, _ := bigCRL(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(der)))
	b.ResetTimer()
	for b.Loop() {
		ix, err := crl.BuildIndex(der)
		if err != nil || ix.Len() != 1_000_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseRevocationList1M(b *testing.B) {
	der, _ := bigCRL(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(der)))
	b.ResetTimer()
	for b.Loop() {
		rl, err := x509.ParseRevocationList(der)
		if err != nil || len(rl.RevokedCertificateEntries) != 1_000_000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkLookup1M looks up listed serials in random order (so that the
// caches do not help) and, one time in eight, a serial that is not listed.
func BenchmarkLookup1M(b *testing.B) {
	der, serials := bigCRL(b)
	ix, err := crl.BuildIndex(der)
	if err != nil {
		b.Fatal(err)
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	order := make([]*big.Int, 1<<16)
	for i := range order {
		if i%8 == 7 {
			order[i] = new(big.Int).Add(serials[rng.IntN(len(serials))], big.NewInt(1<<40))
		} else {
			// A fresh copy, as a caller holds the serial of the one
			// certificate it checks.
			order[i] = new(big.Int).Set(serials[rng.IntN(len(serials))])
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		e, ok := ix.Lookup(order[i&(len(order)-1)])
		if ok == (i%8 == 7) || (ok && e.RevocationTime.IsZero()) {
			b.Fatalf("lookup %d: %v %v", i, ok, e)
		}
		i++
	}
}

// BenchmarkLookupBytes1M is BenchmarkLookup1M with serials already in DER
// form (LookupBytes), without the *big.Int conversion.
func BenchmarkLookupBytes1M(b *testing.B) {
	der, serials := bigCRL(b)
	ix, err := crl.BuildIndex(der)
	if err != nil {
		b.Fatal(err)
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	order := make([][]byte, 1<<16)
	for i := range order {
		s := serials[rng.IntN(len(serials))]
		if i%8 == 7 {
			s = new(big.Int).Add(s, big.NewInt(1<<40))
		}
		order[i], _ = asn1.Marshal(s)
		order[i] = order[i][2:] // the content octets (serials are short)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, ok := ix.LookupBytes(order[i&(len(order)-1)]); ok == (i%8 == 7) {
			b.Fatalf("lookup %d: %v", i, ok)
		}
		i++
	}
}

// BenchmarkMapLookup1M is a reference, not a goal: Go's built-in map over
// the same serials with the same access pattern. It calibrates the
// machine: on a loaded host every random memory access slows down alike.
func BenchmarkMapLookup1M(b *testing.B) {
	_, serials := bigCRL(b)
	m := make(map[string]uint32, len(serials))
	for i, s := range serials {
		m[string(s.Bytes())] = uint32(i)
	}
	rng := mrand.New(mrand.NewPCG(3, 4))
	order := make([]string, 1<<16)
	for i := range order {
		s := serials[rng.IntN(len(serials))]
		if i%8 == 7 {
			s = new(big.Int).Add(s, big.NewInt(1<<40))
		}
		order[i] = string(s.Bytes())
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		if _, ok := m[order[i&(len(order)-1)]]; ok == (i%8 == 7) {
			b.Fatal(i)
		}
		i++
	}
}
