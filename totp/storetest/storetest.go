// Package storetest checks that a totp.Store keeps its contract, and that
// verifiers sharing it get replay protection, throttling, drift and SMS
// codes right, including under concurrent use. Store implementations call
// Run from their tests.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/keys"
	"github.com/csam-go/csam/totp"
)

// Clock is a settable clock for verifiers under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Run runs the store contract and the verifier behaviour against stores
// made by newStore. Each call of newStore must return a store whose keys do
// not collide with the other calls' (a fresh store or a fresh key prefix).
// The concurrent tests give the same store to both replicas; RunShared
// gives them stores of their own on one backend.
//
// Apart from StoreLoss, the tests run on stores settled at t0 (see Settle).
func Run(t *testing.T, newStore func(t *testing.T) totp.Store) {
	settled := func(t *testing.T) totp.Store { return Settle(t, newStore(t), t0) }
	t.Run("Contract", func(t *testing.T) { testContract(t, newStore(t)) })
	t.Run("Replay", func(t *testing.T) { testReplay(t, settled(t)) })
	t.Run("Throttling", func(t *testing.T) { testThrottling(t, settled(t)) })
	t.Run("Drift", func(t *testing.T) { testDrift(t, settled(t)) })
	t.Run("Resync", func(t *testing.T) { testResync(t, settled(t)) })
	t.Run("SMS", func(t *testing.T) { testSMS(t, settled(t)) })
	t.Run("SMSSendLimit", func(t *testing.T) { testSMSSendLimit(t, settled(t)) })
	t.Run("StoreLoss", func(t *testing.T) { testStoreLoss(t, settled(t), newStore(t)) })
	t.Run("Helpdesk", func(t *testing.T) { testHelpdesk(t, settled(t)) })
	RunShared(t, func(t *testing.T) (a, b totp.Store) { s := newStore(t); return s, s })
}

// Settle returns s after totp.MarkNewStore: as a store in service without
// a loss, whose verifiers take none of the precautions for a store that may
// have lost its data.
func Settle(t testing.TB, s totp.Store, at time.Time) totp.Store {
	t.Helper()
	if err := totp.MarkNewStore(context.Background(), s, at.Add(-24*time.Hour)); err != nil {
		t.Fatalf("settling the store: %v", err)
	}
	return s
}

// RunShared runs the concurrent tests: two replicas, each on its own store
// from newPair, which must share one backend (for Redis, two clients with
// the same key prefix), receive the same requests at the same moment from
// many goroutines, released together.
func RunShared(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	newPair = settledPair(newPair)
	t.Run("ConcurrentReplicas", func(t *testing.T) { testConcurrent(t, newPair) })
	t.Run("ConcurrentGuesses", func(t *testing.T) { testConcurrentGuesses(t, newPair) })
	t.Run("SMSConcurrent", func(t *testing.T) { testSMSConcurrent(t, newPair) })
	t.Run("SMSConcurrentGuesses", func(t *testing.T) { testSMSConcurrentGuesses(t, newPair) })
	t.Run("SMSConcurrentSends", func(t *testing.T) { testSMSConcurrentSends(t, newPair) })
}

// race runs f(i) for i in [0, n) on n goroutines released at once.
func race(n int, f func(i int)) {
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	ready.Add(n)
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			ready.Done()
			<-start
			f(i)
		})
	}
	ready.Wait()
	close(start)
	wg.Wait()
}

// raceOnce submits one valid code from n goroutines released at once,
// verify(i) being goroutine i's attempt, and checks that exactly one is
// accepted and every other one refused as a replay.
func raceOnce(t *testing.T, round, n int, verify func(i int) error) {
	t.Helper()
	var accepted, replayed atomic.Int32
	errs := make(chan error, n)
	race(n, func(i int) {
		err := verify(i)
		switch {
		case err == nil:
			accepted.Add(1)
		case errors.Is(err, totp.ErrReplayed):
			replayed.Add(1)
		default:
			errs <- err
		}
	})
	close(errs)
	for err := range errs {
		t.Errorf("round %d: unexpected error %v", round, err)
	}
	if accepted.Load() != 1 || replayed.Load() != int32(n-1) {
		t.Fatalf("round %d: %d accepted, %d replayed; want 1 and %d", round, accepted.Load(), replayed.Load(), n-1)
	}
}

// raceGuesses sends n wrong guesses at once, verify(i) being goroutine i's
// attempt, and counts how they were judged: judged (ErrInvalidCode), last
// (judged and tripping the lock: isLast) and refused (not judged:
// isRefused). Any other outcome fails the test.
func raceGuesses(t *testing.T, round, n int, isLast, isRefused func(error) bool, verify func(i int) error) (judged, last, refused int32) {
	t.Helper()
	var j, l, r atomic.Int32
	errs := make(chan error, n)
	race(n, func(i int) {
		err := verify(i)
		switch {
		case isLast(err):
			l.Add(1)
			j.Add(1)
		case isRefused(err):
			r.Add(1)
		case errors.Is(err, totp.ErrInvalidCode):
			j.Add(1)
		default:
			errs <- fmt.Errorf("guess %d: %v", i, err)
		}
	})
	close(errs)
	for err := range errs {
		t.Errorf("round %d: unexpected result %v", round, err)
	}
	return j.Load(), l.Load(), r.Load()
}

var quiet = slog.New(slog.DiscardHandler)

// lockingFailure: a wrong TOTP code that locks the credential.
func lockingFailure(err error) bool {
	return errors.Is(err, totp.ErrInvalidCode) && errors.Is(err, totp.ErrThrottled)
}

func isThrottled(err error) bool { return errors.Is(err, totp.ErrThrottled) }

// lastAttempt: a wrong SMS code that used the code's last attempt.
func lastAttempt(err error) bool {
	return errors.Is(err, totp.ErrInvalidCode) && strings.Contains(err.Error(), "last attempt")
}

// noAttempts: an SMS code refused, unjudged, once its attempts are used up.
func noAttempts(err error) bool {
	return errors.Is(err, totp.ErrInvalidCode) && strings.Contains(err.Error(), "no attempts left")
}

func isInputError(err error) bool { return errors.As(err, new(*totp.InputError)) }

var secret = []byte("csam storetest secret, 32 bytes!")

// t0 is a fixed time in the middle of a 30-second step.
var t0 = time.Unix(1_700_000_010, 0)

func code(t *testing.T, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at, totp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func verifier(t *testing.T, s totp.Store, clk *Clock, o totp.Options) *totp.Verifier {
	t.Helper()
	o.Store, o.Now, o.Logger = s, clk.Now, quiet
	v, err := totp.NewVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testContract(t *testing.T, s totp.Store) {
	ctx := context.Background()
	v, ver, err := s.Get(ctx, "k")
	if err != nil || v != nil || ver != 0 {
		t.Fatalf("Get(absent) = %q, %d, %v; want nil, 0, nil", v, ver, err)
	}
	if ok, err := s.CompareAndSwap(ctx, "k", 7, []byte("x"), 0); err != nil || ok {
		t.Fatalf("CAS(absent, version 7) = %v, %v; want false", ok, err)
	}
	if ok, err := s.CompareAndSwap(ctx, "k", 0, []byte("one"), 0); err != nil || !ok {
		t.Fatalf("CAS(absent, 0) = %v, %v; want true", ok, err)
	}
	v, ver1, err := s.Get(ctx, "k")
	if err != nil || string(v) != "one" || ver1 == 0 {
		t.Fatalf("Get = %q, %d, %v; want one, nonzero version", v, ver1, err)
	}
	if ok, _ := s.CompareAndSwap(ctx, "k", 0, []byte("again"), 0); ok {
		t.Fatal("CAS with version 0 replaced a present key")
	}
	if ok, _ := s.CompareAndSwap(ctx, "k", ver1, []byte("two"), 0); !ok {
		t.Fatal("CAS with the current version failed")
	}
	if ok, _ := s.CompareAndSwap(ctx, "k", ver1, []byte("stale"), 0); ok {
		t.Fatal("CAS with a stale version succeeded")
	}
	v, ver2, _ := s.Get(ctx, "k")
	if string(v) != "two" || ver2 == ver1 {
		t.Fatalf("after swap Get = %q, version %d (was %d)", v, ver2, ver1)
	}
	bin := []byte{0, 1, 2, 0xff, '\n', 0}
	if ok, _ := s.CompareAndSwap(ctx, "k", ver2, bin, 0); !ok {
		t.Fatal("CAS of binary value failed")
	}
	v, ver3, _ := s.Get(ctx, "k")
	if !bytes.Equal(v, bin) {
		t.Fatalf("binary value came back as %x", v)
	}
	if ok, _ := s.CompareAndSwap(ctx, "k", ver3, nil, 0); !ok {
		t.Fatal("delete failed")
	}
	if v, ver, _ := s.Get(ctx, "k"); v != nil || ver != 0 {
		t.Fatalf("after delete Get = %q, %d", v, ver)
	}
	if ok, _ := s.CompareAndSwap(ctx, "t", 0, []byte("short-lived"), 150*time.Millisecond); !ok {
		t.Fatal("CAS with ttl failed")
	}
	if v, _, _ := s.Get(ctx, "t"); string(v) != "short-lived" {
		t.Fatalf("before expiry Get = %q", v)
	}
	time.Sleep(300 * time.Millisecond)
	if v, ver, _ := s.Get(ctx, "t"); v != nil || ver != 0 {
		t.Fatalf("after expiry Get = %q, %d; want absent", v, ver)
	}
}

func testReplay(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	v := verifier(t, s, clk, totp.Options{})
	cred := totp.Authenticator{ID: "alice", Secret: secret}
	c := code(t, t0)
	res, err := v.Verify(ctx, cred, c)
	if err != nil {
		t.Fatalf("first use: %v", err)
	}
	if res.Key != keys.IDTOTPApp || res.Step != t0.Unix()/30 || res.Drift != 0 {
		t.Errorf("result %+v", res)
	}
	if _, err := v.Verify(ctx, cred, c); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("second use: %v, want ErrReplayed", err)
	}
	// An earlier step, still inside the window, is refused as well.
	if _, err := v.Verify(ctx, cred, code(t, t0.Add(-30*time.Second))); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("earlier step: %v, want ErrReplayed", err)
	}
	// Another credential is independent.
	if _, err := v.Verify(ctx, totp.Authenticator{ID: "bob", Secret: secret}, c); err != nil {
		t.Fatalf("other credential: %v", err)
	}
	// The next step is accepted.
	clk.Add(30 * time.Second)
	if _, err := v.Verify(ctx, cred, code(t, clk.Now())); err != nil {
		t.Fatalf("next step: %v", err)
	}
	// A second verifier on the same store sees the used steps.
	v2 := verifier(t, s, clk, totp.Options{})
	if _, err := v2.Verify(ctx, cred, code(t, clk.Now())); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("replay through another verifier: %v, want ErrReplayed", err)
	}
}

func testThrottling(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	o := totp.Options{MaxFailures: 3, LockDelay: 10 * time.Second, MaxLockDelay: 35 * time.Second}
	v := verifier(t, s, clk, o)
	cred := totp.Authenticator{ID: "mallory", Secret: secret}
	wrong := "000000"
	if wrong == code(t, t0) || wrong == code(t, t0.Add(-30*time.Second)) || wrong == code(t, t0.Add(30*time.Second)) {
		wrong = "000001"
	}
	for i := 1; i <= 2; i++ {
		_, err := v.Verify(ctx, cred, wrong)
		if !errors.Is(err, totp.ErrInvalidCode) || errors.Is(err, totp.ErrThrottled) {
			t.Fatalf("failure %d: %v, want ErrInvalidCode only", i, err)
		}
	}
	var te *totp.ThrottledError
	_, err := v.Verify(ctx, cred, wrong)
	if !errors.As(err, &te) || !errors.Is(err, totp.ErrInvalidCode) || te.Wait != 10*time.Second || te.Failures != 3 {
		t.Fatalf("third failure: %v, want a ThrottledError of 10s wrapping ErrInvalidCode", err)
	}
	// While locked even the right code is refused, and without counting.
	clk.Add(4 * time.Second)
	_, err = v.Verify(ctx, cred, code(t, clk.Now()))
	if !errors.As(err, &te) || te.Wait != 6*time.Second || errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("while locked: %v, want ThrottledError with 6s left", err)
	}
	// A replica sharing the store sees the lock.
	if _, err := verifier(t, s, clk, o).Verify(ctx, cred, code(t, clk.Now())); !errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("other replica while locked: %v, want ErrThrottled", err)
	}
	// Each further failure doubles the delay, up to the cap.
	for _, want := range []time.Duration{20 * time.Second, 35 * time.Second, 35 * time.Second} {
		clk.Add(time.Hour)
		_, err = v.Verify(ctx, cred, wrong)
		if !errors.As(err, &te) || te.Wait != want {
			t.Fatalf("failure after lock: %v, want wait %s", err, want)
		}
	}
	// A success after the lock resets the count.
	clk.Add(time.Hour)
	if _, err := v.Verify(ctx, cred, code(t, clk.Now())); err != nil {
		t.Fatalf("right code after lock: %v", err)
	}
	if _, err := v.Verify(ctx, cred, wrong); !errors.Is(err, totp.ErrInvalidCode) || errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("first failure after success: %v, want ErrInvalidCode only", err)
	}
	// Malformed codes are refused before the store and do not count.
	for range 5 {
		if _, err := v.Verify(ctx, cred, "12ab56"); !isInputError(err) {
			t.Fatalf("malformed: %v", err)
		}
	}
	if _, err := v.Verify(ctx, cred, wrong); errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("second failure locked: %v", err)
	}
}

func testDrift(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	v := verifier(t, s, clk, totp.Options{})
	cred := totp.Authenticator{ID: "drifty", Secret: secret}
	// A device 3 steps behind is outside the default window...
	if _, err := v.Verify(ctx, cred, code(t, t0.Add(-90*time.Second))); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("3 steps behind: %v, want ErrInvalidCode", err)
	}
	// ...and that failure taught nothing: 2 steps behind is still refused.
	if _, err := v.Verify(ctx, cred, code(t, t0.Add(-60*time.Second))); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("2 steps behind: %v, want ErrInvalidCode", err)
	}
	// One step behind matches: drift -1 is learned.
	res, err := v.Verify(ctx, cred, code(t, t0.Add(-30*time.Second)))
	if err != nil || res.Drift != -1 {
		t.Fatalf("1 step behind: %+v, %v; want drift -1", res, err)
	}
	// The window now centres one step back: the device drifts one more
	// step and is still accepted, and the drift follows.
	clk.Add(60 * time.Second)
	res, err = v.Verify(ctx, cred, code(t, clk.Now().Add(-60*time.Second)))
	if err != nil || res.Drift != -2 {
		t.Fatalf("2 steps behind after learning: %+v, %v; want drift -2", res, err)
	}
	// A replica sharing the store uses the learned drift.
	clk.Add(60 * time.Second)
	res, err = verifier(t, s, clk, totp.Options{}).Verify(ctx, cred, code(t, clk.Now().Add(-90*time.Second)))
	if err != nil || res.Drift != -3 {
		t.Fatalf("replica, 3 steps behind: %+v, %v; want drift -3", res, err)
	}
	// The learned drift is capped by MaxDrift.
	clk2 := NewClock(t0)
	capped := verifier(t, s, clk2, totp.Options{MaxDrift: 1, Behind: 3})
	c2 := totp.Authenticator{ID: "capped", Secret: secret}
	if res, err := capped.Verify(ctx, c2, code(t, t0.Add(-90*time.Second))); err != nil || res.Drift != -3 {
		t.Fatalf("capped verifier: %+v, %v", res, err)
	}
	clk2.Add(30 * time.Second)
	// Stored drift is -1 (capped), so the window is [now-4, now]: now+1 is refused.
	if _, err := capped.Verify(ctx, c2, code(t, clk2.Now().Add(30*time.Second))); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("ahead after capped drift: %v, want ErrInvalidCode", err)
	}
}

func testResync(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	v := verifier(t, s, clk, totp.Options{MaxDrift: 20})
	cred := totp.Authenticator{ID: "resync", Secret: secret}
	behind := func(steps int) string { return code(t, clk.Now().Add(time.Duration(-30*steps)*time.Second)) }
	if _, err := v.Verify(ctx, cred, behind(8)); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("8 steps behind before resync: %v", err)
	}
	// Two codes that are not consecutive do not resync.
	if _, err := v.Resync(ctx, cred, behind(8), behind(6)); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("resync with a gap: %v, want ErrInvalidCode", err)
	}
	res, err := v.Resync(ctx, cred, behind(8), behind(7))
	if err != nil || res.Drift != -7 || res.Step != clk.Now().Unix()/30-7 {
		t.Fatalf("resync: %+v, %v; want drift -7", res, err)
	}
	// The codes used for resync cannot be replayed.
	if _, err := v.Verify(ctx, cred, behind(7)); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("replay of resync code: %v", err)
	}
	clk.Add(30 * time.Second)
	if res, err := v.Verify(ctx, cred, behind(7)); err != nil || res.Drift != -7 {
		t.Fatalf("verify after resync: %+v, %v", res, err)
	}
	// Beyond MaxDrift resync fails.
	if _, err := v.Resync(ctx, cred, behind(40), behind(39)); !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("resync beyond MaxDrift: %v", err)
	}
}

// testConcurrent sends the same code to two verifiers on the shared store
// from many goroutines at once: exactly one acceptance, the rest replays.
func testConcurrent(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	ctx := context.Background()
	clk := NewClock(t0)
	sa, sb := newPair(t)
	replicas := []*totp.Verifier{verifier(t, sa, clk, totp.Options{}), verifier(t, sb, clk, totp.Options{})}
	const rounds, goroutines = 50, 16
	for round := range rounds {
		cred := totp.Authenticator{ID: fmt.Sprintf("race-%d", round), Secret: secret}
		c := code(t, clk.Now())
		raceOnce(t, round, goroutines, func(i int) error {
			_, err := replicas[i%2].Verify(ctx, cred, c)
			return err
		})
	}
}

// testConcurrentGuesses sends many different wrong codes at once through
// both replicas: exactly MaxFailures of them are judged (the last one sets
// the lock), all the others are refused by the lock without being judged,
// and the right code is refused too until the lock ends.
func testConcurrentGuesses(t *testing.T, newPair func(t *testing.T) (a, b totp.Store)) {
	ctx := context.Background()
	clk := NewClock(t0)
	sa, sb := newPair(t)
	o := totp.Options{MaxFailures: 4, LockDelay: time.Minute}
	replicas := []*totp.Verifier{verifier(t, sa, clk, o), verifier(t, sb, clk, o)}
	valid := map[string]bool{}
	for d := -1; d <= 1; d++ {
		valid[code(t, t0.Add(time.Duration(d)*30*time.Second))] = true
	}
	const rounds, goroutines = 10, 24
	for round := range rounds {
		cred := totp.Authenticator{ID: fmt.Sprintf("guess-%d", round), Secret: secret}
		guesses := make([]string, 0, goroutines)
		for n := round * 1000; len(guesses) < goroutines; n++ {
			if g := fmt.Sprintf("%06d", n); !valid[g] {
				guesses = append(guesses, g)
			}
		}
		judged, locking, throttled := raceGuesses(t, round, goroutines, lockingFailure, isThrottled, func(i int) error {
			_, err := replicas[i%2].Verify(ctx, cred, guesses[i])
			return err
		})
		if judged != int32(o.MaxFailures) || locking != 1 || throttled != goroutines-int32(o.MaxFailures) {
			t.Fatalf("round %d: %d guesses judged (%d locking), %d refused by the lock; want %d (1), %d",
				round, judged, locking, throttled, o.MaxFailures, goroutines-o.MaxFailures)
		}
		if _, err := replicas[round%2].Verify(ctx, cred, code(t, t0)); !errors.Is(err, totp.ErrThrottled) {
			t.Fatalf("round %d: right code during the lock: %v, want ErrThrottled", round, err)
		}
	}
}

func settledPair(newPair func(t *testing.T) (a, b totp.Store)) func(t *testing.T) (a, b totp.Store) {
	return func(t *testing.T) (a, b totp.Store) {
		a, b = newPair(t)
		Settle(t, a, t0)
		return a, b
	}
}

// testStoreLoss: lost is s after losing its data (a fresh store, as a Redis
// restarted without persistence, or a memory store after a restart).
func testStoreLoss(t *testing.T, s, lost totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	before := verifier(t, s, clk, totp.Options{})
	after := verifier(t, lost, clk, totp.Options{})
	c := code(t, t0)

	// A caller that does not keep LastStep.
	alice := totp.Authenticator{ID: "alice", Secret: secret}
	if _, err := before.Verify(ctx, alice, c); err != nil {
		t.Fatalf("code before the loss: %v", err)
	}
	if _, err := after.Verify(ctx, alice, c); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("used code after the loss: %v, want ErrReplayed", err)
	}
	for _, d := range []time.Duration{-30 * time.Second, 30 * time.Second} {
		if _, err := after.Verify(ctx, alice, code(t, t0.Add(d))); !errors.Is(err, totp.ErrReplayed) {
			t.Fatalf("code at %v after the loss: %v, want ErrReplayed", d, err)
		}
	}

	// A caller that keeps LastStep: the used code stays refused, the next
	// one is accepted at once.
	bob := totp.Authenticator{ID: "bob", Secret: secret}
	res, err := before.Verify(ctx, bob, c)
	if err != nil {
		t.Fatal(err)
	}
	bob.LastStep = res.Step
	if _, err := after.Verify(ctx, bob, c); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("used code after the loss, LastStep kept: %v, want ErrReplayed", err)
	}
	clk.Add(30 * time.Second)
	if _, err := after.Verify(ctx, bob, code(t, clk.Now())); err != nil {
		t.Fatalf("next code after the loss, LastStep kept: %v", err)
	}

	// Without LastStep, the codes of the steps a lost drift may have
	// reached stay refused too; the first wrong code locks.
	clk.Add(5 * time.Minute)
	if _, err := after.Verify(ctx, alice, code(t, clk.Now())); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("code 5.5 minutes after the loss: %v, want ErrReplayed", err)
	}
	if _, err := after.Verify(ctx, alice, otherCode(c)); !errors.Is(err, totp.ErrThrottled) || !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("first wrong code after the loss: %v, want a lock", err)
	}

	// The SMS send count: one more code per number until the window ends.
	out := &Outbox{}
	sms := newSMS(t, lost, clk, out, totp.SMSOptions{MaxSends: 3})
	if _, err := sms.Send(ctx, "login-loss", "+32470000099"); err != nil {
		t.Fatalf("first send after the loss: %v", err)
	}
	if _, err := sms.Send(ctx, "login-loss", "+32470000099"); !errors.As(err, new(*totp.SendLimitError)) {
		t.Fatalf("second send after the loss: %v, want a SendLimitError", err)
	}

	// Once the store's first hour (the longest lock) is over, and the
	// window of the lost steps, a credential without state starts afresh.
	clk.Add(2 * time.Hour)
	carol := totp.Authenticator{ID: "carol", Secret: secret}
	if _, err := after.Verify(ctx, carol, otherCode(code(t, clk.Now()))); !errors.Is(err, totp.ErrInvalidCode) || errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("wrong code two hours after the loss: %v, want ErrInvalidCode without a lock", err)
	}
	if _, err := after.Verify(ctx, carol, code(t, clk.Now())); err != nil {
		t.Fatalf("code two hours after the loss: %v", err)
	}
}

func testHelpdesk(t *testing.T, s totp.Store) {
	ctx := context.Background()
	clk := NewClock(t0)
	v := verifier(t, s, clk, totp.Options{MaxFailures: 2})
	cred := totp.Authenticator{ID: "helpdesk", Secret: secret}
	if st, err := v.Status(ctx, cred.ID); err != nil || st.Known {
		t.Fatalf("Status of an unknown credential = %+v, %v", st, err)
	}
	c := code(t, t0)
	res, err := v.Verify(ctx, cred, c)
	if err != nil {
		t.Fatal(err)
	}
	st, err := v.Status(ctx, cred.ID)
	if err != nil || !st.Known || st.LastStep != res.Step || !st.LastUsed.Equal(time.Unix(res.Step*30, 0)) || st.Failures != 0 || !st.LockedUntil.IsZero() {
		t.Fatalf("Status after a use = %+v, %v; want step %d", st, err, res.Step)
	}
	_, _ = v.Verify(ctx, cred, otherCode(c))
	_, err = v.Verify(ctx, cred, otherCode(c))
	var te *totp.ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("second wrong code: %v, want a lock", err)
	}
	st, _ = v.Status(ctx, cred.ID)
	if !st.LockedUntil.Equal(te.Until) || st.Failures != 2 {
		t.Fatalf("Status while locked = %+v; want locked until %v, 2 failures", st, te.Until)
	}
	if err := v.Unlock(ctx, cred.ID); err != nil {
		t.Fatal(err)
	}
	st, _ = v.Status(ctx, cred.ID)
	if !st.LockedUntil.IsZero() || st.Failures != 0 || st.LastStep != res.Step {
		t.Fatalf("Status after Unlock = %+v", st)
	}
	if _, err := v.Verify(ctx, cred, c); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("used code after Unlock: %v, want ErrReplayed", err)
	}
	clk.Add(30 * time.Second)
	if _, err := v.Verify(ctx, cred, code(t, clk.Now())); err != nil {
		t.Fatalf("next code after Unlock: %v", err)
	}
	if err := v.Forget(ctx, cred.ID); err != nil {
		t.Fatal(err)
	}
	if st, err := v.Status(ctx, cred.ID); err != nil || st.Known {
		t.Fatalf("Status after Forget = %+v, %v", st, err)
	}
	if err := v.Unlock(ctx, "nobody"); err != nil {
		t.Fatalf("Unlock of an unknown credential: %v", err)
	}
}
