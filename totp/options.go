package totp

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pquerna/otp"
)

// Options configures a Verifier. The zero value gives the defaults that
// authenticator apps expect: 30-second steps, 6 digits, SHA-1, one step
// accepted behind and one ahead, lockout after 5 consecutive failures.
type Options struct {
	// Period is the time step; zero means 30 seconds. It must be a whole
	// number of seconds.
	Period time.Duration
	// Digits is the code length: 6 (zero means 6), 7 or 8.
	Digits int
	// Algorithm is the HMAC hash; the zero value is SHA1.
	Algorithm Algorithm
	// Behind and Ahead are the steps accepted before and after the current
	// one (shifted by the credential's learned drift). Zero means one step;
	// a negative value means none on that side; more than MaxWindow is
	// refused with an *OptionError.
	Behind, Ahead int
	// MaxDrift bounds the drift, in steps, learned from accepted codes and
	// set by Resync, which searches that far on either side. Zero means 10
	// steps; a negative value disables drift learning (and Resync searches
	// only the window); more than MaxDriftLimit is refused with an
	// *OptionError.
	MaxDrift int
	// MaxFailures is the number of consecutive failed codes after which the
	// credential is locked (RFC 4226 §7.3). Zero means 5.
	MaxFailures int
	// LockDelay is the first lock's duration; each further failure after a
	// lock doubles it, up to MaxLockDelay. Zero means 30 seconds.
	LockDelay time.Duration
	// MaxLockDelay caps the lock's duration. Zero means one hour.
	MaxLockDelay time.Duration
	// SecretBytes is the size of secrets Enroll makes. Zero means 20 bytes
	// (160 bits); smaller values are refused.
	SecretBytes int
	// StateTTL is how long the state of a credential is kept after its
	// last verification (each attempt that changes the state renews it),
	// so that the state of deleted credentials does not stay forever. Zero
	// means 90 days. It must exceed MaxLockDelay and the time the window
	// and the drift span, so that no lock or used step expires while it
	// still matters.
	StateTTL time.Duration
	// Store keeps the per-credential state; nil means a new MemoryStore.
	// Replicas of a service share one store (totp/redisstore). See the
	// package documentation for what a store that loses its data costs.
	Store Store
	// Now is the clock. Nil means the store's clock when the store has one
	// (a ClockStore, such as totp/redisstore's), so that the replicas of a
	// service all read one clock for steps and locks; otherwise time.Now.
	// A non-nil Now is always used (tests).
	Now func() time.Time
	// Rand is the source of enrollment secrets; nil means crypto/rand.
	Rand io.Reader
	// Logger receives diagnostics (never codes or secrets), at Debug
	// level except for store failures; nil means none. Refused codes are
	// logged at Debug only, so that an attacker cannot fill the logs.
	Logger *slog.Logger
}

// Bounds of the options: a window or drift beyond them would make each
// verification compute thousands of codes, and accept codes far from the
// current time.
const (
	MaxWindow     = 10  // Behind and Ahead, in steps
	MaxDriftLimit = 100 // MaxDrift, in steps
)

// OptionError reports an option out of its bounds.
type OptionError struct {
	Option string // the option's field name, e.g. "Behind"
	Value  int64
	Max    int64
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("totp: invalid options: %s %d exceeds %d", e.Option, e.Value, e.Max)
}

func errBadOptions(msg string) error { return errors.New("totp: invalid options: " + msg) }

var errBeforeEpoch = errors.New("totp: time before 1970 has no time step")

// MinEnrollSecretBytes is the smallest secret Enroll makes: 160 bits, as
// RFC 4226 §4 recommends.
const MinEnrollSecretBytes = 20

// config is Options with the defaults applied.
type config struct {
	period        time.Duration
	digits        int
	alg           Algorithm
	behind, ahead int64
	maxDrift      int64
	maxFailures   int
	lockDelay     time.Duration
	maxLockDelay  time.Duration
	secretBytes   int
	stateTTL      time.Duration
	store         Store
	clock         ClockStore // the store, when it has a clock and now is not set
	now           func() time.Time
	rand          io.Reader
	log           *slog.Logger
}

func (o Options) withDefaults() (config, error) {
	c := config{
		period: o.Period, digits: o.Digits, alg: o.Algorithm,
		behind: side(o.Behind), ahead: side(o.Ahead),
		maxDrift: int64(o.MaxDrift), maxFailures: o.MaxFailures,
		lockDelay: o.LockDelay, maxLockDelay: o.MaxLockDelay,
		secretBytes: o.SecretBytes, stateTTL: o.StateTTL, store: o.Store, now: o.Now, rand: o.Rand, log: o.Logger,
	}
	if c.period == 0 {
		c.period = 30 * time.Second
	}
	if c.period < time.Second || c.period%time.Second != 0 {
		return c, errBadOptions("period must be a whole number of seconds")
	}
	if c.digits == 0 {
		c.digits = 6
	}
	if c.digits < 6 || c.digits > 8 {
		return c, errBadOptions("digits must be 6, 7 or 8")
	}
	if !c.alg.Valid() {
		return c, errBadOptions("unknown algorithm")
	}
	for _, b := range []struct {
		name     string
		val, max int64
	}{{"Behind", int64(o.Behind), MaxWindow}, {"Ahead", int64(o.Ahead), MaxWindow}, {"MaxDrift", int64(o.MaxDrift), MaxDriftLimit}} {
		if b.val > b.max {
			return c, &OptionError{Option: b.name, Value: b.val, Max: b.max}
		}
	}
	switch {
	case c.maxDrift == 0:
		c.maxDrift = 10
	case c.maxDrift < 0:
		c.maxDrift = 0
	}
	if c.maxFailures == 0 {
		c.maxFailures = 5
	}
	if c.maxFailures < 0 {
		return c, errBadOptions("max failures must not be negative")
	}
	if c.lockDelay == 0 {
		c.lockDelay = 30 * time.Second
	}
	if c.maxLockDelay == 0 {
		c.maxLockDelay = time.Hour
	}
	if c.lockDelay < 0 || c.maxLockDelay < c.lockDelay {
		return c, errBadOptions("lock delays must be positive and the maximum at least the first")
	}
	if c.secretBytes == 0 {
		c.secretBytes = MinEnrollSecretBytes
	}
	if c.secretBytes < MinEnrollSecretBytes {
		return c, errBadOptions(fmt.Sprintf("enrollment secrets must have at least %d bytes", MinEnrollSecretBytes))
	}
	span := time.Duration(c.behind+c.ahead+2*c.maxDrift+2) * c.period
	if c.stateTTL == 0 {
		c.stateTTL = 90 * 24 * time.Hour
	}
	if c.stateTTL <= c.maxLockDelay || c.stateTTL <= span {
		return c, errBadOptions("the state TTL must exceed the maximum lock delay and the window and drift")
	}
	if c.store == nil {
		c.store = NewMemoryStore()
	}
	if cs, ok := c.store.(ClockStore); ok && c.now == nil {
		c.clock = cs
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.rand == nil {
		c.rand = rand.Reader
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

func side(n int) int64 {
	switch {
	case n == 0:
		return 1
	case n < 0:
		return 0
	}
	return int64(n)
}

func otpDigits(n int) otp.Digits { return otp.Digits(n) }
