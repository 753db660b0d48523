package totp

import (
	"context"
	"sync"
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

// MemoryStore is a Store in process memory: the default of the verifiers,
// for a single process. Its zero value is not usable; call NewMemoryStore.
type MemoryStore struct {
	mu      sync.Mutex
	m       map[string]memEntry
	version uint64
	writes  int
	now     func() time.Time
}

type memEntry struct {
	value   []byte
	version uint64
	expires time.Time // zero: never
}

// NewMemoryStore returns an empty MemoryStore. Expired keys are removed as
// they are read and by a sweep every few thousand writes.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{m: make(map[string]memEntry), now: time.Now}
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, key string) ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[key]
	if !ok {
		return nil, 0, nil
	}
	if !e.expires.IsZero() && !s.now().Before(e.expires) {
		delete(s.m, key)
		return nil, 0, nil
	}
	return e.value, e.version, nil
}

// CompareAndSwap implements Store.
func (s *MemoryStore) CompareAndSwap(_ context.Context, key string, version uint64, value []byte, ttl time.Duration) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.m[key]
	if ok && !e.expires.IsZero() && !now.Before(e.expires) {
		delete(s.m, key)
		ok = false
	}
	if (ok && e.version != version) || (!ok && version != 0) {
		return false, nil
	}
	if value == nil {
		delete(s.m, key)
		return true, nil
	}
	s.version++
	ne := memEntry{value: append([]byte(nil), value...), version: s.version}
	if ttl > 0 {
		ne.expires = now.Add(ttl)
	}
	s.m[key] = ne
	if s.writes++; s.writes >= 4096 {
		s.writes = 0
		for k, e := range s.m {
			if !e.expires.IsZero() && !now.Before(e.expires) {
				delete(s.m, k)
			}
		}
	}
	return true, nil
}

// Len returns the number of keys held, expired ones included until they are
// swept.
func (s *MemoryStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
