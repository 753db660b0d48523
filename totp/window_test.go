package totp

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// The whole window is computed whichever step matches, or none: no early
// exit.
func TestMatchComputesWholeWindow(t *testing.T) {
	secret := []byte("12345678901234567890")
	const lo, hi = 1000, 1006
	for target := int64(lo - 1); target <= hi+1; target++ {
		t.Run(fmt.Sprint(target-lo), func(t *testing.T) {
			ref := newGenerator(secret, SHA1, 6)
			want := ref.at(uint64(target))
			ref.release()
			g := newGenerator(secret, SHA1, 6)
			defer g.release()
			step, ok := match(g, want, lo, hi)
			if g.calls != hi-lo+1 {
				t.Fatalf("%d HMACs for a window of %d", g.calls, hi-lo+1)
			}
			inside := target >= lo && target <= hi
			if ok != inside || (ok && step != target) {
				t.Fatalf("match = %d, %v; want %d, %v", step, ok, target, inside)
			}
		})
	}
}

func TestAsymmetricWindowAndPeriod(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1_700_000_000, 0)
	o := Options{Behind: 2, Ahead: -1, Period: 60 * time.Second, Now: func() time.Time { return now }}
	for _, tc := range []struct {
		offset int
		ok     bool
	}{{1, false}, {-3, false}, {-2, true}, {-1, true}, {0, true}} {
		t.Run(fmt.Sprint(tc.offset), func(t *testing.T) {
			o := o
			o.Store = settled(now)
			v, err := NewVerifier(o)
			if err != nil {
				t.Fatal(err)
			}
			code, err := GenerateCode(secret, now.Add(time.Duration(tc.offset)*time.Minute), o)
			if err != nil {
				t.Fatal(err)
			}
			res, err := v.Verify(context.Background(), Authenticator{ID: "w", Secret: secret}, code)
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidCode)) {
				t.Fatalf("offset %d: %v", tc.offset, err)
			}
			if tc.ok && (res.Drift != int64(tc.offset) || res.Step != now.Unix()/60+int64(tc.offset)) {
				t.Fatalf("offset %d: %+v", tc.offset, res)
			}
		})
	}
}
