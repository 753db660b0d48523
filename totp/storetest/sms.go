package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/totp"
)

// Outbox is a totp.Sender that keeps the last code sent to each number, for
// tests (no SMS leaves the process).
type Outbox struct {
	mu    sync.Mutex
	codes map[string]string
	Fail  error // when set, SendCode fails with it
}

// SendCode implements totp.Sender.
func (o *Outbox) SendCode(_ context.Context, to, code string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.Fail != nil {
		return o.Fail
	}
	if o.codes == nil {
		o.codes = make(map[string]string)
	}
	o.codes[to] = code
	return nil
}

// Last returns the last code sent to the number to.
func (o *Outbox) Last(to string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.codes[to]
}

var smsKey = []byte("storetest shared SMS key, 32 b.!")

func newSMS(t *testing.T, s totp.Store, clk *Clock, out *Outbox, o totp.SMSOptions) *totp.SMS {
	t.Helper()
	o.Store, o.Now, o.Sender, o.Key, o.Logger = s, clk.Now, out, smsKey, quiet
	m, err := totp.NewSMS(o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func otherCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func testSMS(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	sms := newSMS(t, s, clk, out, totp.SMSOptions{})
	const phone = "+32470000001"

	exp, err := sms.Send(ctx, "login-1", phone)
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(5 * time.Minute); !exp.Equal(want) {
		t.Errorf("expiry %v, want %v", exp, want)
	}
	c := out.Last(phone)
	if _, err := totp.ParseCode(c, 6); err != nil || len(c) != 6 {
		t.Fatalf("sent code is not 6 digits: %v", err)
	}
	raw, _, _ := s.Get(ctx, "sms:login-1")
	if raw == nil || bytes.Contains(raw, []byte(c)) {
		t.Fatal("the store holds no challenge, or holds the code in clear")
	}
	// A replica sharing store and key checks it, once.
	res, err := newSMS(t, s, clk, out, totp.SMSOptions{}).Verify(ctx, "login-1", c)
	if err != nil || res.Key != keys.IDSMS {
		t.Fatalf("Verify = %+v, %v; want key %s", res, err, keys.IDSMS)
	}
	if _, err := sms.Verify(ctx, "login-1", c); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("second use: %v, want ErrReplayed", err)
	}
	if _, err := sms.Verify(ctx, "nobody", c); !errors.Is(err, totp.ErrNoChallenge) {
		t.Fatalf("no challenge: %v", err)
	}

	// Attempt limit.
	if _, err := sms.Send(ctx, "login-2", phone); err != nil {
		t.Fatal(err)
	}
	c = out.Last(phone)
	for i := 1; i <= 2; i++ {
		if _, err := sms.Verify(ctx, "login-2", otherCode(c)); !errors.Is(err, totp.ErrInvalidCode) || errors.Is(err, totp.ErrTooManyAttempts) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if _, err := sms.Verify(ctx, "login-2", otherCode(c)); !errors.Is(err, totp.ErrInvalidCode) || !errors.Is(err, totp.ErrTooManyAttempts) {
		t.Fatalf("last wrong code: %v, want ErrInvalidCode and ErrTooManyAttempts", err)
	}
	if _, err := sms.Verify(ctx, "login-2", c); !errors.Is(err, totp.ErrTooManyAttempts) {
		t.Fatalf("right code after the attempts: %v, want ErrTooManyAttempts", err)
	}
	// Malformed codes do not use attempts.
	if _, err := sms.Send(ctx, "login-3", phone); err != nil {
		t.Fatal(err)
	}
	c = out.Last(phone)
	for range 5 {
		if _, err := sms.Verify(ctx, "login-3", "12345"); !errors.Is(err, totp.ErrMalformedCode) {
			t.Fatalf("malformed: %v", err)
		}
	}
	// A new code replaces the pending one.
	if _, err := sms.Send(ctx, "login-3", phone); err != nil {
		t.Fatal(err)
	}
	if c2 := out.Last(phone); c2 != c {
		if _, err := sms.Verify(ctx, "login-3", c); !errors.Is(err, totp.ErrInvalidCode) {
			t.Fatalf("replaced code: %v, want ErrInvalidCode", err)
		}
		c = c2
	}
	if _, err := sms.Verify(ctx, "login-3", c); err != nil {
		t.Fatalf("new code: %v", err)
	}

	// Expiry by the verifier's clock.
	if _, err := sms.Send(ctx, "login-4", phone); err != nil {
		t.Fatal(err)
	}
	clk.Add(5*time.Minute + time.Second)
	if _, err := sms.Verify(ctx, "login-4", out.Last(phone)); !errors.Is(err, totp.ErrExpired) {
		t.Fatalf("after expiry: %v, want ErrExpired", err)
	}

	// A failed send withdraws the code.
	out.Fail = errors.New("gateway down")
	if _, err := sms.Send(ctx, "login-5", phone); err == nil {
		t.Fatal("Send succeeded with a failing sender")
	}
	out.Fail = nil
	if _, err := sms.Verify(ctx, "login-5", "123456"); !errors.Is(err, totp.ErrNoChallenge) {
		t.Fatalf("after failed send: %v, want ErrNoChallenge", err)
	}

	// Codes are random and of the configured length.
	sms8 := newSMS(t, s, clk, out, totp.SMSOptions{Digits: 8})
	seen := map[string]bool{}
	for i := range 20 {
		if _, err := sms8.Send(ctx, fmt.Sprintf("len-%d", i), phone); err != nil {
			t.Fatal(err)
		}
		c := out.Last(phone)
		if _, err := totp.ParseCode(c, 8); err != nil || len(c) != 8 {
			t.Fatalf("8-digit code %d malformed", i)
		}
		seen[c] = true
	}
	if len(seen) < 19 {
		t.Errorf("only %d distinct codes out of 20", len(seen))
	}
}

func testSMSConcurrent(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	replicas := []*totp.SMS{newSMS(t, s, clk, out, totp.SMSOptions{}), newSMS(t, s, clk, out, totp.SMSOptions{})}
	if _, err := replicas[0].Send(ctx, "race", "+32470000002"); err != nil {
		t.Fatal(err)
	}
	c := out.Last("+32470000002")
	const goroutines = 16
	var accepted, replayed atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range goroutines {
		wg.Go(func() {
			<-start
			_, err := replicas[i%2].Verify(ctx, "race", c)
			switch {
			case err == nil:
				accepted.Add(1)
			case errors.Is(err, totp.ErrReplayed):
				replayed.Add(1)
			default:
				t.Errorf("unexpected error %v", err)
			}
		})
	}
	close(start)
	wg.Wait()
	if accepted.Load() != 1 || replayed.Load() != goroutines-1 {
		t.Fatalf("%d accepted, %d replayed; want 1 and %d", accepted.Load(), replayed.Load(), goroutines-1)
	}
}
