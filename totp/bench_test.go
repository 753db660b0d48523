package totp_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/csam-go/csam/totp"
	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
)

var benchSecret = []byte("12345678901234567890")

// benchVerify measures a verification with replay protection at the default
// window: each credential of a pool of 1024 is verified once per step, and
// the clock moves one step per round, so every code is fresh.
func benchVerify(b *testing.B, store totp.Store, offset int) {
	b.Helper()
	now := time.Unix(1_700_000_000, 0)
	v, err := totp.NewVerifier(totp.Options{Store: store, Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	creds := make([]totp.Credential, 1024)
	for i := range creds {
		creds[i] = totp.Credential{ID: fmt.Sprintf("bench-%d-%d", offset, i), Secret: benchSecret}
	}
	ctx := context.Background()
	var code string
	i := 0
	for b.Loop() {
		if i%len(creds) == 0 {
			b.StopTimer()
			now = now.Add(30 * time.Second)
			code, _ = totp.GenerateCode(benchSecret, now.Add(time.Duration(offset)*30*time.Second), totp.Options{})
			b.StartTimer()
		}
		if _, err := v.Verify(ctx, creds[i%len(creds)], code); err != nil {
			b.Fatal(err)
		}
		i++
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
// store with pquerna/otp's ValidateCustom, for a code of the current step
// (pquerna's best case: it stops at the first step) and of the previous step
// (its worst case: the last it tries). Our verifier does the same work for
// every step.
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name   string
		offset int
	}{{"current", 0}, {"previous", -1}} {
		b.Run("csam-memory/"+c.name, func(b *testing.B) { benchVerify(b, totp.NewMemoryStore(), c.offset) })
		b.Run("pquerna-ValidateCustom/"+c.name, func(b *testing.B) { benchPquerna(b, c.offset) })
	}
}

// BenchmarkVerifyInterleaved runs the two verifications alternately in one
// loop, timing each, so that both see the same machine load; it reports
// their times and ratio (csam/pquerna) for a code of the current step, the
// case where pquerna/otp's early exit helps it most.
func BenchmarkVerifyInterleaved(b *testing.B) {
	now := time.Unix(1_700_000_000, 0)
	v, err := totp.NewVerifier(totp.Options{Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	creds := make([]totp.Credential, 1024)
	for i := range creds {
		creds[i] = totp.Credential{ID: fmt.Sprintf("inter-%d", i), Secret: benchSecret}
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
