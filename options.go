package ipintel

import (
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Option configures a Client in [New].
type Option func(*config) error

type config struct {
	sources       []source.Source
	scorer        Scorer
	cacheSize     int
	cacheTTL      time.Duration
	concurrency   int
	maxBatch      int
	allowReserved bool
	remoteTimeout time.Duration
	// remoteCap is WithRemoteTimeout's value: no remote source may take
	// longer, whatever its own Traits.Timeout says. Zero: no cap.
	remoteCap time.Duration
	logger    *slog.Logger
	// datasetCheck is how often the Client checks its sources' datasets
	// (datasetCheckEvery; tests shorten it).
	datasetCheck time.Duration
}

// Defaults of the options.
const (
	// DefaultRemoteTimeout is the deadline for one call of a remote source
	// that does not state its own (source.Traits.Timeout) when the Client
	// is built without [WithRemoteTimeout].
	DefaultRemoteTimeout = 2 * time.Second
	// defaultMinConcurrency is the least WithConcurrency default: batches
	// are often waiting on remote sources, not on the CPU.
	defaultMinConcurrency = 8
)

func defaultConfig() config {
	return config{
		concurrency:   max(defaultMinConcurrency, runtime.GOMAXPROCS(0)),
		remoteTimeout: DefaultRemoteTimeout,
		datasetCheck:  datasetCheckEvery,
	}
}

// WithSources sets the data sources, in priority order: when two sources
// both know a geo or network field, the earlier one wins. Calling it again
// appends. The slice is copied.
func WithSources(srcs ...source.Source) Option {
	return func(c *config) error {
		for i, s := range srcs {
			if isNil(s) {
				return fmt.Errorf("ipintel: %w: WithSources: source %d is nil (%T)", ErrInvalidOption, i, s)
			}
		}
		c.sources = append(c.sources, srcs...)
		return nil
	}
}

// WithScorer replaces the default [WeightedScorer].
func WithScorer(s Scorer) Option {
	return func(c *config) error {
		if s == nil {
			return fmt.Errorf("ipintel: %w: WithScorer(nil)", ErrInvalidOption)
		}
		c.scorer = s
		return nil
	}
}

// WithCache keeps up to size results for ttl, keyed by address. Concurrent
// lookups of one uncached address share one lookup. A result in which any
// source failed is not cached. Zero size (the default) disables the cache;
// a zero ttl means entries do not expire (they are only evicted).
func WithCache(size int, ttl time.Duration) Option {
	return func(c *config) error {
		if size < 0 || ttl < 0 {
			return fmt.Errorf("ipintel: %w: WithCache(%d, %v): size and ttl must not be negative", ErrInvalidOption, size, ttl)
		}
		c.cacheSize, c.cacheTTL = size, ttl
		return nil
	}
}

// WithConcurrency bounds how many goroutines a LookupBatch or LookupSeq
// uses, and how many remote calls one batch makes at once. The default is
// GOMAXPROCS or 8, whichever is larger.
func WithConcurrency(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("ipintel: %w: WithConcurrency(%d): must be at least 1", ErrInvalidOption, n)
		}
		c.concurrency = n
		return nil
	}
}

// WithMaxBatch rejects batches of more than n entries with
// [ErrBatchTooLarge]. Zero, the default, means no limit; the hosted APIs
// cap batches at 100.
func WithMaxBatch(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("ipintel: %w: WithMaxBatch(%d): must not be negative", ErrInvalidOption, n)
		}
		c.maxBatch = n
		return nil
	}
}

// WithAllowReserved lets private, loopback, link-local and other
// special-purpose addresses be looked up instead of rejected with
// [ErrReservedIP]. Remote sources should still refuse to send them out.
func WithAllowReserved() Option {
	return func(c *config) error {
		c.allowReserved = true
		return nil
	}
}

// WithRemoteTimeout caps the deadline of every call of a remote source:
// the smaller of d and the source's own Traits.Timeout wins, and d is the
// deadline of a remote source that states none. Without this option such
// a source gets [DefaultRemoteTimeout] and a source that states its own
// deadline keeps it. The caller's context deadline applies too.
func WithRemoteTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("ipintel: %w: WithRemoteTimeout(%v): must be positive", ErrInvalidOption, d)
		}
		c.remoteTimeout, c.remoteCap = d, d
		return nil
	}
}

// remoteDeadline is how long one call of a remote source that states
// timeout (0: none) may take.
func (c *config) remoteDeadline(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		return c.remoteTimeout
	}
	if c.remoteCap > 0 && c.remoteCap < timeout {
		return c.remoteCap
	}
	return timeout
}

// isNil reports whether s is nil or an interface holding a nil pointer,
// map, slice, func or channel — a typed nil such as (*mmdb.Source)(nil),
// which is what an unchecked failed Open leaves behind.
func isNil(s source.Source) bool {
	if s == nil {
		return true
	}
	switch v := reflect.ValueOf(s); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// WithLogger sets where the Client logs: a source that starts or stops
// failing (Warn, then Info when it recovers) and a background reload that
// fails or works again (Warn, Info); each failed call at Debug (it is also
// in Meta.Errors); problems at Close. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("ipintel: %w: WithLogger(nil)", ErrInvalidOption)
		}
		c.logger = l
		return nil
	}
}
