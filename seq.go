package ipintel

import (
	"context"
	"iter"
)

// seqWindow is how many inputs LookupSeq reads ahead and answers together:
// enough to keep every worker busy, small enough that memory stays flat
// however long the input is.
const seqWindow = 1024

// LookupSeq answers a stream of addresses, such as the lines of a log, in
// input order. It reads the input a window at a time and answers each
// window as a batch (deduplicated, batching sources called per chunk, at
// most WithConcurrency goroutines), so memory stays flat for any length of
// input.
//
// A bad input yields (nil, *AddrError) and the stream goes on. If ctx ends
// or the Client is closed, the sequence yields (nil, that error) once and
// stops. Breaking out of the loop stops it at once; no goroutine is left
// behind.
func (c *Client) LookupSeq(ctx context.Context, ips iter.Seq[string]) iter.Seq2[*Result, error] {
	return func(yield func(*Result, error) bool) {
		var w window
		errs := make([]error, 0, seqWindow)
		// flush answers the inputs gathered so far; it reports whether to
		// go on.
		flush := func() bool {
			if len(w.jobOf) == 0 {
				return true
			}
			if c.closed.Load() {
				yield(nil, ErrClosed)
				return false
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return false
			}
			c.runJobs(ctx, w.jobs)
			for i := range w.jobOf {
				r, err := w.result(i, errs[i])
				if err != nil && !errorsIsAddr(err) {
					yield(nil, err) // the context ended part-way
					return false
				}
				if !yield(r, err) {
					return false
				}
			}
			w.reset()
			clear(errs)
			errs = errs[:0]
			return true
		}
		for s := range ips {
			errs = append(errs, w.add(c, s))
			if len(w.jobOf) == seqWindow && !flush() {
				return
			}
		}
		flush()
	}
}
