package totp

import (
	"context"
	"time"
)

// settled returns a memory store whose epoch is a day before at: a store in
// service for a while, whose verifiers no longer take the precautions of
// its first hour.
func settled(at time.Time) *MemoryStore {
	s := NewMemoryStore()
	if _, err := storeEpoch(context.Background(), s, at.Add(-24*time.Hour)); err != nil {
		panic(err)
	}
	return s
}
