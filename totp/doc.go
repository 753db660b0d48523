// Package totp verifies TOTP codes (RFC 6238) from authenticator apps and
// one-time codes sent by SMS, with replay protection, throttling and drift
// state kept in a store shared by the replicas of a service.
//
//	v, err := totp.NewVerifier(totp.Options{Store: redisstore.New(rdb, "myservice:")}) // nil Store: in memory
//	e, err := v.Enroll("user-42/app", "CSAM", "alice@example.be") // 160-bit secret, e.URI, e.QRCode(256)
//	cred, res, err := v.Activate(ctx, e, firstCode)             // store cred (with cred.LastStep) only once this succeeds
//	res, err = v.Verify(ctx, cred, code)                        // res.Key == keys.IDTOTPApp, res.Step, res.Drift
//	cred.LastStep = res.Step                                    // keep it with the credential before granting access
//	var te *totp.ThrottledError
//	switch {
//	case errors.Is(err, totp.ErrReplayed): // step already used (RFC 6238 §5.2)
//	case errors.As(err, &te): // locked: retry after te.Wait
//	case errors.Is(err, totp.ErrInvalidCode):
//	}
//
// Defaults (zero Options): 30-second steps, 6 digits, HMAC-SHA-1 (what
// every app supports; SHA-256 and SHA-512 too), one step accepted behind
// and one ahead (Behind/Ahead, asymmetric allowed; capped at MaxWindow, 10;
// MaxDrift at MaxDriftLimit, 100: more is an *OptionError). After
// MaxFailures (5) consecutive failures the credential is locked for
// LockDelay (30 s), doubled at each further failure up to MaxLockDelay
// (1 h); a success resets the count; malformed codes and replays do not
// count. Drift is learned from accepted codes only (capped at MaxDrift, 10
// steps) and centres the window; Resync(ctx, cred, code1, code2) finds two
// consecutive codes within MaxDrift. ParseSecret takes base32 as apps show
// it (any case, spaces, padding optional) and refuses fewer than 128 bits.
//
// A Verifier checks a code over a window of time steps around the current
// one, computing and comparing every step in constant time, and reports the
// matched step and the drift. Through its Store it refuses a code whose
// step is not after the last accepted one (RFC 6238 §5.2), locks a
// credential for a growing delay after consecutive failures (RFC 4226
// §7.3), and learns the drift of each credential from accepted codes only.
// Enroll and Activate set a credential up: a 160-bit or longer secret, its
// otpauth URI and QR code, and activation by a first valid code.
//
// An SMS sends server-made random codes through a Sender and checks them
// once, storing only their MAC, with an expiry, an attempt limit and a
// limit of codes sent to one phone number per window:
// NewSMS(SMSOptions{Sender: gateway, Key: sharedKey}); Send makes a random
// 6–8 digit code (crypto/rand), stores only its HMAC-SHA-256 with a salt
// and an expiry (5 min), Verify allows 3 attempts and one use. Send sends
// at most MaxSends (5) codes to a phone number per SendWindow (1 h),
// replicas sharing the count (the store keys it by a MAC of the number),
// then fails with *SendLimitError (ErrThrottled): each new code brings new
// attempts, so this bounds the guesses as well as the cost.
//
// The Store has an atomic compare-and-swap: the same code sent to two
// replicas at once is accepted exactly once. Store implementations check
// themselves with totp/storetest.Run (and RunShared for two clients of one
// backend): concurrent wrong guesses are judged at most MaxFailures times
// before the lock, concurrent SMS guesses at most MaxAttempts times.
//
// Code generation, otpauth URIs and QR images come from
// github.com/pquerna/otp; NewMemoryStore serves one process and package
// totp/redisstore several. Codes and secrets are never logged.
//
// A TOTP code proves the keys.IDTOTPApp key type, an SMS code keys.IDSMS.
//
// # A store that loses its data
//
// Replay protection, locks and SMS send limits live in the Store. A store
// that comes back empty (a Redis restarted without persistence, a
// MemoryStore after a process restart) or loses keys (eviction, a failover
// to a replica behind) would forget used steps and locks. The verifiers
// defend against it without trusting the store to be durable:
//
//   - Authenticator.LastStep, the step of the last accepted code kept by the
//     caller with the credential (Activate sets it; update it from
//     Result.Step before granting access), is refused whatever the store
//     holds. This covers every kind of loss.
//   - The store's epoch: a key the verifiers write when they first find the
//     store without it, new or emptied (they cannot tell which). For a
//     credential the store holds nothing for, while the epoch is recent,
//     the steps that may have been accepted before it (up to its step plus
//     MaxDrift and Ahead: six minutes by default) are refused with
//     ErrReplayed unless LastStep is known; until MaxLockDelay after it, one
//     wrong code locks the credential; and until SendWindow after it, a
//     phone number whose send count is missing may receive one more SMS
//     code. MarkNewStore declares a new store as such, so that its first
//     hour is not treated as after a loss.
//
// Durable stores still matter: a loss costs users refusals, and attackers
// may get one guess where a lock held. totp/redisstore documents the Redis
// deployment (persistence, noeviction, failover). State keys expire
// Options.StateTTL after their last change, so the state of deleted
// credentials goes; Verifier.Forget removes it at once, Verifier.Status
// shows it and Verifier.Unlock ends a lock, for a helpdesk.
//
// Steps and lock times come from one clock: with Options.Now nil, a store
// with a clock (ClockStore, as totp/redisstore's Redis TIME) gives it, so
// replicas whose clocks disagree still agree on steps and locks.
//
// Nothing is logged unless Options.Logger is set, and then refused codes
// only at Debug level. Deploy Redis with appendonly yes and
// maxmemory-policy noeviction; (*redisstore.Store).Check reports both.
// State keys expire StateTTL (90 days) after their last change.
// redisstore returns by the caller's context deadline whatever the
// go-redis client's timeouts.
//
// # Errors
//
// A refused code matches one of the verdicts with errors.Is:
// [ErrInvalidCode], [ErrReplayed], [ErrThrottled] (a [*ThrottledError] or
// [*SendLimitError] carries the wait), and for SMS codes [ErrNoChallenge]
// and [ErrExpired]. A failing store matches [ErrStore], so that a service
// can answer "try again later" rather than "wrong code". A code or secret
// that is not well formed is an [*InputError].
//
// # Performance
//
// The memory store has 64 shards with a lock each; in each, an
// open-addressing table of 8-byte slots (32 bits of the key's hash, the
// record's number; the key settles collisions) over fixed-size,
// pointer-free records holding key and state inline, so that a
// verification allocates nothing; each write examines two records for
// expiry, and only once one may have expired, so the state of credentials
// (kept StateTTL, 90 days) costs no sweep. The old store swept every key
// under its one lock every 4096 writes. Measured side by side in one run
// on a 2-core machine shared with other jobs (load average 3–8):
//
//	verification with 1M credentials in the memory store / with 1k:
//	  1.28–1.34× over 10 runs (no allocation per verification); target ≤ 1.5×
//	  go test -run '^$' -bench BenchmarkVerifyScale -count 5 ./totp
//	8 concurrent verifiers on 1M credentials, p99.9 of a verification (paced):
//	  43–49 µs; target < 1 ms
//	  go test -run '^$' -bench BenchmarkVerifyConcurrent -count 3 ./totp
//
// In BenchmarkVerifyConcurrent/saturated, 8 verifiers that never leave the
// processor on 2 busy cores wait for the run queue, not for the store: its
// p99.9 (1.2–12 ms from run to run) measures the scheduler.
package totp
