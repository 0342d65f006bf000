package ipintel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ipintel/ipintel/internal/deadline"
	"github.com/ipintel/ipintel/source"
)

// Batch is the answer to [Client.LookupBatch].
type Batch struct {
	Items   []BatchItem  `json:"items"` // in input order, one per input
	Summary BatchSummary `json:"summary"`
}

// BatchItem is the answer for one input of a batch: a Result, or the Err
// that kept it from being looked up.
type BatchItem struct {
	Index  int     `json:"index"` // position in the input
	Input  string  `json:"input"`
	Result *Result `json:"result,omitempty"`
	Err    error   `json:"-"` // *AddrError, or the context's error
}

// MarshalJSON adds the error text as "error".
func (it BatchItem) MarshalJSON() ([]byte, error) {
	type plain BatchItem
	var msg string
	if it.Err != nil {
		msg = it.Err.Error()
	}
	return json.Marshal(struct {
		plain
		Error string `json:"error,omitempty"`
	}{plain(it), msg})
}

// BatchSummary counts a batch's items. Total, Valid, Invalid, Found,
// NotFound and Failed count inputs (duplicates included); Unique counts the
// distinct valid addresses, which is how many were looked up.
type BatchSummary struct {
	Total    int `json:"total"`
	Unique   int `json:"unique"`
	Valid    int `json:"valid"`     // parsed and admitted (not reserved)
	Invalid  int `json:"invalid"`   // malformed or reserved
	Found    int `json:"found"`     // valid, and some source knew the address
	NotFound int `json:"not_found"` // valid, and no source knew it
	Failed   int `json:"failed"`    // valid, but not looked up: the context ended
}

// LookupBatch answers many addresses at once. Every input is validated on
// its own (a bad one gets an Err in its item and never stops the rest),
// duplicates are looked up once, sources that implement source.Batcher are
// called once per chunk of their batch size rather than once per address,
// and the work runs on at most WithConcurrency goroutines.
//
// It fails as a whole only for an empty batch ([ErrEmptyBatch]), one over
// WithMaxBatch ([ErrBatchTooLarge]), a closed Client, or a context already
// done. If the context ends part-way, LookupBatch returns the batch, whose
// unanswered items carry the context's error, together with that error.
func (c *Client) LookupBatch(ctx context.Context, ips []string) (*Batch, error) {
	if len(ips) == 0 {
		return nil, ErrEmptyBatch
	}
	if c.maxBatch > 0 && len(ips) > c.maxBatch {
		return nil, fmt.Errorf("%w: %d entries, the limit is %d", ErrBatchTooLarge, len(ips), c.maxBatch)
	}
	if c.closed.Load() {
		return nil, errClientClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b := &Batch{Items: make([]BatchItem, len(ips))}
	var w window
	for i, s := range ips {
		b.Items[i] = BatchItem{Index: i, Input: s}
		if err := w.add(c, s); err != nil {
			b.Items[i].Err = err
		}
	}
	c.runJobs(ctx, w.jobs)
	sum := &b.Summary
	sum.Total, sum.Unique = len(ips), len(w.jobs)
	for i := range b.Items {
		it := &b.Items[i]
		it.Result, it.Err = w.result(i, it.Err)
		switch {
		case errorsIsAddr(it.Err):
			sum.Invalid++
		case it.Err != nil:
			sum.Valid++
			sum.Failed++
		case it.Result.Meta.Found:
			sum.Valid++
			sum.Found++
		default:
			sum.Valid++
			sum.NotFound++
		}
	}
	if err := ctx.Err(); err != nil && sum.Failed > 0 {
		return b, err
	}
	return b, nil
}

func errorsIsAddr(err error) bool {
	_, ok := err.(*AddrError)
	return ok
}

// window is a run of inputs being looked up together: the distinct valid
// addresses (jobs) and, per input, which job answers it. It is reused
// between windows of a LookupSeq.
type window struct {
	jobs  []job
	jobOf []int32 // per input: index into jobs, or -1 for a bad input
	index map[netip.Addr]int32
	given []bool // per job: its Result has been handed to an input
}

// job is one distinct address to look up.
type job struct {
	addr netip.Addr
	res  *Result
	err  error
}

func (w *window) reset() {
	w.jobs, w.jobOf, w.given = w.jobs[:0], w.jobOf[:0], w.given[:0]
	clear(w.index)
}

// add parses and admits one input, returning its error, or files it under
// its address's job.
func (w *window) add(c *Client, s string) error {
	addr, err := parseAddr(s)
	if err == nil {
		err = c.admit(addr, s)
	}
	if err != nil {
		w.jobOf = append(w.jobOf, -1)
		return err
	}
	if w.index == nil {
		w.index = make(map[netip.Addr]int32)
	}
	j, ok := w.index[addr]
	if ok {
		c.stats.shared.Add(1) // answered by the first input of addr
	} else {
		j = int32(len(w.jobs))
		w.index[addr] = j
		w.jobs = append(w.jobs, job{addr: addr})
	}
	w.jobOf = append(w.jobOf, j)
	return nil
}

// result returns the answer for input i (whose parse error, if any, is
// inputErr). The first input of an address gets its Result; duplicates get
// copies, so no two inputs share a Result.
func (w *window) result(i int, inputErr error) (*Result, error) {
	j := w.jobOf[i]
	if j < 0 {
		return nil, inputErr
	}
	jb := &w.jobs[j]
	if jb.err != nil {
		return nil, jb.err
	}
	if len(w.given) < len(w.jobs) {
		w.given = append(w.given, make([]bool, len(w.jobs)-len(w.given))...)
	}
	if w.given[j] {
		r := jb.res.clone()
		r.Query.RequestID = newRequestID() // every item is its own request
		return r, nil
	}
	w.given[j] = true
	return jb.res, nil
}

// runJobs looks up every job, filling res (or err when the context ended
// first). Cached answers are used; the rest are asked in two phases:
//
//  1. source calls — each Batcher source once per chunk of its batch size,
//     each remote non-batching source once per address, and the local
//     sources per address in parts of the work, all concurrently on at most
//     c.concurrency goroutines;
//  2. merging and scoring, in parts, concurrently.
//
// With only local, non-batching sources (the common case) the two phases
// are one pass.
func (c *Client) runJobs(ctx context.Context, jobs []job) {
	start := time.Now()
	todo := make([]*job, 0, len(jobs))
	for i := range jobs {
		if c.cache != nil {
			if r := c.cache.get(jobs[i].addr, start); r != nil {
				c.stats.cacheHits.Add(1)
				jobs[i].res = r
				continue
			}
			c.stats.cacheMisses.Add(1)
		}
		todo = append(todo, &jobs[i])
	}
	if len(todo) == 0 {
		return
	}
	m := len(c.sources)
	ans := make([]answer, len(todo)*m)
	row := func(j int) []answer { return ans[j*m : (j+1)*m] }

	var g errgroup.Group
	g.SetLimit(c.concurrency)
	calls := false // any work besides local per-address lookups
	for si := range c.sources {
		e := &c.sources[si]
		switch {
		case e.batcher != nil:
			calls = true
			size := e.maxBatch
			if size <= 0 {
				size = len(todo)
			}
			for lo := 0; lo < len(todo); lo += size {
				hi := min(lo+size, len(todo))
				g.Go(func() error {
					c.askBatch(ctx, e, todo[lo:hi], func(j int, a answer) { row(lo + j)[si] = a })
					return nil
				})
			}
		case e.remote:
			calls = true
			for j := range todo {
				g.Go(func() error {
					row(j)[si] = c.askRemote(ctx, e, todo[j].addr)
					return nil
				})
			}
		}
	}

	// Local per-address lookups, and the builds too when nothing else runs.
	finish := func(lo, hi int) {
		for j := lo; j < hi; j++ {
			c.finish(ctx, todo[j], row(j), start)
		}
	}
	parts := splitParts(len(todo), c.concurrency)
	for _, p := range parts {
		g.Go(func() error {
			for j := p.lo; j < p.hi; j++ {
				c.askLocal(ctx, todo[j].addr, row(j))
			}
			if !calls {
				finish(p.lo, p.hi)
			}
			return nil
		})
	}
	g.Wait()
	if !calls {
		return
	}
	for _, p := range parts {
		g.Go(func() error {
			finish(p.lo, p.hi)
			return nil
		})
	}
	g.Wait()
}

// finish builds a job's Result from its answers, unless the context ended
// before the job was answered.
func (c *Client) finish(ctx context.Context, jb *job, row []answer, start time.Time) {
	if err := ctx.Err(); err != nil {
		jb.err = err
		return
	}
	jb.res = c.build(jb.addr, row, start)
	if c.cache != nil {
		c.cache.put(jb.res)
	}
}

// askLocal asks the local sources that do not batch about addr.
func (c *Client) askLocal(ctx context.Context, addr netip.Addr, row []answer) {
	if ctx.Err() != nil {
		return
	}
	var missed uint
	for si := range c.sources {
		if e := &c.sources[si]; !e.remote && e.batcher == nil {
			row[si].rec, row[si].err = callLookup(ctx, e.src, addr)
			missed |= c.recordLocal(e, &row[si])
		}
	}
	c.countResolve(addr, missed)
}

// askBatch asks one batching source about a chunk of jobs and reports each
// answer through set; a failed call is every address's error.
func (c *Client) askBatch(ctx context.Context, e *sourceEntry, chunk []*job, set func(int, answer)) {
	if ctx.Err() != nil {
		return
	}
	addrs := make([]netip.Addr, len(chunk))
	for i := range chunk {
		addrs[i] = chunk[i].addr
	}
	var recs []source.Record
	var err error
	if e.remote {
		recs, err = runRemote(c, ctx, e, func(ctx context.Context) ([]source.Record, error) {
			return c.timedBatch(ctx, e, addrs)
		})
	} else {
		recs, err = c.timedBatch(ctx, e, addrs)
	}
	for i := range chunk {
		if err != nil {
			set(i, answer{err: err})
		} else {
			set(i, answer{rec: recs[i]})
		}
	}
}

// askRemote asks one remote source about one address.
func (c *Client) askRemote(ctx context.Context, e *sourceEntry, addr netip.Addr) answer {
	if ctx.Err() != nil {
		return answer{}
	}
	rec, err := runRemote(c, ctx, e, func(ctx context.Context) (source.Record, error) {
		return c.timedLookup(ctx, e, addr)
	})
	return answer{rec, err}
}

// runRemote runs call in a goroutine that Close waits for, under e's
// deadline and cancelled by Close, and waits for it — but no longer than
// the deadline plus deadline.Grace, or until ctx ends, so a source that
// ignores its context cannot hold the caller.
func runRemote[T any](c *Client, ctx context.Context, e *sourceEntry, call func(context.Context) (T, error)) (T, error) {
	return deadline.Go(ctx, e.timeout, c.ctx, c.goStart, call).Wait(ctx)
}

type part struct{ lo, hi int }

// splitParts cuts n items into at most k contiguous, near-equal parts.
func splitParts(n, k int) []part {
	k = max(min(k, n), 1)
	parts := make([]part, 0, k)
	for i := range k {
		parts = append(parts, part{lo: i * n / k, hi: (i + 1) * n / k})
	}
	return parts
}
