package redisstore_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/redisstore"
	"github.com/csam-go/csam/totp/storetest"
	"github.com/redis/go-redis/v9"
)

var prefixes atomic.Int64

// client connects to the test Redis server and removes the test's keys when
// it ends. Keys carry a prefix unique to the process and call, so test
// packages running in parallel on one server do not collide.
func client(t testing.TB) (*redis.Client, string) {
	t.Helper()
	addr := testenv.RedisAddr(t)
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	ctx := context.Background()
	if err := rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("redis at %s: %v", addr, err)
	}
	prefix := fmt.Sprintf("csamtest:%d:%d:%d:", time.Now().UnixNano(), prefixes.Add(1), os.Getpid())
	t.Cleanup(func() {
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		rdb.Close()
	})
	return rdb, prefix
}

func TestRedisStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) totp.Store {
		rdb, prefix := client(t)
		return redisstore.New(rdb, prefix)
	})
}

// The concurrent tests with each replica on its own client (its own
// connection pool) to the same server and key prefix, as separate processes
// would be.
func TestRedisSharedByReplicas(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (a, b totp.Store) {
		rdb1, prefix := client(t)
		rdb2 := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
		t.Cleanup(func() { rdb2.Close() })
		return redisstore.New(rdb1, prefix), redisstore.New(rdb2, prefix)
	})
}

// Two replicas with their own connections to the same server.
func TestRedisReplicasOwnConnections(t *testing.T) {
	rdb1, prefix := client(t)
	rdb2 := redis.NewClient(&redis.Options{Addr: testenv.RedisAddr(t)})
	defer rdb2.Close()
	s1, s2 := redisstore.New(rdb1, prefix), redisstore.New(rdb2, prefix)
	ctx := context.Background()
	if ok, err := s1.CompareAndSwap(ctx, "k", 0, []byte("a"), time.Minute); !ok || err != nil {
		t.Fatal(ok, err)
	}
	v, ver, err := s2.Get(ctx, "k")
	if err != nil || string(v) != "a" || ver == 0 {
		t.Fatalf("other connection Get = %q, %d, %v", v, ver, err)
	}
	if ttl := rdb2.PTTL(ctx, prefix+"k").Val(); ttl <= 0 || ttl > time.Minute {
		t.Fatalf("key TTL %v, want up to a minute", ttl)
	}
	if ok, _ := s2.CompareAndSwap(ctx, "k", ver, []byte("b"), 0); !ok {
		t.Fatal("swap through the other connection failed")
	}
	if ttl := rdb1.PTTL(ctx, prefix+"k").Val(); ttl != -1 {
		t.Fatalf("TTL after a swap without ttl: %v, want none", ttl)
	}
	if ok, _ := s1.CompareAndSwap(ctx, "k", ver, []byte("c"), 0); ok {
		t.Fatal("stale version accepted")
	}
}

func TestRedisErrors(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rdb.Close()
	s := redisstore.New(rdb, "x:")
	if _, _, err := s.Get(context.Background(), "k"); err == nil {
		t.Fatal("Get on an unreachable server succeeded")
	}
	v, _ := totp.NewVerifier(totp.Options{Store: s})
	_, err := v.Verify(context.Background(), totp.Authenticator{ID: "c", Secret: make([]byte, 20)}, "123456")
	if err == nil {
		t.Fatal("Verify with an unreachable store succeeded")
	}
}
