package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/ipintel/ipintel"
)

// Option configures the middleware built by [New].
type Option func(*config) error

// DefaultTimeout is the default deadline for one request's lookup.
const DefaultTimeout = 50 * time.Millisecond

type config struct {
	trusted    []netip.Prefix
	header     string
	policy     func(*ipintel.Result) bool
	timeout    time.Duration
	failClosed bool
	onBlock    http.Handler
	logger     *slog.Logger
	skipExact  map[string]bool
	skipPrefix []string
}

func defaultConfig() config {
	return config{
		policy:  recommendationPolicy([]ipintel.Recommendation{ipintel.Block}),
		timeout: DefaultTimeout,
		onBlock: http.HandlerFunc(defaultBlock),
	}
}

// WithTrustedProxies names the reverse proxies and load balancers in front of
// the service. Only a peer inside one of these prefixes may say, in a
// header, who the client is; see [Resolver]. By default no peer is trusted
// and headers are ignored. Calling it again adds prefixes.
func WithTrustedProxies(prefixes []netip.Prefix) Option {
	return func(c *config) error {
		for i, p := range prefixes {
			if !p.IsValid() {
				return fmt.Errorf("middleware: %w: WithTrustedProxies: prefix %d is not valid", ipintel.ErrInvalidOption, i)
			}
		}
		c.trusted = append(c.trusted, prefixes...)
		return nil
	}
}

// WithClientIPHeader names the one header trusted proxies put the client's
// address in: "X-Forwarded-For" (the default), "Forwarded" (RFC 7239), or a
// header holding a single address such as "X-Real-IP", "CF-Connecting-IP" or
// "True-Client-IP". Only that header is read, and only from a trusted peer.
func WithClientIPHeader(name string) Option {
	return func(c *config) error {
		if name == "" || !validToken(name) {
			return fmt.Errorf("middleware: %w: WithClientIPHeader(%q): not a header name", ipintel.ErrInvalidOption, name)
		}
		c.header = name
		return nil
	}
}

// WithBlockRecommendations blocks requests whose Risk.Recommendation is one of
// recs. The default policy is WithBlockRecommendations(ipintel.Block); with no
// arguments nothing is blocked (the middleware only annotates requests). Like
// [WithBlockScore] and [WithBlockFunc], it replaces the policy: the last one given
// wins.
func WithBlockRecommendations(recs ...ipintel.Recommendation) Option {
	recs = slices.Clone(recs)
	return func(c *config) error {
		c.policy = recommendationPolicy(recs)
		return nil
	}
}

func recommendationPolicy(recs []ipintel.Recommendation) func(*ipintel.Result) bool {
	return func(r *ipintel.Result) bool { return slices.Contains(recs, r.Risk.Recommendation) }
}

// WithBlockScore blocks requests whose Risk.Score is threshold or more
// (1–100). It replaces the policy.
func WithBlockScore(threshold int) Option {
	return func(c *config) error {
		if threshold < 1 || threshold > 100 {
			return fmt.Errorf("middleware: %w: WithBlockScore(%d): must be 1–100", ipintel.ErrInvalidOption, threshold)
		}
		c.policy = func(r *ipintel.Result) bool { return r.Risk.Score >= threshold }
		return nil
	}
}

// WithBlockFunc blocks requests for which f returns true. f is called
// concurrently and must not keep or change the Result. It replaces the
// policy.
func WithBlockFunc(f func(*ipintel.Result) bool) Option {
	return func(c *config) error {
		if f == nil {
			return fmt.Errorf("middleware: %w: WithBlockFunc(nil)", ipintel.ErrInvalidOption)
		}
		c.policy = f
		return nil
	}
}

// WithOnBlock replaces the response to a blocked request. The handler can read
// [FromContext], [ClientIP] and [BlockReason] from the request's context.
// The default writes 403 with {"error":"forbidden","reason":"…"}.
func WithOnBlock(h http.Handler) Option {
	return func(c *config) error {
		if h == nil {
			return fmt.Errorf("middleware: %w: WithOnBlock(nil)", ipintel.ErrInvalidOption)
		}
		c.onBlock = h
		return nil
	}
}

// WithTimeout bounds each request's lookup when the Client has remote sources
// (source.Traits.Remote); the default is [DefaultTimeout]. A remote answer
// later than that is left out of the Result (and counts as a failed lookup
// under [WithFailClosed]). Local sources answer inline in microseconds and get
// no deadline.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("middleware: %w: WithTimeout(%v): must be positive", ipintel.ErrInvalidOption, d)
		}
		c.timeout = d
		return nil
	}
}

// WithFailClosed blocks a request when its client address cannot be determined
// or its lookup fails (an error, or any source failing or timing out),
// with reason "client_ip_unknown" or "lookup_failed". By default the
// middleware fails open: such requests pass, judged on whatever evidence
// did arrive.
func WithFailClosed() Option {
	return func(c *config) error {
		c.failClosed = true
		return nil
	}
}

// WithLogger logs lookup failures and unknown client addresses (at Warn),
// sources that failed within a lookup (at Debug, or Warn when [WithFailClosed]
// blocks on them) and blocked requests (at Info). The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("middleware: %w: WithLogger(nil)", ipintel.ErrInvalidOption)
		}
		c.logger = l
		return nil
	}
}

// WithSkipPaths lets requests whose URL path is exactly one of paths through
// untouched, without a lookup: health checks, metrics.
func WithSkipPaths(paths ...string) Option {
	return func(c *config) error {
		if c.skipExact == nil {
			c.skipExact = make(map[string]bool, len(paths))
		}
		for _, p := range paths {
			c.skipExact[p] = true
		}
		return nil
	}
}

// WithSkipPrefixes lets requests whose URL path starts with one of prefixes
// through untouched ("/static/"). A path with dot segments ("/static/../x")
// is never skipped, whatever router cleans it later.
func WithSkipPrefixes(prefixes ...string) Option {
	return func(c *config) error {
		for _, p := range prefixes {
			if p == "" {
				return fmt.Errorf("middleware: %w: WithSkipPrefixes: empty prefix would skip everything", ipintel.ErrInvalidOption)
			}
		}
		c.skipPrefix = append(c.skipPrefix, prefixes...)
		return nil
	}
}
