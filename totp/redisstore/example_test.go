package redisstore_test

import (
	"context"
	"fmt"

	"github.com/csam-go/csam/totp"
	"github.com/csam-go/csam/totp/redisstore"
	"github.com/redis/go-redis/v9"
)

// Replicas of a service each build their verifier on the same Redis: a code
// accepted by one is refused by the others.
func ExampleNew() {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer rdb.Close()
	store := redisstore.New(rdb, "myservice:totp:")
	// At start-up: a Redis that evicts keys or persists nothing would lose
	// used steps and locks (see the package documentation).
	if err := store.Check(context.Background()); err != nil {
		fmt.Println(err)
	}
	v, err := totp.NewVerifier(totp.Options{Store: store})
	if err != nil {
		panic(err)
	}
	// LastStep as kept with the credential since its last use.
	cred := totp.Authenticator{ID: "user-42/app", Secret: []byte("secret of at least 16 bytes"), LastStep: 56_666_600}
	res, err := v.Verify(context.Background(), cred, "123456")
	fmt.Println(res, err)
}
