package remote

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ipintel/ipintel/store"
)

// Defaults used when no option says otherwise.
const (
	DefaultTimeout         = 3 * time.Second
	DefaultRetries         = 2
	DefaultCacheSize       = 4096
	DefaultCacheTTL        = 10 * time.Minute
	DefaultMaxResponseSize = 4 << 20 // bytes; a 100-address batch is ~200 KB
	DefaultBreakerFailures = 5
	DefaultBreakerCoolDown = 30 * time.Second
	DefaultConcurrency     = 8
	DefaultSharedHitTTL    = time.Hour
	DefaultSharedMissTTL   = 10 * time.Minute
)

// An Option configures a source. The constructor applies the options in
// order; one that cannot be used is an error wrapping
// [source.ErrInvalidOption] that names it and its value.
type Option func(*settings) error

type settings struct {
	baseURL     string
	client      *http.Client
	timeout     time.Duration
	retries     int
	rate        float64
	burst       int
	cacheSize   int
	cacheTTL    time.Duration
	maxBatch    int
	maxBody     int64
	failures    int
	coolDown    time.Duration
	concurrency int
	name        string
	logger      *slog.Logger

	shared        store.Store // WithSharedCache; the rest of the group is in shared_options.go
	keyPrefix     string
	sharedHitTTL  time.Duration
	sharedMissTTL time.Duration
	sharedWait    time.Duration // 0: a quarter of the timeout
}

func defaults() settings {
	return settings{
		timeout:     DefaultTimeout,
		retries:     DefaultRetries,
		cacheSize:   DefaultCacheSize,
		cacheTTL:    DefaultCacheTTL,
		maxBody:     DefaultMaxResponseSize,
		failures:    DefaultBreakerFailures,
		coolDown:    DefaultBreakerCoolDown,
		concurrency: DefaultConcurrency,

		sharedHitTTL:  DefaultSharedHitTTL,
		sharedMissTTL: DefaultSharedMissTTL,
	}
}

// WithBaseURL sends requests to u instead of the provider's public address:
// a self-hosted deployment, a proxy, or a test server. u is scheme, host and
// optional path prefix ("https://ipintel.internal/vectra"); it must not
// carry a query, a fragment or credentials. An empty u keeps the
// provider's address, so WithBaseURL(os.Getenv(…)) needs no check.
func WithBaseURL(u string) Option {
	return func(s *settings) error {
		if u == "" {
			return nil
		}
		if _, err := checkBase(u); err != nil {
			return err
		}
		s.baseURL = u
		return nil
	}
}

// WithHTTPClient uses c for requests. The source copies c and replaces its
// CheckRedirect so that the key is never sent to a redirect target; c's
// Transport and Timeout are kept.
func WithHTTPClient(c *http.Client) Option {
	return func(s *settings) error {
		if c == nil {
			return fmt.Errorf("%w: WithHTTPClient(nil)", errConfig)
		}
		s.client = c
		return nil
	}
}

// WithTimeout bounds each Lookup or LookupBatch call, retries included
// (default [DefaultTimeout]). The caller's deadline applies too; the earlier
// wins. It is also the Timeout the source reports in its Traits.
func WithTimeout(d time.Duration) Option {
	return func(s *settings) error {
		if d <= 0 {
			return fmt.Errorf("%w: WithTimeout(%v): must be positive", errConfig, d)
		}
		s.timeout = d
		return nil
	}
}

// WithRetries sets how many times a request is retried after a 5xx, a
// timeout or a reset connection (default [DefaultRetries]; 0 disables).
// Retries back off exponentially with jitter and never wait past the
// deadline.
func WithRetries(n int) Option {
	return func(s *settings) error {
		if n < 0 {
			return fmt.Errorf("%w: WithRetries(%d): must not be negative", errConfig, n)
		}
		s.retries = n
		return nil
	}
}

// WithRateLimit limits requests to rps per second with bursts of burst. A
// request that would have to wait past its deadline fails at once with
// [source.ErrRateLimited] instead. By default there is no local limit: the
// provider's 429 answers are honoured. A plan written per minute ("300
// requests/minute") is WithRateLimit(300.0/60, 30).
func WithRateLimit(rps float64, burst int) Option {
	return func(s *settings) error {
		if !(rps > 0) || burst < 1 {
			return fmt.Errorf("%w: WithRateLimit(%v, %d): need rps > 0 and burst ≥ 1", errConfig, rps, burst)
		}
		s.rate, s.burst = rps, burst
		return nil
	}
}

// WithCache keeps up to size answers for ttl (default [DefaultCacheSize],
// [DefaultCacheTTL]), as the Client's own WithCache does: a zero size
// disables the cache, a zero ttl keeps answers until they are evicted.
// Answers that the provider does not know the address are cached too;
// errors and 429s never are.
func WithCache(size int, ttl time.Duration) Option {
	return func(s *settings) error {
		if size < 0 || ttl < 0 {
			return fmt.Errorf("%w: WithCache(%d, %v): size and ttl must not be negative", errConfig, size, ttl)
		}
		s.cacheSize, s.cacheTTL = size, ttl
		return nil
	}
}

// WithBatchSize sets how many addresses go in one batch request, at most
// the provider's own limit (100), lower when a plan needs it; LookupBatch
// splits longer lists into requests of this size. (The root package's
// WithMaxBatch is different: it rejects batches over its limit.)
func WithBatchSize(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("%w: WithBatchSize(%d): must be at least 1", errConfig, n)
		}
		s.maxBatch = n
		return nil
	}
}

// WithMaxResponseSize bounds the bytes read from one response body (default
// [DefaultMaxResponseSize]); a longer body is an error wrapping [source.ErrTooLarge].
func WithMaxResponseSize(n int64) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("%w: WithMaxResponseSize(%d): must be at least 1", errConfig, n)
		}
		s.maxBody = n
		return nil
	}
}

// WithCircuitBreaker opens the circuit after failures consecutive failed
// calls (5xx, transport errors, malformed bodies, 401/403) and skips the
// source for coolDown, after which one probe request decides. failures 0
// disables the breaker. Default [DefaultBreakerFailures],
// [DefaultBreakerCoolDown].
func WithCircuitBreaker(failures int, coolDown time.Duration) Option {
	return func(s *settings) error {
		if failures < 0 || (failures > 0 && coolDown <= 0) {
			return fmt.Errorf("%w: WithCircuitBreaker(%d, %v): need failures ≥ 0 and a positive cool-down", errConfig, failures, coolDown)
		}
		s.failures, s.coolDown = failures, coolDown
		return nil
	}
}

// WithConcurrency bounds the requests one LookupBatch call has in flight:
// batch chunks, or single lookups for an API without a batch endpoint
// (default [DefaultConcurrency]).
func WithConcurrency(n int) Option {
	return func(s *settings) error {
		if n < 1 {
			return fmt.Errorf("%w: WithConcurrency(%d): must be at least 1", errConfig, n)
		}
		s.concurrency = n
		return nil
	}
}

// WithName overrides the source's name (default "vectraip", "vpnsignal",
// "datpaq"), for running two accounts side by side.
func WithName(name string) Option {
	return func(s *settings) error {
		if strings.TrimSpace(name) == "" {
			return fmt.Errorf("%w: WithName(%q): empty", errConfig, name)
		}
		if strings.ContainsAny(name, "{}\r\n") {
			// The name is part of the shared-cache keys, whose braces are
			// Redis Cluster hash tags.
			return fmt.Errorf("%w: WithName(%q): contains a brace or a line break", errConfig, name)
		}
		s.name = name
		return nil
	}
}

// WithLogger logs requests at Debug and retries, 429s and circuit changes
// at Warn. Keys are never logged. The default discards; a nil l is an
// error, as in every package of this module.
func WithLogger(l *slog.Logger) Option {
	return func(s *settings) error {
		if l == nil {
			return fmt.Errorf("%w: WithLogger(nil)", errConfig)
		}
		s.logger = l
		return nil
	}
}

// checkBase validates a base URL. Its errors name the option but not the
// value: a misconfigured URL may carry a key.
func checkBase(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: WithBaseURL: does not parse", errConfig)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: WithBaseURL: needs an http or https scheme and a host", errConfig)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: WithBaseURL: must not carry credentials, a query or a fragment", errConfig)
	}
	return strings.TrimRight(u.String(), "/"), nil
}
