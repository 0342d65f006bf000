package rediscache_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/rediscache"
	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/store"
	"github.com/ipintel/ipintel/store/storetest"
)

func TestConformance(t *testing.T) {
	rdb := newClient(t, needRedis(t))
	storetest.Run(t, func(t *testing.T) store.Store { return newStore(t, rdb) })
}

func TestNewRejectsBadConfig(t *testing.T) {
	ignoresCtx := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer ignoresCtx.Close()
	good := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", ContextTimeoutEnabled: true})
	defer good.Close()
	cases := map[string]struct {
		rdb  redis.UniversalClient
		opts []rediscache.Option
	}{
		"nil client":          {nil, nil},
		"ignores ctx":         {ignoresCtx, nil},
		"zero timeout":        {good, []rediscache.Option{rediscache.WithTimeout(0)}},
		"zero max value size": {good, []rediscache.Option{rediscache.WithMaxValueSize(0)}},
	}
	for name, c := range cases {
		if _, err := rediscache.New(c.rdb, c.opts...); !errors.Is(err, source.ErrInvalidOption) {
			t.Errorf("%s: error %v, want ErrConfig", name, err)
		}
	}
	if _, err := rediscache.New(good); err != nil {
		t.Errorf("a good client: %v", err)
	}
}

func TestMaxValueSize(t *testing.T) {
	rdb := newClient(t, needRedis(t))
	st, err := rediscache.New(rdb, rediscache.WithMaxValueSize(10))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := uniquePrefix(t) + "big"
	if err := st.Set(ctx, key, make([]byte, 11), time.Minute); !errors.Is(err, source.ErrTooLarge) {
		t.Fatalf("Set of 11 bytes: %v, want ErrValueTooLarge", err)
	}
	// Someone else wrote a big value: it reads as absent.
	if err := rdb.Set(ctx, key, make([]byte, 11), time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if v, ok, err := st.Get(ctx, key); ok || err != nil {
		t.Fatalf("Get of an oversized value = %d bytes, %v, %v; want absent", len(v), ok, err)
	}
}

func TestDeadServerFailsFast(t *testing.T) {
	srv := startServer(t)
	st := newStore(t, newClient(t, srv.addr()))
	srv.stop()
	ctx := context.Background()
	start := time.Now()
	_, _, err := st.Get(ctx, "k")
	if !errors.Is(err, source.ErrUnavailable) {
		t.Fatalf("Get on a stopped server: %v, want ErrRedis", err)
	}
	t.Logf("Get on a stopped server failed in %v", time.Since(start))
}

// TestWrongTypeFailsItsKeyAlone: a key Redis refuses (another program's
// list) fails alone; the other keys of the operation are answered.
func TestWrongTypeFailsItsKeyAlone(t *testing.T) {
	rdb := newClient(t, needRedis(t))
	st := newStore(t, rdb)
	ctx := context.Background()
	p := uniquePrefix(t)
	list, val, absent := p+"list", p+"value", p+"absent"
	if err := rdb.RPush(ctx, list, "x").Err(); err != nil {
		t.Fatal(err)
	}
	if err := st.Set(ctx, val, []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	vals, err := st.GetMulti(ctx, []string{list, val, absent})
	var partial *store.PartialError
	if !errors.As(err, &partial) || !errors.Is(err, source.ErrUnavailable) {
		t.Fatalf("GetMulti over a list: error %v, want a *store.PartialError wrapping ErrRedis", err)
	}
	if !slices.Equal(partial.Failed, []bool{true, false, false}) || string(vals[1]) != "v" || vals[2] != nil {
		t.Fatalf("GetMulti over a list = %q, failed %v", vals, partial.Failed)
	}
	// SET overwrites any type: a claim (SET NX) of the list fails as
	// "taken", which is no error.
	claimed, err := st.ClaimMulti(ctx, []string{list, absent}, time.Minute)
	if err != nil || !slices.Equal(claimed, []bool{false, true}) {
		t.Fatalf("ClaimMulti = %v, %v", claimed, err)
	}
}
