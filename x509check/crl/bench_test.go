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
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
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

// cpuClock reports, next to the wall-clock ns/op, the process CPU time per
// iteration as "cpu-ns/op": on a loaded machine the wall clock also counts
// the time spent waiting for a core, the CPU time does not. Call it just
// before the timed loop and call the function it returns just after.
func cpuClock(b *testing.B) func() {
	start, ok := testenv.CPUTime()
	return func() {
		end, ok2 := testenv.CPUTime()
		if ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkIndexBuild1M and BenchmarkParseRevocationList1M measure the
// same bytes side by side; compare their ns/op and B/op.
func BenchmarkIndexBuild1M(b *testing.B) {
	der, _ := bigCRL(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(der)))
	done := cpuClock(b)
	for b.Loop() {
		ix, err := crl.BuildIndex(der)
		if err != nil || ix.Len() != 1_000_000 {
			b.Fatal(err)
		}
	}
	done()
}

func BenchmarkParseRevocationList1M(b *testing.B) {
	der, _ := bigCRL(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(der)))
	done := cpuClock(b)
	for b.Loop() {
		rl, err := x509.ParseRevocationList(der)
		if err != nil || len(rl.RevokedCertificateEntries) != 1_000_000 {
			b.Fatal(err)
		}
	}
	done()
}

// The lookup benchmarks come in two access patterns, each also run on
// Go's built-in map over the same serials as a reference:
//
//   - Cold (BenchmarkLookup1M, BenchmarkLookupBytes1M,
//     BenchmarkMapLookup1M): 65,536 serials spread over the whole
//     1,000,000-entry CRL, in random order. The index (about 45 MB) is far
//     larger than the caches and TLBs, so nearly every lookup waits for
//     main memory: this is the worst case and measures the machine's memory
//     latency as much as the code.
//   - Warm (BenchmarkLookupWarm1M, BenchmarkMapLookupWarm1M): 64 serials of
//     the same index, looked up over and over, that stay in cache: the cost
//     of the lookup code itself.
//
// One lookup in eight (i%8 == 7) asks for a serial that is not listed.
// Every answer is checked once before the timed loop, which then holds the
// lookup only (no allocation, no random generation); a garbage collection
// runs before timing so that none is left over from building the CRL.
const (
	coldSet = 1 << 16
	warmSet = 1 << 6
)

// lookupOrder returns n serials in random order, drawn from the CRL's
// serials (fresh copies, as a caller holds the serial of the one
// certificate it checks) and, where i%8 == 7, serials that are not listed.
func lookupOrder(serials []*big.Int, n int) []*big.Int {
	rng := mrand.New(mrand.NewPCG(3, 4))
	order := make([]*big.Int, n)
	for i := range order {
		s := serials[rng.IntN(len(serials))]
		if i%8 == 7 {
			order[i] = new(big.Int).Add(s, big.NewInt(1<<40))
		} else {
			order[i] = new(big.Int).Set(s)
		}
	}
	return order
}

func lookupIndex(b *testing.B, n int) (*crl.Index, []*big.Int) {
	der, serials := bigCRL(b)
	ix, err := crl.BuildIndex(der)
	if err != nil {
		b.Fatal(err)
	}
	order := lookupOrder(serials, n)
	for i, s := range order {
		e, ok := ix.Lookup(s)
		if ok == (i%8 == 7) || (ok && e.RevocationTime.IsZero()) {
			b.Fatalf("lookup %d: %v %v", i, ok, e)
		}
	}
	runtime.GC()
	return ix, order
}

func BenchmarkLookup1M(b *testing.B)     { benchLookup(b, coldSet) }
func BenchmarkLookupWarm1M(b *testing.B) { benchLookup(b, warmSet) }

func benchLookup(b *testing.B, n int) {
	ix, order := lookupIndex(b, n)
	b.ReportAllocs()
	done := cpuClock(b)
	found, i := 0, 0
	for b.Loop() {
		if _, ok := ix.Lookup(order[i&(n-1)]); ok {
			found++
		}
		i++
	}
	done()
	if want := b.N - b.N/8; found < want-1 || found > want+1 {
		b.Fatalf("found %d of %d", found, b.N)
	}
}

// BenchmarkLookupBytes1M is BenchmarkLookup1M with serials already in DER
// form (LookupBytes), without the *big.Int conversion.
func BenchmarkLookupBytes1M(b *testing.B) {
	ix, order := lookupIndex(b, coldSet)
	raw := make([][]byte, len(order))
	for i, s := range order {
		der, err := asn1.Marshal(s)
		if err != nil {
			b.Fatal(err)
		}
		raw[i] = der[2:] // the content octets (serials are short)
	}
	runtime.GC()
	b.ReportAllocs()
	done := cpuClock(b)
	found, i := 0, 0
	for b.Loop() {
		if _, ok := ix.LookupBytes(raw[i&(coldSet-1)]); ok {
			found++
		}
		i++
	}
	done()
	if want := b.N - b.N/8; found < want-1 || found > want+1 {
		b.Fatalf("found %d of %d", found, b.N)
	}
}

// BenchmarkMapLookup1M and BenchmarkMapLookupWarm1M are references, not
// goals: a map[string]uint32 keyed by the same serials, with the same
// access patterns. On this kind of lookup the built-in map is bound by
// memory latency just like the index.
func BenchmarkMapLookup1M(b *testing.B)     { benchMap(b, coldSet) }
func BenchmarkMapLookupWarm1M(b *testing.B) { benchMap(b, warmSet) }

func benchMap(b *testing.B, n int) {
	_, serials := bigCRL(b)
	m := make(map[string]uint32, len(serials))
	for i, s := range serials {
		m[string(s.Bytes())] = uint32(i)
	}
	order := make([]string, n)
	for i, s := range lookupOrder(serials, n) {
		order[i] = string(s.Bytes())
		if _, ok := m[order[i]]; ok == (i%8 == 7) {
			b.Fatal(i)
		}
	}
	runtime.GC()
	b.ReportAllocs()
	done := cpuClock(b)
	found, i := 0, 0
	for b.Loop() {
		if _, ok := m[order[i&(n-1)]]; ok {
			found++
		}
		i++
	}
	done()
	if want := b.N - b.N/8; found < want-1 || found > want+1 {
		b.Fatalf("found %d of %d", found, b.N)
	}
}
