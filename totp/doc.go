// Package totp verifies TOTP codes (RFC 6238) from authenticator apps and
// one-time codes sent by SMS, with replay protection, throttling and drift
// state kept in a store shared by the replicas of a service.
package totp
