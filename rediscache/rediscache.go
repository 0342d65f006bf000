package rediscache

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ipintel/ipintel/source"
	"github.com/ipintel/ipintel/store"
)

// Errors wrap the shared kinds of package source: every error from a Redis
// operation wraps [source.ErrUnavailable] and the client's own error
// (context.DeadlineExceeded among them); a value over [WithMaxValueSize]
// wraps [source.ErrTooLarge]; a bad option or client wraps
// [source.ErrInvalidOption].
var (
	errRedis         = fmt.Errorf("rediscache: redis operation failed: %w", source.ErrUnavailable)
	errValueTooLarge = fmt.Errorf("rediscache: value %w", source.ErrTooLarge)
	errConfig        = fmt.Errorf("rediscache: %w", source.ErrInvalidOption)
)

// Defaults used when no option says otherwise.
const (
	// DefaultTimeout is a backstop for callers without a deadline of
	// their own; remote sources give each operation a tenth of theirs.
	DefaultTimeout      = 500 * time.Millisecond
	DefaultMaxValueSize = 64 << 10
)

// redisStore is the store.Store New returns.
type redisStore struct {
	rdb      redis.UniversalClient
	cluster  *redis.ClusterClient // nil for one server (Sentinel's master included)
	timeout  time.Duration
	maxValue int
	log      *slog.Logger
	now      func() time.Time

	mu    sync.Mutex
	nodes map[string]*node // cluster only: the health of each master, by address

	lastReload atomic.Int64 // UnixNano of the last slot-map reload asked for
}

var _ store.Store = (*redisStore)(nil)

// An Option configures the store New returns.
type Option func(*config) error

type config struct {
	timeout  time.Duration
	maxValue int
	log      *slog.Logger
}

// WithTimeout bounds each operation, pipelines included (default
// [DefaultTimeout]). The caller's deadline applies too; the earlier wins.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithTimeout(%v): must be positive", errConfig, d)
		}
		c.timeout = d
		return nil
	}
}

// WithMaxValueSize bounds a value's size: a larger one is refused by Set
// and read as absent by Get (default [DefaultMaxValueSize]).
func WithMaxValueSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("%w: WithMaxValueSize(%d): must be positive", errConfig, n)
		}
		c.maxValue = n
		return nil
	}
}

// WithLogger logs, on Redis Cluster, a node that starts failing (warning)
// and its return (info). Default: no logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger(nil)", errConfig)
		}
		c.log = l
		return nil
	}
}

// New returns a [store.Store] on rdb: Redis, Valkey, Sentinel or Redis
// Cluster through go-redis's UniversalClient (see the package
// documentation for how each operation maps to Redis commands). The store
// does not own rdb: closing it is the caller's business. rdb must honour
// context deadlines
// (ContextTimeoutEnabled: true in its options): otherwise go-redis ignores
// them and a slow Redis holds each lookup for the client's ReadTimeout, 3 s
// by default, past the remote source's own deadline. New checks this for
// *redis.Client (single server, Sentinel) and *redis.ClusterClient.
func New(rdb redis.UniversalClient, opts ...Option) (store.Store, error) {
	if rdb == nil {
		return nil, fmt.Errorf("%w: nil client", errConfig)
	}
	if !honoursContext(rdb) {
		return nil, fmt.Errorf("%w: the client ignores context deadlines; set ContextTimeoutEnabled: true in its options", errConfig)
	}
	c := config{timeout: DefaultTimeout, maxValue: DefaultMaxValueSize, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	s := &redisStore{rdb: rdb, timeout: c.timeout, maxValue: c.maxValue, log: c.log, now: time.Now}
	s.cluster, _ = rdb.(*redis.ClusterClient)
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

func (s *redisStore) fail(err error) error {
	return fmt.Errorf("%w: %w", errRedis, err)
}

// Get implements [store.Store].
func (s *redisStore) Get(ctx context.Context, key string) ([]byte, bool, error) {
	vs, err := s.GetMulti(ctx, []string{key})
	if err != nil {
		return nil, false, err
	}
	return vs[0], vs[0] != nil, nil
}

// Set implements [store.Store] with SET PX.
func (s *redisStore) Set(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	return s.SetMulti(ctx, []store.Item{{Key: key, Value: value, TTL: ttl}})
}

// Claim implements [store.Store] with SET NX PX: Redis decides which of
// concurrent claims wins, whichever process sends them.
func (s *redisStore) Claim(ctx context.Context, key string, ttl time.Duration) (bool, error) {
	c, err := s.ClaimMulti(ctx, []string{key}, ttl)
	if err != nil {
		return false, err
	}
	return c[0], nil
}

// GetMulti implements [store.Store]: one pipeline of GETs (one per node on
// Redis Cluster). A value larger than the maximum is read as absent. With
// a *[store.PartialError], the values of the keys that did not fail are
// valid.
func (s *redisStore) GetMulti(ctx context.Context, keys []string) ([][]byte, error) {
	if len(keys) == 0 {
		return [][]byte{}, nil
	}
	cmds, err := s.exec(ctx, keys, func(ctx context.Context, p redis.Pipeliner, i int) redis.Cmder {
		return p.Get(ctx, keys[i])
	})
	if cmds == nil {
		return nil, err
	}
	out := make([][]byte, len(keys))
	for i, c := range cmds {
		if c == nil { // a key of a node skipped while it fails
			continue
		}
		v, cerr := c.(*redis.StringCmd).Bytes()
		if cerr == nil && len(v) <= s.maxValue {
			out[i] = v
		}
	}
	return out, err
}

// SetMulti implements [store.Store]: one pipeline of SET PX (one per node
// on Redis Cluster).
func (s *redisStore) SetMulti(ctx context.Context, items []store.Item) error {
	for _, it := range items {
		if err := store.Check(it.Key, it.TTL); err != nil {
			return err
		}
		if len(it.Value) > s.maxValue {
			return fmt.Errorf("%w: %d bytes for %s", errValueTooLarge, len(it.Value), it.Key)
		}
	}
	if len(items) == 0 {
		return nil
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key
	}
	_, err := s.exec(ctx, keys, func(ctx context.Context, p redis.Pipeliner, i int) redis.Cmder {
		return p.Set(ctx, items[i].Key, items[i].Value, ms(items[i].TTL))
	})
	return err
}

// ClaimMulti implements [store.Store]: one pipeline of SET NX PX (one per
// node on Redis Cluster). With a *[store.PartialError], the claims of the
// keys that did not fail are valid.
func (s *redisStore) ClaimMulti(ctx context.Context, keys []string, ttl time.Duration) ([]bool, error) {
	for _, k := range keys {
		if err := store.Check(k, ttl); err != nil {
			return nil, err
		}
	}
	if len(keys) == 0 {
		return []bool{}, nil
	}
	cmds, err := s.exec(ctx, keys, func(ctx context.Context, p redis.Pipeliner, i int) redis.Cmder {
		return p.SetNX(ctx, keys[i], "1", ms(ttl))
	})
	if cmds == nil {
		return nil, err
	}
	out := make([]bool, len(keys))
	for i, c := range cmds {
		if c == nil {
			continue
		}
		ok, cerr := c.(*redis.BoolCmd).Result()
		out[i] = cerr == nil && ok
	}
	return out, err
}

// queueFunc queues the command for keys[i] on p.
type queueFunc func(ctx context.Context, p redis.Pipeliner, i int) redis.Cmder

// exec sends one single-key command per key and returns the commands and:
// nil when every key succeeded; a *store.PartialError when some failed
// (their commands hold an error, the others their answer); any other error
// (and no commands) when none can be trusted. A key fails alone when Redis
// refuses it (a value of the wrong type, out of memory); a node fails with
// every key it holds (down, slow, a cluster error). On one server a failing
// node fails the whole operation, as any error did before; on Redis
// Cluster it fails only its keys (see execCluster).
func (s *redisStore) exec(ctx context.Context, keys []string, queue queueFunc) ([]redis.Cmder, error) {
	// A deadline of the caller's that ends before the store's own says
	// nothing of a node that misses it.
	d, ok := ctx.Deadline()
	callerFirst := ok && time.Until(d) < s.timeout
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	cmds := make([]redis.Cmder, len(keys))
	failed := make([]bool, len(keys))
	if s.cluster != nil {
		first, err := s.execCluster(ctx, callerFirst, keys, cmds, failed, queue)
		if err != nil {
			return nil, s.fail(err)
		}
		return cmds, s.partial(failed, first)
	}
	all := make([]int, len(keys))
	for i := range all {
		all[i] = i
	}
	first, nodeErr := s.pipeline(ctx, all, cmds, failed, queue)
	if nodeErr != nil {
		return nil, s.fail(nodeErr)
	}
	return cmds, s.partial(failed, first)
}

func (s *redisStore) partial(failed []bool, first error) error {
	if first == nil {
		return nil
	}
	return &store.PartialError{Failed: failed, Err: s.fail(first)}
}

// pipeline sends the commands for keys[idx...] in one pipeline and marks
// the keys that failed. first is the first key's error; nodeErr is set
// when the node failed (every key of idx is then marked failed).
func (s *redisStore) pipeline(ctx context.Context, idx []int, cmds []redis.Cmder, failed []bool, queue queueFunc) (first, nodeErr error) {
	_, perr := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, i := range idx {
			cmds[i] = queue(ctx, p, i)
		}
		return nil
	})
	for _, i := range idx {
		err := cmds[i].Err()
		if err == nil || errors.Is(err, redis.Nil) {
			continue
		}
		failed[i] = true
		if first == nil {
			first = err
		}
		if nodeErr == nil && nodeFailure(err) {
			nodeErr = err
		}
	}
	if perr != nil && first == nil && !errors.Is(perr, redis.Nil) {
		nodeErr = perr // failed with no command saying so: trust none
	}
	if nodeErr != nil {
		for _, i := range idx {
			failed[i] = true
		}
		first = nodeErr
	}
	return first, nodeErr
}

// nodeFailure reports whether err says the node is unusable rather than
// that Redis refused one key: anything but a Redis error reply (a dead or
// slow connection, a deadline), or a reply saying the node or the cluster
// cannot serve (CLUSTERDOWN, LOADING, MASTERDOWN, TRYAGAIN, READONLY, and
// MOVED or ASK left over after go-redis's redirections).
func nodeFailure(err error) bool {
	var reply redis.Error
	if !errors.As(err, &reply) {
		return true
	}
	for _, p := range nodeReplies {
		if redis.HasErrorPrefix(reply, p) {
			return true
		}
	}
	return false
}

var nodeReplies = []string{"CLUSTERDOWN ", "LOADING ", "MASTERDOWN ", "TRYAGAIN ", "READONLY ", "MOVED ", "ASK "}

// ms rounds a TTL up to whole milliseconds, Redis's precision, so that a
// sub-millisecond TTL never becomes "no expiry". go-redis sends PX, or EX
// for a whole number of seconds, which is the same.
func ms(d time.Duration) time.Duration {
	return (d + time.Millisecond - 1).Truncate(time.Millisecond)
}
