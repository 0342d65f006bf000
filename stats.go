package ipintel

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/ipintel/ipintel/source"
)

// Stats is a snapshot of what a Client has done since [New]: how many
// addresses it answered, how its cache fared, and per source how many
// calls it made, how they ended and what data the source answers from.
// Counters only grow; take two snapshots and subtract for a rate.
type Stats struct {
	// Lookups counts addresses answered: Lookup, LookupAddr and LookupInto
	// calls that got past input checks, and every valid item of a
	// LookupBatch or LookupSeq, duplicates included.
	Lookups uint64
	// CacheHits and CacheMisses count lookups of the result cache (zero
	// without WithCache). A miss that joins another caller's lookup of the
	// same address is a miss.
	CacheHits, CacheMisses uint64
	// Sources are in WithSources order.
	Sources []SourceStats
}

// SourceStats is one source's part of [Stats].
type SourceStats struct {
	Name   string
	Remote bool // the source described itself as remote
	// Calls counts calls of the source: one per address for Lookup, one
	// per chunk for a source.Batcher's LookupBatch.
	Calls uint64
	// Misses counts addresses the source answered with nothing (a miss
	// is not an error).
	Misses uint64
	// Errors counts failed calls; the fields after it split them by kind
	// (Timeouts + RateLimited + CircuitOpen + Panics + OtherErrors ==
	// Errors). A failed batch call is one error.
	Errors      uint64
	Timeouts    uint64 // the deadline passed (context.DeadlineExceeded, a net timeout)
	RateLimited uint64 // wraps source.ErrRateLimited
	CircuitOpen uint64 // wraps source.ErrCircuitOpen
	Panics      uint64 // the source panicked (ErrSourcePanic)
	OtherErrors uint64
	// LastError is the most recent failure and LastErrorAt when it
	// happened; nil and zero if the source never failed.
	LastError   error
	LastErrorAt time.Time
	// Failing reports that the source's last call failed.
	Failing bool
	// Latency is the time calls took, measured for remote sources and for
	// batch calls only: a local lookup takes less than reading the clock
	// would cost, so it is not timed (its Count stays 0).
	Latency Histogram
	// Datasets is what the source says about its data, when it implements
	// source.DatasetReporter.
	Datasets []source.Dataset
}

// Histogram is a distribution of durations in cumulative buckets, the way
// Prometheus histograms count.
type Histogram struct {
	Count uint64
	Sum   time.Duration
	// Buckets are in ascending UpperBound order; each counts the
	// observations at or below its bound (cumulative). Observations above
	// the last bound are only in Count.
	Buckets []Bucket
}

// Bucket is one bucket of a [Histogram].
type Bucket struct {
	UpperBound time.Duration
	Count      uint64 // observations ≤ UpperBound
}

// latencyBuckets are the upper bounds of [SourceStats].Latency: from a
// millisecond (a fast API on the same network) to ten seconds.
var latencyBuckets = [...]time.Duration{
	time.Millisecond, 2500 * time.Microsecond, 5 * time.Millisecond,
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

// clientCounters are the Client-wide counters.
//
// Counting must cost next to nothing on a lookup of local sources, where
// one atomic add is the price of a cheap lookup step, so a resolve counts
// its local sources' calls and misses with one add: missPatterns has one
// counter per pattern of which local sources missed (bit i set: the
// source whose bit is i missed). A source's Calls is then the sum of all
// patterns, its Misses the sum of those with its bit. Only the first
// maxPatternSources local sources that do not batch get a bit; the others
// are counted one add per event.
//
// The pattern counters are kept in patternShards copies, each on cache
// lines of its own, and a resolve adds to the copy its address's last
// byte picks: lookups of different addresses on different cores then
// rarely write the same cache line (one shared counter costs several
// times an uncontended add when two cores take turns at it).
type clientCounters struct {
	cacheHits, cacheMisses atomic.Uint64
	// missPatterns: one add per resolve, i.e. per address asked of the
	// sources: patternShards runs of patternStride counters, of which
	// the first 1<<bits are used.
	missPatterns  []atomic.Uint64
	patternStride int
	// shared counts answers handed out without a resolve of their own: a
	// caller that joined another's lookup, a duplicate in a batch.
	shared atomic.Uint64
}

// maxPatternSources bounds a shard of missPatterns to 256 counters (2 KiB).
const maxPatternSources = 8

// patternShards is how many copies of the pattern counters there are; a
// power of two. Eight cache lines' worth at least, at most 16 KiB.
const patternShards = 8

// countResolve counts one resolve of addr in which the local sources whose
// bits are set in missed missed.
func (c *Client) countResolve(addr netip.Addr, missed uint) {
	shard := int(addr.As16()[15]) & (patternShards - 1)
	c.stats.missPatterns[shard*c.stats.patternStride+int(missed)].Add(1)
}

// assignBits gives the first local, non-batching sources their pattern
// bits and sizes missPatterns.
func (c *Client) assignBits() {
	n := 0
	for i := range c.sources {
		e := &c.sources[i]
		e.bit = -1
		if !e.remote && e.batcher == nil && n < maxPatternSources {
			e.bit = n
			n++
		}
	}
	c.stats.patternStride = max(1<<n, 8) // 8 counters: a 64-byte cache line
	c.stats.missPatterns = make([]atomic.Uint64, patternShards*c.stats.patternStride)
}

// sourceCounters are one source's counters. They are allocated apart from
// each other so two sources' counters do not share a cache line.
type sourceCounters struct {
	calls   atomic.Uint64 // sources without a pattern bit (see clientCounters)
	misses  atomic.Uint64
	byKind  [numErrKinds]atomic.Uint64
	lastErr atomic.Pointer[errorAt]
	latency histogramCounters
	health  health
}

type errorAt struct {
	err error
	at  time.Time
}

type errKind int

const (
	kindTimeout errKind = iota
	kindRateLimited
	kindCircuitOpen
	kindPanic
	kindOther
	numErrKinds
)

func (k errKind) String() string {
	return [...]string{"timeout", "rate_limited", "circuit_open", "panic", "other"}[k]
}

// classify says what kind of failure err is.
func classify(err error) errKind {
	var ne net.Error
	switch {
	case errors.Is(err, ErrSourcePanic):
		return kindPanic
	case errors.Is(err, source.ErrCircuitOpen):
		return kindCircuitOpen
	case errors.Is(err, source.ErrRateLimited):
		return kindRateLimited
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return kindTimeout
	}
	return kindOther
}

// histogramCounters is a [Histogram] being filled.
type histogramCounters struct {
	buckets [len(latencyBuckets) + 1]atomic.Uint64 // non-cumulative; the last is +Inf
	sum     atomic.Int64                           // nanoseconds
}

func (h *histogramCounters) observe(d time.Duration) {
	i := 0
	for i < len(latencyBuckets) && d > latencyBuckets[i] {
		i++
	}
	h.buckets[i].Add(1)
	h.sum.Add(int64(d))
}

func (h *histogramCounters) snapshot() Histogram {
	out := Histogram{Sum: time.Duration(h.sum.Load()), Buckets: make([]Bucket, len(latencyBuckets))}
	for i := range h.buckets {
		out.Count += h.buckets[i].Load()
		if i < len(latencyBuckets) {
			out.Buckets[i] = Bucket{UpperBound: latencyBuckets[i], Count: out.Count}
		}
	}
	return out
}

// recordLocal counts one untimed call of a local source and returns its
// pattern bit if it missed, to be added to the resolve's missPatterns
// counter (see clientCounters). The common case — a source with a bit that
// answered or missed and was not failing — is small enough to inline.
func (c *Client) recordLocal(e *sourceEntry, a *answer) (missed uint) {
	if a.err != nil || e.bit < 0 || e.stats.health.failing.Load() {
		return c.recordLocalSlow(e, a)
	}
	if a.rec.IsZero() {
		return 1 << e.bit
	}
	return 0
}

func (c *Client) recordLocalSlow(e *sourceEntry, a *answer) (missed uint) {
	if e.bit < 0 {
		e.stats.calls.Add(1)
	}
	switch {
	case a.err != nil:
		c.recordFailure(e, a.err)
		return 0
	case a.rec.IsZero():
		if e.bit < 0 {
			e.stats.misses.Add(1)
		} else {
			missed = 1 << e.bit
		}
	}
	e.stats.health.ok(c, e)
	return missed
}

// recordCall counts one timed call (a remote source's, or a batch call):
// misses is how many of its addresses it did not know.
func (c *Client) recordCall(e *sourceEntry, took time.Duration, misses int, err error) {
	e.stats.calls.Add(1)
	e.stats.latency.observe(took)
	if err != nil {
		c.recordFailure(e, err)
		return
	}
	if misses > 0 {
		e.stats.misses.Add(uint64(misses))
	}
	e.stats.health.ok(c, e)
}

func (c *Client) recordFailure(e *sourceEntry, err error) {
	k := classify(err)
	e.stats.byKind[k].Add(1)
	now := time.Now()
	e.stats.lastErr.Store(&errorAt{err, now})
	e.stats.health.failed(c, e, err, k, now)
}

// Stats returns a snapshot of the Client's counters and of each source's
// data (through [source.DatasetReporter]). It is safe to call at any time,
// even after Close, and costs a few microseconds plus the sources'
// Datasets calls; a metrics scrape may call it every few seconds. It only
// reads: it logs nothing and changes no state, so how often it is called
// changes nothing but its cost.
func (c *Client) Stats() Stats {
	st := Stats{
		CacheHits:   c.stats.cacheHits.Load(),
		CacheMisses: c.stats.cacheMisses.Load(),
		Sources:     make([]SourceStats, len(c.sources)),
	}
	patterns := make([]uint64, c.stats.patternStride) // summed over the shards
	var resolves uint64
	for i := range c.stats.missPatterns {
		n := c.stats.missPatterns[i].Load()
		patterns[i%c.stats.patternStride] += n
		resolves += n
	}
	st.Lookups = st.CacheHits + resolves + c.stats.shared.Load()
	for i := range c.sources {
		e := &c.sources[i]
		ss := &st.Sources[i]
		ss.Name, ss.Remote = e.name, e.remote
		ss.Calls = e.stats.calls.Load()
		ss.Misses = e.stats.misses.Load()
		if e.bit >= 0 {
			ss.Calls += resolves
			for p, n := range patterns {
				if p&(1<<e.bit) != 0 {
					ss.Misses += n
				}
			}
		}
		ss.Timeouts = e.stats.byKind[kindTimeout].Load()
		ss.RateLimited = e.stats.byKind[kindRateLimited].Load()
		ss.CircuitOpen = e.stats.byKind[kindCircuitOpen].Load()
		ss.Panics = e.stats.byKind[kindPanic].Load()
		ss.OtherErrors = e.stats.byKind[kindOther].Load()
		ss.Errors = ss.Timeouts + ss.RateLimited + ss.CircuitOpen + ss.Panics + ss.OtherErrors
		if le := e.stats.lastErr.Load(); le != nil {
			ss.LastError, ss.LastErrorAt = le.err, le.at
		}
		ss.Failing = e.stats.health.failing.Load()
		ss.Latency = e.stats.latency.snapshot()
		if dr, ok := e.src.(source.DatasetReporter); ok {
			ss.Datasets = datasetsOf(dr)
		}
	}
	return st
}

// datasetsOf calls Datasets, turning a panic into no answer: a scrape must
// not take the process down.
func datasetsOf(dr source.DatasetReporter) (ds []source.Dataset) {
	defer func() {
		if recover() != nil {
			ds = nil
		}
	}()
	return dr.Datasets()
}
