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
	v, err := totp.NewVerifier(totp.Options{Store: redisstore.New(rdb, "myservice:totp:")})
	if err != nil {
		panic(err)
	}
	cred := totp.Credential{ID: "user-42/app", Secret: []byte("secret of at least 16 bytes")}
	res, err := v.Verify(context.Background(), cred, "123456")
	fmt.Println(res, err)
}
