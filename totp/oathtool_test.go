package totp_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/storetest"
)

// oathtool (OATH Toolkit) is an independent implementation: codes it makes
// must verify with our verifier, and codes we make must equal its own.
func TestOathtool(t *testing.T) {
	tool := testenv.Tool(t, "oathtool")
	secrets := map[totp.Algorithm][]byte{
		totp.SHA1:   []byte("oathtool cross-check secret 20b"),
		totp.SHA256: []byte("oathtool cross-check secret for SHA-256!"),
		totp.SHA512: []byte("oathtool cross-check secret for SHA-512, sixty-four bytes long!!"),
	}
	times := []int64{59, 1111111109, 1700000000, 1800000029, 4102444800}
	for _, alg := range []totp.Algorithm{totp.SHA1, totp.SHA256, totp.SHA512} {
		for _, digits := range []int{6, 8} {
			for _, unix := range times {
				t.Run(fmt.Sprintf("%s/%d/%d", alg, digits, unix), func(t *testing.T) {
					secret := secrets[alg]
					b32 := totp.EncodeSecret(secret)
					out, err := exec.Command(tool, "--totp="+alg.String(), "-d", fmt.Sprint(digits),
						"-N", fmt.Sprintf("@%d", unix), "-b", b32).Output()
					if err != nil {
						t.Fatalf("oathtool: %v", err)
					}
					theirs := strings.TrimSpace(string(out))
					at := time.Unix(unix, 0)
					o := totp.Options{Digits: digits, Algorithm: alg}
					ours, err := totp.GenerateCode(secret, at, o)
					if err != nil {
						t.Fatal(err)
					}
					if ours != theirs {
						t.Errorf("our code %s, oathtool %s", ours, theirs)
					}
					// oathtool validates our code (given after the key) at
					// offset 0 of a window of none.
					out, err = exec.Command(tool, "--totp="+alg.String(), "-d", fmt.Sprint(digits), "-w", "0",
						"-N", fmt.Sprintf("@%d", unix), "-b", b32, ours).Output()
					if err != nil || strings.TrimSpace(string(out)) != "0" {
						t.Errorf("oathtool validating our code %s: %q, %v", ours, out, err)
					}
					o.Now, o.Store = func() time.Time { return at }, storetest.Settle(t, totp.NewMemoryStore(), at)
					v, err := totp.NewVerifier(o)
					if err != nil {
						t.Fatal(err)
					}
					res, err := v.Verify(context.Background(), totp.Authenticator{ID: "oath", Secret: secret}, theirs)
					if err != nil {
						t.Fatalf("oathtool's code refused: %v", err)
					}
					if res.Step != unix/30 {
						t.Errorf("matched step %d, want %d", res.Step, unix/30)
					}
				})
			}
		}
	}
}

// oathtool's window: a code one step ahead made by oathtool is matched at
// that step by our verifier, and oathtool validates our code for the next
// step at the same distance.
func TestOathtoolAdjacentSteps(t *testing.T) {
	tool := testenv.Tool(t, "oathtool")
	secret := []byte("adjacent step secret 20 bytes")
	b32 := totp.EncodeSecret(secret)
	at := time.Unix(1700000000, 0)
	out, err := exec.Command(tool, "--totp", "-N", fmt.Sprintf("@%d", at.Unix()+30), "-b", b32).Output()
	if err != nil {
		t.Fatal(err)
	}
	v, err := totp.NewVerifier(totp.Options{Now: func() time.Time { return at }, Store: storetest.Settle(t, totp.NewMemoryStore(), at)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := v.Verify(context.Background(), totp.Authenticator{ID: "adj", Secret: secret}, strings.TrimSpace(string(out)))
	if err != nil || res.Drift != 1 {
		t.Fatalf("oathtool's next-step code: %+v, %v; want drift 1", res, err)
	}
	ours, err := totp.GenerateCode(secret, at.Add(30*time.Second), totp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// oathtool validates an OTP given after the key: prints the offset found.
	out, err = exec.Command(tool, "--totp", "-w", "1", "-N", fmt.Sprintf("@%d", at.Unix()), "-b", b32, ours).Output()
	if err != nil {
		t.Fatalf("oathtool refused our code: %v", err)
	}
	if got := strings.TrimSpace(string(out)); got != "1" {
		t.Errorf("oathtool found our code at offset %s, want 1", got)
	}
}

// HOTP (RFC 4226) codes for a run of counters equal oathtool's.
func TestOathtoolHOTP(t *testing.T) {
	tool := testenv.Tool(t, "oathtool")
	secret := []byte("12345678901234567890")
	out, err := exec.Command(tool, "--hotp", "-c", "0", "-w", "19", fmt.Sprintf("%x", secret)).Output()
	if err != nil {
		t.Fatal(err)
	}
	theirs := strings.Fields(string(out))
	if len(theirs) != 20 {
		t.Fatalf("oathtool printed %d codes", len(theirs))
	}
	for counter, want := range theirs {
		got, err := totp.GenerateHOTP(secret, uint64(counter), 6, totp.SHA1)
		if err != nil || got != want {
			t.Errorf("counter %d: ours %s (%v), oathtool %s", counter, got, err, want)
		}
	}
}
