package totp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func FuzzParseSecret(f *testing.F) {
	for _, s := range []string{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "JBSWY3DPEHPK3PXP",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGE======", "====", "", "0189", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQG", "é", "A-B-C-D"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseSecret(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || !(errors.Is(err, errSecretEncoding) || errors.Is(err, errSecretTooShort)) {
				t.Fatalf("error %v of unexpected type", err)
			}
			if len(s) >= 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error %q repeats the secret", err)
			}
			return
		}
		if len(b) < MinSecretBytes {
			t.Fatalf("accepted a %d-byte secret", len(b))
		}
		again, err := ParseSecret(EncodeSecret(b))
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("round trip: %x -> %x, %v", b, again, err)
		}
	})
}

func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"123456", "000000", "123 456", "94287082", "12345a", "", " ", "99999999999", "-12345", "１２３４５６"} {
		f.Add(s, 6)
		f.Add(s, 8)
	}
	f.Fuzz(func(t *testing.T, s string, digits int) {
		if digits < 6 || digits > 8 {
			digits = 6 + (digits%3+3)%3
		}
		v, err := parseCode(s, digits)
		if err != nil {
			if !errors.Is(err, errMalformedCode) {
				t.Fatalf("error %v is not a malformed code", err)
			}
			return
		}
		if v >= pow10[digits] {
			t.Fatalf("%q parsed to %d, beyond %d digits", s, v, digits)
		}
		if got, want := fmt.Sprintf("%0*d", digits, v), strings.NewReplacer(" ", "", "\t", "").Replace(s); got != want {
			t.Fatalf("%q parsed to %s", s, got)
		}
	})
}

// FuzzVerify feeds arbitrary codes and secrets to a verifier: no panic, and
// whatever it accepts is the code of the step it reports.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1_700_000_000, 0)
	f.Add([]byte("12345678901234567890"), "123456", uint8(0))
	f.Add([]byte("12345678901234567890"), "94287082", uint8(2))
	f.Add([]byte("short"), "000000", uint8(1))
	if c, err := GenerateCode([]byte("12345678901234567890"), now, Options{}); err == nil {
		f.Add([]byte("12345678901234567890"), c, uint8(0))
	}
	f.Fuzz(func(t *testing.T, secret []byte, code string, sel uint8) {
		alg, digits := Algorithm(sel%3), 6+int(sel/3%3)
		v, err := NewVerifier(Options{Algorithm: alg, Digits: digits, Now: func() time.Time { return now }, Store: settled(now),
			Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Verify(context.Background(), Authenticator{ID: "fuzz", Secret: secret}, code)
		if err != nil {
			return
		}
		want, err := GenerateCode(secret, time.Unix(res.Step*30, 0), Options{Algorithm: alg, Digits: digits})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.NewReplacer(" ", "", "\t", "").Replace(code); got != want {
			t.Fatalf("accepted %q at step %d whose code is %s", code, res.Step, want)
		}
	})
}

// Stored state comes from a shared store: decoding arbitrary bytes must fail
// cleanly or round-trip.
func FuzzDecodeStored(f *testing.F) {
	f.Add(state{minStep: 5, drift: -1, failures: 2, lockedUntil: 99}.encode())
	f.Add(challenge{expires: 1, attempts: 3}.encode())
	f.Add(sends{end: 1, sent: 4}.encode())
	f.Add([]byte{})
	f.Add([]byte("T"))
	f.Add(encodeEpoch(epochTag, 1))
	f.Add(encodeEpoch(newEpochTag, -1))
	f.Fuzz(func(t *testing.T, b []byte) {
		if e, lost, err := decodeEpoch(b); err == nil {
			tag := byte(newEpochTag)
			if lost {
				tag = epochTag
			}
			if !bytes.Equal(encodeEpoch(tag, e), b) {
				t.Fatalf("epoch %x decoded and re-encoded as %x", b, encodeEpoch(tag, e))
			}
		}
		if s, err := decodeState(b); err == nil && b != nil {
			if b[0] == stateTag && !bytes.Equal(s.encode(), b) {
				t.Fatalf("state %x decoded and re-encoded as %x", b, s.encode())
			}
			if s2, err := decodeState(s.encode()); err != nil || s2 != s { // the older encoding too
				t.Fatalf("state %x decoded as %+v, re-encoded and decoded as %+v, %v", b, s, s2, err)
			}
		}
		if c, err := decodeChallenge(b); err == nil && !bytes.Equal(c.encode(), b) {
			t.Fatalf("challenge %x decoded and re-encoded as %x", b, c.encode())
		}
		if r, err := decodeSends(b); err == nil && !bytes.Equal(r.encode(), b) {
			t.Fatalf("send count %x decoded and re-encoded as %x", b, r.encode())
		}
	})
}
