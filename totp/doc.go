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
package totp
