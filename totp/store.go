package totp

import (
	"context"
	"time"
)

// Store keeps the per-credential state of the verifiers (last accepted step,
// drift, failures, lock) and pending SMS codes. Every change goes through
// CompareAndSwap, so verifiers of several replicas sharing one store never
// both accept the same code.
//
// Implementations must be safe for concurrent use. NewMemoryStore serves one
// process; package totp/redisstore serves several.
type Store interface {
	// Get returns the value stored under key and its version. An absent
	// (or expired) key gives a nil value and version 0.
	Get(ctx context.Context, key string) (value []byte, version uint64, err error)
	// CompareAndSwap stores value under key if the key's version is still
	// version (0: the key is absent), and reports whether it did. A nil
	// value deletes the key. A positive ttl makes the key expire after ttl;
	// zero keeps it until it is replaced. Every successful write gives the
	// key a new version that is never 0 and that a later write is very
	// unlikely to repeat.
	CompareAndSwap(ctx context.Context, key string, version uint64, value []byte, ttl time.Duration) (bool, error)
}

// ClockStore is a Store with a clock of its own, read by every replica that
// shares it (totp/redisstore reads the Redis server's TIME). A verifier
// whose Options.Now is nil takes its steps and lock times from this clock,
// so that replicas whose clocks disagree still agree on them.
type ClockStore interface {
	Store
	// GetTime is Get that also returns the store's current time.
	GetTime(ctx context.Context, key string) (value []byte, version uint64, now time.Time, err error)
}
