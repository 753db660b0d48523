package totp

import (
	"context"
	"errors"
	"testing"
	"time"
)

// clockStore is a memory store with a clock of its own, as Redis's TIME.
type clockStore struct {
	*MemoryStore
	now time.Time
}

func (s clockStore) GetTime(ctx context.Context, key string) ([]byte, uint64, time.Time, error) {
	v, ver, err := s.Get(ctx, key)
	return v, ver, s.now, err
}

// With Options.Now nil, steps and locks come from the store's clock, not
// the host's: the store here is 25 years behind the host.
func TestStoreClock(t *testing.T) {
	storeNow := time.Date(2001, 9, 9, 1, 46, 40, 0, time.UTC)
	s := clockStore{settled(storeNow), storeNow}
	v, err := NewVerifier(Options{Store: s, MaxFailures: 1})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("12345678901234567890")
	code, _ := GenerateCode(secret, storeNow, Options{})
	res, err := v.Verify(context.Background(), Authenticator{ID: "c", Secret: secret}, code)
	if err != nil || res.Step != storeNow.Unix()/30 || res.Drift != 0 {
		t.Fatalf("code at the store's time: %+v, %v", res, err)
	}
	hostCode, _ := GenerateCode(secret, time.Now(), Options{})
	_, err = v.Verify(context.Background(), Authenticator{ID: "d", Secret: secret}, hostCode)
	var te *ThrottledError
	if !errors.As(err, &te) || !te.Until.Equal(storeNow.Add(30*time.Second)) {
		t.Fatalf("code at the host's time: %v; want a lock until the store's time + 30 s", err)
	}
	// A Now of the caller's wins (tests).
	v, _ = NewVerifier(Options{Store: s, Now: time.Now})
	if _, err := v.Verify(context.Background(), Authenticator{ID: "e", Secret: secret, LastStep: 1}, hostCode); err != nil {
		t.Fatalf("code at the host's time with Now set: %v", err)
	}
}
