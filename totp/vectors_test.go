package totp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// Seeds of RFC 6238 Appendix B: the ASCII digits "1234567890" repeated to
// 20, 32 and 64 bytes for HMAC-SHA-1, -256 and -512.
var rfc6238Seeds = map[Algorithm][]byte{
	SHA1:   []byte("12345678901234567890"),
	SHA256: []byte("12345678901234567890123456789012"),
	SHA512: []byte("1234567890123456789012345678901234567890123456789012345678901234"),
}

// RFC 6238 Appendix B, 8 digits, 30-second steps.
var rfc6238Vectors = []struct {
	unix int64
	step int64 // "T (hex)" column
	alg  Algorithm
	code string
}{
	{59, 0x1, SHA1, "94287082"},
	{59, 0x1, SHA256, "46119246"},
	{59, 0x1, SHA512, "90693936"},
	{1111111109, 0x23523EC, SHA1, "07081804"},
	{1111111109, 0x23523EC, SHA256, "68084774"},
	{1111111109, 0x23523EC, SHA512, "25091201"},
	{1111111111, 0x23523ED, SHA1, "14050471"},
	{1111111111, 0x23523ED, SHA256, "67062674"},
	{1111111111, 0x23523ED, SHA512, "99943326"},
	{1234567890, 0x273EF07, SHA1, "89005924"},
	{1234567890, 0x273EF07, SHA256, "91819424"},
	{1234567890, 0x273EF07, SHA512, "93441116"},
	{2000000000, 0x3F940AA, SHA1, "69279037"},
	{2000000000, 0x3F940AA, SHA256, "90698825"},
	{2000000000, 0x3F940AA, SHA512, "38618901"},
	{20000000000, 0x27BC86AA, SHA1, "65353130"},
	{20000000000, 0x27BC86AA, SHA256, "77737706"},
	{20000000000, 0x27BC86AA, SHA512, "47863826"},
}

func TestRFC6238AppendixB(t *testing.T) {
	for _, v := range rfc6238Vectors {
		t.Run(fmt.Sprintf("%d/%s", v.unix, v.alg), func(t *testing.T) {
			at := time.Unix(v.unix, 0).UTC()
			secret := rfc6238Seeds[v.alg]
			o := Options{Digits: 8, Algorithm: v.alg}
			got, err := GenerateCode(secret, at, o)
			if err != nil {
				t.Fatal(err)
			}
			if got != v.code {
				t.Errorf("GenerateCode = %s, want %s", got, v.code)
			}
			if g := fmt.Sprintf("%08d", newGenerator(secret, v.alg, 8).at(uint64(v.step))); g != v.code {
				t.Errorf("generator at step %#x = %s, want %s", v.step, g, v.code)
			}
			o.Now, o.Store = func() time.Time { return at }, settled(at)
			ver, err := NewVerifier(o)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ver.Verify(context.Background(), Authenticator{ID: "rfc", Secret: secret}, v.code)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if res.Step != v.step || res.Drift != 0 {
				t.Errorf("Verify = step %#x drift %d, want step %#x drift 0", res.Step, res.Drift, v.step)
			}
		})
	}
}

// RFC 4226 Appendix D: HOTP values for counters 0 to 9, secret
// "12345678901234567890", 6 digits, HMAC-SHA-1.
var rfc4226Codes = []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}

func TestRFC4226AppendixD(t *testing.T) {
	secret := []byte("12345678901234567890")
	for count, want := range rfc4226Codes {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			got, err := generateHOTP(secret, uint64(count), 6, SHA1)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("generateHOTP = %s, want %s", got, want)
			}
			if g := fmt.Sprintf("%06d", newGenerator(secret, SHA1, 6).at(uint64(count))); g != want {
				t.Errorf("generator = %s, want %s", g, want)
			}
		})
	}
}

// The verifier's own HMAC loop must agree with pquerna/otp's generation:
// every algorithm and code length, keys shorter than, equal to and longer
// than the hash blocks (64 and 128 bytes), counters at the 32- and 64-bit
// edges and random ones. Generators go back to their pool between cases, so
// a pooled generator keyed with a long key is reused with a short one.
func TestGeneratorMatchesPquerna(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keyLens := []int{16, 20, 32, 63, 64, 65, 100, 127, 128, 129, 200, 300}
	counters := []uint64{0, 1, 1<<31 - 1, 1 << 31, 1<<32 - 1, 1 << 32, 1<<32 + 1, 1 << 40, 1<<63 - 1, 1 << 63, 1<<64 - 1}
	for range 8 {
		counters = append(counters, r.Uint64()>>r.IntN(64))
	}
	for _, alg := range []Algorithm{SHA1, SHA256, SHA512} {
		for _, digits := range []int{6, 7, 8} {
			t.Run(fmt.Sprintf("%s/%d", alg, digits), func(t *testing.T) {
				for i, n := range keyLens {
					secret := make([]byte, n)
					for j := range secret {
						secret[j] = byte(r.Uint32())
					}
					g := newGenerator(secret, alg, digits)
					for _, counter := range counters {
						want, err := generateHOTP(secret, counter, digits, alg)
						if err != nil {
							t.Fatal(err)
						}
						g.at(counter ^ 1) // reuse of the keyed HMAC must not leak state
						if got := fmt.Sprintf("%0*d", digits, g.at(counter)); got != want {
							t.Fatalf("key %d (%d bytes), counter %d: generator %s, pquerna %s", i, n, counter, got, want)
						}
					}
					g.release()
				}
			})
		}
	}
}

func TestStateRoundTrip(t *testing.T) {
	for _, s := range []state{{}, {minStep: 56666667, drift: -3, failures: 7, lockedUntil: time.Now().UnixNano()}, {drift: 10, minStep: 1 << 40}} {
		b := s.encode()
		got, err := decodeState(b)
		if err != nil || got != s {
			t.Errorf("decode(encode(%+v)) = %+v, %v", s, got, err)
		}
	}
	if _, err := decodeState([]byte("garbage")); err != errCorruptState || !errors.Is(err, ErrStore) {
		t.Errorf("decodeState(garbage) = %v, want a corrupt state matching ErrStore", err)
	}
	if !bytes.Equal(state{}.encode()[:1], []byte{stateTag}) {
		t.Error("missing tag")
	}
}
