package totp

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestMemoryStoreClashes checks that keys of equal hashes are told apart,
// whichever of them is removed first.
func TestMemoryStoreClashes(t *testing.T) {
	for _, first := range []int{0, 1} {
		sh := &memShard{index: map[uint64]uint32{}}
		keys := []string{"totp:a", "totp:b"}
		for i, k := range keys {
			r := &sh.recs[sh.insert(k, 42)]
			r.version = uint64(i + 1)
			sh.set(r, k, []byte{byte(i)})
		}
		for i, k := range keys {
			if j := sh.find(k, 42); j < 0 || sh.value(&sh.recs[j])[0] != byte(i) {
				t.Fatalf("find(%q) = %d", k, j)
			}
		}
		sh.remove(sh.find(keys[first], 42))
		if j := sh.find(keys[first], 42); j >= 0 {
			t.Errorf("removed key %q still found", keys[first])
		}
		other := keys[1-first]
		if j := sh.find(other, 42); j < 0 || sh.value(&sh.recs[j])[0] != byte(1-first) {
			t.Errorf("find(%q) = %d after removing %q", other, j, keys[first])
		}
	}
}

// TestMemoryStoreSweep checks that expired keys are removed by writes to
// other keys, without being read, and that long keys and values survive.
func TestMemoryStoreSweep(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	now := time.Unix(1_700_000_000, 0)
	s.now = func() time.Time { return now }
	long := make([]byte, 3*memInline)
	for i := range 1000 {
		if ok, err := s.CompareAndSwap(ctx, fmt.Sprintf("sms:%d", i), 0, long[:i%len(long)], time.Minute); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	now = now.Add(time.Minute)
	const kept = 5000
	for i := range kept {
		if ok, err := s.CompareAndSwap(ctx, fmt.Sprintf("totp:%d", i), 0, long[:i%len(long)], 0); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	if n := s.Len(); n != kept {
		t.Errorf("Len = %d after the sweep, want %d", n, kept)
	}
	for i := range kept {
		v, ver, err := s.Get(ctx, fmt.Sprintf("totp:%d", i))
		if err != nil || ver == 0 || len(v) != i%len(long) || v == nil {
			t.Fatalf("Get(totp:%d) = %d bytes, version %d, %v", i, len(v), ver, err)
		}
	}
}
