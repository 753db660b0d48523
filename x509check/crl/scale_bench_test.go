package crl_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"math"
	"math/big"
	mrand "math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/x509check/crl"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// The benchmarks of this file measure the index at the sizes Belgian CAs
// publish and beyond, on CRLs written directly in DER (x509's
// CreateRevocationList takes minutes and gigabytes at ten million
// entries): 16-byte random serials, a reasonCode on every entry,
// revocation times spread over a year, as in bigCRL.

// genSerial returns the i-th serial of the CRLs of genCRL: 16 bytes,
// positive, minimal.
func genSerial(i int) [16]byte {
	rng := mrand.New(mrand.NewPCG(uint64(i), 99))
	var s [16]byte
	binary.BigEndian.PutUint64(s[:], rng.Uint64())
	binary.BigEndian.PutUint64(s[8:], rng.Uint64())
	s[0] = s[0]&0x7f | 0x01
	return s
}

// genCRL returns a signed CRL of n entries whose serials are genSerial(0),
// ..., genSerial(n-1), and its issuer's DER Name.
func genCRL(tb testing.TB, n int) (der, issuer []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	const entryLen = 49
	entries := make([]byte, 0, n*entryLen)
	rng := mrand.New(mrand.NewPCG(5, 6))
	reasons := []byte{0, 1, 3, 4, 5, 6, 9}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		s := genSerial(i)
		t := base.Add(time.Duration(rng.IntN(365*24*3600)) * time.Second).Format("060102150405Z")
		entries = append(entries, 0x30, entryLen-2, 0x02, 16)
		entries = append(entries, s[:]...)
		entries = append(entries, 0x17, 13)
		entries = append(entries, t...)
		entries = append(entries, 0x30, 12, 0x30, 10, 0x06, 3, 0x55, 0x1d, 0x15, 0x04, 3, 0x0a, 1, reasons[i%len(reasons)])
	}
	issuer = []byte{0x30, 0x13, 0x31, 0x11, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x08, 'B', 'e', 'n', 'c', 'h', ' ', 'C', 'A'}
	ecdsaSHA256 := []byte{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}
	var tb2 cryptobyte.Builder
	tb2.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddBytes(ecdsaSHA256)
		b.AddBytes(issuer)
		b.AddASN1UTCTime(base.Add(365 * 24 * time.Hour))
		b.AddASN1UTCTime(base.Add(372 * 24 * time.Hour))
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(entries) })
	})
	tbs, err := tb2.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	h := sha256.Sum256(tbs)
	sig, err := ecdsa.SignASN1(rand.Reader, key, h[:])
	if err != nil {
		tb.Fatal(err)
	}
	var b cryptobyte.Builder
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddBytes(tbs)
		b.AddBytes(ecdsaSHA256)
		b.AddASN1BitString(sig)
	})
	der, err = b.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	return der, issuer
}

// TestGenCRL checks that crypto/x509 and the index read genCRL's CRLs as
// intended.
func TestGenCRL(t *testing.T) {
	der, _ := genCRL(t, 1000)
	rl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := crl.BuildIndex(der)
	if err != nil {
		t.Fatal(err)
	}
	if len(rl.RevokedCertificateEntries) != 1000 || ix.Len() != 1000 {
		t.Fatalf("%d and %d entries, want 1000", len(rl.RevokedCertificateEntries), ix.Len())
	}
	for i, e := range rl.RevokedCertificateEntries {
		s := genSerial(i)
		if e.SerialNumber.Cmp(new(big.Int).SetBytes(s[:])) != 0 || e.ReasonCode == 0 && i%7 != 0 {
			t.Fatalf("entry %d: serial %x reason %d", i, e.SerialNumber, e.ReasonCode)
		}
		got, ok := ix.Lookup(e.SerialNumber)
		if !ok || !got.RevocationTime.Equal(e.RevocationTime) || int(got.Reason) != e.ReasonCode {
			t.Fatalf("entry %d: index gives %v %v, crypto/x509 %v", i, ok, got, e)
		}
	}
}

// buildSizes are the CRL sizes of the build benchmarks.
var buildSizes = []struct {
	name string
	n    int
}{{"10k", 10_000}, {"100k", 100_000}, {"1M", 1_000_000}, {"5M", 5_000_000}, {"10M", 10_000_000}}

// BenchmarkIndexBuildScale builds the index of CRLs of 10k to 10M entries
// and reports the cost per entry in wall-clock time ("ns/entry") and in
// process CPU time ("cpu-ns/entry", which a busy machine inflates less),
// which should not grow with the size. Each CRL is made, then dropped,
// within its sub-benchmark.
func BenchmarkIndexBuildScale(b *testing.B) {
	for _, sz := range buildSizes {
		b.Run(sz.name, func(b *testing.B) {
			der, _ := genCRL(b, sz.n)
			runtime.GC()
			b.SetBytes(int64(len(der)))
			b.ReportAllocs()
			cpu0, _ := testenv.CPUTime()
			for b.Loop() {
				ix, err := crl.BuildIndex(der)
				if err != nil || ix.Len() != sz.n {
					b.Fatal(err)
				}
			}
			if cpu1, ok := testenv.CPUTime(); ok {
				b.ReportMetric(float64(cpu1-cpu0)/float64(b.N)/float64(sz.n), "cpu-ns/entry")
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(sz.n), "ns/entry")
		})
	}
}

// BenchmarkIndexVsParse builds the index and runs x509.ParseRevocationList
// alternately on the same CRL, timing each (a collection runs between
// them, untimed, so that neither pays for the other's garbage), and
// reports their times per entry and the ratio index/ParseRevocationList.
func BenchmarkIndexVsParse(b *testing.B) {
	for _, sz := range []struct {
		name string
		n    int
	}{{"1M", 1_000_000}, {"10M", 10_000_000}} {
		b.Run(sz.name, func(b *testing.B) {
			der, _ := genCRL(b, sz.n)
			var ours, theirs time.Duration
			for b.Loop() {
				runtime.GC()
				t0 := time.Now()
				ix, err := crl.BuildIndex(der)
				if err != nil || ix.Len() != sz.n {
					b.Fatal(err)
				}
				ours += time.Since(t0)
				ix = nil
				runtime.GC()
				t0 = time.Now()
				rl, err := x509.ParseRevocationList(der)
				if err != nil || len(rl.RevokedCertificateEntries) != sz.n {
					b.Fatal(err)
				}
				theirs += time.Since(t0)
			}
			b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N)/float64(sz.n), "index-ns/entry")
			b.ReportMetric(float64(theirs.Nanoseconds())/float64(b.N)/float64(sz.n), "parse-ns/entry")
			b.ReportMetric(float64(ours)/float64(theirs), "ratio")
		})
	}
}

// BenchmarkCheckLatency measures the latency of a revocation check as
// validation makes it, CRL.Check on a certificate, against a lookup in a Go
// map keyed by the serials' bytes, in the same run: blocks of lookups
// alternate between the two and each is timed. The CRL has 1M entries;
// seven lookups in eight are for serials it does not list (the common
// case). Each lookup's certificate depends on the previous lookup's answer,
// so that lookups do not overlap, and its serial is spread over the whole
// index (64 MB), far larger than the caches: each waits for main memory.
// The certificate itself is warm, as in validation, which has just read
// it. Reported: the median time per lookup of each over the blocks, and
// their ratio (Check/map) from the pairs of blocks (see below).
// In "warm", the same 64 serials are looked up over and over: the cost of
// the code, without waiting for memory.
func BenchmarkCheckLatency(b *testing.B) {
	const n = 1_000_000
	der, issuer := genCRL(b, n)
	c, err := crl.Parse(der)
	if err != nil {
		b.Fatal(err)
	}
	m := make(map[string]uint32, n)
	for i := range n {
		s := genSerial(i)
		m[string(s[:])] = uint32(i)
	}
	// The serials looked up: 1<<16 of them, one in eight listed.
	const set = 1 << 16
	serials := make([][16]byte, set)
	rng := mrand.New(mrand.NewPCG(7, 8))
	for i := range serials {
		if i%8 == 7 {
			serials[i] = genSerial(rng.IntN(n))
		} else {
			serials[i] = genSerial(n + rng.IntN(1<<40))
		}
	}
	cert := realisticLeaf(b, issuer)
	for i := range serials {
		cert.SerialNumber.SetBytes(serials[i][:])
		res, err := c.Check(cert)
		_, inMap := m[string(serials[i][:])]
		if err != nil || (res.Status != crl.StatusGood) != (i%8 == 7) || inMap != (i%8 == 7) {
			b.Fatalf("serial %d: %v %v, in map %v", i, res.Status, err, inMap)
		}
	}
	runtime.GC()
	b.Run("cold", func(b *testing.B) { benchCheckLatency(b, c, m, cert, serials) })
	b.Run("warm", func(b *testing.B) { benchCheckLatency(b, c, m, cert, serials[:64]) })
}

func benchCheckLatency(b *testing.B, c *crl.CRL, m map[string]uint32, cert *x509.Certificate, serials [][16]byte) {
	set := len(serials)
	const block = 1024
	var ours, theirs []time.Duration
	j, k := 0, 0
	checks := func() time.Duration {
		t0 := time.Now()
		for range block {
			cert.SerialNumber.SetBytes(serials[j][:])
			res, _ := c.Check(cert)
			j = (j*5 + 1 + int(res.Status)) & (set - 1)
		}
		return time.Since(t0)
	}
	lookups := func() time.Duration {
		t0 := time.Now()
		var key [16]byte
		for range block {
			cert.SerialNumber.SetBytes(serials[k][:])
			cert.SerialNumber.FillBytes(key[:])
			v, ok := m[string(key[:])]
			k = (k*5 + 1 + int(v&1) + b2i(ok)) & (set - 1)
		}
		return time.Since(t0)
	}
	for b.Loop() {
		// Which goes first alternates, so that neither always follows
		// the other's use of the caches.
		if len(ours)%2 == 0 {
			ours = append(ours, checks())
			theirs = append(theirs, lookups())
		} else {
			theirs = append(theirs, lookups())
			ours = append(ours, checks())
		}
	}
	// Medians: a block slowed by another process (the machine may be
	// loaded) moves neither figure. The block run second is slower than
	// the one run first, whichever it is (by about 8 % cold): the ratio is
	// the geometric mean of the median ratios of the pairs in each order,
	// where that effect cancels.
	var checkFirst, mapFirst []float64
	for i := range ours {
		r := float64(ours[i]) / float64(theirs[i])
		if i%2 == 0 {
			checkFirst = append(checkFirst, r)
		} else {
			mapFirst = append(mapFirst, r)
		}
	}
	perLookup := func(d []time.Duration) float64 {
		return float64(median(d).Nanoseconds()) / block
	}
	b.ReportMetric(perLookup(ours), "check-ns/lookup")
	b.ReportMetric(perLookup(theirs), "map-ns/lookup")
	if len(mapFirst) > 0 {
		b.ReportMetric(math.Sqrt(median(checkFirst)*median(mapFirst)), "ratio")
	}
}

// median returns the median of v (reordering it); zero if v is empty.
func median[T ~int64 | ~float64](v []T) T {
	if len(v) == 0 {
		var zero T
		return zero
	}
	slices.Sort(v)
	if n := len(v); n%2 == 0 {
		return v[n/2-1] + (v[n/2]-v[n/2-1])/2
	}
	return v[len(v)/2]
}

// realisticLeaf returns a certificate of issuer with the extensions of a
// Belgian eID leaf that matter to a CRL check (a CRL distribution point,
// key usage, basic constraints), its serial for the caller to set.
func realisticLeaf(tb testing.TB, issuer []byte) *x509.Certificate {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), RawSubject: issuer, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, BasicConstraintsValid: true,
		CRLDistributionPoints: []string{"http://crl.eid.belgium.be/eidc202301.crl"},
		OCSPServer:            []string{"http://ocsp.eid.belgium.be"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Equal(cert.RawIssuer, issuer) {
		tb.Fatal("issuer name re-encoded")
	}
	return cert
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkIndexBuildFlat builds, each timed, the index of a large CRL
// once, between two halves of the builds of a CRL of 10k entries that make
// the same number of entries (so that a load that rises or falls over the
// iteration weighs on both alike); it reports the median time per entry
// of each, the median of the iterations' ratios (large/10k) in wall-clock
// time ("ratio") and in process CPU time ("cpu-ratio", which waiting for a
// core on a busy machine does not inflate), which should stay close to 1,
// and the ratio of the fastest iterations ("best-ratio").
func BenchmarkIndexBuildFlat(b *testing.B) {
	small, _ := genCRL(b, 10_000)
	for _, sz := range buildSizes[2:] {
		b.Run(sz.name, func(b *testing.B) {
			der, _ := genCRL(b, sz.n)
			reps := sz.n / 10_000
			// timed returns the wall-clock and CPU time of f, after a GC.
			timed := func(f func()) (wall, cpu time.Duration) {
				runtime.GC()
				c0, _ := testenv.CPUTime()
				t0 := time.Now()
				f()
				wall = time.Since(t0)
				c1, _ := testenv.CPUTime()
				return wall, c1 - c0
			}
			large := func() {
				if ix, err := crl.BuildIndex(der); err != nil || ix.Len() != sz.n {
					b.Fatal(err)
				}
			}
			smalls := func(reps int) func() {
				return func() {
					for range reps {
						if ix, err := crl.BuildIndex(small); err != nil || ix.Len() != 10_000 {
							b.Fatal(err)
						}
					}
				}
			}
			var tl, ts []time.Duration
			var ratios, cpuRatios []float64
			for b.Loop() {
				s1, c1 := timed(smalls(reps / 2))
				l, cl := timed(large)
				s2, c2 := timed(smalls(reps - reps/2))
				tl, ts = append(tl, l), append(ts, s1+s2)
				ratios = append(ratios, float64(l)/float64(s1+s2))
				if c1+c2 > 0 {
					cpuRatios = append(cpuRatios, float64(cl)/float64(c1+c2))
				}
			}
			bestL, bestS := slices.Min(tl), slices.Min(ts)
			perEntry := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(sz.n) }
			b.ReportMetric(perEntry(median(tl)), "large-ns/entry")
			b.ReportMetric(perEntry(median(ts)), "10k-ns/entry")
			b.ReportMetric(median(ratios), "ratio")
			if len(cpuRatios) > 0 {
				b.ReportMetric(median(cpuRatios), "cpu-ratio")
			}
			b.ReportMetric(float64(bestL)/float64(bestS), "best-ratio")
		})
	}
}
