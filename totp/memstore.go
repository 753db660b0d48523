package totp

import (
	"context"
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// MemoryStore is a Store in process memory: the default of the verifiers,
// for a single process. Its zero value is not usable; call NewMemoryStore.
//
// Keys are spread over 64 shards, each with its own lock, so that
// concurrent verifiers of different credentials rarely wait on each other.
// A shard indexes its keys by a 64-bit hash in an open-addressing table of
// its own (the key itself settles collisions) and keeps short keys and
// values inline in fixed-size records, so that a read or a write of a
// credential's state allocates nothing in the store. Expired keys are removed when they are read, and each write
// examines a few records of its shard for expiry, so that no write ever
// scans the whole store.
type MemoryStore struct {
	seed   maphash.Seed
	now    func() time.Time
	shards [memShards]memShard
}

const (
	memShards     = 64
	memShardShift = 64 - 6 // the top 6 bits of a key's hash pick its shard
	memInline     = 72     // key and value bytes kept in the record itself
	memSweep      = 2      // records examined for expiry per write
)

type memShard struct {
	mu sync.Mutex
	// slots is an open-addressing table (linear probing, at most half
	// full) of the records in use: the high 32 bits of a key's hash (whose
	// low bits pick the home slot), then 1 + its record; 0 is empty. Keys
	// of equal hashes are told apart by the key in the record.
	slots   []uint64
	live    int         // records in use
	recs    []memRecord // pointer-free: the collector does not scan them
	spills  [][]byte    // keys and values too long for a record
	free    []uint32    // unused records
	freeSp  []uint32    // unused spills
	version uint64
	cursor  int // next record the sweep examines
	// soonest is at most the earliest expiry of the records (MaxInt64:
	// none expires); roundSoonest gathers it for the sweep's next round.
	soonest, roundSoonest int64
	_                     [64]byte // keeps shards on separate cache lines
}

// memRecord is a key and its value. It is 128 bytes: two cache lines.
type memRecord struct {
	version    uint64 // 0: unused record
	expires    int64  // Unix nanoseconds; 0: never
	hash       uint64
	klen, vlen uint32
	spill      uint32 // 1 + index in spills of key then value, when they do not fit in data; 0: inline
	_          uint32
	data       [memInline]byte
}

func (sh *memShard) bytes(r *memRecord) []byte {
	if r.spill != 0 {
		return sh.spills[r.spill-1]
	}
	return r.data[:r.klen+r.vlen]
}

func (sh *memShard) key(r *memRecord) []byte   { return sh.bytes(r)[:r.klen] }
func (sh *memShard) value(r *memRecord) []byte { return sh.bytes(r)[r.klen:] }

// set stores key and value in r.
func (sh *memShard) set(r *memRecord, key string, value []byte) {
	sh.unspill(r)
	r.klen, r.vlen = uint32(len(key)), uint32(len(value))
	var b []byte
	if n := len(key) + len(value); n <= memInline {
		b = r.data[:n]
	} else {
		b = make([]byte, n)
		if k := len(sh.freeSp); k > 0 {
			r.spill = sh.freeSp[k-1] + 1
			sh.freeSp = sh.freeSp[:k-1]
			sh.spills[r.spill-1] = b
		} else {
			sh.spills = append(sh.spills, b)
			r.spill = uint32(len(sh.spills))
		}
	}
	copy(b[copy(b, key):], value)
}

// unspill releases r's spill, if any.
func (sh *memShard) unspill(r *memRecord) {
	if r.spill != 0 {
		sh.spills[r.spill-1] = nil
		sh.freeSp = append(sh.freeSp, r.spill-1)
		r.spill = 0
	}
}

func (r *memRecord) expired(now int64) bool { return r.expires != 0 && now >= r.expires }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	s := &MemoryStore{seed: maphash.MakeSeed(), now: time.Now}
	for i := range s.shards {
		sh := &s.shards[i]
		sh.soonest, sh.roundSoonest = math.MaxInt64, math.MaxInt64
	}
	return s
}

func (s *MemoryStore) shard(key string) (*memShard, uint64) {
	h := maphash.String(s.seed, key)
	return &s.shards[h>>memShardShift], h
}

// find returns the record of key, or -1.
func (sh *memShard) find(key string, h uint64) int {
	if len(sh.slots) == 0 {
		return -1
	}
	mask := uint64(len(sh.slots) - 1)
	for j := h >> 32 & mask; ; j = (j + 1) & mask {
		e := sh.slots[j]
		if e == 0 {
			return -1
		}
		if e>>32 == h>>32 {
			if i := int(uint32(e)) - 1; string(sh.key(&sh.recs[i])) == key {
				return i
			}
		}
	}
}

// remove frees record i and its slot, shifting back the slots after it
// that their probe reached past it (deletion without tombstones).
func (sh *memShard) remove(i int) {
	r := &sh.recs[i]
	mask := uint64(len(sh.slots) - 1)
	j := r.hash >> 32 & mask
	for uint32(sh.slots[j]) != uint32(i+1) {
		j = (j + 1) & mask
	}
	for k := j; ; {
		sh.slots[j] = 0
		for {
			k = (k + 1) & mask
			e := sh.slots[k]
			if e == 0 {
				sh.unspill(r)
				*r = memRecord{}
				sh.free = append(sh.free, uint32(i))
				sh.live--
				return
			}
			// The entry at k stays unless its home is cyclically
			// outside (j, k]: then it moves to j.
			home := e >> 32 & mask
			if j < k && j < home && home <= k || j > k && (j < home || home <= k) {
				continue
			}
			sh.slots[j] = e
			j = k
			break
		}
	}
}

// insert takes a record for a new key of hash h and returns it.
func (sh *memShard) insert(h uint64) int {
	var i int
	if n := len(sh.free); n > 0 {
		i = int(sh.free[n-1])
		sh.free = sh.free[:n-1]
	} else {
		i = len(sh.recs)
		sh.recs = append(sh.recs, memRecord{})
	}
	sh.recs[i].hash = h
	if 2*(sh.live+1) > len(sh.slots) {
		sh.grow()
	}
	sh.place(h>>32<<32 | uint64(i+1))
	sh.live++
	return i
}

// place puts the slot value e in the first empty slot of its probe, which
// starts at its hash bits (e's high half) modulo the table's size.
func (sh *memShard) place(e uint64) {
	mask := uint64(len(sh.slots) - 1)
	j := e >> 32 & mask
	for sh.slots[j] != 0 {
		j = (j + 1) & mask
	}
	sh.slots[j] = e
}

// grow doubles the table and places its slots again, reading no record.
func (sh *memShard) grow() {
	old := sh.slots
	sh.slots = make([]uint64, max(2*len(old), 16))
	for _, e := range old {
		if e != 0 {
			sh.place(e)
		}
	}
}

// lookup returns the live record of key, or -1, removing it if expired.
func (sh *memShard) lookup(key string, h uint64, now int64) int {
	i := sh.find(key, h)
	if i >= 0 && sh.recs[i].expired(now) {
		sh.remove(i)
		return -1
	}
	return i
}

// sweep examines the next memSweep records for expiry, unless no record
// can have expired yet: the state of TOTP credentials, kept for months,
// never makes a write read records of other keys.
func (sh *memShard) sweep(now int64) {
	if now < sh.soonest {
		return
	}
	for range memSweep {
		if sh.cursor >= len(sh.recs) {
			// A round is complete: every record then held was examined
			// or written during it.
			sh.cursor, sh.soonest, sh.roundSoonest = 0, sh.roundSoonest, math.MaxInt64
			if len(sh.recs) == 0 || now < sh.soonest {
				return
			}
		}
		if r := &sh.recs[sh.cursor]; r.version != 0 {
			if r.expired(now) {
				sh.remove(sh.cursor)
			} else if r.expires != 0 {
				sh.roundSoonest = min(sh.roundSoonest, r.expires)
			}
		}
		sh.cursor++
	}
}

// expiring notes that a record expires at t.
func (sh *memShard) expiring(t int64) {
	sh.soonest = min(sh.soonest, t)
	sh.roundSoonest = min(sh.roundSoonest, t)
}

// Get implements Store.
func (s *MemoryStore) Get(_ context.Context, key string) ([]byte, uint64, error) {
	v, ver := s.get(key, nil)
	if v == nil {
		return nil, 0, nil
	}
	return v, ver, nil
}

// get appends the value of key to buf; a nil result means the key is absent.
func (s *MemoryStore) get(key string, buf []byte) ([]byte, uint64) {
	sh, h := s.shard(key)
	now := s.now().UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i := sh.lookup(key, h, now)
	if i < 0 {
		return nil, 0
	}
	r := &sh.recs[i]
	v := append(buf[:0], sh.value(r)...)
	if v == nil {
		v = []byte{}
	}
	return v, r.version
}

// CompareAndSwap implements Store.
func (s *MemoryStore) CompareAndSwap(_ context.Context, key string, version uint64, value []byte, ttl time.Duration) (bool, error) {
	sh, h := s.shard(key)
	now := s.now()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	ns := now.UnixNano()
	i := sh.lookup(key, h, ns)
	if (i >= 0 && sh.recs[i].version != version) || (i < 0 && version != 0) {
		return false, nil
	}
	if value == nil {
		if i >= 0 {
			sh.remove(i)
		}
		return true, nil
	}
	if i < 0 {
		i = sh.insert(h)
	}
	r := &sh.recs[i]
	sh.version++
	r.version = sh.version
	r.expires = 0
	if ttl > 0 {
		r.expires = now.Add(ttl).UnixNano()
		sh.expiring(r.expires)
	}
	sh.set(r, key, value)
	sh.sweep(ns)
	return true, nil
}
