// Package redisstore is a totp.Store on Redis, for the replicas of a service
// that must share replay, throttling and drift state and pending SMS codes:
// a code accepted by one replica is refused by all others.
//
// Each key is a Redis hash with the value and its version; the
// compare-and-swap runs as a Lua script, atomically on the server.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store is a totp.Store on a Redis server. It is safe for concurrent use.
type Store struct {
	rdb    redis.Cmdable
	prefix string
}

// New returns a store on the Redis client rdb (a *redis.Client,
// *redis.ClusterClient or any redis.Cmdable) whose keys all start with
// prefix, such as "myservice:".
func New(rdb redis.Cmdable, prefix string) *Store {
	return &Store{rdb: rdb, prefix: prefix}
}

// casScript replaces the value of KEYS[1] if its version is still ARGV[1]
// ("0": absent). ARGV[2] is the new version, ARGV[3] the value, ARGV[4] the
// time to live in milliseconds (0: none) and ARGV[5] "1" to delete.
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'v')
if not cur then cur = '0' end
if cur ~= ARGV[1] then return 0 end
if ARGV[5] == '1' then
  redis.call('DEL', KEYS[1])
  return 1
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
else
  redis.call('PERSIST', KEYS[1])
end
return 1
`)

// Get implements totp.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, uint64, error) {
	vals, err := s.rdb.HMGet(ctx, s.prefix+key, "v", "d").Result()
	if err != nil {
		return nil, 0, fmt.Errorf("redisstore: %w", err)
	}
	if len(vals) != 2 || vals[0] == nil {
		return nil, 0, nil
	}
	vs, ok1 := vals[0].(string)
	d, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil, 0, errors.New("redisstore: malformed entry")
	}
	ver, err := strconv.ParseUint(vs, 10, 64)
	if err != nil || ver == 0 {
		return nil, 0, errors.New("redisstore: malformed version")
	}
	return []byte(d), ver, nil
}

// CompareAndSwap implements totp.Store.
func (s *Store) CompareAndSwap(ctx context.Context, key string, version uint64, value []byte, ttl time.Duration) (bool, error) {
	del := "0"
	if value == nil {
		del = "1"
	}
	ms := int64(0)
	if ttl > 0 {
		ms = max(ttl.Milliseconds(), 1)
	}
	next := rand.Uint64()>>1 | 1 // nonzero and fits in a signed integer
	n, err := casScript.Run(ctx, s.rdb, []string{s.prefix + key},
		strconv.FormatUint(version, 10), strconv.FormatUint(next, 10), value, ms, del).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: %w", err)
	}
	return n == 1, nil
}
