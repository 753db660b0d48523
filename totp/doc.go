// Package totp verifies TOTP codes (RFC 6238) from authenticator apps and
// one-time codes sent by SMS, with replay protection, throttling and drift
// state kept in a store shared by the replicas of a service.
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
// limit of codes sent to one phone number per window.
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
// only at Debug level.
//
// # Errors
//
// A refused code matches one of the verdicts with errors.Is:
// [ErrInvalidCode], [ErrReplayed], [ErrThrottled] (a [*ThrottledError] or
// [*SendLimitError] carries the wait), and for SMS codes [ErrNoChallenge]
// and [ErrExpired]. A failing store matches [ErrStore], so that a service
// can answer "try again later" rather than "wrong code". A code or secret
// that is not well formed is an [*InputError].
package totp
