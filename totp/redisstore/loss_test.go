package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/csam-go/csam/internal/testenv"
	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/redisstore"
	"github.com/csam-go/csam/totp/storetest"
	"github.com/redis/go-redis/v9"
)

// server is a redis-server of the test's own, on a free loopback port,
// without persistence (as a cache-only deployment runs it).
type server struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

func startServer(t *testing.T, extra ...string) *server {
	t.Helper()
	s := &server{t: t, bin: testenv.Tool(t, "redis-server"), dir: t.TempDir()}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.start(extra...)
	t.Cleanup(func() { s.kill() })
	return s
}

func (s *server) addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

func (s *server) start(extra ...string) {
	s.t.Helper()
	args := append([]string{"--port", fmt.Sprint(s.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", s.dir}, extra...)
	s.cmd = exec.Command(s.bin, args...)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: s.addr(), MaxRetries: -1})
	defer rdb.Close()
	for range 100 {
		if rdb.Ping(context.Background()).Err() == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("redis-server on %s did not start", s.addr())
}

// kill ends the server at once (SIGKILL): nothing is saved.
func (s *server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

func (s *server) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

func redisNow(t *testing.T, rdb *redis.Client) time.Time {
	t.Helper()
	now, err := rdb.Time(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// A Redis restarted without persistence loses every key. A code accepted
// before is refused after; a locked credential is not opened (its codes
// stay refused, and a wrong one locks it again at once); an SMS number at
// its send limit gets at most one more code. The verifiers read the
// server's clock (Options.Now is nil).
func TestRestartKeepsUsedCodesUsed(t *testing.T) {
	srv := startServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr()}) // as the README builds it
	defer rdb.Close()
	ctx := context.Background()
	store := redisstore.New(rdb, "svc:")
	storetest.Settle(t, store, redisNow(t, rdb)) // in service for a while
	o := totp.Options{Store: store, Period: time.Second}
	v, err := totp.NewVerifier(o)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("a secret of twenty bytes or more")
	code := func() string {
		c, err := totp.GenerateCode(secret, redisNow(t, rdb), o)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	alice := totp.Authenticator{ID: "alice", Secret: secret}
	bob := totp.Authenticator{ID: "bob", Secret: secret}
	used := code()
	if _, err := v.Verify(ctx, alice, used); err != nil {
		t.Fatalf("first use: %v", err)
	}
	if _, err := v.Verify(ctx, alice, used); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("replay before the restart: %v", err)
	}
	wrong := fmt.Sprintf("%06d", (atoi(used)+1)%1_000_000)
	for {
		_, err := v.Verify(ctx, bob, wrong)
		if errors.Is(err, totp.ErrThrottled) {
			break
		}
		if !errors.Is(err, totp.ErrInvalidCode) {
			t.Fatalf("wrong code: %v", err)
		}
	}
	out := &storetest.Outbox{}
	sms, err := totp.NewSMS(totp.SMSOptions{Store: store, Sender: out, Key: []byte("sixteen byte key"), MaxSends: 2})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := sms.Send(ctx, "login", "+32470000001"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sms.Send(ctx, "login", "+32470000001"); !errors.As(err, new(*totp.SendLimitError)) {
		t.Fatalf("send beyond the limit: %v", err)
	}

	srv.kill()
	srv.start()
	if n := rdb.DBSize(ctx).Val(); n != 0 {
		t.Fatalf("restarted server holds %d keys, want none", n)
	}

	if _, err := v.Verify(ctx, alice, used); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("replay after the restart: %v, want ErrReplayed", err)
	}
	if _, err := v.Verify(ctx, bob, code()); !errors.Is(err, totp.ErrReplayed) {
		t.Fatalf("locked credential's current code after the restart: %v, want refused", err)
	}
	if _, err := v.Verify(ctx, bob, wrong); !errors.Is(err, totp.ErrThrottled) {
		t.Fatalf("locked credential's wrong code after the restart: %v, want a lock", err)
	}
	if _, err := sms.Send(ctx, "login", "+32470000001"); err != nil {
		t.Fatalf("first send after the restart: %v", err)
	}
	if _, err := sms.Send(ctx, "login", "+32470000001"); !errors.As(err, new(*totp.SendLimitError)) {
		t.Fatalf("second send after the restart: %v, want a SendLimitError", err)
	}

	// A caller that keeps Authenticator.LastStep: the used code stays refused
	// and the next step is accepted without waiting.
	srvNow := redisNow(t, rdb)
	carol := totp.Authenticator{ID: "carol", Secret: secret, LastStep: srvNow.Unix() - 1000} // activated a while ago
	cc := code()
	res, err := v.Verify(ctx, carol, cc)
	if err != nil {
		t.Fatal(err)
	}
	carol.LastStep = res.Step
	srv.kill()
	srv.start()
	if _, err := v.Verify(ctx, carol, cc); !errors.Is(err, totp.ErrReplayed) && !errors.Is(err, totp.ErrInvalidCode) {
		t.Fatalf("carol's used code after the restart: %v", err)
	}
	// The next one-second step, by the server's clock: a generous bound
	// on the wait, as the restart may be slow on a loaded machine.
	for wait := time.Now().Add(30 * time.Second); redisNow(t, rdb).Unix() <= res.Step; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(wait) {
			t.Fatalf("the server's clock is not moving as expected: %v, step %d not passed", redisNow(t, rdb), res.Step)
		}
	}
	if _, err := v.Verify(ctx, carol, code()); err != nil {
		t.Fatalf("next code after the restart, LastStep kept: %v", err)
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = 10*n + int(c-'0')
	}
	return n
}

// A stalled Redis: the verifier returns by the caller's deadline although
// the client is built without ContextTimeoutEnabled (go-redis would wait
// for its read timeout and retry). The clients' timeouts are 20 s here, so
// that a verifier waiting for them is far beyond the bound, 4 s for a 1 s
// deadline: slack for a loaded machine's slow wake-ups.
func TestDeadlineOnStalledRedis(t *testing.T) {
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never answers
		}
	}()
	srv := startServer(t)
	slow := func(addr string) *redis.Client {
		return redis.NewClient(&redis.Options{Addr: addr, ReadTimeout: 20 * time.Second, WriteTimeout: 20 * time.Second})
	}
	stopped := slow(srv.addr())
	defer stopped.Close()
	if err := stopped.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	srv.signal(syscall.SIGSTOP)
	defer srv.signal(syscall.SIGCONT)

	for _, tc := range []struct {
		name string
		rdb  *redis.Client
	}{
		{"silent listener", slow(silent.Addr().String())},
		{"SIGSTOP", stopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := totp.NewVerifier(totp.Options{Store: redisstore.New(tc.rdb, "x:")})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			_, err = v.Verify(ctx, totp.Authenticator{ID: "c", Secret: make([]byte, 20)}, "123456")
			if took := time.Since(start); took > 4*time.Second {
				t.Errorf("Verify took %v with a 1 s deadline", took)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Verify = %v, want the deadline error", err)
			}
		})
	}
}

// Steps and lock times come from the server's TIME when Options.Now is
// nil; state keys carry the state TTL, the epoch key none.
func TestServerClockAndTTL(t *testing.T) {
	rdb, prefix := client(t)
	ctx := context.Background()
	store := redisstore.New(rdb, prefix)
	storetest.Settle(t, store, redisNow(t, rdb))
	v, err := totp.NewVerifier(totp.Options{Store: store, MaxFailures: 1})
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("a secret of twenty bytes or more")
	now := redisNow(t, rdb)
	c, _ := totp.GenerateCode(secret, now, totp.Options{})
	res, err := v.Verify(ctx, totp.Authenticator{ID: "d", Secret: secret}, c)
	if err != nil {
		t.Fatal(err)
	}
	if d := res.Step - now.Unix()/30; d < 0 || d > 1 {
		t.Fatalf("step %d, server step %d", res.Step, now.Unix()/30)
	}
	_, err = v.Verify(ctx, totp.Authenticator{ID: "e", Secret: secret}, fmt.Sprintf("%06d", (atoi(c)+1)%1_000_000))
	var te *totp.ThrottledError
	if !errors.As(err, &te) {
		t.Fatalf("wrong code with MaxFailures 1: %v", err)
	}
	if d := te.Until.Sub(redisNow(t, rdb).Add(30 * time.Second)); d > time.Second || d < -time.Second {
		t.Fatalf("lock until %v, server time + 30 s is %v", te.Until, redisNow(t, rdb).Add(30*time.Second))
	}
	if ttl := rdb.PTTL(ctx, prefix+"totp:d").Val(); ttl < 89*24*time.Hour || ttl > 90*24*time.Hour {
		t.Fatalf("state key TTL %v, want 90 days", ttl)
	}
	if ttl := rdb.PTTL(ctx, prefix+"totp-epoch").Val(); ttl != -1 {
		t.Fatalf("epoch key TTL %v, want none", ttl)
	}
}

func TestCheck(t *testing.T) {
	srv := startServer(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr()})
	defer rdb.Close()
	ctx := context.Background()
	s := redisstore.New(rdb, "")
	if err := s.Check(ctx); !canDropState(err) {
		t.Fatalf("Check without persistence = %v", err)
	}
	if err := rdb.ConfigSet(ctx, "appendonly", "yes").Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); err != nil {
		t.Fatalf("Check with appendonly = %v", err)
	}
	if err := rdb.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx); !canDropState(err) {
		t.Fatalf("Check with allkeys-lru = %v", err)
	}
}

// canDropState reports whether err is Check's verdict on a configuration
// that can drop state.
func canDropState(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "redisstore: Redis configuration can drop state: ")
}
