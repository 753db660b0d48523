package totp

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/csam-go/csam/keys"
)

// The verdicts callers branch on, matched with errors.Is. Verify, Activate,
// Resync and the SMS methods return them, possibly wrapped in a typed error
// that carries the data ([*ThrottledError], [*SendLimitError]). A code or
// secret that is not well formed is an [*InputError]; invalid options an
// [*OptionError] or an error saying what is wrong.
var (
	// ErrInvalidCode is returned when the code matches no step of the
	// window, or is not the pending SMS code (also when its attempts are
	// used up: a new code must be sent).
	ErrInvalidCode = errors.New("totp: invalid code")
	// ErrReplayed is returned when the code matches a step at or before
	// the last accepted one for this credential (RFC 6238 §5.2), or the
	// SMS code was already accepted.
	ErrReplayed = errors.New("totp: code already used")
	// ErrThrottled is returned when the credential is locked after too
	// many failures (a [*ThrottledError] carries the wait), or when Send
	// refuses to send more SMS codes to a phone number (a
	// [*SendLimitError]).
	ErrThrottled = errors.New("totp: too many attempts")
	// ErrStore is returned when the store fails: it cannot be read or
	// written (its error is wrapped too), holds a value no verifier wrote,
	// or kept changing under concurrent updates (try again).
	ErrStore = errors.New("totp: store failed")
)

// storeError is a failure of the store. It matches ErrStore and the
// store's own error.
type storeError struct {
	op  string // e.g. "reading state"
	err error
}

func storeErr(op string, err error) error { return &storeError{op: op, err: err} }

func (e *storeError) Error() string   { return "totp: " + e.op + ": " + e.err.Error() }
func (e *storeError) Unwrap() []error { return []error{ErrStore, e.err} }

var (
	errContention   = storeErr("updating the store", errors.New("contention, try again"))
	errCorruptState = storeErr("reading the store", errors.New("corrupt stored state"))
	// errCredential: the credential has no ID or a secret shorter than
	// MinSecretBytes.
	errCredential = errors.New("totp: invalid credential")
)

// ThrottledError reports a locked credential. errors.Is matches it with
// [ErrThrottled], and with Err when set ([ErrInvalidCode] when the failure
// just locked the credential).
type ThrottledError struct {
	Wait     time.Duration // until the next attempt is considered
	Until    time.Time     // end of the lock
	Failures int           // consecutive failures so far
	Err      error         // the failure that set the lock, or nil
}

func (e *ThrottledError) Error() string {
	s := fmt.Sprintf("totp: too many failed attempts (%d), retry in %s", e.Failures, e.Wait.Round(time.Second))
	if e.Err != nil {
		s = e.Err.Error() + "; " + s[len("totp: "):]
	}
	return s
}

// Unwrap returns ErrThrottled and Err.
func (e *ThrottledError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrThrottled, e.Err}
	}
	return []error{ErrThrottled}
}

// Authenticator is an activated TOTP credential: a unique, stable identifier
// (the store key of its state) and its secret.
type Authenticator struct {
	ID     string
	Secret []byte
	// LastStep is the step of the last code accepted for the credential
	// (Result.Step), when the caller keeps it with the credential; zero
	// when unknown. Codes of this step and earlier are refused whatever
	// the store holds, so that a store that lost its data (an evicted key,
	// a failover to a replica that missed the last writes) cannot accept
	// them again. A caller that keeps it stores it before granting access.
	LastStep int64
}

// Result describes an accepted code.
type Result struct {
	// Key is the key type the code proves: keys.IDTOTPApp or keys.IDSMS.
	Key keys.ID
	// Step is the matched time step (Unix time / period); 0 for SMS.
	Step int64
	// Drift is the matched step minus the current step by the verifier's
	// clock: negative when the device is behind. 0 for SMS.
	Drift int64
}

// KeyType returns the key type the result proves, looked up in reg (a
// keys.NewRegistry holds the built-in totp-app and sms-otp types), and
// whether reg has it. Its Presented method gives the levels.PresentedKey an
// access decision needs.
func (r Result) KeyType(reg *keys.Registry) (keys.KeyType, bool) {
	if reg == nil || r.Key == "" {
		return keys.KeyType{}, false
	}
	return reg.Lookup(r.Key)
}

// Verifier checks TOTP codes with replay protection, throttling and drift
// learning, its state in a Store. It is safe for concurrent use.
type Verifier struct {
	c config
}

// NewVerifier returns a verifier with the given options. It fails with an
// error saying which option is invalid ("totp: invalid options: ..."), an
// *OptionError for a bound exceeded.
func NewVerifier(o Options) (*Verifier, error) {
	c, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Verifier{c: c}, nil
}

// stateKey is the store key of a credential's state.
func stateKey(id string) string { return "totp:" + id }

func (v *Verifier) step(t time.Time) (int64, error) {
	u := t.Unix()
	if u < 0 {
		return 0, errBeforeEpoch
	}
	return u / int64(v.c.period/time.Second), nil
}

// match computes the code of every step in [lo, hi] and returns the step
// whose code equals want. Every step is computed and compared in constant
// time, whichever matches. Negative steps are skipped.
func match(g *generator, want uint32, lo, hi int64) (int64, bool) {
	var found int
	var step int64
	for s := max(lo, 0); s <= hi; s++ {
		eq := subtle.ConstantTimeEq(int32(g.at(uint64(s))), int32(want))
		mask := -int64(eq)
		step = s&mask | step&^mask
		found |= eq
	}
	return step, found == 1
}

// outcome is what a check decides before the state is written.
type outcome struct {
	ok     bool
	replay bool
	step   int64 // matched (last) step
	drift  int64 // drift to store
}

// update runs check against the credential's state and writes the result
// with compare-and-swap, retrying when another verifier wrote in between.
// Every write renews the state's time to live.
func (v *Verifier) update(ctx context.Context, cred Authenticator, op string, check func(st state, nowStep int64) outcome) (Result, error) {
	id := cred.ID
	// With the memory store, the key is built where it does not escape (on
	// the stack for short identifiers) and the state read and written in
	// buffers of this frame: a verification allocates nothing there.
	mem, _ := v.c.store.(*MemoryStore)
	if v.c.clock != nil {
		mem = nil
	}
	var key string
	if mem == nil {
		key = stateKey(id)
	}
	var rbuf, wbuf [stateLen]byte // the state, read and written without allocating in the memory store
	for range 32 {
		var raw []byte
		var ver uint64
		var now time.Time
		var err error
		if mem != nil {
			raw, ver = mem.get(stateKey(id), rbuf[:])
			now = v.c.now()
		} else {
			raw, ver, now, err = readNow(ctx, v.c.store, v.c.clock, v.c.now, key)
		}
		if err != nil {
			return Result{}, storeErr("reading state", err)
		}
		st, err := decodeState(raw)
		if err != nil {
			return Result{}, err
		}
		nowStep, err := v.step(now)
		if err != nil {
			return Result{}, err
		}
		if raw == nil && op != opActivate {
			if st, err = v.freshState(ctx, cred, now); err != nil {
				return Result{}, err
			}
		}
		if st.lockedUntil != 0 && now.UnixNano() < st.lockedUntil {
			until := time.Unix(0, st.lockedUntil)
			v.c.log.LogAttrs(ctx, slog.LevelDebug, "totp: attempt on locked credential", slog.String("credential", id), slog.String("op", op))
			return Result{}, &ThrottledError{Wait: until.Sub(now), Until: until, Failures: int(st.failures)}
		}
		o := check(st, nowStep)
		var res Result
		var fail error
		switch {
		case o.ok:
			st.minStep, st.lastStep, st.drift, st.failures, st.lockedUntil = o.step+1, o.step, o.drift, 0, 0
			res = Result{Key: keys.IDTOTPApp, Step: o.step, Drift: o.step - nowStep}
		case o.replay:
			v.c.log.LogAttrs(ctx, slog.LevelDebug, "totp: replayed code refused", slog.String("credential", id), slog.String("op", op))
			return Result{}, ErrReplayed
		default:
			st.failures++
			fail = ErrInvalidCode
			if int(st.failures) >= v.c.maxFailures {
				d := v.lockDelay(int(st.failures))
				until := now.Add(d)
				st.lockedUntil = until.UnixNano()
				fail = &ThrottledError{Wait: d, Until: until, Failures: int(st.failures), Err: ErrInvalidCode}
			}
		}
		var swapped bool
		if mem != nil {
			swapped, err = mem.CompareAndSwap(ctx, stateKey(id), ver, st.appendTo(wbuf[:0]), v.c.stateTTL)
		} else {
			swapped, err = v.c.store.CompareAndSwap(ctx, key, ver, st.encode(), v.c.stateTTL)
		}
		if err != nil {
			return Result{}, storeErr("writing state", err)
		}
		if !swapped {
			continue
		}
		if fail != nil {
			v.c.log.LogAttrs(ctx, slog.LevelDebug, "totp: code refused", slog.String("credential", id), slog.String("op", op),
				slog.Int("failures", int(st.failures)), slog.Bool("locked", st.lockedUntil != 0))
			return Result{}, fail
		}
		v.c.log.LogAttrs(ctx, slog.LevelDebug, "totp: code accepted", slog.String("credential", id), slog.String("op", op),
			slog.Int64("step", res.Step), slog.Int64("drift", res.Drift))
		return res, nil
	}
	return Result{}, errContention
}

// Operations, as logged.
const (
	opVerify   = "verify"
	opResync   = "resync"
	opActivate = "activate"
)

// freshState is the state of a credential the store holds nothing for:
// never verified, expired after StateTTL, forgotten, or lost with the
// store's data. The store cannot tell these apart, so the state is made
// safe for a loss. The steps that may have been accepted before stay
// refused: up to cred.LastStep when the caller keeps it, otherwise up to
// the store's epoch (the time its verifiers first found it without one:
// new or emptied) plus the largest drift and the window ahead. And until
// MaxLockDelay after the epoch, one wrong code locks the credential, as a
// lock lost with the store might still hold.
func (v *Verifier) freshState(ctx context.Context, cred Authenticator, now time.Time) (state, error) {
	epoch, lost, err := storeEpoch(ctx, v.c.store, now)
	if err != nil {
		return state{}, err
	}
	var st state
	if !lost {
		st.minStep = max(cred.LastStep+1, 0)
		return st, nil
	}
	if cred.LastStep > 0 {
		st.minStep = cred.LastStep + 1
	} else if es, err := v.step(epoch); err == nil {
		st.minStep = es + v.c.maxDrift + v.c.ahead + 1
	}
	if now.Before(epoch.Add(v.c.maxLockDelay)) {
		st.failures = uint32(max(v.c.maxFailures-1, 0))
	}
	return st, nil
}

func (v *Verifier) lockDelay(failures int) time.Duration {
	d := v.c.lockDelay
	for i := v.c.maxFailures; i < failures; i++ {
		if d >= v.c.maxLockDelay {
			break
		}
		d *= 2
	}
	return min(d, v.c.maxLockDelay)
}

func (v *Verifier) clampDrift(d int64) int64 {
	return max(-v.c.maxDrift, min(d, v.c.maxDrift))
}

func (v *Verifier) checkCredential(c Authenticator) error {
	if c.ID == "" {
		return fmt.Errorf("%w: empty ID", errCredential)
	}
	if len(c.Secret) < MinSecretBytes {
		return fmt.Errorf("%w: secret shorter than %d bits", errCredential, 8*MinSecretBytes)
	}
	return nil
}

// Verify checks a code for an activated credential at the verifier's clock.
// The window is centred on the current step shifted by the credential's
// learned drift. An accepted code refuses its step and every earlier one
// afterwards, resets the failure count and records the drift.
//
// Errors: *InputError for a code that is not the configured number of
// digits; [ErrInvalidCode]; [ErrReplayed]; *ThrottledError ([ErrThrottled])
// while locked, and with Err ErrInvalidCode for the failure that locks;
// [ErrStore]; an error for a credential without ID or with a short secret.
func (v *Verifier) Verify(ctx context.Context, cred Authenticator, code string) (Result, error) {
	return v.verify(ctx, cred, code, opVerify)
}

func (v *Verifier) verify(ctx context.Context, cred Authenticator, code, op string) (Result, error) {
	want, err := parseCode(code, v.c.digits)
	if err != nil {
		return Result{}, err
	}
	if err := v.checkCredential(cred); err != nil {
		return Result{}, err
	}
	g := newGenerator(cred.Secret, v.c.alg, v.c.digits)
	defer g.release()
	var lastCenter int64 = -1
	var step int64
	var found bool
	return v.update(ctx, cred, op, func(st state, nowStep int64) outcome {
		center := nowStep + st.drift
		if center != lastCenter { // recomputed only if the drift changed under us
			lastCenter = center
			step, found = match(g, want, center-v.c.behind, center+v.c.ahead)
		}
		switch {
		case !found:
			return outcome{}
		case step < st.minStep || step <= cred.LastStep:
			return outcome{replay: true}
		}
		return outcome{ok: true, step: step, drift: v.clampDrift(step - nowStep)}
	})
}

// Resync re-learns a credential's drift from two consecutive codes (RFC 4226
// §7.4, RFC 6238 §6): it searches MaxDrift steps (at least the window) on
// either side of the current step for a step matching first whose next step
// matches second. On success the drift is set to the second code's step and
// both steps are used. A failure counts toward the lock. Errors are those
// of Verify.
func (v *Verifier) Resync(ctx context.Context, cred Authenticator, first, second string) (Result, error) {
	c1, err := parseCode(first, v.c.digits)
	if err != nil {
		return Result{}, err
	}
	c2, err := parseCode(second, v.c.digits)
	if err != nil {
		return Result{}, err
	}
	if err := v.checkCredential(cred); err != nil {
		return Result{}, err
	}
	g := newGenerator(cred.Secret, v.c.alg, v.c.digits)
	defer g.release()
	r := max(v.c.maxDrift, v.c.behind, v.c.ahead)
	return v.update(ctx, cred, opResync, func(st state, nowStep int64) outcome {
		var found int
		var step int64
		prev := g.at(uint64(max(nowStep-r, 0)))
		for s := max(nowStep-r, 0); s <= nowStep+r; s++ {
			next := g.at(uint64(s + 1))
			eq := subtle.ConstantTimeEq(int32(prev), int32(c1)) & subtle.ConstantTimeEq(int32(next), int32(c2))
			mask := -int64(eq)
			step = (s+1)&mask | step&^mask
			found |= eq
			prev = next
		}
		switch {
		case found == 0:
			return outcome{}
		case step-1 < st.minStep || step-1 <= cred.LastStep:
			return outcome{replay: true}
		}
		return outcome{ok: true, step: step, drift: v.clampDrift(step - nowStep)}
	})
}
