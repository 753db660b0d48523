package totp_test

import (
	"context"
	"testing"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/levels"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/storetest"
)

// A TOTP code proves the column-3 TOTP app key; an SMS code a key below
// column 3 that still suffices where username and password do.
func TestResultKeyTypes(t *testing.T) {
	ctx := context.Background()
	reg := keys.NewRegistry()
	now := time.Unix(1_750_000_000, 0)
	v, err := totp.NewVerifier(totp.Options{Now: func() time.Time { return now }, Store: storetest.Settle(t, totp.NewMemoryStore(), now)})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("12345678901234567890")
	code, _ := totp.GenerateCode(secret, now, totp.Options{})
	res, err := v.Verify(ctx, totp.Authenticator{ID: "k", Secret: secret}, code)
	if err != nil {
		t.Fatal(err)
	}
	kt, ok := res.KeyType(reg)
	if !ok || kt.ID != keys.IDTOTPApp || kt.Presented().Level != levels.Column3 {
		t.Fatalf("TOTP result key type %+v, %v; want totp-app at column 3", kt, ok)
	}

	out := &storetest.Outbox{}
	sms, err := totp.NewSMS(totp.SMSOptions{Sender: out})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sms.Send(ctx, "s", "+32470000004"); err != nil {
		t.Fatal(err)
	}
	res, err = sms.Verify(ctx, "s", out.Last("+32470000004"))
	if err != nil {
		t.Fatal(err)
	}
	kt, ok = res.KeyType(reg)
	lvl := kt.Presented().Level
	if !ok || kt.ID != keys.IDSMS || lvl.Suffices(levels.Column3) || !lvl.Suffices(levels.Column1) {
		t.Fatalf("SMS result key type %s at %s; want sms-otp, at least column 1, below column 3", kt.ID, lvl)
	}
	if _, ok := (totp.Result{}).KeyType(reg); ok {
		t.Error("empty result has a key type")
	}
}
