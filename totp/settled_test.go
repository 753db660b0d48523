package totp

import (
	"context"
	"testing"
	"time"
)

// settled returns a memory store whose epoch is a day before at: a store in
// service for a while, whose verifiers no longer take the precautions of
// its first hour.
func settled(at time.Time) *MemoryStore {
	s := NewMemoryStore()
	if err := MarkNewStore(context.Background(), s, at.Add(-24*time.Hour)); err != nil {
		panic(err)
	}
	return s
}

// MarkNewStore cannot turn a store found empty by a verifier into a new one.
func TestMarkNewStoreAfterLoss(t *testing.T) {
	s := NewMemoryStore()
	ctx := context.Background()
	if _, lost, err := storeEpoch(ctx, s, time.Now()); err != nil || !lost {
		t.Fatalf("epoch of an empty store: lost %v, %v", lost, err)
	}
	if err := MarkNewStore(ctx, s, time.Now()); err == nil {
		t.Fatal("MarkNewStore accepted a store found empty")
	}
	n := NewMemoryStore()
	if err := MarkNewStore(ctx, n, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := MarkNewStore(ctx, n, time.Now()); err != nil {
		t.Fatalf("MarkNewStore twice: %v", err)
	}
	if _, lost, err := storeEpoch(ctx, n, time.Now()); err != nil || lost {
		t.Fatalf("epoch of a new store: lost %v, %v", lost, err)
	}
}
