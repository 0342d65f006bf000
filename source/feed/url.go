package feed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Option configures [FromURL].
type Option func(*urlConfig)

type urlConfig struct {
	refresh    time.Duration
	timeout    time.Duration
	retries    int
	backoffMin time.Duration
	backoffMax time.Duration
	cacheDir   string
	client     *http.Client
	userAgent  string
	logger     *slog.Logger
}

// Defaults of [FromURL].
const (
	DefaultTimeout = 60 * time.Second
	DefaultRetries = 3
)

// WithRefresh re-fetches the feed every d (±10% jitter) in a background
// goroutine that [Feed.Close] stops. Zero, the default, never refreshes by
// itself; call [Feed.Reload].
func WithRefresh(d time.Duration) Option { return func(c *urlConfig) { c.refresh = d } }

// WithTimeout bounds one fetch, retries included. Default [DefaultTimeout].
func WithTimeout(d time.Duration) Option { return func(c *urlConfig) { c.timeout = d } }

// WithRetries sets how many times a failed fetch (network error, 429, 5xx)
// is retried. Default [DefaultRetries]; zero tries once.
func WithRetries(n int) Option { return func(c *urlConfig) { c.retries = n } }

// WithBackoff sets the wait before the first retry and its cap; each retry
// doubles it, with full jitter. Default 1s and 30s.
func WithBackoff(min, max time.Duration) Option {
	return func(c *urlConfig) { c.backoffMin, c.backoffMax = min, max }
}

// WithCacheDir keeps the last good copy of the feed in dir, so that a
// restart without network still has data, and a restart with network can
// ask the server "changed since?" instead of downloading again.
func WithCacheDir(dir string) Option { return func(c *urlConfig) { c.cacheDir = dir } }

// WithHTTPClient sets the HTTP client. Default: a client of the feed's
// own, without a timeout of its own (WithTimeout bounds each fetch), whose
// idle connections [Feed.Close] closes.
func WithHTTPClient(h *http.Client) Option { return func(c *urlConfig) { c.client = h } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *urlConfig) { c.userAgent = ua } }

// WithLogger logs background refresh failures and refusals at Warn and
// swaps at Debug. Default: no logging; [Feed.Status] has the same.
func WithLogger(l *slog.Logger) Option { return func(c *urlConfig) { c.logger = l } }

// FromURL fetches a feed over HTTP(S) and, with [WithRefresh], keeps it up
// to date in the background: conditional requests (ETag, Last-Modified), a
// body size limit (Spec.MaxBytes), a deadline per fetch, retries with
// jittered exponential backoff, and an optional on-disk cache.
//
// Each refresh is parsed and checked off to the side; a refresh that fails
// or looks poisoned (see [Feed.Reload]) keeps the data in use, and
// [Feed.Status] says why. When the first fetch fails, the cached copy is
// used if there is one; otherwise FromURL returns the error.
func FromURL(url string, spec Spec, opts ...Option) (*Feed, error) {
	if err := spec.validate(); err != nil {
		return nil, err
	}
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("%w: %s: URL %q is not http(s)", ErrInvalidSpec, spec.Name, redactURL(url))
	}
	cfg := urlConfig{
		timeout:    DefaultTimeout,
		retries:    DefaultRetries,
		backoffMin: time.Second,
		backoffMax: 30 * time.Second,
		userAgent:  "ipintel-feed/1",
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
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
	if cfg.refresh < 0 || cfg.timeout <= 0 || cfg.retries < 0 || cfg.backoffMin < 0 || cfg.backoffMax < cfg.backoffMin {
		return nil, fmt.Errorf("%w: %s: invalid refresh, timeout, retries or backoff", ErrInvalidSpec, spec.Name)
	}
	l := &httpLoader{url: url, safeURL: redactURL(url), cfg: cfg, ownClient: ownClient}
	f := newFeed(spec, l)

	var cacheErr error
	if cfg.cacheDir != "" {
		if s, err := l.loadCache(spec); err == nil {
			f.snap.Store(s)
			f.status.Origin = "cache"
		} else if !errors.Is(err, os.ErrNotExist) {
			cacheErr = err
		}
	}
	if err := f.Reload(context.Background()); err != nil {
		if f.snap.Load() == nil {
			l.close()
			return nil, errors.Join(err, cacheErr)
		}
		// Running on the cached copy; Status reports the fetch error.
	}
	if cfg.refresh > 0 {
		ctx, cancel := context.WithCancel(context.Background())
		f.cancel = cancel
		f.done = make(chan struct{})
		go f.refreshLoop(ctx, cfg.refresh, cfg.logger)
	}
	return f, nil
}

// refreshLoop reloads every interval until Close cancels ctx.
func (f *Feed) refreshLoop(ctx context.Context, every time.Duration, log *slog.Logger) {
	defer close(f.done)
	for {
		wait := every + time.Duration((rand.Float64()*0.2-0.1)*float64(every))
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
		if log != nil {
			if err != nil && !errors.Is(err, ErrClosed) {
				log.Warn("feed refresh failed; keeping the data in use", "feed", f.spec.Name, "err", err)
			} else if err == nil {
				log.Debug("feed refreshed", "feed", f.spec.Name, "prefixes", f.Stats().Prefixes)
			}
		}
	}
}

// httpLoader fetches a URL conditionally and keeps the validators of the
// data in use. Its fields are touched only under Feed.reloadMu.
type httpLoader struct {
	url          string
	safeURL      string // url for errors and logs, without credentials
	cfg          urlConfig
	ownClient    bool // cfg.client is the feed's own: close its connections
	etag         string
	lastModified string
}

func (l *httpLoader) origin() string { return "network" }

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
				if l.cfg.cacheDir != "" {
					// A cache write failure must not lose a good refresh.
					_ = l.saveCache(spec, body)
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
			return nil, nil, &Error{Feed: spec.Name, Err: fmt.Errorf("%w: %w (after %d attempts)", ErrFetch, ctx.Err(), attempt+1)}
		case <-t.C:
		}
		wait = min(2*wait, l.cfg.backoffMax)
	}
	return nil, nil, &Error{Feed: spec.Name, Err: fmt.Errorf("%w: %w", ErrFetch, err)}
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
		// feed's access token would end up in Status and in logs.
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
		return nil, nil, fmt.Errorf("%w: Content-Length %d > %d", ErrTooLarge, resp.ContentLength, spec.maxBytes())
	}
	body, err := readAll(resp.Body, spec.maxBytes())
	if err != nil {
		if errors.Is(err, ErrTooLarge) || ctx.Err() != nil {
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

// cacheMeta is stored beside the cached body.
type cacheMeta struct {
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Saved        time.Time `json:"saved"`
}

// cachePath returns the body and meta file paths for this feed and URL.
func (l *httpLoader) cachePath(spec Spec) (body, meta string) {
	sum := sha256.Sum256([]byte(l.url))
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, spec.Name)
	if len(safe) > 64 {
		safe = safe[:64]
	}
	base := filepath.Join(l.cfg.cacheDir, safe+"-"+hex.EncodeToString(sum[:6]))
	return base + ".feed", base + ".json"
}

// loadCache reads the cached copy, if any, and adopts its validators.
func (l *httpLoader) loadCache(spec Spec) (*snapshot, error) {
	bodyPath, metaPath := l.cachePath(spec)
	mb, err := os.ReadFile(metaPath)
	if err != nil {
		return nil, err
	}
	var m cacheMeta
	if err := json.Unmarshal(mb, &m); err != nil || m.URL != l.url {
		return nil, fmt.Errorf("feed: cache %s: stale or corrupt metadata", metaPath)
	}
	fh, err := os.Open(bodyPath)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := readAll(fh, spec.maxBytes())
	if err != nil {
		return nil, err
	}
	s, err := build(data, spec)
	if err != nil {
		return nil, err
	}
	if t, perr := http.ParseTime(m.LastModified); perr == nil {
		s.stats.Modified = t
	}
	l.etag, l.lastModified = m.ETag, m.LastModified
	return s, nil
}

// saveCache writes body and its validators atomically (temp file, rename).
func (l *httpLoader) saveCache(spec Spec, body []byte) error {
	if err := os.MkdirAll(l.cfg.cacheDir, 0o755); err != nil {
		return err
	}
	bodyPath, metaPath := l.cachePath(spec)
	mb, err := json.Marshal(cacheMeta{URL: l.url, ETag: l.etag, LastModified: l.lastModified, Saved: time.Now().UTC()})
	if err != nil {
		return err
	}
	// Body first: a meta file never describes a body that is not there.
	if err := writeAtomic(bodyPath, body); err != nil {
		return err
	}
	return writeAtomic(metaPath, mb)
}

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
