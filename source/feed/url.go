package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"time"

	"github.com/ipintel/ipintel/internal/filecache"
	"github.com/ipintel/ipintel/source"
)

// Option configures [FromURL]. FromURL applies the options in order; one
// that cannot be used is an error wrapping [source.ErrInvalidOption] that
// names it and its value.
type Option func(*urlConfig) error

// optionError is the error of an option whose value cannot be used.
func optionError(call string, args ...any) error {
	return fmt.Errorf("feed: %w: "+call, append([]any{source.ErrInvalidOption}, args...)...)
}

type urlConfig struct {
	refresh    time.Duration
	timeout    time.Duration
	retries    int
	backoffMin time.Duration
	backoffMax time.Duration
	cacheDir   string
	budget     time.Duration
	client     *http.Client
	userAgent  string
	logger     *slog.Logger
	emptyRetry time.Duration // see Feed.emptyRetry; tests shorten it
}

// Defaults of [FromURL].
const (
	DefaultTimeout = 60 * time.Second
	DefaultRetries = 3
)

// WithRefresh re-fetches the feed every d (±10% jitter) in a background
// goroutine that [Feed.Close] stops. Zero, the default, never refreshes by
// itself; call [Feed.Reload].
func WithRefresh(d time.Duration) Option {
	return func(c *urlConfig) error {
		if d < 0 {
			return optionError("WithRefresh(%v): must not be negative", d)
		}
		c.refresh = d
		return nil
	}
}

// WithTimeout bounds one fetch, retries included. Default [DefaultTimeout].
func WithTimeout(d time.Duration) Option {
	return func(c *urlConfig) error {
		if d <= 0 {
			return optionError("WithTimeout(%v): must be positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many times a failed fetch (network error, 429, 5xx)
// is retried. Default [DefaultRetries]; zero tries once.
func WithRetries(n int) Option {
	return func(c *urlConfig) error {
		if n < 0 {
			return optionError("WithRetries(%d): must not be negative", n)
		}
		c.retries = n
		return nil
	}
}

// WithBackoff sets the wait before the first retry and its cap; each retry
// doubles it, with full jitter. Default 1s and 30s.
func WithBackoff(first, limit time.Duration) Option {
	return func(c *urlConfig) error {
		if first < 0 || limit < first {
			return optionError("WithBackoff(%v, %v): need 0 ≤ first ≤ limit", first, limit)
		}
		c.backoffMin, c.backoffMax = first, limit
		return nil
	}
}

// WithCacheDir keeps the last good copy of the feed in dir, so that a
// restart without network still has data, and a restart with network can
// ask the server "changed since?" instead of downloading again.
func WithCacheDir(dir string) Option {
	return func(c *urlConfig) error {
		if dir == "" {
			return optionError("WithCacheDir(\"\"): leave the option out for no cache")
		}
		c.cacheDir = dir
		return nil
	}
}

// WithStartupBudget bounds how long [FromURL] waits for the network when
// it has no fresh cached copy: after d it returns with the cached copy, or
// an empty feed, and the download goes on in the background. Zero, the
// default, waits for the download (up to [WithTimeout]).
func WithStartupBudget(d time.Duration) Option {
	return func(c *urlConfig) error {
		if d < 0 {
			return optionError("WithStartupBudget(%v): must not be negative", d)
		}
		c.budget = d
		return nil
	}
}

// WithHTTPClient sets the HTTP client. Default: a client of the feed's
// own, without a timeout of its own (WithTimeout bounds each fetch), whose
// idle connections [Feed.Close] closes.
func WithHTTPClient(h *http.Client) Option {
	return func(c *urlConfig) error {
		if h == nil {
			return optionError("WithHTTPClient(nil)")
		}
		c.client = h
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *urlConfig) error {
		if ua == "" || strings.ContainsAny(ua, "\r\n") {
			return optionError("WithUserAgent(%q): empty or with a line break", ua)
		}
		c.userAgent = ua
		return nil
	}
}

// WithLogger logs background refresh failures and refusals at Warn and
// swaps at Debug. Default: no logging; [Feed.Datasets] has the same.
func WithLogger(l *slog.Logger) Option {
	return func(c *urlConfig) error {
		if l == nil {
			return optionError("WithLogger(nil)")
		}
		c.logger = l
		return nil
	}
}

// FromURL fetches a feed over HTTP(S) and, with [WithRefresh], keeps it up
// to date in the background: conditional requests (ETag, Last-Modified), a
// body size limit (Spec.MaxBytes), a deadline per fetch, retries with
// jittered exponential backoff, and an optional on-disk cache.
//
// Start-up is cache first. With [WithCacheDir], a cached copy younger than
// the refresh interval is served at once, without waiting for the network,
// and refreshed in the background when it comes due. An older copy is
// served when the download fails, or, with [WithStartupBudget], when it has
// not finished within the budget; the download then goes on in the
// background. With a budget and no cached copy, FromURL returns an empty
// feed by the budget, or earlier if the download fails ([Feed.Datasets] says
// why); it fills in when a download succeeds, retried every minute (or the
// refresh interval, if shorter) until one does.
//
// ctx bounds the start-up only: cancelling it makes FromURL stop the
// download and return ctx's error at once. Background refreshes run until
// [Feed.Close].
//
// Each refresh is parsed and checked off to the side; a refresh that fails
// or looks poisoned (see [Feed.Reload]) keeps the data in use, and
// [Feed.Datasets] says why. Without a budget, when the first fetch fails and
// there is no cached copy, FromURL returns the error.
func FromURL(ctx context.Context, url string, spec Spec, opts ...Option) (*Feed, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("%w: %s: URL %q is not http(s)", errInvalidSpec, spec.Name, redactURL(url))
	}
	cfg := urlConfig{
		timeout:    DefaultTimeout,
		retries:    DefaultRetries,
		backoffMin: time.Second,
		backoffMax: 30 * time.Second,
		userAgent:  "ipintel-feed/1",
		emptyRetry: time.Minute,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Feed: spec.Name, Err: err}
	}
	ownClient := false
	if cfg.client == nil {
		// A transport of its own, so that Close can end the goroutines of
		// its kept-alive connections without touching anyone else's;
		// http.DefaultTransport itself when an app has replaced it.
		cfg.client = &http.Client{}
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			cfg.client.Transport, ownClient = t.Clone(), true
		}
	}
	l := &httpLoader{url: url, safeURL: redactURL(url), cfg: cfg, ownClient: ownClient}
	if cfg.cacheDir != "" {
		l.cache = filecache.New(cfg.cacheDir, spec.Name, url, spec.maxBytes())
	}
	f := newFeed(spec, l)
	f.emptyRetry = cfg.emptyRetry
	f.snap.Store(emptySnapshot())

	// The cached copy first: it may spare the start-up any network wait.
	var cacheErr error
	fresh := false
	if l.cache != nil {
		s, confirmed, err := l.loadCache(spec)
		switch {
		case err == nil:
			f.snap.Store(s)
			f.status.Origin = source.OriginCache
			f.status.Fetched = confirmed
			f.status.LastSuccess = confirmed
			fresh = cfg.refresh > 0 && time.Since(confirmed) < cfg.refresh
		case !errors.Is(err, os.ErrNotExist):
			cacheErr = &Error{Feed: spec.Name, Err: fmt.Errorf("cached copy not used: %w", err)}
			f.status.LastError = cacheErr
		}
	}

	life, cancel := context.WithCancel(context.Background())
	f.cancel, f.done = cancel, make(chan struct{})
	first := make(chan error, 1)
	firstWait := time.Duration(0)
	if fresh {
		// Recorded before FromURL returns, so that Datasets has it.
		firstWait = f.scheduleNext(cfg.refresh, max(cfg.refresh-time.Since(f.status.Fetched), time.Millisecond))
	}
	go f.run(life, !fresh, firstWait, first, cfg.refresh, cfg.logger)
	if fresh {
		return f, nil
	}

	var budget <-chan time.Time
	if cfg.budget > 0 {
		t := time.NewTimer(cfg.budget)
		defer t.Stop()
		budget = t.C
	}
	select {
	case err := <-first:
		if err != nil && !f.hasData() && cfg.budget == 0 {
			f.Close()
			if cacheErr != nil {
				return nil, fmt.Errorf("%w; cached copy: %w", err, cacheErr)
			}
			return nil, err
		}
		// On error: running on the cached copy, or (with a budget) open
		// and empty, trying again soon (see scheduleNext). Datasets says why.
		return f, nil
	case <-budget:
		// Serve the cached copy, or nothing yet; the download goes on.
		f.mu.Lock()
		if f.status.LastAttempt.IsZero() && !f.hasData() {
			f.status.LastError = &Error{Feed: spec.Name, Err: errNotLoaded}
		}
		f.mu.Unlock()
		return f, nil
	case <-ctx.Done():
		f.Close()
		return nil, &Error{Feed: spec.Name, Err: fmt.Errorf("%w: start-up: %w", errFetch, ctx.Err())}
	}
}

// hasData reports whether the feed has loaded any data.
func (f *Feed) hasData() bool { return f.snap.Load().stats.Prefixes > 0 }

// run makes the first download unless the cached copy is fresh (sending
// its result on first), then refreshes every interval until Close cancels
// ctx. firstWait, when set, is when the fresh cached copy comes due.
func (f *Feed) run(ctx context.Context, download bool, firstWait time.Duration, first chan<- error, every time.Duration, log *slog.Logger) {
	defer close(f.done)
	wait := firstWait
	if download {
		err := f.Reload(ctx)
		wait = f.scheduleNext(every, 0) // before start-up returns, so Datasets has it
		first <- err
		if ctx.Err() != nil {
			return
		}
		f.logRefresh(log, err)
	}
	// Without a refresh interval the loop only retries a feed that has no
	// data yet (a failed first download under a start-up budget).
	for every > 0 || !f.hasData() {
		if wait <= 0 {
			wait = f.scheduleNext(every, 0)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		err := f.Reload(ctx)
		if ctx.Err() != nil {
			return // Close interrupted the fetch: not a refresh failure
		}
		f.logRefresh(log, err)
		wait = 0
	}
}

// scheduleNext records when the next refresh is due and returns the wait:
// wait itself when set, else every ±10% jitter. A feed with data and no
// refresh interval has none (0).
func (f *Feed) scheduleNext(every, wait time.Duration) time.Duration {
	if wait <= 0 {
		switch {
		case !f.hasData():
			// Nothing to serve: try again soon rather than a whole
			// interval later, or never.
			retry := f.emptyRetry
			if retry <= 0 {
				retry = time.Minute
			}
			if every <= 0 || every > retry {
				every = retry
			}
		case every <= 0:
			return 0
		}
		wait = every + time.Duration((rand.Float64()*0.2-0.1)*float64(every))
	}
	f.mu.Lock()
	f.status.NextRefresh = time.Now().Add(wait)
	f.mu.Unlock()
	return wait
}

func (f *Feed) logRefresh(log *slog.Logger, err error) {
	if log == nil {
		return
	}
	if err != nil && !errors.Is(err, errClosed) {
		log.Warn("feed refresh failed; keeping the data in use", "feed", f.spec.Name, "err", err)
	} else if err == nil {
		log.Debug("feed refreshed", "feed", f.spec.Name, "prefixes", f.snap.Load().stats.Prefixes)
	}
}

// httpLoader fetches a URL conditionally and keeps the validators of the
// data in use. Its fields are touched only under Feed.reloadMu.
type httpLoader struct {
	url          string
	safeURL      string // url for errors and logs, without credentials
	cfg          urlConfig
	ownClient    bool             // cfg.client is the feed's own: close its connections
	cache        *filecache.Cache // nil without WithCacheDir
	etag         string
	lastModified string
}

func (l *httpLoader) origin() source.Origin { return source.OriginNetwork }

// close closes the idle connections of the feed's own client, ending
// their goroutines; a client given with WithHTTPClient is the caller's.
func (l *httpLoader) close() {
	if l.ownClient {
		l.cfg.client.CloseIdleConnections()
	}
}

// errRetry marks a failure worth retrying.
type errRetry struct{ err error }

func (e errRetry) Error() string { return e.err.Error() }
func (e errRetry) Unwrap() error { return e.err }

func (l *httpLoader) load(ctx context.Context, spec Spec, prev *snapshot) (*snapshot, func(), error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.timeout)
	defer cancel()
	wait := l.cfg.backoffMin
	var err error
	for attempt := 0; ; attempt++ {
		var body []byte
		var hdr http.Header
		body, hdr, err = l.fetch(ctx, spec, prev != nil)
		if err == nil {
			if body == nil { // 304 Not Modified
				if l.cache != nil {
					l.cache.Touch(time.Now())
				}
				return nil, nil, nil
			}
			s, err := build(body, spec)
			if err != nil {
				return nil, nil, err
			}
			if t, perr := http.ParseTime(hdr.Get("Last-Modified")); perr == nil {
				s.stats.Modified = t
			}
			// Adopt the validators and cache the body only once the data
			// is accepted, so that a refused body is fetched (and refused)
			// again rather than taken as "not modified".
			commit := func() {
				l.etag, l.lastModified = hdr.Get("ETag"), hdr.Get("Last-Modified")
				if l.cache != nil {
					// A cache write failure must not lose a good refresh.
					_ = l.cache.Save(filecache.Meta{ETag: l.etag, LastModified: l.lastModified, Saved: time.Now().UTC()}, body)
				}
			}
			return s, commit, nil
		}
		var re errRetry
		if !errors.As(err, &re) || attempt >= l.cfg.retries {
			break
		}
		// Full jitter: wait a random time up to the current backoff.
		d := time.Duration(rand.Int64N(int64(wait) + 1))
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, &Error{Feed: spec.Name, Err: fmt.Errorf("%w: %w (after %d attempts)", errFetch, ctx.Err(), attempt+1)}
		case <-t.C:
		}
		wait = min(2*wait, l.cfg.backoffMax)
	}
	return nil, nil, &Error{Feed: spec.Name, Err: fmt.Errorf("%w: %w", errFetch, err)}
}

// fetch makes one request. It returns a nil body for 304 Not Modified.
func (l *httpLoader) fetch(ctx context.Context, spec Spec, conditional bool) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.url, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid URL %q", l.safeURL)
	}
	req.Header.Set("User-Agent", l.cfg.userAgent)
	if conditional {
		if l.etag != "" {
			req.Header.Set("If-None-Match", l.etag)
		}
		if l.lastModified != "" {
			req.Header.Set("If-Modified-Since", l.lastModified)
		}
	}
	resp, err := l.cfg.client.Do(req)
	if err != nil {
		// The client's error quotes the URL, query string included: a
		// feed's access token would end up in Datasets and in logs.
		var ue *neturl.Error
		if errors.As(err, &ue) {
			err = &neturl.Error{Op: ue.Op, URL: l.safeURL, Err: ue.Err}
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, errRetry{err}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && conditional:
		return nil, resp.Header, nil
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, nil, errRetry{fmt.Errorf("HTTP %s", resp.Status)}
	default:
		return nil, nil, fmt.Errorf("HTTP %s", resp.Status)
	}
	if resp.ContentLength > spec.maxBytes() {
		return nil, nil, fmt.Errorf("%w: Content-Length %d > %d", errTooLarge, resp.ContentLength, spec.maxBytes())
	}
	body, err := readAll(resp.Body, spec.maxBytes())
	if err != nil {
		if errors.Is(err, errTooLarge) || ctx.Err() != nil {
			return nil, nil, err
		}
		return nil, nil, errRetry{err}
	}
	if body == nil {
		body = []byte{}
	}
	return body, resp.Header, nil
}

// redactURL returns raw without what may hold a credential: the user
// information and the query string are replaced by "***".
func redactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = neturl.User("***")
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "***", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// loadCache reads and parses the cached copy, adopts its validators, and
// returns when it was last known current.
func (l *httpLoader) loadCache(spec Spec) (*snapshot, time.Time, error) {
	m, body, confirmed, err := l.cache.Load()
	if err != nil {
		return nil, time.Time{}, err
	}
	s, err := build(body, spec)
	if err != nil {
		return nil, time.Time{}, err
	}
	if t, perr := http.ParseTime(m.LastModified); perr == nil {
		s.stats.Modified = t
	}
	l.etag, l.lastModified = m.ETag, m.LastModified
	return s, confirmed, nil
}
