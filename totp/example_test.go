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
	cred := totp.Credential{ID: "user-42/app", Secret: secret, LastStep: 56_666_600}

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
