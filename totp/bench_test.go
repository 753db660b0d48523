package totp_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/csam-go/csam/totp"
	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
)

var benchSecret = []byte("12345678901234567890")

// verifyBench verifies the credentials of a pool in turn with replay
// protection at the default window; the clock moves one step each time the
// pool has been gone through, so every code is fresh. The store holds the
// state of every credential of the pool before the first timed
// verification.
type verifyBench struct {
	v     *totp.Verifier
	now   time.Time
	creds []totp.Authenticator
	code  string
	skew  int // steps between the code and the clock
	i     int
}

func newVerifyBench(tb testing.TB, store totp.Store, prefix string, n, skew int) *verifyBench {
	tb.Helper()
	vb := &verifyBench{now: time.Unix(1_700_000_000, 0), skew: skew}
	// A new store: the verifiers need not refuse the steps before its epoch.
	if err := totp.MarkNewStore(context.Background(), store, vb.now); err != nil {
		tb.Fatal(err)
	}
	v, err := totp.NewVerifier(totp.Options{Store: store, Now: func() time.Time { return vb.now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	vb.v = v
	vb.creds = make([]totp.Authenticator, n)
	for i := range vb.creds {
		vb.creds[i] = totp.Authenticator{ID: fmt.Sprintf("%s-%d", prefix, i), Secret: benchSecret}
	}
	for range n {
		vb.verify(tb)
	}
	return vb
}

// next moves the clock one step when the pool has been gone through.
func (vb *verifyBench) next() {
	if vb.i%len(vb.creds) == 0 {
		vb.now = vb.now.Add(30 * time.Second)
		vb.code, _ = totp.GenerateCode(benchSecret, vb.now.Add(time.Duration(vb.skew)*30*time.Second), totp.Options{})
	}
}

func (vb *verifyBench) verify(tb testing.TB) {
	vb.next()
	if _, err := vb.v.Verify(context.Background(), vb.creds[vb.i%len(vb.creds)], vb.code); err != nil {
		tb.Fatal(err)
	}
	vb.i++
}

func benchVerify(b *testing.B, store totp.Store, n, skew int) {
	b.Helper()
	vb := newVerifyBench(b, store, "bench", n, skew)
	b.ReportAllocs()
	for b.Loop() {
		vb.verify(b)
	}
}

// benchPquerna measures pquerna/otp's totp.ValidateCustom at the same window
// (Skew 1) on the same codes.
func benchPquerna(b *testing.B, offset int) {
	b.Helper()
	now := time.Unix(1_700_000_000, 0)
	secret := totp.EncodeSecret(benchSecret)
	opts := pqtotp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	var code string
	i := 0
	for b.Loop() {
		if i%1024 == 0 {
			b.StopTimer()
			now = now.Add(30 * time.Second)
			code, _ = totp.GenerateCode(benchSecret, now.Add(time.Duration(offset)*30*time.Second), totp.Options{})
			b.StartTimer()
		}
		if ok, err := pqtotp.ValidateCustom(code, secret, now, opts); !ok || err != nil {
			b.Fatal(ok, err)
		}
		i++
	}
}

// BenchmarkVerify compares, side by side, a verification through the memory
// store, holding the state of 1024 or of a million credentials, with
// pquerna/otp's ValidateCustom, for a code of the current step (pquerna's
// best case: it stops at the first step) and of the previous step (its
// worst case: the last it tries). Our verifier does the same work for every
// step.
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name   string
		offset int
	}{{"current", 0}, {"previous", -1}} {
		for _, n := range []struct {
			name string
			n    int
		}{{"1k", 1 << 10}, {"1M", 1 << 20}} {
			b.Run("csam-memory-"+n.name+"/"+c.name, func(b *testing.B) { benchVerify(b, totp.NewMemoryStore(), n.n, c.offset) })
		}
		b.Run("pquerna-ValidateCustom/"+c.name, func(b *testing.B) { benchPquerna(b, c.offset) })
	}
}

// BenchmarkVerifyInterleaved runs the two verifications alternately in one
// loop, timing each, so that both see the same machine load; it reports
// their times and ratio (csam/pquerna) for a code of the current step, the
// case where pquerna/otp's early exit helps it most.
func BenchmarkVerifyInterleaved(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	store := totp.NewMemoryStore()
	// A new store: the verifier need not refuse the steps before its epoch.
	if err := totp.MarkNewStore(context.Background(), store, now); err != nil {
		b.Fatal(err)
	}
	v, err := totp.NewVerifier(totp.Options{Store: store, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	creds := make([]totp.Authenticator, 1024)
	for i := range creds {
		creds[i] = totp.Authenticator{ID: fmt.Sprintf("inter-%d", i), Secret: benchSecret}
	}
	secret := totp.EncodeSecret(benchSecret)
	opts := pqtotp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	ctx := context.Background()
	var ours, theirs time.Duration
	var code string
	i := 0
	for b.Loop() {
		if i%len(creds) == 0 {
			now = now.Add(30 * time.Second)
			code, _ = totp.GenerateCode(benchSecret, now, totp.Options{})
		}
		t0 := time.Now()
		if _, err := v.Verify(ctx, creds[i%len(creds)], code); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if ok, err := pqtotp.ValidateCustom(code, secret, now, opts); !ok || err != nil {
			b.Fatal(ok, err)
		}
		t2 := time.Now()
		ours += t1.Sub(t0)
		theirs += t2.Sub(t1)
		i++
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(i), "csam-ns/verify")
	b.ReportMetric(float64(theirs.Nanoseconds())/float64(i), "pquerna-ns/verify")
	b.ReportMetric(float64(ours)/float64(theirs), "ratio")
}

// BenchmarkVerifyScale verifies alternately, in blocks of 256, through a
// memory store holding 1024 credentials and one holding a million, timing
// each block, so that both see the same machine load; it reports the time
// per verification of each and their ratio (1M/1k).
func BenchmarkVerifyScale(b *testing.B) {
	small := newVerifyBench(b, totp.NewMemoryStore(), "small", 1<<10, 0)
	large := newVerifyBench(b, totp.NewMemoryStore(), "large", 1<<20, 0)
	const block = 256
	var ts, tl time.Duration
	n := 0
	for b.Loop() {
		t0 := time.Now()
		for range block {
			small.verify(b)
		}
		t1 := time.Now()
		for range block {
			large.verify(b)
		}
		ts += t1.Sub(t0)
		tl += time.Since(t1)
		n += block
	}
	b.ReportMetric(float64(ts.Nanoseconds())/float64(n), "1k-ns/verify")
	b.ReportMetric(float64(tl.Nanoseconds())/float64(n), "1M-ns/verify")
	b.ReportMetric(float64(tl)/float64(ts), "ratio")
}

// BenchmarkVerifyConcurrent runs 8 verifiers at once on one memory store
// holding a million credentials, each on credentials of its own, and
// reports the 99.9th percentile and the maximum of the time a verification
// takes: a store that stops every caller (a sweep of all keys under one
// lock) shows there. In "paced", each verifier leaves the processor for a
// while after each verification, as a server waiting for requests does, so
// that the figures show the store's stalls and not the run queue of a
// machine with fewer cores than verifiers; in "saturated" they never do.
func BenchmarkVerifyConcurrent(b *testing.B) {
	const workers = 8
	store := totp.NewMemoryStore()
	vbs := make([]*verifyBench, workers)
	for w := range vbs {
		vbs[w] = newVerifyBench(b, store, fmt.Sprintf("w%d", w), (1<<20)/workers, 0)
	}
	for _, c := range []struct {
		name  string
		pause time.Duration
	}{{"paced", 20 * time.Microsecond}, {"saturated", 0}} {
		b.Run(c.name, func(b *testing.B) {
			per := b.N/workers + 1
			lat := make([][]time.Duration, workers)
			for w := range lat {
				lat[w] = make([]time.Duration, per)
			}
			b.ResetTimer()
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					vb := vbs[w]
					ctx := context.Background()
					for i := range per {
						vb.next()
						t0 := time.Now()
						_, err := vb.v.Verify(ctx, vb.creds[vb.i%len(vb.creds)], vb.code)
						lat[w][i] = time.Since(t0)
						if err != nil {
							b.Error(err)
							return
						}
						vb.i++
						if c.pause > 0 {
							time.Sleep(c.pause)
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			b.ReportMetric(float64(all[len(all)*999/1000].Nanoseconds()), "p99.9-ns")
			b.ReportMetric(float64(all[len(all)-1].Nanoseconds()), "max-ns")
		})
	}
}
