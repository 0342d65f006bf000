package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ipintel/ipintel/internal/flight"
	"github.com/ipintel/ipintel/internal/lru"
	"github.com/ipintel/ipintel/internal/oneline"
	"github.com/ipintel/ipintel/source"
)

// Source is a hosted API as a [source.Source]. It also implements
// [source.Batcher], [source.Describer] and io.Closer. Build one with
// [VectraIP], [VPNSignal], [Datpaq] or [New].
type Source struct {
	api      api
	name     string
	key      string
	base     string
	client   *http.Client
	timeout  time.Duration
	retries  int
	maxBody  int64
	maxBatch int
	conc     int
	limiter  *limiter
	breaker  *breaker
	// cache keeps successful answers (misses included) for a TTL, checked
	// on read: no janitor goroutine. nil without a cache.
	cache   *lru.Cache[netip.Addr, source.Record]
	shared  *shared // nil without WithSharedCache
	log     *slog.Logger
	now     func() time.Time
	flights flight.Group[netip.Addr, source.Record]
	// onJoined, when a test sets it, is called once a Lookup waits on its
	// flight.
	onJoined func()

	// blockedUntil is when the provider said we may ask again (Retry-After
	// on a 429, or X-RateLimit-Remaining: 0 with a reset), as Unix nanos.
	blockedUntil atomic.Int64

	// ownTransport: the source built its HTTP transport (no
	// WithHTTPClient), so Close closes its idle connections.
	ownTransport bool

	closeCtx context.Context
	closeFn  context.CancelFunc
	mu       sync.RWMutex // guards closed and wg.Add against Close
	closed   bool
	wg       sync.WaitGroup
}

// request is one HTTP call an api wants made. path is relative to the base
// URL and already escaped.
type request struct {
	method string
	path   string
	query  url.Values
	body   []byte
	// batch marks a batch request: api.miss does not apply to it, since
	// a batch answer reports addresses one by one.
	batch bool
}

// envelope is a provider's error body, parsed.
type envelope struct {
	code, message, requestID string
	retryAfter               time.Duration
	ok                       bool   // the body was the provider's envelope
	raw                      string // the body, for Endpoint.NotFound
}

// api is what differs between providers.
type api struct {
	name     string
	baseURL  string
	header   string // auth header
	prefix   string // auth value prefix: "Bearer " or ""
	maxBatch int

	single func(addr netip.Addr) (request, error)
	decode func(name string, addr netip.Addr, body []byte) (source.Record, error)
	// batch and decodeBatch are nil for an API without a batch endpoint.
	// decodeBatch also says which addresses the answer settled (found or
	// definitely not found): only those are cached.
	batch       func(addrs []netip.Addr) (request, error)
	decodeBatch func(name string, addrs []netip.Addr, body []byte) (recs []source.Record, answered []bool, err error)
	envelope    func(body []byte) envelope
	// miss reports whether a non-2xx answer means "not in our data".
	miss func(status int, env envelope) bool
}

func newSource(a api, key string, opts []Option) (*Source, error) {
	st := defaults()
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&st); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(key) == "" {
		return nil, fmt.Errorf("%w: empty API key", errConfig)
	}
	if strings.ContainsAny(key, "\r\n") {
		return nil, fmt.Errorf("%w: API key contains a line break", errConfig)
	}
	raw := a.baseURL
	if st.baseURL != "" {
		raw = st.baseURL // checked by WithBaseURL
	}
	base, err := checkBase(raw)
	if err != nil {
		return nil, err // the provider's own address, or a generic Endpoint's, checked by New: not reached
	}
	s := &Source{
		api:     a,
		name:    a.name,
		key:     key,
		base:    base,
		timeout: st.timeout,
		retries: st.retries,
		maxBody: st.maxBody,
		conc:    st.concurrency,
		log:     st.logger,
		now:     time.Now,
	}
	if st.name != "" {
		s.name = st.name
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.maxBatch = a.maxBatch
	if st.maxBatch > 0 && (s.maxBatch == 0 || st.maxBatch < s.maxBatch) {
		s.maxBatch = st.maxBatch
	}
	// Never follow redirects: net/http forwards custom headers such as
	// X-API-Key to any host it is redirected to.
	c := &http.Client{}
	if st.client != nil {
		*c = *st.client
	} else if t, ok := http.DefaultTransport.(*http.Transport); ok {
		// A transport of its own, whose idle connections Close can drop
		// without touching the process's shared pool.
		c.Transport = t.Clone()
		s.ownTransport = true
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	s.client = c
	if st.rate > 0 {
		s.limiter = newLimiter(st.rate, st.burst, s.now())
	}
	if st.failures > 0 {
		s.breaker = &breaker{threshold: st.failures, coolDown: st.coolDown}
	}
	if st.cacheSize > 0 {
		if s.cache, err = lru.New[netip.Addr, source.Record](st.cacheSize, st.cacheTTL); err != nil {
			return nil, fmt.Errorf("%w: %v", errConfig, err)
		}
	}
	if st.shared != nil && st.sharedWait >= s.timeout {
		return nil, fmt.Errorf("%w: shared wait %v is not shorter than the timeout %v", errConfig, st.sharedWait, s.timeout)
	}
	s.closeCtx, s.closeFn = context.WithCancel(context.Background())
	if st.shared != nil {
		s.shared = newShared(st, s.name, s.timeout, s.log, s.now)
		s.shared.hub.ctx = s.closeCtx
	}
	return s, nil
}

// Name implements [source.Source].
func (s *Source) Name() string { return s.name }

// Describe implements [source.Describer]: a remote source with its timeout
// and batch limit.
func (s *Source) Describe() source.Traits {
	return source.Traits{Remote: true, Timeout: s.timeout, MaxBatch: s.maxBatch}
}

// Close cancels requests in flight, waits for them to end, and makes later
// lookups fail with [source.ErrClosed]. Unless the HTTP client came from
// [WithHTTPClient], it also closes the source's idle keep-alive
// connections. It is safe to call more than once.
func (s *Source) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.closeFn()
	s.wg.Wait()
	if s.shared != nil {
		s.shared.hub.wait()
	}
	if s.ownTransport {
		s.client.CloseIdleConnections()
	}
	return nil
}

// goStart runs f in a goroutine that Close waits for; it fails, without
// running f, once the source is closed.
func (s *Source) goStart(f func()) error {
	if err := s.begin(); err != nil {
		return err
	}
	go func() {
		defer s.wg.Done()
		f()
	}()
	return nil
}

// begin registers a call; it fails once the source is closed.
func (s *Source) begin() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return fmt.Errorf("remote: %s: %w", s.name, errClosed)
	}
	s.wg.Add(1)
	return nil
}

// sendable reports whether addr may leave the process: public unicast
// addresses only. The Client rejects the others by default; this is the
// defensive second check for a Client built WithAllowReserved.
func sendable(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.Zone() != "" || !a.IsGlobalUnicast() || a.IsPrivate() {
		return false
	}
	list := reserved6
	if a.Is4() {
		list = reserved4
	}
	for _, p := range list {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// Special-purpose ranges (IANA registries) that IsGlobalUnicast and
// IsPrivate do not already exclude.
var (
	reserved4 = prefixes("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4")
	reserved6 = prefixes("64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32",
		"2002::/16", "3fff::/20", "5f00::/16")
)

func prefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// Lookup implements [source.Source]. Reserved, private and loopback
// addresses are a miss and are never sent. Answers come from the cache when
// fresh, then from the shared cache ([WithSharedCache]); concurrent lookups
// of one address share one request, and each caller still returns when its
// own context ends.
func (s *Source) Lookup(ctx context.Context, addr netip.Addr) (source.Record, error) {
	if err := s.begin(); err != nil {
		return source.Record{}, err
	}
	defer s.wg.Done()
	addr = addr.Unmap()
	// Only sendable addresses are ever cached, so the cache goes first.
	if s.cache != nil {
		if r, ok := s.cache.Get(addr, s.now()); ok {
			return r, nil
		}
	}
	if !sendable(addr) {
		return source.Record{}, nil
	}
	if err := ctx.Err(); err != nil {
		return source.Record{}, err
	}
	f, _ := s.flights.Join(ctx, addr, s.goStart, func(ctx context.Context) (source.Record, error) {
		// The flight runs under the source's own deadline, not the first
		// caller's deadline or cancellation: a caller that joins keeps its
		// own deadline (it waits below on its own ctx), and one caller
		// giving up fails nobody else. Close cancels the flight.
		flightCtx, cancel := s.callContext(ctx, context.Background())
		defer cancel()
		return s.fetchOne(flightCtx, addr)
	})
	if s.onJoined != nil {
		s.onJoined()
	}
	rec, err := f.Wait(ctx)
	if err != nil {
		if ctx.Err() != nil {
			// The flight goes on for those already waiting on it, each
			// under its own deadline. A caller giving up often means the
			// provider is slow right now, so later callers start a fresh
			// flight rather than join one that may be about to time out.
			s.flights.Forget(addr)
		}
		return source.Record{}, err
	}
	return rec, nil
}

// callContext derives a context for one call: the earlier of the source's
// timeout and deadlineFrom's deadline, cancelled by Close.
func (s *Source) callContext(parent, deadlineFrom context.Context) (context.Context, context.CancelFunc) {
	d := s.now().Add(s.timeout)
	own := true
	if cd, ok := deadlineFrom.Deadline(); ok && cd.Before(d) {
		d, own = cd, false
	}
	if own {
		parent = context.WithValue(parent, ownDeadlineKey{}, true)
	}
	ctx, cancel := context.WithDeadline(parent, d)
	stop := context.AfterFunc(s.closeCtx, cancel)
	return ctx, func() { stop(); cancel() }
}

// ownDeadlineKey marks a call context whose deadline is the source's own
// timeout rather than an earlier one of the caller's.
type ownDeadlineKey struct{}

// ownDeadline reports whether ctx's deadline is the source's own timeout:
// only then does running out of time say something about the provider.
func ownDeadline(ctx context.Context) bool {
	own, _ := ctx.Value(ownDeadlineKey{}).(bool)
	return own
}

func (s *Source) lookupOne(ctx context.Context, addr netip.Addr) (source.Record, error) {
	req, err := s.api.single(addr)
	if err != nil {
		return source.Record{}, s.safe(err)
	}
	var rec source.Record
	err = s.do(ctx, req, func(body []byte) (err error) {
		rec, err = s.api.decode(s.name, addr, body)
		rec = checkPrefix(rec, addr)
		return err
	})
	if err != nil {
		return source.Record{}, err
	}
	s.cachePut(addr, rec)
	return rec, nil
}

// LookupBatch implements [source.Batcher]: cached answers are reused, the
// rest deduplicated and sent in chunks of at most the batch limit (one
// request per chunk) — or, for an API without a batch endpoint, as single
// requests, at most [WithConcurrency] at a time. Records come back in the
// order of addrs. If any request fails, LookupBatch returns nil and the
// errors joined; the answers that did arrive are cached.
func (s *Source) LookupBatch(ctx context.Context, addrs []netip.Addr) ([]source.Record, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	defer s.wg.Done()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]source.Record, len(addrs))
	idx := make(map[netip.Addr][]int) // addresses still to ask → positions
	var todo []netip.Addr
	now := s.now()
	for i, a := range addrs {
		a = a.Unmap()
		if !sendable(a) {
			continue
		}
		if s.cache != nil {
			if r, ok := s.cache.Get(a, now); ok {
				out[i] = r
				continue
			}
		}
		if _, dup := idx[a]; !dup {
			todo = append(todo, a)
		}
		idx[a] = append(idx[a], i)
	}
	if len(todo) == 0 {
		return out, nil
	}
	var mu sync.Mutex
	set := func(a netip.Addr, r source.Record) {
		mu.Lock()
		for _, i := range idx[a] {
			out[i] = r
		}
		mu.Unlock()
	}
	// Siblings are not cancelled when one request fails: the answers that
	// do arrive are cached, and the joined error holds only real failures.
	var g errgroup.Group
	g.SetLimit(s.conc)
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	if s.api.batch == nil || len(todo) == 1 {
		if s.api.batch == nil && len(todo) > 1 {
			todo = s.sharedPrefill(ctx, todo, set)
		}
		for _, a := range todo {
			g.Go(func() error {
				r, err := s.Lookup(ctx, a)
				if err != nil {
					fail(err)
					return err
				}
				set(a, r)
				return nil
			})
		}
	} else {
		size := s.maxBatch
		if size <= 0 {
			size = len(todo)
		}
		for start := 0; start < len(todo); start += size {
			chunk := todo[start:min(start+size, len(todo))]
			g.Go(func() error {
				recs, err := s.fetchChunk(ctx, chunk)
				if err != nil {
					fail(err)
					return err
				}
				for i, a := range chunk {
					set(a, recs[i])
				}
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, oneline.Join(errs...)
	}
	return out, nil
}

// lookupChunk asks the API for chunk in one request. answered[i] says
// whether the answer settled chunk[i] (found or definitely not found); only
// those are cached.
func (s *Source) lookupChunk(ctx context.Context, chunk []netip.Addr) (recs []source.Record, answered []bool, err error) {
	ctx, cancel := s.callContext(ctx, ctx)
	defer cancel()
	req, err := s.api.batch(chunk)
	if err != nil {
		return nil, nil, s.safe(err)
	}
	recs = make([]source.Record, len(chunk))
	// answered stays nil when no body was decoded: nothing is cached.
	err = s.do(ctx, req, func(body []byte) (err error) {
		recs, answered, err = s.api.decodeBatch(s.name, chunk, body)
		checkPrefixes(recs, chunk)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if s.cache != nil && answered != nil {
		now := s.now()
		for i, a := range chunk {
			// An address the answer reported as failed, or left out, is
			// a miss for now but not cached: errors never are.
			if answered[i] {
				s.cache.Add(a, recs[i], now)
			}
		}
	}
	return recs, answered, nil
}

// safe scrubs the key from err's text, keeping its chain.
func (s *Source) safe(err error) error {
	if err == nil {
		return nil
	}
	var se *safeError
	if errors.As(err, &se) && se == err {
		return err
	}
	return &safeError{msg: scrub(err.Error(), s.key, 0), err: err}
}

func (s *Source) recordBreaker(ok, probe bool) {
	if s.breaker == nil {
		return
	}
	if s.breaker.record(ok, probe, s.now()) {
		s.log.Warn("remote: circuit opened", "source", s.name, "cool_down", s.breaker.coolDown)
	}
}

// readBody reads at most max bytes; more is an error. The body is closed.
func readBody(body io.ReadCloser, max int64) ([]byte, error) {
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, errResponseTooLarge
	}
	return b, nil
}
