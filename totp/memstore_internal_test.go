package totp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// TestMemoryStoreClashes checks that keys of equal hashes are told apart,
// whichever of them is removed first.
func TestMemoryStoreClashes(t *testing.T) {
	for _, first := range []int{0, 1} {
		sh := &memShard{}
		keys := []string{"totp:a", "totp:b"}
		for i, k := range keys {
			r := &sh.recs[sh.insert(42)]
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

// TestMemoryStoreTable inserts and removes keys at random, many of them
// sharing a home slot or a whole hash, and checks after each change that
// every key is found where it should be and no removed key is.
func TestMemoryStoreTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sh := &memShard{}
	const n = 300
	hash := func(k int) uint64 { return uint64(k%7)<<32 | uint64(k%5)*3 }
	held := map[int]int{} // key → record
	for step := range 20_000 {
		k := rng.IntN(n)
		key := fmt.Sprintf("k%d", k)
		if i, ok := held[k]; ok {
			sh.remove(i)
			delete(held, k)
		} else {
			i := sh.insert(hash(k))
			r := &sh.recs[i]
			r.version = 1
			sh.set(r, key, nil)
			held[k] = i
		}
		if step%97 != 0 {
			continue
		}
		for k := range n {
			i, ok := held[k]
			if got := sh.find(fmt.Sprintf("k%d", k), hash(k)); ok && got != i || !ok && got >= 0 {
				t.Fatalf("step %d: find(k%d) = %d, want %d (held %v)", step, k, got, i, ok)
			}
		}
		if sh.live != len(held) {
			t.Fatalf("step %d: %d live records, want %d", step, sh.live, len(held))
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
	if n := s.len(); n != kept {
		t.Errorf("Len = %d after the sweep, want %d", n, kept)
	}
	for i := range kept {
		v, ver, err := s.Get(ctx, fmt.Sprintf("totp:%d", i))
		if err != nil || ver == 0 || len(v) != i%len(long) || v == nil {
			t.Fatalf("Get(totp:%d) = %d bytes, version %d, %v", i, len(v), ver, err)
		}
	}
}

// len returns the number of keys held, expired ones included until they are
// removed.
func (s *MemoryStore) len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.Lock()
		n += sh.live
		sh.mu.Unlock()
	}
	return n
}
