package rediscache_test

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/rediscache"
	"github.com/ipintel/ipintel/source/remote"
)

func ExampleNew() {
	// Building the client and the store connects to nothing yet.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer rdb.Close()
	st, err := rediscache.New(rdb)
	if err != nil {
		fmt.Println(err)
		return
	}
	vectra, err := remote.VectraIP("your-key", remote.WithSharedCache(st), remote.WithKeyPrefix("myapp:"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer vectra.Close()
	fmt.Println(vectra.Name(), "shares its answers through Redis")
	// Output: vectraip shares its answers through Redis
}
