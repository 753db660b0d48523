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

// digits reports whether c is n decimal digits.
func digits(c string, n int) bool {
	if len(c) != n {
		return false
	}
	for _, r := range c {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
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
	// Many codes go to one number here; testSMSSendLimit checks the limit.
	sms := newSMS(t, s, clk, out, totp.SMSOptions{MaxSends: -1})
	const phone = "+32470000001"

	exp, err := sms.Send(ctx, "login-1", phone)
	if err != nil {
		t.Fatal(err)
	}
	if want := t0.Add(5 * time.Minute); !exp.Equal(want) {
		t.Errorf("expiry %v, want %v", exp, want)
	}
	c := out.Last(phone)
	if !digits(c, 6) {
		t.Fatalf("sent code %q is not 6 digits", c)
	}
	raw, _, _ := s.Get(ctx, "sms:login-1")
	if raw == nil || bytes.Contains(raw, []byte(c)) {
		t.Fatal("the store holds no challenge, or holds the code in clear")
	}
	// A replica sharing store and key checks it, once.
	res, err := newSMS(t, s, clk, out, totp.SMSOptions{MaxSends: -1}).Verify(ctx, "login-1", c)
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
		if _, err := sms.Verify(ctx, "login-2", otherCode(c)); !errors.Is(err, totp.ErrInvalidCode) || lastAttempt(err) || noAttempts(err) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if _, err := sms.Verify(ctx, "login-2", otherCode(c)); !lastAttempt(err) {
		t.Fatalf("last wrong code: %v, want ErrInvalidCode, the last attempt", err)
	}
	if _, err := sms.Verify(ctx, "login-2", c); !noAttempts(err) {
		t.Fatalf("right code after the attempts: %v, want ErrInvalidCode, no attempts left", err)
	}
	// Malformed codes do not use attempts.
	if _, err := sms.Send(ctx, "login-3", phone); err != nil {
		t.Fatal(err)
	}
	c = out.Last(phone)
	for range 5 {
		if _, err := sms.Verify(ctx, "login-3", "12345"); !isInputError(err) {
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
	sms8 := newSMS(t, s, clk, out, totp.SMSOptions{Digits: 8, MaxSends: -1})
	seen := map[string]bool{}
	for i := range 20 {
		if _, err := sms8.Send(ctx, fmt.Sprintf("len-%d", i), phone); err != nil {
			t.Fatal(err)
		}
		c := out.Last(phone)
		if !digits(c, 8) {
			t.Fatalf("8-digit code %d malformed", i)
		}
		seen[c] = true
	}
	if len(seen) < 19 {
		t.Errorf("only %d distinct codes out of 20", len(seen))
	}
}

// testSMSSendLimit: at most MaxSends codes to one number per window, shared
// by the replicas, whatever the identifiers; failed sends count; the store
// holds no phone number.
func testSMSSendLimit(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	a := newSMS(t, s, clk, out, totp.SMSOptions{})
	b := newSMS(t, s, clk, out, totp.SMSOptions{})
	const phone, other = "+32470000010", "+32470000011"
	for i := range 4 {
		if _, err := []*totp.SMS{a, b}[i%2].Send(ctx, fmt.Sprintf("limit-%d", i), phone); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	out.Fail = errors.New("gateway down")
	if _, err := a.Send(ctx, "limit-4", phone); err == nil || errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("fifth send, failing gateway: %v", err)
	}
	out.Fail = nil
	clk.Add(20 * time.Minute)
	_, err := b.Send(ctx, "limit-5", phone)
	var le *totp.SendLimitError
	if !errors.As(err, &le) || le.Sent != 5 || le.Wait != 40*time.Minute || !le.Until.Equal(t0.Add(time.Hour)) {
		t.Fatalf("sixth send: %v, want a SendLimitError of 5 sends, 40m to wait", err)
	}
	if _, err := a.Send(ctx, "limit-6", other); err != nil {
		t.Fatalf("another number: %v", err)
	}
	for _, key := range []string{"sms:limit-0", "sms:limit-3"} {
		if raw, _, _ := s.Get(ctx, key); raw == nil || bytes.Contains(raw, []byte(phone)) || bytes.Contains(raw, []byte(phone[1:])) {
			t.Fatalf("%s: absent or holding the number", key)
		}
	}
	clk.Add(40 * time.Minute)
	if _, err := a.Send(ctx, "limit-7", phone); err != nil {
		t.Fatalf("send after the window: %v", err)
	}
	if _, err := newSMS(t, s, clk, out, totp.SMSOptions{MaxSends: 1, SendWindow: time.Minute}).Send(ctx, "limit-8", "+32470000012"); err != nil {
		t.Fatal(err)
	}
	if _, err := newSMS(t, s, clk, out, totp.SMSOptions{MaxSends: 1, SendWindow: time.Minute}).Send(ctx, "limit-9", "+32470000012"); !errors.As(err, new(*totp.SendLimitError)) {
		t.Fatalf("MaxSends 1: %v, want a SendLimitError", err)
	}
}

func smsPair(t *testing.T, newPair func(t *testing.T) (a, b totp.Store), clk *Clock, out *Outbox, o totp.SMSOptions) []*totp.SMS {
	sa, sb := newPair(t)
	return []*totp.SMS{newSMS(t, sa, clk, out, o), newSMS(t, sb, clk, out, o)}
}

// testSMSConcurrent sends the right code to both replicas at once: it is
// accepted once.
func testSMSConcurrent(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	replicas := smsPair(t, newPair, clk, out, totp.SMSOptions{MaxSends: -1})
	const rounds, goroutines = 20, 16
	for round := range rounds {
		id := fmt.Sprintf("race-%d", round)
		if _, err := replicas[round%2].Send(ctx, id, "+32470000002"); err != nil {
			t.Fatal(err)
		}
		c := out.Last("+32470000002")
		raceOnce(t, round, goroutines, func(i int) error {
			_, err := replicas[i%2].Verify(ctx, id, c)
			return err
		})
	}
}

// testSMSConcurrentGuesses sends many wrong codes at once: exactly
// MaxAttempts are judged, and afterwards even the right code is refused.
func testSMSConcurrentGuesses(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	replicas := smsPair(t, newPair, clk, out, totp.SMSOptions{MaxSends: -1})
	const rounds, goroutines, attempts = 10, 24, 3
	for round := range rounds {
		id := fmt.Sprintf("guess-%d", round)
		if _, err := replicas[round%2].Send(ctx, id, "+32470000004"); err != nil {
			t.Fatal(err)
		}
		c := out.Last("+32470000004")
		judged, last, refused := raceGuesses(t, round, goroutines, lastAttempt, noAttempts, func(i int) error {
			guess := fmt.Sprintf("%06d", i)
			if guess == c {
				guess = fmt.Sprintf("%06d", goroutines)
			}
			_, err := replicas[i%2].Verify(ctx, id, guess)
			return err
		})
		if judged != attempts || last != 1 || refused != goroutines-attempts {
			t.Fatalf("round %d: %d judged (%d last), %d refused; want %d (1), %d", round, judged, last, refused, attempts, goroutines-attempts)
		}
		if _, err := replicas[round%2].Verify(ctx, id, c); !noAttempts(err) {
			t.Fatalf("round %d: right code after the attempts: %v", round, err)
		}
	}
}

// testSMSConcurrentSends asks both replicas for many codes to one number at
// once: exactly MaxSends are sent.
func testSMSConcurrentSends(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	ctx := context.Background()
	clk := NewClock(t0)
	out := &Outbox{}
	const rounds, goroutines, maxSends = 5, 16, 3
	replicas := smsPair(t, newPair, clk, out, totp.SMSOptions{MaxSends: maxSends})
	for round := range rounds {
		phone := fmt.Sprintf("+3247100000%d", round)
		var sent, limited atomic.Int32
		errs := make(chan error, goroutines)
		race(goroutines, func(i int) {
			_, err := replicas[i%2].Send(ctx, fmt.Sprintf("sends-%d-%d", round, i), phone)
			switch {
			case err == nil:
				sent.Add(1)
			case errors.As(err, new(*totp.SendLimitError)):
				limited.Add(1)
			default:
				errs <- err
			}
		})
		close(errs)
		for err := range errs {
			t.Errorf("round %d: unexpected error %v", round, err)
		}
		if sent.Load() != maxSends || limited.Load() != goroutines-maxSends {
			t.Fatalf("round %d: %d sent, %d refused; want %d and %d", round, sent.Load(), limited.Load(), maxSends, goroutines-maxSends)
		}
	}
}
