package totp_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/csam-go/csam/totp"
)

func ExampleGenerateCode() {
	// RFC 6238 Appendix B: SHA-1 seed, 8 digits, at 1111111109.
	secret := []byte("12345678901234567890")
	code, err := totp.GenerateCode(secret, time.Unix(1111111109, 0), totp.Options{Digits: 8})
	if err != nil {
		panic(err)
	}
	fmt.Println(code)
	// Output: 07081804
}

func ExampleVerifier_Verify() {
	now := time.Unix(1_700_000_000, 0)
	v, err := totp.NewVerifier(totp.Options{Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	secret, err := totp.ParseSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	if err != nil {
		panic(err)
	}
	// The credential as the service keeps it, with the step of the last
	// code accepted (from Activate, then from each Verify): with it, a
	// store that lost its data cannot accept a used code again.
	cred := totp.Authenticator{ID: "user-42/app", Secret: secret, LastStep: 56_666_600}

	// The user's phone is one step (30 s) behind.
	code, _ := totp.GenerateCode(secret, now.Add(-30*time.Second), totp.Options{})
	res, err := v.Verify(context.Background(), cred, code)
	fmt.Println(res.Key, res.Drift, err)
	cred.LastStep = res.Step // saved with the credential before granting access

	// The same code again is a replay.
	_, err = v.Verify(context.Background(), cred, code)
	fmt.Println(errors.Is(err, totp.ErrReplayed))
	// Output:
	// totp-app -1 <nil>
	// true
}

func ExampleVerifier_Enroll() {
	v, err := totp.NewVerifier(totp.Options{})
	if err != nil {
		panic(err)
	}
	e, err := v.Enroll("user-42/app", "CSAM", "alice@example.be")
	if err != nil {
		panic(err)
	}
	// Show e.URI as a QR code (e.QRCode) or e.SecretBase32 as text; store the
	// credential once Activate accepts the first code from the app.
	code, _ := totp.GenerateCode(e.Secret, time.Now(), totp.Options{})
	cred, res, err := v.Activate(context.Background(), e, code)
	fmt.Println(len(e.Secret)*8, cred.ID, res.Key, err)
	// Output: 160 user-42/app totp-app <nil>
}

func ExampleSMS() {
	var sent string
	sender := totp.SenderFunc(func(_ context.Context, to, code string) error {
		sent = code // a real sender calls an SMS gateway
		return nil
	})
	sms, err := totp.NewSMS(totp.SMSOptions{Sender: sender})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := sms.Send(ctx, "login-7", "+32470123456"); err != nil {
		panic(err)
	}
	res, err := sms.Verify(ctx, "login-7", sent)
	fmt.Println(res.Key, err)
	_, err = sms.Verify(ctx, "login-7", sent)
	fmt.Println(err)
	// Output:
	// sms-otp <nil>
	// totp: code already used
}

// Send refuses a sixth code to one phone number within the hour (the
// defaults), whatever login asks for it.
func ExampleSMS_Send_limit() {
	now := time.Unix(1_700_000_000, 0)
	sender := totp.SenderFunc(func(context.Context, string, string) error { return nil })
	sms, err := totp.NewSMS(totp.SMSOptions{Sender: sender, Now: func() time.Time { return now }})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for i := range 6 {
		_, err = sms.Send(ctx, fmt.Sprintf("login-%d", i), "+32470123456")
	}
	var le *totp.SendLimitError
	fmt.Println(errors.As(err, &le), le.Sent, le.Wait)
	// Output: true 5 1h0m0s
}

// A helpdesk reads a credential's state and ends its lock; the used codes
// stay used.
func ExampleVerifier_Unlock() {
	now := time.Unix(1_700_000_000, 0)
	store := totp.NewMemoryStore()
	// A store just deployed: nothing was used before (a store found empty
	// later is treated as one that lost its data).
	if err := totp.MarkNewStore(context.Background(), store, now); err != nil {
		panic(err)
	}
	v, err := totp.NewVerifier(totp.Options{Store: store, Now: func() time.Time { return now }, MaxFailures: 2})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	secret, _ := totp.ParseSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
	cred := totp.Authenticator{ID: "user-42/app", Secret: secret}
	code, _ := totp.GenerateCode(secret, now, totp.Options{})
	if _, err := v.Verify(ctx, cred, code); err != nil {
		panic(err)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	_, _ = v.Verify(ctx, cred, wrong)
	_, err = v.Verify(ctx, cred, wrong)
	fmt.Println(errors.Is(err, totp.ErrThrottled))

	st, _ := v.Status(ctx, cred.ID)
	fmt.Println("locked until", st.LockedUntil.UTC().Format(time.TimeOnly), "failures", st.Failures, "last used", st.LastUsed.UTC().Format(time.TimeOnly))
	if err := v.Unlock(ctx, cred.ID); err != nil {
		panic(err)
	}
	st, _ = v.Status(ctx, cred.ID)
	fmt.Println("locked:", !st.LockedUntil.IsZero(), "failures", st.Failures)
	_, err = v.Verify(ctx, cred, code)
	fmt.Println(errors.Is(err, totp.ErrReplayed))
	// Output:
	// true
	// locked until 22:13:50 failures 2 last used 22:13:00
	// locked: false failures 0
	// true
}
