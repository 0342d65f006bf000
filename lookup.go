package ipintel

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/ipintel/ipintel/internal/deadline"
	"github.com/ipintel/ipintel/source"
)

// Lookup answers for one textual address. Spaces, tabs and line ends around
// it are trimmed; IPv4-mapped IPv6 ("::ffff:1.2.3.4") is treated as IPv4.
// Malformed or zoned input fails with an [*AddrError] wrapping
// [ErrInvalidIP]; special-purpose addresses (private, loopback, CGNAT,
// documentation…) with one wrapping [ErrReservedIP] unless the Client was
// built WithAllowReserved.
//
// An address no source knows is not an error: the Result has Meta.Found
// false. A source that fails or times out does not fail the lookup either:
// its error is in Meta.Errors and the other sources still answer. Lookup
// returns an error only for bad input, a closed Client, or a context that
// is already done when it is called.
func (c *Client) Lookup(ctx context.Context, ip string) (*Result, error) {
	addr, err := parseAddr(ip)
	if err != nil {
		return nil, err
	}
	return c.lookup(ctx, addr, ip)
}

// LookupAddr is [Client.Lookup] for an address already parsed. The zero
// Addr and zoned addresses fail with [ErrInvalidIP].
func (c *Client) LookupAddr(ctx context.Context, addr netip.Addr) (*Result, error) {
	addr, err := checkAddr(addr)
	if err != nil {
		return nil, err
	}
	return c.lookup(ctx, addr, "")
}

// LookupInto is [Client.Lookup] writing the answer into r instead of a new
// Result. It reuses the storage of r's slices, so a loop that looks up many
// addresses into one Result — enriching a log, say — allocates nothing once
// warm when its sources are local, and on cache hits. A cache miss still
// allocates the copy the cache keeps; remote sources allocate their calls. Everything r held is overwritten: slices taken
// from r before the call (r.Signals, r.Risk.Reasons…) must not be used after
// it. r is left unchanged when LookupInto returns an error.
func (c *Client) LookupInto(ctx context.Context, ip string, r *Result) error {
	if r == nil {
		return errNilResult
	}
	addr, err := parseAddr(ip)
	if err != nil {
		return err
	}
	if err := c.admit(addr, ip); err != nil {
		return err
	}
	if c.closed.Load() {
		return errClientClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.cache == nil {
		c.resolveInto(ctx, addr, r)
		return nil
	}
	if c.cache.getInto(addr, time.Now(), r) {
		c.stats.cacheHits.Add(1)
		return nil
	}
	res, err := c.lookupCached(ctx, addr)
	if err != nil {
		return err
	}
	r.copyFrom(res)
	return nil
}

var errNilResult = errors.New("ipintel: LookupInto needs a non-nil *Result")

// admit applies the checks every lookup of a valid address passes. input is
// the caller's text, for errors; "" means the address itself.
func (c *Client) admit(addr netip.Addr, input string) error {
	if !c.allowReserved {
		if why := reservedReason(addr); why != "" {
			if input == "" {
				input = addr.String()
			}
			return newAddrError(input, why, ErrReservedIP)
		}
	}
	return nil
}

func (c *Client) lookup(ctx context.Context, addr netip.Addr, input string) (*Result, error) {
	if err := c.admit(addr, input); err != nil {
		return nil, err
	}
	if c.closed.Load() {
		return nil, errClientClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.cache != nil {
		return c.lookupCached(ctx, addr)
	}
	return c.resolve(ctx, addr), nil
}

// answer is one source's reply.
type answer struct {
	rec source.Record
	err error
}

// inlineSources is how many sources a lookup handles without allocating
// room for their answers.
const inlineSources = 8

// resolve asks every source about addr and builds the Result.
func (c *Client) resolve(ctx context.Context, addr netip.Addr) *Result {
	r := new(Result)
	c.resolveInto(ctx, addr, r)
	return r
}

// resolveInto is resolve writing into r.
func (c *Client) resolveInto(ctx context.Context, addr netip.Addr, r *Result) {
	start := time.Now()
	var buf [inlineSources]answer
	var ans []answer
	if len(c.sources) <= inlineSources {
		ans = buf[:len(c.sources)]
	} else {
		ans = make([]answer, len(c.sources))
	}
	var pending *remoteCalls
	if c.hasRemote {
		pending = c.startRemote(ctx, addr)
	}
	var missed uint
	for i := range c.sources {
		if e := &c.sources[i]; !e.remote {
			ans[i].rec, ans[i].err = callLookup(ctx, e.src, addr)
			missed |= c.recordLocal(e, &ans[i])
		}
	}
	c.countResolve(addr, missed)
	if pending != nil {
		pending.wait(ctx, ans)
	}
	c.buildInto(r, addr, ans, start)
}

// callLookup asks one source, turning a panic into an error.
func callLookup(ctx context.Context, s source.Source, addr netip.Addr) (rec source.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			rec, err = source.Record{}, fmt.Errorf("%w: %v", ErrSourcePanic, p)
		}
	}()
	return s.Lookup(ctx, addr)
}

// timedLookup asks a remote source about one address and counts the call
// in its stats.
func (c *Client) timedLookup(ctx context.Context, e *sourceEntry, addr netip.Addr) (source.Record, error) {
	start := time.Now()
	rec, err := callLookup(ctx, e.src, addr)
	misses := 0
	if err == nil && rec.IsZero() {
		misses = 1
	}
	c.recordCall(e, time.Since(start), misses, err)
	return rec, err
}

// timedBatch asks a batching source about addrs and counts the call in its
// stats.
func (c *Client) timedBatch(ctx context.Context, e *sourceEntry, addrs []netip.Addr) ([]source.Record, error) {
	start := time.Now()
	recs, err := callBatch(ctx, e.batcher, addrs)
	misses := 0
	for i := range recs {
		if recs[i].IsZero() {
			misses++
		}
	}
	c.recordCall(e, time.Since(start), misses, err)
	return recs, err
}

// callBatch asks one batching source, turning a panic or an answer of the
// wrong length into an error.
func callBatch(ctx context.Context, b source.Batcher, addrs []netip.Addr) (recs []source.Record, err error) {
	defer func() {
		if p := recover(); p != nil {
			recs, err = nil, fmt.Errorf("%w: %v", ErrSourcePanic, p)
		}
	}()
	recs, err = b.LookupBatch(ctx, addrs)
	if err == nil && len(recs) != len(addrs) {
		return nil, fmt.Errorf("ipintel: %w: a batch answer of %d records for %d addresses", source.ErrMalformed, len(recs), len(addrs))
	}
	return recs, err
}

// remoteCalls are the remote sources' lookups of one address, in flight.
type remoteCalls struct {
	calls    []remoteCall
	deadline time.Time // the latest of the calls' deadlines (plus grace)
}

type remoteCall struct {
	i    int // index into Client.sources
	call *deadline.Call[source.Record]
}

// startRemote starts one goroutine per remote source, each under that
// source's deadline and cancelled by Close.
func (c *Client) startRemote(ctx context.Context, addr netip.Addr) *remoteCalls {
	rc := &remoteCalls{calls: make([]remoteCall, 0, len(c.sources))}
	for i := range c.sources {
		e := &c.sources[i]
		if !e.remote {
			continue
		}
		call := deadline.Go(ctx, e.timeout, c.ctx, c.goStart, func(ctx context.Context) (source.Record, error) {
			return c.timedLookup(ctx, e, addr)
		})
		if d := call.Deadline(); d.After(rc.deadline) {
			rc.deadline = d
		}
		rc.calls = append(rc.calls, remoteCall{i, call})
	}
	return rc
}

// wait collects the remote answers into ans until all have arrived, the
// last deadline (plus grace) passes, or ctx is done. Sources that did not
// answer get an error saying why.
func (rc *remoteCalls) wait(ctx context.Context, ans []answer) {
	for _, p := range rc.calls {
		a := &ans[p.i]
		a.rec, a.err = p.call.WaitUntil(ctx, rc.deadline)
	}
}
