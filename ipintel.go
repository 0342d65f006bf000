package ipintel

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
)

// Client answers lookups from its sources. It is safe for concurrent use;
// build one at start-up and share it.
type Client struct {
	sources       []sourceEntry // in WithSources order
	hasRemote     bool
	scorer        Scorer
	cache         *resultCache // nil when disabled
	concurrency   int
	maxBatch      int
	allowReserved bool
	log           *slog.Logger
	stats         clientCounters

	// ctx is cancelled by Close, which aborts remote calls in flight.
	ctx    context.Context
	cancel context.CancelFunc
	closed atomic.Bool
	// mu orders goroutine starts against Close: a goroutine is only
	// started (wg.Add) under mu.RLock while not closed.
	mu sync.RWMutex
	wg sync.WaitGroup
}

// sourceEntry is a source with what the Client needs to call it.
type sourceEntry struct {
	src     source.Source
	name    string
	remote  bool
	timeout time.Duration // for remote sources
	batcher source.Batcher
	// maxBatch is the most addresses one batcher call takes; 0: no limit.
	maxBatch int
	stats    *sourceCounters
	// bit is the source's bit in the Client's miss patterns, -1 if none
	// (see clientCounters).
	bit int
}

// New builds a Client. With no options it has no sources: every lookup is a
// valid, empty answer. Options are checked here; a bad one is an error
// wrapping [ErrInvalidOption].
//
// A Client owns the sources it was built with: [Client.Close] closes those
// that implement io.Closer. If New fails, the sources stay the caller's.
// When a source reports its datasets ([source.DatasetReporter]), the Client
// runs one goroutine that checks them every 30 seconds to log background
// reload failures; Close stops it.
func New(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{
		scorer:        cfg.scorer,
		concurrency:   cfg.concurrency,
		maxBatch:      cfg.maxBatch,
		allowReserved: cfg.allowReserved,
		log:           cfg.logger,
	}
	if c.scorer == nil {
		c.scorer = defaultScorer
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	seen := make(map[string]bool, len(cfg.sources))
	for _, s := range cfg.sources {
		name := s.Name()
		if name == "" {
			return nil, fmt.Errorf("ipintel: %w: a source (%T) has an empty Name", ErrInvalidOption, s)
		}
		if seen[name] {
			return nil, fmt.Errorf("ipintel: %w: two sources are named %q", ErrInvalidOption, name)
		}
		seen[name] = true
		var t source.Traits // a source that does not describe itself is local
		if d, ok := s.(source.Describer); ok {
			t = d.Describe()
		}
		e := sourceEntry{src: s, name: name, remote: t.Remote, maxBatch: max(t.MaxBatch, 0), stats: new(sourceCounters)}
		if e.remote {
			e.timeout = cfg.remoteDeadline(t.Timeout)
			c.hasRemote = true
		}
		e.batcher, _ = s.(source.Batcher)
		c.sources = append(c.sources, e)
	}
	c.assignBits()
	if cfg.cacheSize > 0 {
		var err error
		if c.cache, err = newResultCache(cfg.cacheSize, cfg.cacheTTL); err != nil {
			return nil, err
		}
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.startDatasetWatch(cfg.datasetCheck)
	return c, nil
}

// Sources returns the Client's sources in priority order.
func (c *Client) Sources() []source.Source {
	out := make([]source.Source, len(c.sources))
	for i, e := range c.sources {
		out[i] = e.src
	}
	return out
}

// Reload asks every source that implements [source.Reloader] to reload,
// and returns their errors joined. A source whose reload fails keeps its
// last good data. The result cache is purged after any successful reload.
func (c *Client) Reload(ctx context.Context) error {
	if c.closed.Load() {
		return errClientClosed
	}
	var errs []error
	reloaded := false
	for i := range c.sources {
		e := &c.sources[i]
		r, ok := e.src.(source.Reloader)
		if !ok {
			continue
		}
		if err := r.Reload(ctx); err != nil {
			e.stats.health.noteReload(c, e, "", err.Error())
			errs = append(errs, &SourceError{Source: e.name, Err: err})
			continue
		}
		e.stats.health.noteReload(c, e, "", "")
		reloaded = true
	}
	if reloaded && c.cache != nil {
		c.cache.purge()
	}
	return oneline.Join(errs...)
}

// Close stops the Client: it aborts remote calls in flight, waits for every
// goroutine the Client started to return, and closes each source that
// implements io.Closer, returning their errors joined. Lookups after Close
// fail with [ErrClosed]. Close is safe to call more than once; later calls
// return nil.
func (c *Client) Close() error {
	c.mu.Lock()
	already := c.closed.Swap(true)
	c.mu.Unlock()
	if already {
		return nil
	}
	c.cancel()
	c.wg.Wait()
	var errs []error
	for _, e := range c.sources {
		if cl, ok := e.src.(io.Closer); ok {
			if err := cl.Close(); err != nil {
				c.log.Warn("ipintel: closing source", "source", e.name, "error", err)
				errs = append(errs, &SourceError{Source: e.name, Err: err})
			}
		}
	}
	if c.cache != nil {
		c.cache.purge()
	}
	return oneline.Join(errs...)
}

// goStart runs f in a goroutine that Close waits for. Once the Client is
// closed it returns [ErrClosed] without running f.
func (c *Client) goStart(f func()) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed.Load() {
		return errClientClosed
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
	return nil
}
