// Package redisstore is a totp.Store on Redis, for the replicas of a service
// that must share replay, throttling and drift state and pending SMS codes:
// a code accepted by one replica is refused by all others.
//
// Each key is a Redis hash with the value and its version; the
// compare-and-swap runs as a Lua script, atomically on the server. The
// store is a totp.ClockStore: verifiers whose Options.Now is nil read the
// Redis server's TIME with each state, so that all replicas take steps and
// lock times from one clock.
//
// Every call returns by the caller's context deadline, whatever the
// go-redis client's own timeouts (go-redis heeds context deadlines only
// with Options.ContextTimeoutEnabled): a command still running then is left
// to finish or time out on its connection, and a compare-and-swap may
// still take effect after its caller saw the deadline error (a code then
// counts as used, which fails closed).
//
// # Deployment
//
// The state must outlive what it protects: the last accepted step of each
// credential (a lost one lets its code be accepted again within the
// window), locks (up to totp.Options.MaxLockDelay) and SMS send counts (up
// to SendWindow). Hence:
//
//   - Persistence: appendonly yes (appendfsync everysec loses at most about
//     a second of writes on a crash). A Redis that comes back empty (no
//     persistence, or a new instance) is detected by the verifiers through
//     the store's epoch key, which they then treat as a loss: for the first
//     hour, codes of the steps that may have been used are refused (a few
//     minutes), one wrong code locks, and one more SMS code may go to each
//     number; callers that keep totp.Authenticator.LastStep avoid the refusals.
//   - Eviction: maxmemory-policy noeviction (the default), so that Redis
//     refuses writes, and the verifiers fail closed, rather than drop state.
//     An evicted state key cannot be told from an unused credential: only
//     Authenticator.LastStep then protects the used codes. Check reports the
//     policy.
//   - Failover: an asynchronous replica promoted after a failure lacks the
//     last writes before it: their codes can be accepted again within the
//     window, unless callers keep Authenticator.LastStep.
//   - State keys expire totp.Options.StateTTL (90 days) after their last
//     change; SMS keys when their code or window ends; the epoch key never.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Store is a totp.Store and totp.ClockStore on a Redis server. It is safe
// for concurrent use.
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

// errMalformed is returned when a key holds a value the store did not
// write (another program's key under the prefix).
var errMalformed = errors.New("redisstore: malformed entry")

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

// getTimeScript returns the version and value of KEYS[1] and the server's
// TIME, read together.
var getTimeScript = redis.NewScript(`
local r = redis.call('HMGET', KEYS[1], 'v', 'd')
local t = redis.call('TIME')
return {r[1], r[2], t[1], t[2]}
`)

// within runs f and returns its result, or the context's error as soon as
// ctx is done, whether or not the client heeds ctx.
func within[T any](ctx context.Context, f func(context.Context) (T, error)) (T, error) {
	if ctx.Done() == nil {
		return f(ctx)
	}
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, fmt.Errorf("redisstore: %w", err)
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, fmt.Errorf("redisstore: %w", ctx.Err())
	}
}

// Get implements totp.Store.
func (s *Store) Get(ctx context.Context, key string) ([]byte, uint64, error) {
	vals, err := within(ctx, func(ctx context.Context) ([]any, error) {
		return s.rdb.HMGet(ctx, s.prefix+key, "v", "d").Result()
	})
	if err != nil {
		return nil, 0, wrap(err)
	}
	return decodeEntry(vals)
}

// GetTime implements totp.ClockStore: Get and the server's TIME in one
// round trip.
func (s *Store) GetTime(ctx context.Context, key string) ([]byte, uint64, time.Time, error) {
	vals, err := within(ctx, func(ctx context.Context) ([]any, error) {
		return getTimeScript.Run(ctx, s.rdb, []string{s.prefix + key}).Slice()
	})
	if err != nil {
		return nil, 0, time.Time{}, wrap(err)
	}
	if len(vals) != 4 {
		return nil, 0, time.Time{}, fmt.Errorf("%w: TIME answer", errMalformed)
	}
	now, err := decodeTime(vals[2], vals[3])
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	v, ver, err := decodeEntry(vals[:2])
	return v, ver, now, err
}

func wrap(err error) error {
	if strings.HasPrefix(err.Error(), "redisstore: ") {
		return err
	}
	if strings.HasPrefix(err.Error(), "WRONGTYPE") {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	return fmt.Errorf("redisstore: %w", err)
}

// decodeEntry decodes the version and value fields of a key, as HMGET
// returns them: both absent (nil) for an absent key, else a nonzero
// decimal version and a value.
func decodeEntry(vals []any) ([]byte, uint64, error) {
	if len(vals) != 2 {
		return nil, 0, errMalformed
	}
	if vals[0] == nil && vals[1] == nil {
		return nil, 0, nil
	}
	vs, ok1 := vals[0].(string)
	d, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return nil, 0, fmt.Errorf("%w: version or value missing", errMalformed)
	}
	ver, err := strconv.ParseUint(vs, 10, 64)
	if err != nil || ver == 0 || strconv.FormatUint(ver, 10) != vs {
		return nil, 0, fmt.Errorf("%w: version %q", errMalformed, vs)
	}
	return []byte(d), ver, nil
}

// decodeTime decodes the seconds and microseconds of TIME.
func decodeTime(sec, usec any) (time.Time, error) {
	ss, ok1 := sec.(string)
	us, ok2 := usec.(string)
	if !ok1 || !ok2 {
		return time.Time{}, fmt.Errorf("%w: TIME answer", errMalformed)
	}
	s, err1 := strconv.ParseInt(ss, 10, 64)
	u, err2 := strconv.ParseInt(us, 10, 64)
	if err1 != nil || err2 != nil || s < 0 || u < 0 || u >= 1e6 {
		return time.Time{}, fmt.Errorf("%w: TIME %q %q", errMalformed, ss, us)
	}
	return time.Unix(s, u*1000), nil
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
	n, err := within(ctx, func(ctx context.Context) (int, error) {
		return casScript.Run(ctx, s.rdb, []string{s.prefix + key},
			strconv.FormatUint(version, 10), strconv.FormatUint(next, 10), value, ms, del).Int()
	})
	if err != nil {
		return false, wrap(err)
	}
	return n == 1, nil
}

// errDeployment is returned by Check for a server configured in a way that
// can drop state (see the package documentation).
var errDeployment = errors.New("redisstore: Redis configuration can drop state")

// Check reads the server's eviction policy and persistence settings and
// returns an error saying "Redis configuration can drop state" and why
// when keys can be evicted (maxmemory-policy other than noeviction) or
// nothing is persisted (no append-only file and no snapshots). A server
// that refuses CONFIG GET (as managed services may) gives that error
// instead.
func (s *Store) Check(ctx context.Context) error {
	cfg, err := within(ctx, func(ctx context.Context) (map[string]string, error) {
		m := make(map[string]string)
		for _, p := range []string{"maxmemory-policy", "appendonly", "save"} {
			r, err := s.rdb.ConfigGet(ctx, p).Result()
			if err != nil {
				return nil, err
			}
			m[p] = r[p]
		}
		return m, nil
	})
	if err != nil {
		return wrap(err)
	}
	var probs []string
	if p := cfg["maxmemory-policy"]; p != "noeviction" {
		probs = append(probs, "maxmemory-policy "+p+" evicts keys")
	}
	if cfg["appendonly"] != "yes" && strings.TrimSpace(cfg["save"]) == "" {
		probs = append(probs, "no persistence (appendonly no, save '')")
	}
	if probs != nil {
		return fmt.Errorf("%w: %s", errDeployment, strings.Join(probs, "; "))
	}
	return nil
}
