package redisstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/redisstore"
)

// BenchmarkVerifyRedis measures a verification with its state on a Redis
// server (two round trips: HMGET, then the compare-and-swap script), side by
// side with the memory store.
func BenchmarkVerifyRedis(b *testing.B) {
	rdb, prefix := client(b)
	run := 0
	stores := []struct {
		name string
		s    func() totp.Store // a fresh store (or key prefix) per run
	}{
		{"redis", func() totp.Store { run++; return redisstore.New(rdb, fmt.Sprintf("%s%d:", prefix, run)) }},
		{"memory", func() totp.Store { return totp.NewMemoryStore() }},
	}
	secret := []byte("12345678901234567890")
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			now := time.Unix(1_700_000_000, 0)
			v, err := totp.NewVerifier(totp.Options{Store: st.s(), Now: func() time.Time { return now }, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				b.Fatal(err)
			}
			creds := make([]totp.Authenticator, 256)
			for i := range creds {
				creds[i] = totp.Authenticator{ID: fmt.Sprintf("bench-%d", i), Secret: secret}
			}
			ctx := context.Background()
			var code string
			i := 0
			for b.Loop() {
				if i%len(creds) == 0 {
					b.StopTimer()
					now = now.Add(30 * time.Second)
					code, _ = totp.GenerateCode(secret, now, totp.Options{})
					b.StartTimer()
				}
				if _, err := v.Verify(ctx, creds[i%len(creds)], code); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
