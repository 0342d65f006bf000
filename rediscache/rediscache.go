package rediscache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/store"
)

// Errors. Every error from a Redis operation wraps [ErrRedis] and the
// client's own error (context.DeadlineExceeded among them).
var (
	ErrRedis         = errors.New("rediscache: redis operation failed")
	ErrValueTooLarge = errors.New("rediscache: value too large")
	ErrConfig        = errors.New("rediscache: invalid configuration")
)

// Defaults used when no option says otherwise.
const (
	// DefaultTimeout is a backstop for callers without a deadline of
	// their own; remote sources give each operation a tenth of theirs.
	DefaultTimeout      = 500 * time.Millisecond
	DefaultMaxValueSize = 64 << 10
)

// Store is a [store.Store] on Redis, Valkey, Sentinel or Redis Cluster
// through go-redis's UniversalClient. It does not own the client: closing
// it is the caller's business.
type Store struct {
	rdb      redis.UniversalClient
	timeout  time.Duration
	maxValue int
}

var _ store.Store = (*Store)(nil)

// An Option configures a Store.
type Option func(*Store) error

// WithTimeout bounds each operation, pipelines included (default
// [DefaultTimeout]). The caller's deadline applies too; the earlier wins.
func WithTimeout(d time.Duration) Option {
	return func(s *Store) error {
		if d <= 0 {
			return fmt.Errorf("%w: timeout %v is not positive", ErrConfig, d)
		}
		s.timeout = d
		return nil
	}
}

// WithMaxValueSize bounds a value's size: a larger one is refused by Set
// and read as absent by Get (default [DefaultMaxValueSize]).
func WithMaxValueSize(n int) Option {
	return func(s *Store) error {
		if n < 1 {
			return fmt.Errorf("%w: max value size %d", ErrConfig, n)
		}
		s.maxValue = n
		return nil
	}
}

// New returns a Store on rdb. rdb must honour context deadlines
// (ContextTimeoutEnabled: true in its options): otherwise go-redis ignores
// them and a slow Redis holds each lookup for the client's ReadTimeout, 3 s
// by default, past the remote source's own deadline. New checks this for
// *redis.Client (single server, Sentinel) and *redis.ClusterClient.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, fmt.Errorf("%w: nil client", ErrConfig)
	}
	if !honoursContext(rdb) {
		return nil, fmt.Errorf("%w: the client ignores context deadlines; set ContextTimeoutEnabled: true in its options", ErrConfig)
	}
	s := &Store{rdb: rdb, timeout: DefaultTimeout, maxValue: DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func honoursContext(rdb redis.UniversalClient) bool {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().ContextTimeoutEnabled
	case *redis.ClusterClient:
		return c.Options().ContextTimeoutEnabled
	}
	return true
}

func (s *Store) fail(err error) error {
	return fmt.Errorf("%w: %w", ErrRedis, err)
}

// Get implements [store.Store].
func (s *Store) Get(ctx context.Context, key string) ([]byte, bool, error) {
	vs, err := s.GetMulti(ctx, []string{key})
	if err != nil {
		return nil, false, err
	}
	return vs[0], vs[0] != nil, nil
}

// Set implements [store.Store] with SET PX.
func (s *Store) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return s.SetMulti(ctx, []store.Item{{Key: key, Value: value, TTL: ttl}})
}

// Claim implements [store.Store] with SET NX PX: Redis decides which of
// concurrent claims wins, whichever process sends them.
func (s *Store) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c, err := s.ClaimMulti(ctx, []string{key}, ttl)
	if err != nil {
		return false, err
	}
	return c[0], nil
}

// GetMulti implements [store.Store]: one pipeline of GETs. A value larger
// than the maximum is read as absent.
func (s *Store) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	if len(keys) == 0 {
		return [][]byte{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	cmds := make([]*redis.StringCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.Get(ctx, k)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail(err)
	}
	out := make([][]byte, len(keys))
	for i, c := range cmds {
		v, err := c.Bytes()
		switch {
		case errors.Is(err, redis.Nil):
		case err != nil:
			return nil, s.fail(err)
		case len(v) <= s.maxValue:
			out[i] = v
		}
	}
	return out, nil
}

// SetMulti implements [store.Store]: one pipeline of SET PX.
func (s *Store) SetMulti(ctx context.Context, items []store.Item) error {
	for _, it := range items {
		if err := store.Check(it.Key, it.TTL); err != nil {
			return err
		}
		if len(it.Value) > s.maxValue {
			return fmt.Errorf("%w: %d bytes for %s", ErrValueTooLarge, len(it.Value), it.Key)
		}
	}
	if len(items) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, it := range items {
			p.Set(ctx, it.Key, it.Value, ms(it.TTL))
		}
		return nil
	})
	if err != nil {
		return s.fail(err)
	}
	return nil
}

// ClaimMulti implements [store.Store]: one pipeline of SET NX PX.
func (s *Store) ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	for _, k := range keys {
		if err := store.Check(k, ttl); err != nil {
			return nil, err
		}
	}
	if len(keys) == 0 {
		return []bool{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	cmds := make([]*redis.BoolCmd, len(keys))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.SetNX(ctx, k, "1", ms(ttl))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, s.fail(err)
	}
	out := make([]bool, len(keys))
	for i, c := range cmds {
		ok, err := c.Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return nil, s.fail(err)
		}
		out[i] = ok
	}
	return out, nil
}

// ms rounds a TTL up to whole milliseconds, Redis's precision, so that a
// sub-millisecond TTL never becomes "no expiry". go-redis sends PX, or EX
// for a whole number of seconds, which is the same.
func ms(d time.Duration) time.Duration {
	return (d + time.Millisecond - 1).Truncate(time.Millisecond)
}
