package totp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/csam-go/csam/totp"
)

// downStore is a store that cannot be reached.
type downStore struct{}

var errDown = errors.New("connection refused")

func (downStore) Get(context.Context, string) ([]byte, uint64, error) { return nil, 0, errDown }
func (downStore) CompareAndSwap(context.Context, string, uint64, []byte, time.Duration) (bool, error) {
	return false, errDown
}

// TestStoreFailure: a store that fails gives ErrStore (and its own error),
// never a verdict on the code.
func TestStoreFailure(t *testing.T) {
	ctx := context.Background()
	v, err := totp.NewVerifier(totp.Options{Store: downStore{}})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("12345678901234567890")
	code, err := totp.GenerateCode(secret, time.Now(), totp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sms, err := totp.NewSMS(totp.SMSOptions{Store: downStore{}, Sender: totp.SenderFunc(func(context.Context, string, string) error { return nil })})
	if err != nil {
		t.Fatal(err)
	}
	_, sendErr := sms.Send(ctx, "login", "+32470000000")
	_, smsErr := sms.Verify(ctx, "login", "123456")
	_, verifyErr := v.Verify(ctx, totp.Authenticator{ID: "alice", Secret: secret}, code)
	for name, err := range map[string]error{"Verify": verifyErr, "SMS.Send": sendErr, "SMS.Verify": smsErr} {
		if !errors.Is(err, totp.ErrStore) || !errors.Is(err, errDown) {
			t.Errorf("%s: %v, want ErrStore and the store's error", name, err)
		}
		for _, verdict := range []error{totp.ErrInvalidCode, totp.ErrReplayed, totp.ErrThrottled, totp.ErrNoChallenge, totp.ErrExpired} {
			if errors.Is(err, verdict) {
				t.Errorf("%s: %v matches %v", name, err, verdict)
			}
		}
	}
}
